// The pinna subcommands. Each run_* function takes the arguments after the command name,
// returns the exit code, and throws UsageError (exit 2) or pinna::Error (exit 1).
//
// Two programs share them: `pinna` (main.cpp) runs every command that needs no neural
// model in-process; for predict, encode and upsample --method neural it execs
// `pinna-neural` (neural/main.cpp, linked with LibTorch; neural_launcher.cpp finds it).
#pragma once

#include <string>
#include <vector>

namespace pinna::cli {

using Argv = std::vector<std::string>;

struct Command {
    const char* name;
    const char* summary;
    const char* help;  ///< full --help text; null: the command prints its own
    int (*run)(const Argv& args);
};

/// Signal handling of both programs: SIGXFSZ ignored (a full quota is an error, not a
/// kill); SIGINT/SIGTERM/SIGHUP remove the temporaries of writes in progress first.
void install_signal_handlers();

/// True when args hold --help or -h; prints the command's help then (never for a command
/// whose help is null: it prints its own).
bool wants_help(const Argv& args, const Command& command);

/// Runs a command (its --help included) with pinna's exit codes: 0, 1 with
/// "pinna: error: MESSAGE (kind)" on stderr for a pinna::Error, 2 for bad usage.
int run_command(const Command& command, const Argv& args);

int run_info(const Argv& args);
int run_convert(const Argv& args);
int run_evaluate(const Argv& args);
int run_sparsify(const Argv& args);
int run_upsample(const Argv& args);
int run_render(const Argv& args);
int run_verify(const Argv& args);

class Args;
/// The arguments of `upsample`, parsed and checked (-o and --grid required).
Args upsample_args(const Argv& argv);

// The neural commands: in `pinna` they exec pinna-neural (neural_launcher.cpp); in
// pinna-neural they run the models (neural/).
int run_predict(const Argv& args);
int run_encode(const Argv& args);
int run_upsample_neural(const Argv& args);

extern const char* const kInfoHelp;
extern const char* const kConvertHelp;
extern const char* const kEvaluateHelp;
extern const char* const kSparsifyHelp;
extern const char* const kUpsampleHelp;
extern const char* const kRenderHelp;
extern const char* const kVerifyHelp;

}  // namespace pinna::cli
