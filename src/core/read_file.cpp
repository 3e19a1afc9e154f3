#include "core/read_file.hpp"

#include <sys/stat.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>

#include "pinna/error.hpp"

namespace pinna::detail {

std::string read_file_capped(const std::string& path, std::size_t max_bytes) {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0)
        throw IoError(path + ": cannot open: " + std::strerror(errno));
    if (S_ISDIR(st.st_mode))
        throw IoError(path + ": is a folder, not a file");
    if (static_cast<unsigned long long>(st.st_size) > max_bytes)
        throw InvalidDataError(path + ": file of " + std::to_string(st.st_size) +
                               " bytes is larger than the cap of " + std::to_string(max_bytes));
    std::unique_ptr<std::FILE, int (*)(std::FILE*)> f(std::fopen(path.c_str(), "rb"), &std::fclose);
    if (!f)
        throw IoError(path + ": cannot open: " + std::strerror(errno));
    // Read straight into a string of the size stat() gave (one more byte, so that a file
    // that grew is seen), growing it only for a file that did grow.
    std::string bytes(static_cast<std::size_t>(st.st_size) + 1, '\0');
    std::size_t filled = 0;
    while (true) {
        if (filled == bytes.size()) {
            if (filled > max_bytes)
                throw InvalidDataError(path + ": file is larger than the cap of " +
                                       std::to_string(max_bytes) + " bytes");
            bytes.resize(filled + (std::size_t{1} << 16));
        }
        const std::size_t got =
            std::fread(bytes.data() + filled, 1, bytes.size() - filled, f.get());
        if (got == 0)
            break;
        filled += got;
    }
    bytes.resize(filled);
    if (filled > max_bytes)
        throw InvalidDataError(path + ": file is larger than the cap of " +
                               std::to_string(max_bytes) + " bytes");
    if (std::ferror(f.get()))
        throw IoError(path + ": read failed: " + std::strerror(errno));
    return bytes;
}

}  // namespace pinna::detail
