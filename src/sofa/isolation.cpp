#include "sofa/isolation.hpp"

#include <poll.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstring>

#include "pinna/error.hpp"

// Sanitizer runtimes let a host (libFuzzer, a test harness) register a callback that runs
// when a sanitizer reports an error. In the isolated child, a report about the parser is
// expected and handled by the parent, so the host's callback must not run there.
extern "C" void __sanitizer_set_death_callback(void (*callback)(void)) __attribute__((weak));

namespace pinna::detail {
namespace {

constexpr char kMagicSet[4] = {'P', 'N', 'S', '1'};
constexpr char kMagicError[4] = {'P', 'N', 'E', '1'};
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

template <typename T>
void put(std::string& out, const T& v) {
    out.append(reinterpret_cast<const char*>(&v), sizeof v);
}
void put_text(std::string& out, const std::string& s) {
    put(out, static_cast<std::uint64_t>(s.size()));
    out += s;
}

class Reader {
  public:
    Reader(const std::string& bytes, const std::string& name) : b_(bytes), name_(name) {}
    template <typename T>
    T get() {
        need(sizeof(T));
        T v;
        std::memcpy(&v, b_.data() + pos_, sizeof v);
        pos_ += sizeof v;
        return v;
    }
    std::string text() {
        const auto n = get<std::uint64_t>();
        if (n > kMaxText)
            damaged();
        need(static_cast<std::size_t>(n));
        std::string s = b_.substr(pos_, static_cast<std::size_t>(n));
        pos_ += static_cast<std::size_t>(n);
        return s;
    }
    void raw(void* dst, std::size_t n) {
        need(n);
        std::memcpy(dst, b_.data() + pos_, n);
        pos_ += n;
    }
    std::size_t remaining() const { return b_.size() - pos_; }
    [[noreturn]] void damaged() const {
        throw MalformedFileError(name_ + ": the isolated reader returned a damaged result");
    }

  private:
    void need(std::size_t n) const {
        if (n > b_.size() - pos_)
            damaged();
    }
    const std::string& b_;
    const std::string& name_;
    std::size_t pos_ = 0;
};

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

std::string encode_set(const HrirSet& set) {
    std::string out(kMagicSet, 4);
    put(out, set.sample_rate_hz());
    put(out, static_cast<std::uint64_t>(set.measurements()));
    put(out, static_cast<std::uint64_t>(set.taps()));
    put(out, static_cast<std::uint8_t>(set.has_delays()));
    for (const Direction& d : set.directions()) {
        put(out, d.azimuth_deg);
        put(out, d.elevation_deg);
        put(out, d.distance_m);
    }
    out.append(reinterpret_cast<const char*>(set.data().data()), set.data().size() * sizeof(float));
    if (set.has_delays())
        out.append(reinterpret_cast<const char*>(set.delays_samples().data()),
                   set.delays_samples().size() * sizeof(double));
    const Metadata& m = set.metadata;
    for (const std::string* s : {&m.title, &m.database_name, &m.listener_short_name, &m.license,
                                 &m.comment, &m.source_convention, &m.source_path})
        put_text(out, *s);
    put(out, static_cast<std::uint64_t>(m.attributes.size()));
    for (const auto& [key, value] : m.attributes) {
        put_text(out, key);
        put_text(out, value);
    }
    return out;
}

std::string encode_error(int kind, const std::string& message) {
    std::string out(kMagicError, 4);
    put(out, static_cast<std::int32_t>(kind));
    put_text(out, message.substr(0, kMaxText));
    return out;
}

HrirSet decode_result(const std::string& bytes, const std::string& name,
                      const IsolationLimits& limits) {
    Reader r(bytes, name);
    char magic[4];
    r.raw(magic, 4);
    if (std::memcmp(magic, kMagicError, 4) == 0) {
        const auto kind = r.get<std::int32_t>();
        const std::string message = r.text();
        switch (static_cast<ErrorKind>(kind)) {
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
        r.damaged();
    }
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
    if (r.remaining() != 0)
        r.damaged();
    return set;
}

std::string run_isolated(const std::function<std::string()>& work, const std::string& name,
                         const IsolationLimits& limits, const std::string& role) {
    int fds[2];
    if (::pipe(fds) != 0)
        throw IoError(name + ": cannot create a pipe for the isolated " + role + ": " +
                      std::strerror(errno));
    const pid_t pid = ::fork();
    if (pid < 0) {
        const int err = errno;
        ::close(fds[0]);
        ::close(fds[1]);
        throw IoError(name + ": cannot start the isolated " + role + ": " + std::strerror(err));
    }
    if (pid == 0) {
        // Child: parse, send the result or the error, and leave without running the
        // parent's atexit handlers or destructors.
        ::close(fds[0]);
        // The caller's crash handlers (a test framework's, an application's) must not run
        // in the child: a crash here is expected and reported by the parent.
        for (int sig : {SIGSEGV, SIGBUS, SIGABRT, SIGFPE, SIGILL, SIGTRAP, SIGSYS})
            ::signal(sig, SIG_DFL);
        if (__sanitizer_set_death_callback != nullptr)
            __sanitizer_set_death_callback(nullptr);
        if (!under_sanitizer() && limits.memory_limit_bytes > 0) {
            const rlim_t budget = virtual_size_bytes() + limits.memory_limit_bytes;
            rlimit cap{budget, budget};
            ::setrlimit(RLIMIT_AS, &cap);
        }
        std::string message;
        try {
            message = work();
        } catch (const Error& e) {
            message = encode_error(static_cast<int>(e.kind()), e.what());
        } catch (const std::bad_alloc&) {
            message = encode_error(static_cast<int>(ErrorKind::malformed_file),
                                   name + ": declares more data than the memory cap of " +
                                       std::to_string(limits.memory_limit_bytes >> 20) + " MiB");
        } catch (const std::exception& e) {
            message =
                encode_error(static_cast<int>(ErrorKind::malformed_file), name + ": " + e.what());
        }
        write_all(fds[1], message);
        ::close(fds[1]);
        ::_exit(0);
    }
    ::close(fds[1]);
    std::string bytes;
    const double deadline = now_s() + limits.time_limit_s;
    bool timed_out = false;
    const std::uint64_t max_bytes =
        std::uint64_t{limits.max_measurements} * kEars * limits.max_taps * 4 + (64u << 20);
    char buffer[1 << 16];
    while (true) {
        const double left = deadline - now_s();
        if (left <= 0) {
            timed_out = true;
            break;
        }
        pollfd p{fds[0], POLLIN, 0};
        const int ready = ::poll(&p, 1, static_cast<int>(left * 1000) + 1);
        if (ready < 0 && errno == EINTR)
            continue;
        if (ready <= 0)
            continue;  // the deadline check above ends the loop
        const ssize_t got = ::read(fds[0], buffer, sizeof buffer);
        if (got < 0 && errno == EINTR)
            continue;
        if (got <= 0)
            break;
        bytes.append(buffer, static_cast<std::size_t>(got));
        if (bytes.size() > max_bytes)
            break;  // decode_result will call it damaged
    }
    ::close(fds[0]);
    if (timed_out)
        ::kill(pid, SIGKILL);
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    const bool writer = role == "writer";
    auto fail = [&](const std::string& what) {
        if (writer)
            throw IoError(name + ": " + what);
        throw MalformedFileError(name + ": " + what);
    };
    if (timed_out)
        fail("the " + role + " did not finish within " + std::to_string(limits.time_limit_s) +
             (writer ? " s" : " s (the file is corrupt or hostile)"));
    if (WIFSIGNALED(status))
        fail(
            "the SOFA/HDF5 " + role + " crashed (signal " + std::to_string(WTERMSIG(status)) + ")" +
            (writer ? "; the disk may be full or the folder unwritable" : "; the file is corrupt"));
    if (bytes.empty())
        fail("the isolated " + role + " returned nothing");
    if (bytes.size() >= 4 && std::memcmp(bytes.data(), kMagicError, 4) == 0)
        decode_result(bytes, name, limits);  // throws the child's error
    return bytes;
}

HrirSet load_isolated(const std::function<HrirSet()>& load, const std::string& name,
                      const IsolationLimits& limits) {
    const std::string bytes =
        run_isolated([&] { return encode_set(load()); }, name, limits, "reader");
    return decode_result(bytes, name, limits);
}

}  // namespace pinna::detail
