#include "core/read_file.hpp"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>
#include <utility>

#include "pinna/error.hpp"

namespace pinna::detail {

void check_size_cap(const std::string& name, unsigned long long size, std::size_t max_bytes) {
    if (size > max_bytes)
        throw InvalidDataError(name + ": file of " + std::to_string(size) +
                               " bytes is larger than the cap of " + std::to_string(max_bytes));
}

std::string read_file_capped(const std::string& path, std::size_t max_bytes) {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0)
        throw IoError(path + ": cannot open: " + std::strerror(errno));
    if (S_ISDIR(st.st_mode))
        throw IoError(path + ": is a folder, not a file");
    check_size_cap(path, static_cast<unsigned long long>(st.st_size), max_bytes);
    std::unique_ptr<std::FILE, int (*)(std::FILE*)> f(std::fopen(path.c_str(), "rb"), &std::fclose);
    if (!f)
        throw IoError(path + ": cannot open: " + std::strerror(errno));
    // Read straight into a string of the size stat() gave (one more byte, so that a file
    // that grew is seen), growing it only for a file that did grow.
    std::string bytes(static_cast<std::size_t>(st.st_size) + 1, '\0');
    std::size_t filled = 0;
    while (true) {
        if (filled == bytes.size())
            bytes.resize(filled + (std::size_t{1} << 16));
        const std::size_t got =
            std::fread(bytes.data() + filled, 1, bytes.size() - filled, f.get());
        if (got == 0)
            break;
        filled += got;
        check_size_cap(path, filled, max_bytes);
    }
    bytes.resize(filled);
    if (std::ferror(f.get()))
        throw IoError(path + ": read failed: " + std::strerror(errno));
    return bytes;
}

OpenedFile::OpenedFile(const std::string& path, std::size_t max_bytes) {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0)
        throw IoError(path + ": cannot open: " + std::strerror(errno));
    if (S_ISDIR(st.st_mode))
        throw IoError(path + ": is a folder, not a file");
    if (!S_ISREG(st.st_mode))
        return;
    // O_NONBLOCK: a path swapped for a FIFO since stat() must not block here.
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0)
        throw IoError(path + ": cannot open: " + std::strerror(errno));
    if (fd <= 3) {  // clear of the worker's standard streams and its image slot
        const int moved = ::fcntl(fd, F_DUPFD_CLOEXEC, 4);
        ::close(fd);
        if (moved < 0)
            throw IoError(path + ": cannot open: " + std::strerror(errno));
        fd = moved;
    }
    // Closed on every way out below, unless kept.
    struct Closer {
        int fd;
        ~Closer() {
            if (fd >= 0)
                ::close(fd);
        }
    } guard{fd};
    if (::fstat(fd, &st) != 0)
        throw IoError(path + ": cannot open: " + std::strerror(errno));
    if (!S_ISREG(st.st_mode) || st.st_size <= 0)  // read_file_capped's business
        return;
    check_size_cap(path, static_cast<unsigned long long>(st.st_size), max_bytes);
    fd_ = std::exchange(guard.fd, -1);
    size_ = static_cast<std::size_t>(st.st_size);
}

OpenedFile::~OpenedFile() {
    if (fd_ >= 0)
        ::close(fd_);
}

MappedImage::MappedImage(int fd, std::size_t max_bytes) {
    struct stat st {};
    if (::fstat(fd, &st) != 0)
        throw IoError(std::string("cannot read the file: ") + std::strerror(errno));
    size_ = std::min(static_cast<std::size_t>(st.st_size), max_bytes);
    if (size_ > 0) {
        void* p = ::mmap(nullptr, size_, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0);
        if (p != MAP_FAILED) {
            map_ = p;
            data_ = static_cast<const char*>(p);
            return;
        }
    }
    // Not mappable: read it.
    copy_.resize(size_);
    std::size_t filled = 0;
    while (filled < size_) {
        const ssize_t got =
            ::pread(fd, copy_.data() + filled, size_ - filled, static_cast<off_t>(filled));
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0)
            throw IoError(std::string("cannot read the file: ") + std::strerror(errno));
        if (got == 0)
            break;
        filled += static_cast<std::size_t>(got);
    }
    copy_.resize(filled);
    size_ = filled;
    data_ = copy_.data();
}

MappedImage::~MappedImage() {
    if (map_ != nullptr)
        ::munmap(map_, size_);
}

}  // namespace pinna::detail
