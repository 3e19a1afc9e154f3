// pinna-neural: the commands of pinna that run neural models (LibTorch). `pinna` execs it
// for predict, encode and upsample --method neural, so that no other command pays for
// loading LibTorch; it is not meant to be run by hand, though it works that way too.
#include <cstdio>
#include <string>

#include "cli/commands.hpp"
#include "cli/neural/neural.hpp"

int main(int argc, char** argv) {
    using namespace pinna::cli;
    install_signal_handlers();
    static const Command commands[] = {
        {"predict", "", kPredictHelp, run_predict},
        {"encode", "", kEncodeHelp, run_encode},
        {"upsample", "", kUpsampleHelp, run_upsample_neural},
    };
    const std::string name = argc > 1 ? argv[1] : "";
    for (const Command& c : commands)
        if (name == c.name)
            return run_command(c, Argv(argv + 2, argv + argc));
    std::fprintf(stderr,
                 "pinna-neural: runs pinna's neural commands (predict, encode, upsample "
                 "--method neural); use them through pinna\n");
    return 2;
}
