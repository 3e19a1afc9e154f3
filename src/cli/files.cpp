#include "cli/files.hpp"

#include <cctype>
#include <filesystem>
#include <system_error>

#include "pinna/error.hpp"

namespace pinna::cli {

std::string file_stem(const std::string& subject, std::size_t line) {
    std::string s;
    for (const char c : subject) {
        const auto u = static_cast<unsigned char>(c);
        const bool safe = std::isalnum(u) || c == '-' || c == '_' || c == '.' || u >= 0x80;
        s += safe ? c : '_';
    }
    if (s.find_first_not_of('.') == std::string::npos)
        s = "row" + std::to_string(line);
    return s.substr(0, 200);
}

void make_directory(const std::string& dir) {
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    if (ec || !std::filesystem::is_directory(dir))
        throw IoError(dir + ": cannot create the output folder (" +
                      (ec ? ec.message() : std::string("exists and is not a folder")) + ")");
}

bool is_directory(const std::string& path) {
    std::error_code ec;
    return std::filesystem::is_directory(path, ec);
}

}  // namespace pinna::cli
