// The isolated side of src/sofa/isolation.hpp: what the pinna-sofa-worker program (and the
// forked fallback) runs.
#include <sys/resource.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <new>

#include "pinna/error.hpp"
#include "sofa/isolation.hpp"

namespace pinna::detail {
namespace {

bool under_sanitizer() {
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
    return true;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer) || \
    __has_feature(memory_sanitizer)
    return true;
#else
    return false;
#endif
#else
    return false;
#endif
}

// Current virtual size of this process, so that the cap is a budget on top of what it
// inherits (a process with LibTorch loaded already maps gigabytes).
std::size_t virtual_size_bytes() {
    std::FILE* f = std::fopen("/proc/self/statm", "r");
    if (!f)
        return 0;
    unsigned long pages = 0;
    const int got = std::fscanf(f, "%lu", &pages);
    std::fclose(f);
    return got == 1 ? pages * static_cast<std::size_t>(::sysconf(_SC_PAGESIZE)) : 0;
}

void write_all(int fd, const std::string& bytes) {
    std::size_t done = 0;
    while (done < bytes.size()) {
        const ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return;
        done += static_cast<std::size_t>(n);
    }
}

std::string run_task(const Request& request) {
    switch (request.task) {
        case Task::read_set:
            return run_read_set_task(request);
        case Task::describe:
            return run_describe_task(request);
        case Task::write:
            return run_write_task(request);
        case Task::verify:
            return run_verify_task(request);
    }
    throw InvalidArgumentError("unknown isolated task " +
                               std::to_string(static_cast<int>(request.task)));
}

}  // namespace

void serve(const Request& request, int fd) {
    if (!under_sanitizer() && request.limits.memory_limit_bytes != 0) {
        // A file the task maps (Request::image_fd) is the input, not what parsing it
        // allocates: it does not count against the limit.
        const rlim_t budget = virtual_size_bytes() + request.limits.memory_limit_bytes +
                              (request.image_fd >= 0 ? request.image_size : 0);
        rlimit cap{budget, budget};
        ::setrlimit(RLIMIT_AS, &cap);
    }
    // The answer's length first, so that the parent can take it in without reallocating.
    std::string answer = run_request(request);
    const std::uint64_t length = answer.size();
    write_all(fd, std::string(reinterpret_cast<const char*>(&length), sizeof length));
    write_all(fd, answer);
}

std::string run_request(const Request& request) {
    try {
        return run_task(request);
    } catch (const Error& e) {
        return encode_error(e.kind(), e.what());
    } catch (const std::bad_alloc&) {
        return encode_error(ErrorKind::malformed_file,
                            request.name + ": declares more data than the memory cap of " +
                                std::to_string(request.limits.memory_limit_bytes >> 20) + " MiB");
    } catch (const std::exception& e) {
        return encode_error(ErrorKind::malformed_file, request.name + ": " + e.what());
    }
}

namespace {

// Reads up to n bytes from standard input into dst; returns how many came before the end.
std::size_t read_stdin(char* dst, std::size_t n) {
    std::size_t done = 0;
    while (done < n) {
        const ssize_t got = ::read(0, dst + done, n - done);
        if (got < 0 && errno == EINTR)
            continue;
        if (got <= 0)
            break;
        done += static_cast<std::size_t>(got);
    }
    return done;
}

}  // namespace

namespace {
bool worker_program = false;
}  // namespace

bool in_worker_program() {
    return worker_program;
}

int worker_main() {
    worker_program = true;
    // The request's length (run_isolated sends it first), then the request, read straight
    // into a string of that size. A request is a file image and a little more: the cap only
    // keeps a garbled length from asking for all memory.
    constexpr std::uint64_t kMaxRequestBytes = std::uint64_t{1} << 40;
    std::uint64_t length = 0;
    std::string bytes;
    if (read_stdin(reinterpret_cast<char*>(&length), sizeof length) == sizeof length &&
        length <= kMaxRequestBytes) {
        try {
            bytes.resize(static_cast<std::size_t>(length));
            bytes.resize(read_stdin(bytes.data(), bytes.size()));
        } catch (const std::bad_alloc&) {
            bytes.clear();
        }
    }
    Request request;
    try {
        request = decode_request(std::move(bytes));
    } catch (const Error&) {
        std::fprintf(stderr,
                     "pinna-sofa-worker: runs one SOFA read or write for the pinna library in "
                     "an isolated process; it is started by the library, not by hand\n");
        return 2;
    }
    serve(request, 1);
    // Leave at once, as the forked child does: the answer is sent, and exit-time work
    // (static destructors, LeakSanitizer's report of what libmysofa leaks on corrupt
    // files) could only turn a delivered answer into a reported crash.
    ::_exit(0);
}

}  // namespace pinna::detail
