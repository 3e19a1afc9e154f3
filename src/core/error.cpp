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

void throw_error(ErrorKind kind, const std::string& message) {
    switch (kind) {
        case ErrorKind::io:
            throw IoError(message);
        case ErrorKind::malformed_file:
            throw MalformedFileError(message);
        case ErrorKind::unsupported_convention:
            throw UnsupportedConventionError(message);
        case ErrorKind::invalid_data:
            throw InvalidDataError(message);
        case ErrorKind::invalid_argument:
            throw InvalidArgumentError(message);
        case ErrorKind::model:
            throw ModelError(message);
    }
    throw Error(kind, message);
}

}  // namespace pinna
