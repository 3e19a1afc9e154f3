// The messages between pinna and its isolated SOFA process (src/sofa/isolation.hpp): one
// request (a task, its limits and payload) in, one result (a set, a summary, or an error)
// out. Fixed-size values in host order and length-prefixed strings; the decoder checks
// every size before it allocates and calls a message damaged (MalformedFileError naming
// the file) when anything is missing, too large or left over. Only pinna::Error escapes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>

#include "pinna/error.hpp"
#include "pinna/hrir_set.hpp"
#include "pinna/sofa.hpp"
#include "pinna/verify.hpp"

namespace pinna::detail {

/// What an isolated process can be asked to do; each task's payload is built and read by
/// the module that owns the task (reader.cpp, writer.cpp, verify.cpp).
enum class Task : std::uint8_t {
    read_set = 1,  ///< result: a set
    describe = 2,  ///< result: a summary
    write = 3,     ///< result: done
    verify = 4,    ///< result: a verification (verify.cpp)
};

struct IsolationLimits {
    unsigned time_limit_s = 60;
    std::size_t memory_limit_bytes = std::size_t{4} << 30;  ///< ignored under sanitizers
    std::size_t max_measurements = 200000;
    std::size_t max_taps = 1u << 20;
};

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
    /// Reads `bytes`, which must outlive the reader; `name` (copied) names the file in
    /// messages.
    WireIn(const std::string& bytes, std::string name, std::size_t offset = 0)
        : b_(bytes), name_(std::move(name)), pos_(offset) {}
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
    /// Throws unless the message was read to its end.
    void expect_end() const;
    [[noreturn]] void damaged() const;

  private:
    const std::string& b_;
    std::string name_;
    std::size_t pos_ = 0;
};

// Requests.
struct Request {
    Task task = Task::read_set;
    IsolationLimits limits;
    std::string name;  ///< the file, for messages
    std::string payload;
    /// Sender's side only: bytes that follow `payload` on the wire without being copied
    /// into it (a file image the caller holds). The receiving side finds them at the end
    /// of its `payload`.
    std::string_view payload_tail;
    /// A file the task reads instead of an image in the payload (-1: none): the number of
    /// an open descriptor in the process that runs the task (run_isolated hands the
    /// parent's descriptor to the worker as kImageFd).
    int image_fd = -1;
    /// The size of that file when the caller checked it: the task reads no more.
    std::uint64_t image_size = 0;
};
/// Where the worker finds Request::image_fd.
constexpr int kImageFd = 3;
/// The request's message without payload_tail (send that after it), naming `image_fd` as
/// the descriptor of its file.
std::string encode_request(const Request& request, int image_fd);
inline std::string encode_request(const Request& request) {
    return encode_request(request, request.image_fd);
}
/// Throws MalformedFileError for a damaged request or an unknown task. The payload takes
/// over the message's storage (no copy of a file image).
Request decode_request(std::string bytes);

// Results.
std::string encode_set(const HrirSet& set);
std::string encode_summary(const SofaSummary& summary);
std::string encode_done();
/// The answer of a worker asked to read with netCDF-C only (a read request's first
/// payload byte) to a file it leaves to libmysofa: the caller asks again, libmysofa only.
std::string encode_declined();
bool is_declined(const std::string& bytes) noexcept;
/// A verification without its path (the caller knows it).
std::string encode_verification(const SofaVerification& verification);
std::string encode_error(ErrorKind kind, const std::string& message);
/// True when `bytes` is an encoded error.
bool is_error(const std::string& bytes) noexcept;
/// Throws the error `bytes` encodes (with its kind and message), or MalformedFileError for a
/// damaged message.
[[noreturn]] void throw_decoded_error(const std::string& bytes, const std::string& name);

/// The set of a result message (the encoded error rethrown), checked against the limits.
HrirSet decode_set_result(const std::string& bytes, const std::string& name,
                          const IsolationLimits& limits);
SofaSummary decode_summary_result(const std::string& bytes, const std::string& name);
/// The verification of a result message, its path set to `name`.
SofaVerification decode_verification_result(const std::string& bytes, const std::string& name);
/// Throws the encoded error, or MalformedFileError unless `bytes` says done.
void decode_done_result(const std::string& bytes, const std::string& name);

/// A set inside a payload, at `in`'s position (the writer's request carries one).
HrirSet decode_set(WireIn& in, const IsolationLimits& limits);

}  // namespace pinna::detail
