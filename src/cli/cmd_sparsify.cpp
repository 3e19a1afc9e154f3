#include "cli/args.hpp"
#include "cli/commands.hpp"

namespace pinna::cli {

const char* const kSparsifyHelp = "pinna sparsify: not available yet\n";

int run_sparsify(const Argv&) {
    throw UsageError("'sparsify' is not implemented yet");
}

}  // namespace pinna::cli
