// pinna: command-line tool for personalized HRTFs.
#include <cstdio>
#include <string>

#include "cli/commands.hpp"
#include "cli/neural_launcher.hpp"

namespace pinna::cli {
namespace {

// Every command, in the order `pinna --help` lists them. The neural ones print their help
// from pinna-neural.
const std::vector<Command>& commands() {
    static const std::vector<Command> list = {
        {"info", "describe a SOFA file (convention, sizes, grid, delays, metadata)", kInfoHelp,
         run_info},
        {"convert", "convert any readable SOFA file to conformant SimpleFreeFieldHRIR",
         kConvertHelp, run_convert},
        {"verify", "check SOFA files against their convention and what renderers accept",
         kVerifyHelp, run_verify},
        {"evaluate", "compare an estimated HRIR set with a reference (LSD, ITD, ILD, ...)",
         kEvaluateHelp, run_evaluate},
        {"sparsify", "keep one of the LAP challenge's sparse subsets of a set", kSparsifyHelp,
         run_sparsify},
        {"upsample", "interpolate a sparse set onto a dense grid (classical or neural)",
         kUpsampleHelp, run_upsample},
        {"predict", "predict personal HRIR sets from anthropometry (neural)", nullptr, run_predict},
        {"encode", "pass a set through the autoencoder's latent codes (neural)", nullptr,
         run_encode},
        {"render", "render a sound file binaurally: moving sources, head tracking, 5.1/7.1",
         kRenderHelp, run_render},
    };
    return list;
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
    install_signal_handlers();
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
        // Whether pinna-neural is installed beside pinna: LibTorch itself is not loaded.
        if (neural_available())
            std::printf("pinna %s (neural models: LibTorch)\n", PINNA_VERSION);
        else
            std::printf("pinna %s (no neural models: built without LibTorch)\n", PINNA_VERSION);
        return 0;
    }
    const Argv args(argv + 2, argv + argc);
    for (const Command& c : commands())
        if (name == c.name)
            return run_command(c, args);
    std::fprintf(stderr, "pinna: error: unknown command '%s'\nTry 'pinna --help'.\n", name.c_str());
    return 2;
}
