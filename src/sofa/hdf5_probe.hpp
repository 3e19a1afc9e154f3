// A cheap check on a file image before libmysofa parses it.
#pragma once

#include <cstddef>

namespace pinna::detail {

/// True when the image has the HDF5 signature at offset 0, 512, 1024, ... (HDF5 allows a
/// user block before the superblock).
bool looks_like_hdf5(const void* bytes, std::size_t size) noexcept;

/// The superblock version byte after the image's HDF5 signature, or -1 without one.
int hdf5_superblock_version(const void* bytes, std::size_t size) noexcept;

/// The same for the first `size` bytes of an open file (read at the signature's places).
bool looks_like_hdf5_file(int fd, std::size_t size) noexcept;

}  // namespace pinna::detail
