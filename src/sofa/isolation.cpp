#include "sofa/isolation.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "pinna/error.hpp"

// Sanitizer runtimes let a host (libFuzzer, a test harness) register a callback that runs
// when a sanitizer reports an error. In the isolated child, a report about the parser is
// expected and handled by the parent, so the host's callback must not run there.
extern "C" void __sanitizer_set_death_callback(void (*callback)(void)) __attribute__((weak));
extern char** environ;

// Where the build put the worker, and where an install puts it (set by CMake).
#ifndef PINNA_SOFA_WORKER_BUILD_PATH
#define PINNA_SOFA_WORKER_BUILD_PATH ""
#endif
#ifndef PINNA_SOFA_WORKER_INSTALL_PATH
#define PINNA_SOFA_WORKER_INSTALL_PATH ""
#endif

namespace pinna::detail {
namespace {

constexpr char kMagicSet[4] = {'P', 'N', 'S', '1'};
constexpr char kMagicError[4] = {'P', 'N', 'E', '1'};
constexpr char kMagicRequest[4] = {'P', 'N', 'R', '1'};
constexpr std::size_t kMaxText = 1u << 20;  // one metadata string
constexpr std::size_t kMaxAttributes = 10000;

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

// Current virtual size of this process, so that the child's cap is a budget on top of
// what it inherits (a process with LibTorch loaded already maps gigabytes).
std::size_t virtual_size_bytes() {
    std::FILE* f = std::fopen("/proc/self/statm", "r");
    if (!f)
        return 0;
    unsigned long pages = 0;
    const int got = std::fscanf(f, "%lu", &pages);
    std::fclose(f);
    return got == 1 ? pages * static_cast<std::size_t>(::sysconf(_SC_PAGESIZE)) : 0;
}

double now_s() {
    timespec ts{};
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return static_cast<double>(ts.tv_sec) + 1e-9 * static_cast<double>(ts.tv_nsec);
}

}  // namespace

WireOut& WireOut::text(const std::string& s) {
    put(static_cast<std::uint64_t>(s.size()));
    bytes_ += s;
    return *this;
}

std::string WireIn::text() {
    const auto n = get<std::uint64_t>();
    if (n > kMaxText || n > remaining())
        damaged();
    std::string s = b_.substr(pos_, static_cast<std::size_t>(n));
    pos_ += static_cast<std::size_t>(n);
    return s;
}

void WireIn::raw(void* dst, std::size_t n) {
    if (n > remaining())
        damaged();
    std::memcpy(dst, b_.data() + pos_, n);
    pos_ += n;
}

void WireIn::damaged() const {
    throw MalformedFileError(name_ + ": the isolated process returned a damaged message");
}

std::string encode_set(const HrirSet& set) {
    WireOut out;
    out.raw(kMagicSet, 4)
        .put(set.sample_rate_hz())
        .put(static_cast<std::uint64_t>(set.measurements()))
        .put(static_cast<std::uint64_t>(set.taps()))
        .put(static_cast<std::uint8_t>(set.has_delays()));
    for (const Direction& d : set.directions())
        out.put(d.azimuth_deg).put(d.elevation_deg).put(d.distance_m);
    out.raw(set.data().data(), set.data().size() * sizeof(float));
    if (set.has_delays())
        out.raw(set.delays_samples().data(), set.delays_samples().size() * sizeof(double));
    const Metadata& m = set.metadata;
    for (const std::string* s : {&m.title, &m.database_name, &m.listener_short_name, &m.license,
                                 &m.comment, &m.source_convention, &m.source_path})
        out.text(*s);
    out.put(static_cast<std::uint64_t>(m.attributes.size()));
    for (const auto& [key, value] : m.attributes)
        out.text(key).text(value);
    return std::move(out.bytes());
}

std::string encode_error(int kind, const std::string& message) {
    WireOut out;
    out.raw(kMagicError, 4).put(static_cast<std::int32_t>(kind)).text(message.substr(0, kMaxText));
    return std::move(out.bytes());
}

HrirSet decode_set(WireIn& r, const IsolationLimits& limits) {
    char magic[4];
    r.raw(magic, 4);
    if (std::memcmp(magic, kMagicSet, 4) != 0)
        r.damaged();
    const double fs = r.get<double>();
    const auto m = r.get<std::uint64_t>();
    const auto n = r.get<std::uint64_t>();
    const bool has_delays = r.get<std::uint8_t>() != 0;
    if (m == 0 || n == 0 || m > limits.max_measurements || n > limits.max_taps)
        r.damaged();
    // The payload must really be there before anything of that size is allocated.
    const std::uint64_t payload = m * 3 * sizeof(double) + m * kEars * n * sizeof(float) +
                                  (has_delays ? m * kEars * sizeof(double) : 0);
    if (payload > r.remaining())
        r.damaged();
    std::vector<Direction> dirs(static_cast<std::size_t>(m));
    for (Direction& d : dirs) {
        d.azimuth_deg = r.get<double>();
        d.elevation_deg = r.get<double>();
        d.distance_m = r.get<double>();
    }
    HrirSet set(fs, static_cast<std::size_t>(n), std::move(dirs));
    r.raw(set.data().data(), set.data().size() * sizeof(float));
    if (has_delays) {
        set.delays_samples().resize(static_cast<std::size_t>(m) * kEars);
        r.raw(set.delays_samples().data(), set.delays_samples().size() * sizeof(double));
    }
    Metadata& meta = set.metadata;
    for (std::string* s :
         {&meta.title, &meta.database_name, &meta.listener_short_name, &meta.license, &meta.comment,
          &meta.source_convention, &meta.source_path})
        *s = r.text();
    const auto count = r.get<std::uint64_t>();
    if (count > kMaxAttributes)
        r.damaged();
    for (std::uint64_t i = 0; i < count; ++i) {
        std::string key = r.text();
        meta.attributes.emplace_back(std::move(key), r.text());
    }
    return set;
}

HrirSet decode_result(const std::string& bytes, const std::string& name,
                      const IsolationLimits& limits) {
    WireIn r(bytes, name);
    char magic[4];
    r.raw(magic, 4);
    if (std::memcmp(magic, kMagicError, 4) == 0) {
        const auto kind = r.get<std::int32_t>();
        const std::string message = r.text();
        if (kind < static_cast<std::int32_t>(ErrorKind::io) ||
            kind > static_cast<std::int32_t>(ErrorKind::model))
            r.damaged();
        throw_error(static_cast<ErrorKind>(kind), message);
    }
    WireIn set_in(bytes, name);
    HrirSet set = decode_set(set_in, limits);
    if (set_in.remaining() != 0)
        set_in.damaged();
    return set;
}

std::string run_task(Task task, const std::string& payload) {
    switch (task) {
        case Task::read_set:
            return run_read_set_task(payload);
        case Task::describe:
            return run_describe_task(payload);
        case Task::write:
            return run_write_task(payload);
    }
    throw InvalidArgumentError("unknown isolated task " + std::to_string(static_cast<int>(task)));
}

namespace {

// Runs the task and turns every failure into an encoded error for the parent.
std::string run_caught(Task task, const std::string& payload, const std::string& name,
                       const IsolationLimits& limits) {
    try {
        return run_task(task, payload);
    } catch (const Error& e) {
        return encode_error(static_cast<int>(e.kind()), e.what());
    } catch (const std::bad_alloc&) {
        return encode_error(static_cast<int>(ErrorKind::malformed_file),
                            name + ": declares more data than the memory cap of " +
                                std::to_string(limits.memory_limit_bytes >> 20) + " MiB");
    } catch (const std::exception& e) {
        return encode_error(static_cast<int>(ErrorKind::malformed_file), name + ": " + e.what());
    }
}

// The memory cap is a budget on top of what the process already maps.
void cap_memory(const IsolationLimits& limits) {
    if (under_sanitizer() || limits.memory_limit_bytes == 0)
        return;
    const rlim_t budget = virtual_size_bytes() + limits.memory_limit_bytes;
    rlimit cap{budget, budget};
    ::setrlimit(RLIMIT_AS, &cap);
}

[[noreturn]] void fail(const std::string& role, const std::string& name, const std::string& what) {
    if (role == "writer")
        throw IoError(name + ": " + what);
    throw MalformedFileError(name + ": " + what);
}

// Sends the request on a non-blocking socket within the deadline. Returns false when the
// deadline passed; a worker that went away early (it crashed) is found by the caller.
bool send_all(int fd, const std::string& head, const std::string& payload, double deadline) {
    for (const std::string* part : {&head, &payload}) {
        std::size_t done = 0;
        while (done < part->size()) {
            const double left = deadline - now_s();
            if (left <= 0)
                return false;
            pollfd p{fd, POLLOUT, 0};
            const int ready = ::poll(&p, 1, static_cast<int>(left * 1000) + 1);
            if (ready <= 0)
                continue;
            const ssize_t n = ::send(fd, part->data() + done, part->size() - done, MSG_NOSIGNAL);
            if (n < 0 && (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK))
                continue;
            if (n <= 0)
                return true;  // EPIPE / ECONNRESET: the worker is gone
            done += static_cast<std::size_t>(n);
        }
    }
    return true;
}

// Reads what the isolated process sends until it closes its end or the deadline passes,
// then reaps it (killing it on timeout) and turns a crash into an error.
std::string collect(int fd, pid_t pid, double deadline, bool sent, const std::string& name,
                    const IsolationLimits& limits, const std::string& role) {
    std::string bytes;
    bool timed_out = !sent;
    const std::uint64_t max_bytes =
        std::uint64_t{limits.max_measurements} * kEars * limits.max_taps * 4 + (64u << 20);
    char buffer[1 << 16];
    while (!timed_out) {
        const double left = deadline - now_s();
        if (left <= 0) {
            timed_out = true;
            break;
        }
        pollfd p{fd, POLLIN, 0};
        const int ready = ::poll(&p, 1, static_cast<int>(left * 1000) + 1);
        if (ready <= 0)
            continue;  // EINTR or the deadline, checked above
        const ssize_t got = ::read(fd, buffer, sizeof buffer);
        if (got < 0 && (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK))
            continue;
        if (got <= 0)
            break;
        bytes.append(buffer, static_cast<std::size_t>(got));
        if (bytes.size() > max_bytes)
            break;  // decode_result will call it damaged
    }
    ::close(fd);
    if (timed_out)
        ::kill(pid, SIGKILL);
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    const bool writer = role == "writer";
    if (timed_out)
        fail(role, name,
             "the " + role + " did not finish within " + std::to_string(limits.time_limit_s) +
                 (writer ? " s" : " s (the file is corrupt or hostile)"));
    if (WIFSIGNALED(status))
        fail(role, name,
             "the SOFA/HDF5 " + role + " crashed (signal " + std::to_string(WTERMSIG(status)) +
                 ")" +
                 (writer ? "; the disk may be full or the folder unwritable"
                         : "; the file is corrupt"));
    if (bytes.empty())
        fail(role, name,
             "the isolated " + role + " returned nothing (exit status " +
                 std::to_string(WIFEXITED(status) ? WEXITSTATUS(status) : -1) + ")");
    if (bytes.size() >= 4 && std::memcmp(bytes.data(), kMagicError, 4) == 0)
        decode_result(bytes, name, limits);  // throws the isolated task's error
    return bytes;
}

std::string run_in_worker(const std::string& exe, Task task, const std::string& payload,
                          const std::string& name, const IsolationLimits& limits,
                          const std::string& role) {
    WireOut head;
    head.raw(kMagicRequest, 4)
        .put(static_cast<std::uint8_t>(task))
        .put(static_cast<std::uint32_t>(limits.time_limit_s))
        .put(static_cast<std::uint64_t>(limits.memory_limit_bytes))
        .put(static_cast<std::uint64_t>(limits.max_measurements))
        .put(static_cast<std::uint64_t>(limits.max_taps))
        .text(name);
    int sv[2];
    if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0)
        throw IoError(name + ": cannot create a socket for the isolated " + role + ": " +
                      std::strerror(errno));
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, sv[1], 0);
    posix_spawn_file_actions_adddup2(&actions, sv[1], 1);
    std::string arg0 = exe, arg1 = "--pinna-isolated-task";
    char* argv[] = {arg0.data(), arg1.data(), nullptr};
    pid_t pid = -1;
    const int rc = ::posix_spawn(&pid, exe.c_str(), &actions, nullptr, argv, environ);
    posix_spawn_file_actions_destroy(&actions);
    ::close(sv[1]);
    if (rc != 0) {
        ::close(sv[0]);
        throw IoError(name + ": cannot start the isolated " + role + " '" + exe +
                      "': " + std::strerror(rc) +
                      " (set PINNA_SOFA_WORKER to the pinna-sofa-worker program, or to 'fork')");
    }
    ::fcntl(sv[0], F_SETFL, ::fcntl(sv[0], F_GETFL) | O_NONBLOCK);
    const double deadline = now_s() + limits.time_limit_s;
    const bool sent = send_all(sv[0], head.bytes(), payload, deadline);
    ::shutdown(sv[0], SHUT_WR);
    return collect(sv[0], pid, deadline, sent, name, limits, role);
}

std::string run_in_fork(Task task, const std::string& payload, const std::string& name,
                        const IsolationLimits& limits, const std::string& role) {
    int sv[2];
    if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0)
        throw IoError(name + ": cannot create a socket for the isolated " + role + ": " +
                      std::strerror(errno));
    const pid_t pid = ::fork();
    if (pid < 0) {
        const int err = errno;
        ::close(sv[0]);
        ::close(sv[1]);
        throw IoError(name + ": cannot start the isolated " + role + ": " + std::strerror(err));
    }
    if (pid == 0) {
        // Child: run, send the result or the error, and leave without running the parent's
        // atexit handlers or destructors. The caller's crash handlers (a test framework's,
        // an application's) must not run here: a crash is expected and reported by the
        // parent.
        ::close(sv[0]);
        for (int sig : {SIGSEGV, SIGBUS, SIGABRT, SIGFPE, SIGILL, SIGTRAP, SIGSYS})
            ::signal(sig, SIG_DFL);
        if (__sanitizer_set_death_callback != nullptr)
            __sanitizer_set_death_callback(nullptr);
        cap_memory(limits);
        write_all(sv[1], run_caught(task, payload, name, limits));
        ::close(sv[1]);
        ::_exit(0);
    }
    ::close(sv[1]);
    return collect(sv[0], pid, now_s() + limits.time_limit_s, true, name, limits, role);
}

}  // namespace

const std::string& worker_executable() {
    static const std::string path = [] {
        const char* env = std::getenv("PINNA_SOFA_WORKER");
        if (env != nullptr && *env != '\0')
            return std::strcmp(env, "fork") == 0 ? std::string() : std::string(env);
        for (const char* candidate : {PINNA_SOFA_WORKER_BUILD_PATH, PINNA_SOFA_WORKER_INSTALL_PATH})
            if (*candidate != '\0' && ::access(candidate, X_OK) == 0)
                return std::string(candidate);
        return std::string();
    }();
    return path;
}

std::string run_isolated(Task task, const std::string& payload, const std::string& name,
                         const IsolationLimits& limits, const std::string& role) {
    const std::string& exe = worker_executable();
    if (!exe.empty())
        return run_in_worker(exe, task, payload, name, limits, role);
    return run_in_fork(task, payload, name, limits, role);
}

int worker_main() {
    std::string request;
    char buffer[1 << 16];
    while (true) {
        const ssize_t got = ::read(0, buffer, sizeof buffer);
        if (got < 0 && errno == EINTR)
            continue;
        if (got <= 0)
            break;
        request.append(buffer, static_cast<std::size_t>(got));
    }
    const std::string self = "pinna-sofa-worker";
    IsolationLimits limits;
    Task task{};
    std::string name;
    try {
        WireIn in(request, self);
        char magic[4];
        in.raw(magic, 4);
        if (std::memcmp(magic, kMagicRequest, 4) != 0)
            in.damaged();
        task = static_cast<Task>(in.get<std::uint8_t>());
        limits.time_limit_s = in.get<std::uint32_t>();
        limits.memory_limit_bytes = static_cast<std::size_t>(in.get<std::uint64_t>());
        limits.max_measurements = static_cast<std::size_t>(in.get<std::uint64_t>());
        limits.max_taps = static_cast<std::size_t>(in.get<std::uint64_t>());
        name = in.text();
        request.erase(0, in.position());
    } catch (const Error&) {
        std::fprintf(stderr,
                     "pinna-sofa-worker: runs one SOFA read or write for the pinna library in "
                     "an isolated process; it is started by the library, not by hand\n");
        return 2;
    }
    cap_memory(limits);
    write_all(1, run_caught(task, request, name, limits));
    // Leave at once, as the forked child does: the answer is sent, and exit-time work
    // (static destructors, LeakSanitizer's report of what libmysofa leaks on corrupt
    // files) could only turn a delivered answer into a reported crash.
    ::_exit(0);
}

}  // namespace pinna::detail
