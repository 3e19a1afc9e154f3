// No lost output: every file pinna writes goes through write_atomically, so a failure
// (an exception, an unwritable folder, a full disk, an interruption) leaves neither a
// partial target nor a temporary file, and an existing target untouched.
#include <catch2/catch.hpp>

#include <dirent.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <sstream>

#include "pinna/atomic_file.hpp"
#include "pinna/error.hpp"
#include "pinna/sofa.hpp"
#include "support/test_support.hpp"

using namespace pinna;

namespace {
std::vector<std::string> entries(const std::string& dir) {
    std::vector<std::string> out;
    if (DIR* d = ::opendir(dir.c_str())) {
        while (dirent* e = ::readdir(d))
            if (std::string(e->d_name) != "." && std::string(e->d_name) != "..")
                out.push_back(e->d_name);
        ::closedir(d);
    }
    return out;
}
std::string slurp(const std::string& path) {
    std::ifstream f(path, std::ios::binary);
    std::ostringstream s;
    s << f.rdbuf();
    return s.str();
}
// Runs f in a child process and returns its wait status.
template <typename F>
int in_child(F f) {
    std::fflush(nullptr);
    const pid_t pid = fork();
    if (pid == 0) {
        for (int sig : {SIGSEGV, SIGABRT, SIGTERM})
            ::signal(sig, SIG_DFL);
        _exit(f());
    }
    int status = 0;
    waitpid(pid, &status, 0);
    return status;
}
}  // namespace

TEST_CASE("a failing producer leaves no file and keeps the old target", "[robustness][atomic]") {
    test::TempDir dir;
    const std::string target = dir.file("out.bin");
    write_file_atomically(target, "old content");
    CHECK_THROWS_AS(write_atomically(target,
                                     [](const std::string& tmp) {
                                         std::ofstream(tmp) << "half of the new";
                                         throw IoError("simulated failure");
                                     }),
                    IoError);
    CHECK(slurp(target) == "old content");
    CHECK(entries(dir.path()) == std::vector<std::string>{"out.bin"});
}

TEST_CASE("an unwritable or missing folder is an I/O error naming the path",
          "[robustness][atomic]") {
    try {
        write_file_atomically("/nonexistent-folder/x/out.bin", "data");
        FAIL("no error");
    } catch (const Error& e) {
        CHECK(e.kind() == ErrorKind::io);
        CHECK(std::string(e.what()).find("/nonexistent-folder/x/out.bin") != std::string::npos);
    }
    // /proc is not writable even for root.
    CHECK_THROWS_AS(write_file_atomically("/proc/pinna-test.bin", "data"), IoError);
}

TEST_CASE("a full disk (file size limit) fails cleanly for raw files and SOFA files",
          "[robustness][atomic]") {
    test::TempDir dir;
    const std::string raw = dir.file("big.bin"), sofa = dir.file("big.sofa");
    write_file_atomically(raw, "old");
    const int status = in_child([&] {
        ::signal(SIGXFSZ, SIG_IGN);  // as the CLI does: writes then fail with EFBIG
        rlimit limit{64 * 1024, 64 * 1024};
        ::setrlimit(RLIMIT_FSIZE, &limit);
        int failures = 0;
        try {
            write_file_atomically(raw, std::string(1 << 20, 'x'));
        } catch (const IoError&) {
            ++failures;
        }
        try {
            SofaWriteOptions o;
            o.compression_level = 0;  // 1 MiB of samples, uncompressible
            write_sofa(test::synthetic_set(256, 512), sofa, o);
        } catch (const IoError&) {
            ++failures;
        } catch (const Error&) {
            ++failures;
        }
        return failures == 2 ? 0 : 1;
    });
    REQUIRE(WIFEXITED(status));
    CHECK(WEXITSTATUS(status) == 0);
    CHECK(slurp(raw) == "old");
    CHECK(entries(dir.path()) == std::vector<std::string>{"big.bin"});
}

TEST_CASE("an interruption while writing leaves no partial file", "[robustness][atomic]") {
    test::TempDir dir;
    const std::string target = dir.file("out.bin");
    const int status = in_child([&] {
        // What a program's handler does (the pinna CLI's, say): clean up, then re-raise.
        struct sigaction action {};
        action.sa_handler = [](int sig) {
            remove_pending_temporaries();
            ::signal(sig, SIG_DFL);
            ::raise(sig);
        };
        sigemptyset(&action.sa_mask);
        ::sigaction(SIGTERM, &action, nullptr);
        write_atomically(target, [](const std::string& tmp) {
            std::ofstream(tmp) << std::string(100000, 'y');
            ::raise(SIGTERM);  // interrupted half-way
        });
        return 0;
    });
    REQUIRE(WIFSIGNALED(status));
    CHECK(WTERMSIG(status) == SIGTERM);
    CHECK(entries(dir.path()).empty());
}
