// Process isolation for parsing hostile files and for writing. libmysofa (like most HDF5
// readers) has had many crash bugs on corrupt files, and netCDF-C crashes when a write
// fails; pinna runs those steps in a separate process with a time limit and an
// address-space cap, and receives the result through a socket. A crash, hang or runaway
// allocation there becomes a pinna::Error in the caller; the caller's process is never at
// risk.
//
// The separate process is the pinna-sofa-worker executable, started with posix_spawn:
// exec'ing a fresh program is safe however many threads the caller runs (a plain fork()
// of a multithreaded process may copy a lock some other thread holds, e.g. in a
// sanitizer's allocator, and the child then hangs). Where the worker is not installed,
// pinna falls back to a forked child running the same task.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "pinna/hrir_set.hpp"

namespace pinna::detail {

struct IsolationLimits {
    unsigned time_limit_s = 60;
    std::size_t memory_limit_bytes = std::size_t{4} << 30;  ///< ignored under sanitizers
    std::size_t max_measurements = 200000;
    std::size_t max_taps = 1u << 20;
};

/// What an isolated process can be asked to do; each task's payload and result are built
/// and read by the module that owns the task (reader.cpp, writer.cpp).
enum class Task : std::uint8_t {
    read_set = 1,  ///< payload: read_set_request; result: encode_set
    describe = 2,  ///< payload: describe_request; result: a summary text
    write = 3,     ///< payload: write_request; result: "done"
};

/// Runs `task` on `payload` in an isolated process (worker or forked child) and returns the
/// bytes it produced; a pinna::Error thrown by the task is rethrown here with its kind and
/// message. A crash or timeout is a MalformedFileError for role "reader", an IoError for
/// role "writer". `name` is used in messages.
std::string run_isolated(Task task, const std::string& payload, const std::string& name,
                         const IsolationLimits& limits, const std::string& role);

/// The worker executable run_isolated starts, or empty when it forks instead. Looked up
/// once: $PINNA_SOFA_WORKER (a path, or "fork"), then the build tree, then the install
/// prefix's libexec/pinna.
const std::string& worker_executable();

/// The worker program: reads one request from standard input, runs it under the limits it
/// names, writes the result (or the encoded error) to standard output and ends the process
/// (_exit(0)). Returns 2 only for a request it cannot read.
int worker_main();

/// Runs a task in this process (what the worker and the forked child call).
std::string run_task(Task task, const std::string& payload);
// Defined by the modules that own the tasks.
std::string run_read_set_task(const std::string& payload);
std::string run_describe_task(const std::string& payload);
std::string run_write_task(const std::string& payload);

/// Little binary messages between the processes: fixed-size values in host order and
/// length-prefixed strings. WireIn checks every size and calls the message damaged (a
/// MalformedFileError naming `name`) when anything is missing or too large.
class WireOut {
  public:
    template <typename T>
    WireOut& put(const T& v) {
        bytes_.append(reinterpret_cast<const char*>(&v), sizeof v);
        return *this;
    }
    WireOut& text(const std::string& s);
    WireOut& raw(const void* data, std::size_t n) {
        bytes_.append(static_cast<const char*>(data), n);
        return *this;
    }
    std::string& bytes() { return bytes_; }

  private:
    std::string bytes_;
};

class WireIn {
  public:
    WireIn(const std::string& bytes, const std::string& name, std::size_t offset = 0)
        : b_(bytes), name_(name), pos_(offset) {}
    template <typename T>
    T get() {
        T v;
        raw(&v, sizeof v);
        return v;
    }
    std::string text();
    void raw(void* dst, std::size_t n);
    std::size_t remaining() const { return b_.size() - pos_; }
    std::size_t position() const { return pos_; }
    [[noreturn]] void damaged() const;

  private:
    const std::string& b_;
    const std::string& name_;
    std::size_t pos_ = 0;
};

/// The set and error messages (exposed for tests and fuzzing): encode a set or an error,
/// and decode with every size checked against the limits.
std::string encode_set(const HrirSet& set);
std::string encode_error(int kind, const std::string& message);
/// Decodes; throws the encoded error, or MalformedFileError for a damaged message.
HrirSet decode_result(const std::string& bytes, const std::string& name,
                      const IsolationLimits& limits);
/// Decodes a set that starts at `in`'s position (used inside task payloads).
HrirSet decode_set(WireIn& in, const IsolationLimits& limits);

}  // namespace pinna::detail
