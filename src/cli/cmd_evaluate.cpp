#include "cli/args.hpp"
#include "cli/commands.hpp"

namespace pinna::cli {

const char* const kEvaluateHelp = "pinna evaluate: not available yet\n";

int run_evaluate(const Argv&) {
    throw UsageError("'evaluate' is not implemented yet");
}

}  // namespace pinna::cli
