#include "cli/progress.hpp"

#include <unistd.h>

#include <cstdio>

namespace pinna::cli {

Progress::Progress(std::size_t total) : active_(::isatty(STDERR_FILENO) != 0), total_(total) {}

Progress::~Progress() {
    finish();
}

void Progress::finish() {
    if (active_)
        std::fprintf(stderr, "\r\033[K");
    active_ = false;
}

void Progress::item(std::size_t index, const std::string& label) {
    if (active_)
        std::fprintf(stderr, "\r\033[K[%zu/%zu] %s", index + 1, total_, label.c_str());
}

void Progress::line(const std::string& text) {
    std::fprintf(stderr, "%s%s\n", active_ ? "\r\033[K" : "", text.c_str());
}

}  // namespace pinna::cli
