#include "sofa/hdf5_probe.hpp"

#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace pinna::detail {
namespace {

const unsigned char kSignature[8] = {0x89, 'H', 'D', 'F', '\r', '\n', 0x1a, '\n'};

// Where HDF5 looks for its superblock: 0, 512, 1024, 2048, ... (a user block before it).
std::size_t next_offset(std::size_t offset) noexcept {
    return offset == 0 ? 512 : offset * 2;
}

// Where the image's signature is, or size when it has none.
std::size_t signature_offset(const unsigned char* p, std::size_t size) noexcept {
    for (std::size_t offset = 0; offset + sizeof kSignature <= size; offset = next_offset(offset))
        if (std::memcmp(p + offset, kSignature, sizeof kSignature) == 0)
            return offset;
    return size;
}

}  // namespace

bool looks_like_hdf5(const void* bytes, std::size_t size) noexcept {
    return signature_offset(static_cast<const unsigned char*>(bytes), size) < size;
}

int hdf5_superblock_version(const void* bytes, std::size_t size) noexcept {
    const auto* p = static_cast<const unsigned char*>(bytes);
    const std::size_t at = signature_offset(p, size);
    return at + sizeof kSignature < size ? p[at + sizeof kSignature] : -1;
}

bool looks_like_hdf5_file(int fd, std::size_t size) noexcept {
    unsigned char head[sizeof kSignature];
    for (std::size_t offset = 0; offset + sizeof kSignature <= size; offset = next_offset(offset)) {
        ssize_t got;
        do
            got = ::pread(fd, head, sizeof head, static_cast<off_t>(offset));
        while (got < 0 && errno == EINTR);
        if (got == static_cast<ssize_t>(sizeof head) &&
            std::memcmp(head, kSignature, sizeof kSignature) == 0)
            return true;
    }
    return false;
}

}  // namespace pinna::detail
