// Cheap checks on a file image before libmysofa parses it.
#pragma once

#include <cstddef>
#include <string>

namespace pinna::detail {

/// True when the image has the HDF5 signature at offset 0, 512, 1024, ... (HDF5 allows a
/// user block before the superblock).
bool looks_like_hdf5(const void* bytes, std::size_t size) noexcept;

/// Reads a whole file; IoError when it cannot be opened or read, InvalidDataError when it
/// is larger than max_bytes.
std::string read_whole_file(const std::string& path, std::size_t max_bytes);

}  // namespace pinna::detail
