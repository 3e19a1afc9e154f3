// Reading whole files into memory with a size cap: every file pinna parses (SOFA images,
// anthropometry tables) is read through here, so a hostile size is refused the same way.
#pragma once

#include <cstddef>
#include <string>

namespace pinna::detail {

/// The bytes of `path`. Throws IoError when it is missing, a folder or unreadable, and
/// InvalidDataError naming the cap when it holds more than `max_bytes` (checked on the
/// size before reading, and again while reading, for files that grow or lie about it).
std::string read_file_capped(const std::string& path, std::size_t max_bytes);

}  // namespace pinna::detail
