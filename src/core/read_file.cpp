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
    std::string bytes;
    char buffer[1 << 16];
    std::size_t got;
    while ((got = std::fread(buffer, 1, sizeof buffer, f.get())) > 0) {
        bytes.append(buffer, got);
        if (bytes.size() > max_bytes)
            throw InvalidDataError(path + ": file is larger than the cap of " +
                                   std::to_string(max_bytes) + " bytes");
    }
    if (std::ferror(f.get()))
        throw IoError(path + ": read failed: " + std::strerror(errno));
    return bytes;
}

}  // namespace pinna::detail
