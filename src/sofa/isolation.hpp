// Process isolation for parsing hostile files. libmysofa (like most HDF5 readers) has had
// many crash bugs on corrupt files; pinna runs the parse in a forked child with a time
// limit and an address-space cap, and receives the finished HrirSet through a pipe. A
// crash, hang or runaway allocation in the child becomes a MalformedFileError in the
// caller; the caller's process is never at risk.
#pragma once

#include <cstddef>
#include <functional>
#include <string>

#include "pinna/hrir_set.hpp"

namespace pinna::detail {

struct IsolationLimits {
    unsigned time_limit_s = 60;
    std::size_t memory_limit_bytes = std::size_t{4} << 30;  ///< ignored under sanitizers
    std::size_t max_measurements = 200000;
    std::size_t max_taps = 1u << 20;
};

/// Runs `work` in a forked child (with the limits' time and memory caps) and returns the
/// bytes it produced; a pinna::Error thrown by `work` is rethrown here. A crash or timeout
/// of the child is a MalformedFileError for role "reader", an IoError for role "writer".
std::string run_isolated(const std::function<std::string()>& work, const std::string& name,
                         const IsolationLimits& limits, const std::string& role);

/// Runs `load` in a child process and returns its result; a pinna::Error thrown by `load`
/// is rethrown here with the same kind and message. `name` is used in messages.
HrirSet load_isolated(const std::function<HrirSet()>& load, const std::string& name,
                      const IsolationLimits& limits);

/// The wire format between child and parent (exposed for tests and fuzzing): encode a set
/// or an error, and decode with every size checked against the limits.
std::string encode_set(const HrirSet& set);
std::string encode_error(int kind, const std::string& message);
/// Decodes; throws the encoded error, or MalformedFileError for a damaged message.
HrirSet decode_result(const std::string& bytes, const std::string& name,
                      const IsolationLimits& limits);

}  // namespace pinna::detail
