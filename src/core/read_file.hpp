// Reading whole files into memory with a size cap: every file pinna parses (SOFA images,
// anthropometry tables) is read through here, so a hostile size is refused the same way.
#pragma once

#include <cstddef>
#include <string>

namespace pinna::detail {

/// Throws InvalidDataError "NAME: file of SIZE bytes is larger than the cap of MAX_BYTES"
/// when `size` > `max_bytes`: the one wording of the file-size cap.
void check_size_cap(const std::string& name, unsigned long long size, std::size_t max_bytes);

/// The bytes of `path`. Throws IoError when it is missing, a folder or unreadable, and
/// InvalidDataError naming the cap when it holds more than `max_bytes` (checked on the
/// size before reading, and again while reading, for files that grow or lie about it).
std::string read_file_capped(const std::string& path, std::size_t max_bytes);

/// A regular, non-empty file opened for reading (close-on-exec, descriptor above 3), with
/// its size at opening; fd == -1 where `path` is something else (a pipe, a device, a file
/// that says it is empty), which read_file_capped then reads. Throws as read_file_capped for a
/// missing or unreadable path, a folder, or more than `max_bytes`.
class OpenedFile {
  public:
    OpenedFile(const std::string& path, std::size_t max_bytes);
    ~OpenedFile();
    OpenedFile(const OpenedFile&) = delete;
    OpenedFile& operator=(const OpenedFile&) = delete;
    int fd() const noexcept { return fd_; }
    std::size_t size() const noexcept { return size_; }

  private:
    int fd_ = -1;
    std::size_t size_ = 0;
};

/// The first min(file size, max_bytes) bytes of an open file, mapped read-only
/// (MAP_POPULATE: faulted in at once), or read where they cannot be mapped. Only for
/// processes that may crash on a file truncated meanwhile (the isolated SOFA worker): a
/// mapped file that shrinks raises SIGBUS.
class MappedImage {
  public:
    MappedImage(int fd, std::size_t max_bytes);
    ~MappedImage();
    MappedImage(const MappedImage&) = delete;
    MappedImage& operator=(const MappedImage&) = delete;
    const char* data() const noexcept { return data_; }
    std::size_t size() const noexcept { return size_; }

  private:
    void* map_ = nullptr;
    std::string copy_;
    const char* data_ = nullptr;
    std::size_t size_ = 0;
};

}  // namespace pinna::detail
