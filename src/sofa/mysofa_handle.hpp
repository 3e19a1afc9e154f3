// Owner of a libmysofa structure, for the files of this module that call libmysofa.
#pragma once

#include <mysofa.h>

#include <memory>

namespace pinna::detail {

struct MysofaDeleter {
    void operator()(MYSOFA_HRTF* h) const noexcept { mysofa_free(h); }
};
using MysofaPtr = std::unique_ptr<MYSOFA_HRTF, MysofaDeleter>;

}  // namespace pinna::detail
