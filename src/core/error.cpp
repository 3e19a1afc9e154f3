#include "pinna/error.hpp"

namespace pinna {

const char* to_string(ErrorKind kind) noexcept {
    switch (kind) {
        case ErrorKind::io:
            return "i/o error";
        case ErrorKind::malformed_file:
            return "malformed file";
        case ErrorKind::unsupported_convention:
            return "unsupported convention";
        case ErrorKind::invalid_data:
            return "invalid data";
        case ErrorKind::invalid_argument:
            return "invalid argument";
        case ErrorKind::model:
            return "model error";
    }
    return "error";
}

}  // namespace pinna
