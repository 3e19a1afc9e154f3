// pinna: command-line tool for personalized HRTFs.
#include <signal.h>

#include <csignal>
#include <cstdio>
#include <cstring>
#include <exception>

#include "cli/args.hpp"
#include "cli/commands.hpp"
#include "pinna/atomic_file.hpp"
#include "pinna/error.hpp"

#ifndef PINNA_VERSION
#define PINNA_VERSION "unknown"
#endif

namespace pinna::cli {

const std::vector<Command>& commands() {
    static const std::vector<Command> list = {
        {"info", "describe a SOFA file (convention, sizes, grid, delays, metadata)", kInfoHelp,
         run_info},
        {"convert", "convert any readable SOFA file to conformant SimpleFreeFieldHRIR",
         kConvertHelp, run_convert},
        {"evaluate", "compare an estimated HRIR set with a reference (LSD, ITD, ILD, ...)",
         kEvaluateHelp, run_evaluate},
        {"sparsify", "keep one of the LAP challenge's sparse subsets of a set", kSparsifyHelp,
         run_sparsify},
        {"upsample", "interpolate a sparse set onto a dense grid (classical or neural)",
         kUpsampleHelp, run_upsample},
        {"predict", "predict personal HRIR sets from anthropometry (neural)", kPredictHelp,
         run_predict},
        {"encode", "pass a set through the autoencoder's latent codes (neural)", kEncodeHelp,
         run_encode},
    };
    return list;
}

bool wants_help(const Argv& args, const Command& command) {
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

namespace {

extern "C" void remove_temporaries_and_reraise(int sig) {
    pinna::remove_pending_temporaries();
    ::signal(sig, SIG_DFL);
    ::raise(sig);
}

// An interrupted command leaves no half-written output: the atomic writer's temporaries
// are removed, then the signal ends the process as it would have.
void remove_temporaries_on_interrupt() {
    for (int sig : {SIGINT, SIGTERM, SIGHUP}) {
        struct sigaction action {};
        action.sa_handler = remove_temporaries_and_reraise;
        sigemptyset(&action.sa_mask);
        ::sigaction(sig, &action, nullptr);
    }
}

void print_usage(std::FILE* out) {
    std::fprintf(out,
                 "pinna %s: personalized HRTFs\n\n"
                 "usage: pinna COMMAND [ARGS...]\n"
                 "       pinna COMMAND --help\n"
                 "       pinna --version\n\ncommands:\n",
                 PINNA_VERSION);
    for (const Command& c : commands())
        std::fprintf(out, "  %-10s %s\n", c.name, c.summary);
    std::fprintf(out, "\nexit status: 0 success, 1 bad input (message on stderr), 2 bad usage\n");
}
}  // namespace

}  // namespace pinna::cli

int main(int argc, char** argv) {
    using namespace pinna::cli;
    // With `ulimit -f` exceeded, writes fail with EFBIG instead of killing the process, so
    // the atomic writer can clean up and report.
    std::signal(SIGXFSZ, SIG_IGN);
    remove_temporaries_on_interrupt();
    if (argc < 2) {
        print_usage(stderr);
        return 2;
    }
    const std::string name = argv[1];
    if (name == "--help" || name == "-h" || name == "help") {
        print_usage(stdout);
        return 0;
    }
    if (name == "--version") {
#ifdef PINNA_HAS_TORCH
        std::printf("pinna %s (neural models: LibTorch)\n", PINNA_VERSION);
#else
        std::printf("pinna %s (no neural models: built without LibTorch)\n", PINNA_VERSION);
#endif
        return 0;
    }
    const Argv args(argv + 2, argv + argc);
    for (const Command& c : commands()) {
        if (name != c.name)
            continue;
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
    std::fprintf(stderr, "pinna: error: unknown command '%s'\nTry 'pinna --help'.\n", name.c_str());
    return 2;
}
