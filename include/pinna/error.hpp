// Typed errors. Every failure pinna reports is a pinna::Error whose kind() says what went
// wrong in general and whose what() names the file, variable or value and what is wrong.
#pragma once

#include <stdexcept>
#include <string>

#include "pinna/visibility.hpp"

PINNA_API_BEGIN
namespace pinna {

enum class ErrorKind {
    io,                      ///< the file system refused: missing file, permission, full disk
    malformed_file,          ///< the bytes are not a valid SOFA/HDF5/CSV/model file
    unsupported_convention,  ///< a valid SOFA file of a convention pinna cannot use as HRIRs
    invalid_data,            ///< well-formed but unusable: NaN, zero rate, wrong sizes
    invalid_argument,        ///< a caller passed a bad option or parameter
    model,                   ///< a neural model file does not fit its runner
};

/// Short lowercase name of a kind, e.g. "malformed file".
const char* to_string(ErrorKind kind) noexcept;

class Error : public std::runtime_error {
  public:
    Error(ErrorKind kind, const std::string& message) : std::runtime_error(message), kind_(kind) {}
    ErrorKind kind() const noexcept { return kind_; }

  private:
    ErrorKind kind_;
};

struct IoError : Error {
    explicit IoError(const std::string& m) : Error(ErrorKind::io, m) {}
};
struct MalformedFileError : Error {
    explicit MalformedFileError(const std::string& m) : Error(ErrorKind::malformed_file, m) {}
};
struct UnsupportedConventionError : Error {
    explicit UnsupportedConventionError(const std::string& m)
        : Error(ErrorKind::unsupported_convention, m) {}
};
struct InvalidDataError : Error {
    explicit InvalidDataError(const std::string& m) : Error(ErrorKind::invalid_data, m) {}
};
struct InvalidArgumentError : Error {
    explicit InvalidArgumentError(const std::string& m) : Error(ErrorKind::invalid_argument, m) {}
};
struct ModelError : Error {
    explicit ModelError(const std::string& m) : Error(ErrorKind::model, m) {}
};

/// Throws the Error subclass of `kind` (IoError for ErrorKind::io, ...) with `message`.
[[noreturn]] void throw_error(ErrorKind kind, const std::string& message);

}  // namespace pinna
PINNA_API_END
