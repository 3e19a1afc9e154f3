#include "cli/args.hpp"
#include "cli/commands.hpp"

namespace pinna::cli {

const char* const kConvertHelp = "pinna convert: not available yet\n";

int run_convert(const Argv&) {
    throw UsageError("'convert' is not implemented yet");
}

}  // namespace pinna::cli
