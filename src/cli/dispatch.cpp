#include <signal.h>

#include <csignal>
#include <cstdio>
#include <exception>
#include <new>

#include "cli/args.hpp"
#include "cli/commands.hpp"
#include "pinna/atomic_file.hpp"
#include "pinna/error.hpp"

namespace pinna::cli {
namespace {

extern "C" void remove_temporaries_and_reraise(int sig) {
    pinna::remove_pending_temporaries();
    ::signal(sig, SIG_DFL);
    ::raise(sig);
}

}  // namespace

void install_signal_handlers() {
    // With `ulimit -f` exceeded, writes fail with EFBIG instead of killing the process, so
    // the atomic writer can clean up and report.
    std::signal(SIGXFSZ, SIG_IGN);
    // An interrupted command leaves no half-written output: the atomic writer's temporaries
    // are removed, then the signal ends the process as it would have.
    for (int sig : {SIGINT, SIGTERM, SIGHUP}) {
        struct sigaction action {};
        action.sa_handler = remove_temporaries_and_reraise;
        sigemptyset(&action.sa_mask);
        ::sigaction(sig, &action, nullptr);
    }
}

bool wants_help(const Argv& args, const Command& command) {
    if (command.help == nullptr)
        return false;  // the command prints its own (pinna-neural's)
    for (const auto& a : args) {
        if (a == "--")
            break;
        if (a == "--help" || a == "-h") {
            std::fputs(command.help, stdout);
            return true;
        }
    }
    return false;
}

int run_command(const Command& c, const Argv& args) {
    try {
        if (wants_help(args, c))
            return 0;
        return c.run(args);
    } catch (const UsageError& e) {
        std::fprintf(stderr, "pinna: error: %s\nTry 'pinna %s --help'.\n", e.what(), c.name);
        return 2;
    } catch (const pinna::Error& e) {
        std::fprintf(stderr, "pinna: error: %s (%s)\n", e.what(), pinna::to_string(e.kind()));
        return 1;
    } catch (const std::bad_alloc&) {
        std::fprintf(stderr, "pinna: error: out of memory\n");
        return 1;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "pinna: error: %s\n", e.what());
        return 1;
    }
}

}  // namespace pinna::cli
