// What pinna-neural's commands share.
#pragma once

#include "cli/args.hpp"

namespace pinna::cli {

extern const char* const kPredictHelp;
extern const char* const kEncodeHelp;

/// Applies --threads N (1..1024) to the neural models; UsageError when out of range.
void apply_model_threads(const Args& args);

}  // namespace pinna::cli
