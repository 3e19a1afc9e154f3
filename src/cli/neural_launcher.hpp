// `pinna` runs no neural model itself (it would have to load LibTorch, half a second, for
// every command): predict, encode and upsample --method neural are run by the pinna-neural
// program, which `pinna` execs with the same arguments.
#pragma once

#include <string>

namespace pinna::cli {

/// pinna-neural's path: $PINNA_NEURAL when set, else <prefix>/libexec/pinna/pinna-neural
/// for the prefix this executable is in (the build tree has the same layout).
std::string neural_program();

/// True when neural_program() exists and is executable.
bool neural_available();

}  // namespace pinna::cli
