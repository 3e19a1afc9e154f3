#include "sofa/isolation.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "core/install_paths.hpp"
#include "pinna/error.hpp"

// Sanitizer runtimes let a host (libFuzzer, a test harness) register a callback that runs
// when a sanitizer reports an error. In the isolated child, a report about the parser is
// expected and handled by the parent, so the host's callback must not run there.
extern "C" void __sanitizer_set_death_callback(void (*callback)(void)) __attribute__((weak));
extern char** environ;

namespace pinna::detail {
namespace {

const char* role_name(Role role) {
    return role == Role::writer ? "writer" : "reader";
}

double now_s() {
    timespec ts{};
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return static_cast<double>(ts.tv_sec) + 1e-9 * static_cast<double>(ts.tv_nsec);
}

[[noreturn]] void fail(Role role, const std::string& name, const std::string& what) {
    if (role == Role::writer)
        throw IoError(name + ": " + what);
    throw MalformedFileError(name + ": " + what);
}

// Sends the request on a non-blocking socket within the deadline. Returns false when the
// deadline passed; a worker that went away early (it crashed) is found by the caller.
bool send_all(int fd, std::string_view bytes, double deadline) {
    std::size_t done = 0;
    while (done < bytes.size()) {
        const double left = deadline - now_s();
        if (left <= 0)
            return false;
        pollfd p{fd, POLLOUT, 0};
        const int ready = ::poll(&p, 1, static_cast<int>(left * 1000) + 1);
        if (ready <= 0)
            continue;
        const ssize_t n = ::send(fd, bytes.data() + done, bytes.size() - done, MSG_NOSIGNAL);
        if (n < 0 && (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK))
            continue;
        if (n <= 0)
            return true;  // EPIPE / ECONNRESET: the worker is gone
        done += static_cast<std::size_t>(n);
    }
    return true;
}

// The isolated process and our end of its socket, killed, reaped and closed if collect()
// leaves by an exception (an allocation that fails).
struct Child {
    int fd;
    pid_t pid;
    bool armed = true;
    ~Child() {
        if (!armed)
            return;
        ::close(fd);
        ::kill(pid, SIGKILL);
        while (::waitpid(pid, nullptr, 0) < 0 && errno == EINTR) {
        }
    }
};

// Reads from what the isolated process sends, in three phases: the answer's length, the
// answer, and a probe that nothing follows it. Each read waits at most until `deadline`.
class AnswerStream {
  public:
    AnswerStream(int fd, double deadline, bool open)
        : fd_(fd), deadline_(deadline), open_(open), timed_out_(!open) {}
    bool timed_out() const { return timed_out_; }

    // Up to `room` bytes into `dst`: the count read, 0 once the stream has ended (the
    // worker closed its end, a read failed or the deadline passed).
    std::size_t read(char* dst, std::size_t room) {
        while (open_) {
            const double left = deadline_ - now_s();
            if (left <= 0) {
                timed_out_ = true;
                open_ = false;
                break;
            }
            pollfd p{fd_, POLLIN, 0};
            if (::poll(&p, 1, static_cast<int>(left * 1000) + 1) <= 0)
                continue;  // EINTR or the deadline, checked above
            const ssize_t got = ::read(fd_, dst, room);
            if (got < 0 && (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK))
                continue;
            if (got > 0)
                return static_cast<std::size_t>(got);
            open_ = false;
        }
        return 0;
    }

  private:
    int fd_;
    double deadline_;
    bool open_;
    bool timed_out_;
};

// Reads what the isolated process sends until it closes its end or the deadline passes,
// then reaps it (killing it on timeout) and turns a crash into an error.
std::string collect(int fd, pid_t pid, double deadline, bool sent, const Request& request,
                    Role role) {
    Child child{fd, pid};
    const IsolationLimits& limits = request.limits;
    const std::string& name = request.name;
    const std::uint64_t max_bytes =
        std::uint64_t{limits.max_measurements} * kEars * limits.max_taps * 4 + (64u << 20);
    AnswerStream stream(fd, deadline, sent);

    // 1. The answer's length (serve()).
    std::uint64_t announced = 0;
    char length[sizeof announced];
    std::size_t length_got = 0;
    while (length_got < sizeof length) {
        const std::size_t got = stream.read(length + length_got, sizeof length - length_got);
        if (got == 0)
            break;
        length_got += got;
    }
    std::string bytes;
    std::size_t filled = 0;
    bool sized = false;  // the length was read and is plausible
    if (length_got == sizeof length) {
        std::memcpy(&announced, length, sizeof announced);
        sized = announced <= max_bytes;
    }

    // 2. The answer, read straight into `bytes` (no staging buffer, no shift). Its room
    // grows with what arrives, from at most 64 MiB, so a length that promises more than
    // comes commits nothing.
    constexpr std::size_t kFirstRoom = std::size_t{64} << 20;
    if (sized) {
        while (filled < announced) {
            if (filled == bytes.size()) {
                const std::size_t grown = std::max(std::size_t{1} << 16, 2 * bytes.size());
                bytes.resize(static_cast<std::size_t>(
                    std::min<std::uint64_t>(announced, std::max(grown, kFirstRoom))));
            }
            const std::size_t got = stream.read(bytes.data() + filled, bytes.size() - filled);
            if (got == 0)
                break;
            filled += got;
        }
        // 3. Nothing may follow it: what does makes the answer damaged.
        if (filled == announced) {
            char probe[4096];
            const std::size_t got = stream.read(probe, sizeof probe);
            if (got > 0) {
                bytes.resize(filled);
                bytes.append(probe, got);
                filled = bytes.size();
                sized = false;
            }
        }
    }
    // Not an answer (an implausible length, or more than announced): the rest as it comes,
    // up to the cap (the length's bytes counted), for the decoder to call damaged.
    if (!sized && length_got == sizeof length) {
        while (filled + sizeof length <= max_bytes) {
            if (filled == bytes.size())
                bytes.resize(filled + std::max(std::size_t{1} << 16, 2 * bytes.size()));
            const std::size_t got = stream.read(bytes.data() + filled, bytes.size() - filled);
            if (got == 0)
                break;
            filled += got;
        }
    }
    const bool timed_out = stream.timed_out();

    if (length_got < sizeof length)
        bytes.assign(length, length_got);
    else
        bytes.resize(filled);
    // A complete answer is its announced length of bytes; anything else is damaged.
    const bool complete = sized && filled == announced;
    child.armed = false;
    ::close(fd);
    if (timed_out)
        ::kill(pid, SIGKILL);
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    const bool writer = role == Role::writer;
    const std::string who = role_name(role);
    if (timed_out)
        fail(role, name,
             "the " + who + " did not finish within " + std::to_string(limits.time_limit_s) +
                 (writer ? " s" : " s (the file is corrupt or hostile)"));
    if (WIFSIGNALED(status))
        fail(role, name,
             "the SOFA/HDF5 " + who + " crashed (signal " + std::to_string(WTERMSIG(status)) + ")" +
                 (writer ? "; the disk may be full or the folder unwritable"
                         : "; the file is corrupt"));
    if (length_got == 0) {
        const int code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
        // pinna-sofa-worker exits with 2 on a request it cannot decode: the request format
        // of another pinna build (a library and a worker from different installs).
        fail(role, name,
             "the isolated " + who + " returned nothing (exit status " + std::to_string(code) +
                 (code == 2
                      ? ": it could not decode the request, as happens with a pinna-sofa-worker "
                        "of another pinna build; reinstall pinna, or set PINNA_SOFA_WORKER "
                        "to this build's worker)"
                      : ")"));
    }
    if (!complete && length_got == sizeof length)  // damaged: as it came, the length first
        bytes.insert(0, length, sizeof length);
    return bytes;
}

void socket_pair(int sv[2], const Request& request, Role role) {
    if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0)
        throw IoError(request.name + ": cannot create a socket for the isolated " +
                      role_name(role) + ": " + std::strerror(errno));
}

// The worker's environment: the caller's, with glibc's malloc asked to back its heap with
// transparent huge pages (glibc.malloc.hugetlb=1, glibc 2.35 and later; ignored by others).
// A fresh process touches every page of what libmysofa allocates for the first time, and
// with 4 KiB pages those faults cost MIT KEMAR's read about 15 ms of 100.
std::vector<std::string> worker_environment() {
    std::vector<std::string> env;
    bool tunables = false;
    for (char** e = environ; e != nullptr && *e != nullptr; ++e) {
        std::string entry = *e;
        if (entry.rfind("GLIBC_TUNABLES=", 0) == 0) {
            tunables = true;
            if (entry.find("glibc.malloc.hugetlb") == std::string::npos)
                entry += (entry.size() > 15 ? ":" : "") + std::string("glibc.malloc.hugetlb=1");
        }
        env.push_back(std::move(entry));
    }
    if (!tunables)
        env.emplace_back("GLIBC_TUNABLES=glibc.malloc.hugetlb=1");
    return env;
}

std::string run_in_worker(const std::string& exe, const Request& request, Role role) {
    int sv[2];
    socket_pair(sv, request, role);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, sv[1], 0);
    posix_spawn_file_actions_adddup2(&actions, sv[1], 1);
    if (request.image_fd >= 0)  // the worker finds the file as kImageFd
        posix_spawn_file_actions_adddup2(&actions, request.image_fd, kImageFd);
    std::string arg0 = exe, arg1 = "--pinna-isolated-task";
    char* argv[] = {arg0.data(), arg1.data(), nullptr};
    std::vector<std::string> env = worker_environment();
    std::vector<char*> envp;
    for (std::string& entry : env)
        envp.push_back(entry.data());
    envp.push_back(nullptr);
    pid_t pid = -1;
    const int rc = ::posix_spawn(&pid, exe.c_str(), &actions, nullptr, argv, envp.data());
    posix_spawn_file_actions_destroy(&actions);
    ::close(sv[1]);
    if (rc != 0) {
        ::close(sv[0]);
        throw IoError(request.name + ": cannot start the isolated " + role_name(role) + " '" + exe +
                      "': " + std::strerror(rc) +
                      " (set PINNA_SOFA_WORKER to the pinna-sofa-worker program, or to 'fork')");
    }
    ::fcntl(sv[0], F_SETFL, ::fcntl(sv[0], F_GETFL) | O_NONBLOCK);
    const double deadline = now_s() + request.limits.time_limit_s;
    // The request's length, the request, then its payload's tail from the caller's buffer
    // (worker_main reads them in that order).
    const std::string message =
        encode_request(request, request.image_fd >= 0 ? kImageFd : request.image_fd);
    const std::uint64_t length = message.size() + request.payload_tail.size();
    const bool sent =
        send_all(sv[0], std::string_view(reinterpret_cast<const char*>(&length), sizeof length),
                 deadline) &&
        send_all(sv[0], message, deadline) && send_all(sv[0], request.payload_tail, deadline);
    ::shutdown(sv[0], SHUT_WR);
    return collect(sv[0], pid, deadline, sent, request, role);
}

std::string run_in_fork(const Request& request, Role role) {
    int sv[2];
    socket_pair(sv, request, role);
    const pid_t pid = ::fork();
    if (pid < 0) {
        const int err = errno;
        ::close(sv[0]);
        ::close(sv[1]);
        throw IoError(request.name + ": cannot start the isolated " + role_name(role) + ": " +
                      std::strerror(err));
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
        if (request.payload_tail.empty()) {
            serve(request, sv[1]);
        } else {  // as the worker receives it: the tail at the end of the payload
            Request whole = request;
            whole.payload.append(request.payload_tail);
            whole.payload_tail = {};
            serve(whole, sv[1]);
        }
        ::close(sv[1]);
        ::_exit(0);
    }
    ::close(sv[1]);
    return collect(sv[0], pid, now_s() + request.limits.time_limit_s, true, request, role);
}

}  // namespace

const std::string& worker_executable() {
    static const std::string path = [] {
        const char* env = std::getenv("PINNA_SOFA_WORKER");
        if (env != nullptr && *env != '\0')
            return std::strcmp(env, "fork") == 0 ? std::string() : std::string(env);
        const std::string beside = installed_path(reinterpret_cast<const void*>(&run_isolated),
                                                  PINNA_LIBEXEC_SUBDIR "/pinna-sofa-worker");
        return !beside.empty() && ::access(beside.c_str(), X_OK) == 0 ? beside : std::string();
    }();
    return path;
}

std::string run_isolated(const Request& request, Role role) {
    const std::string& exe = worker_executable();
    if (!exe.empty())
        return run_in_worker(exe, request, role);
    return run_in_fork(request, role);
}

}  // namespace pinna::detail
