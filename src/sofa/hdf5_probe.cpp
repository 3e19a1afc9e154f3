#include "sofa/hdf5_probe.hpp"

#include <cstring>

namespace pinna::detail {

bool looks_like_hdf5(const void* bytes, std::size_t size) noexcept {
    static const unsigned char kSignature[8] = {0x89, 'H', 'D', 'F', '\r', '\n', 0x1a, '\n'};
    const auto* p = static_cast<const unsigned char*>(bytes);
    for (std::size_t offset = 0; offset + sizeof kSignature <= size;
         offset = offset == 0 ? 512 : offset * 2) {
        if (std::memcmp(p + offset, kSignature, sizeof kSignature) == 0)
            return true;
    }
    return false;
}

}  // namespace pinna::detail
