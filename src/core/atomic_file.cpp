#include "pinna/atomic_file.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <random>
#include <string>

#include "pinna/error.hpp"

namespace pinna {
namespace {

// Temporary files being written right now, for the interrupt handler. Fixed slots and
// atomic pointers so that the handler only reads memory that stays valid.
constexpr int kSlots = 64;
std::atomic<const char*> g_pending[kSlots];

struct PendingTemporary {
    int slot = -1;
    explicit PendingTemporary(const std::string& path) {
        for (int i = 0; i < kSlots; ++i) {
            const char* expected = nullptr;
            if (g_pending[i].compare_exchange_strong(expected, path.c_str())) {
                slot = i;
                return;
            }
        }
    }
    ~PendingTemporary() {
        if (slot >= 0)
            g_pending[slot].store(nullptr);
    }
};

std::string directory_of(const std::string& path) {
    const auto slash = path.find_last_of('/');
    if (slash == std::string::npos)
        return ".";
    if (slash == 0)
        return "/";
    return path.substr(0, slash);
}

std::string temporary_name_for(const std::string& target) {
    const auto slash = target.find_last_of('/');
    const std::string dir = slash == std::string::npos ? "" : target.substr(0, slash + 1);
    const std::string base = slash == std::string::npos ? target : target.substr(slash + 1);
    std::random_device rd;
    char suffix[32];
    std::snprintf(suffix, sizeof suffix, ".%ld.%08x", static_cast<long>(getpid()),
                  static_cast<unsigned>(rd()));
    // A leading dot keeps half-written files out of shell globs such as *.sofa.
    return dir + "." + base + suffix + ".tmp";
}

void fsync_path(const std::string& path, bool directory) {
    const int fd = ::open(path.c_str(), directory ? O_RDONLY | O_DIRECTORY : O_RDONLY);
    if (fd < 0) {
        if (directory)
            return;  // some file systems do not allow opening folders; not fatal
        throw IoError(path + ": cannot reopen to flush: " + std::strerror(errno));
    }
    const int rc = ::fsync(fd);
    const int err = errno;
    ::close(fd);
    if (rc != 0 && !directory)
        throw IoError(path + ": flush to disk failed: " + std::strerror(err));
}

}  // namespace

void write_atomically(const std::string& target_path,
                      const std::function<void(const std::string&)>& produce) {
    if (target_path.empty())
        throw InvalidArgumentError("output path is empty");
    const std::string dir = directory_of(target_path);
    if (::access(dir.c_str(), W_OK) != 0)
        throw IoError(target_path + ": cannot write into folder '" + dir +
                      "': " + std::strerror(errno));
    const std::string tmp = temporary_name_for(target_path);
    const PendingTemporary pending(tmp);
    try {
        produce(tmp);
        fsync_path(tmp, false);
        if (std::rename(tmp.c_str(), target_path.c_str()) != 0)
            throw IoError(target_path +
                          ": cannot move finished file into place: " + std::strerror(errno));
    } catch (...) {
        std::remove(tmp.c_str());
        throw;
    }
    fsync_path(dir, true);
}

void remove_pending_temporaries() noexcept {
    for (auto& p : g_pending)
        if (const char* path = p.load())
            ::unlink(path);  // async-signal-safe
}

void write_file_atomically(const std::string& target_path, const std::string& bytes) {
    write_atomically(target_path, [&](const std::string& tmp) {
        std::FILE* f = std::fopen(tmp.c_str(), "wb");
        if (!f)
            throw IoError(target_path + ": cannot create file: " + std::strerror(errno));
        const std::size_t written = std::fwrite(bytes.data(), 1, bytes.size(), f);
        const int err = errno;
        const bool flushed = std::fflush(f) == 0;
        const int err2 = errno;
        const bool closed = std::fclose(f) == 0;
        if (written != bytes.size() || !flushed || !closed)
            throw IoError(target_path +
                          ": write failed: " + std::strerror(written != bytes.size() ? err : err2));
    });
}

}  // namespace pinna
