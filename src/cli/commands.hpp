// The pinna subcommands. Each run_* function takes the arguments after the command name,
// returns the exit code, and throws UsageError (exit 2) or pinna::Error (exit 1).
#pragma once

#include <string>
#include <vector>

namespace pinna::cli {

using Argv = std::vector<std::string>;

struct Command {
    const char* name;
    const char* summary;
    const char* help;  ///< full --help text
    int (*run)(const Argv& args);
};

/// Every command, in the order `pinna --help` lists them.
const std::vector<Command>& commands();

/// True when args hold --help or -h; prints the command's help then.
bool wants_help(const Argv& args, const Command& command);

int run_info(const Argv& args);
int run_convert(const Argv& args);
int run_evaluate(const Argv& args);
int run_sparsify(const Argv& args);
int run_upsample(const Argv& args);
int run_predict(const Argv& args);
int run_encode(const Argv& args);

class Args;
/// `upsample --method neural`: implemented in with_torch/ (or refused without LibTorch).
int run_upsample_neural(const Args& args);
/// Applies --threads N (1..1024) to the neural models; UsageError when out of range.
void apply_model_threads(const Args& args);

extern const char* const kInfoHelp;
extern const char* const kConvertHelp;
extern const char* const kEvaluateHelp;
extern const char* const kSparsifyHelp;
extern const char* const kUpsampleHelp;
extern const char* const kPredictHelp;
extern const char* const kEncodeHelp;

}  // namespace pinna::cli
