// Built when pinna is configured without LibTorch: the neural commands say so.
#include "cli/args.hpp"
#include "cli/commands.hpp"
#include "pinna/error.hpp"

namespace pinna::cli {

const char* const kPredictHelp =
    "usage: pinna predict --anthropometry FILE.csv|FILE.json -o OUT_DIR\n\n"
    "This build of pinna has no LibTorch (configure with -DPINNA_WITH_TORCH=ON and\n"
    "libtorch-dev installed) and cannot run neural models.\n";

const char* const kEncodeHelp =
    "usage: pinna encode IN.sofa [-o OUT.sofa] [--codes CODES.csv]\n\n"
    "This build of pinna has no LibTorch (configure with -DPINNA_WITH_TORCH=ON and\n"
    "libtorch-dev installed) and cannot run neural models.\n";

int run_encode(const Argv&) {
    throw ModelError("this pinna was built without LibTorch; neural models are unavailable");
}

int run_predict(const Argv&) {
    throw ModelError("this pinna was built without LibTorch; neural models are unavailable");
}

int run_upsample_neural(const Args&) {
    throw ModelError("this pinna was built without LibTorch; --method neural is unavailable");
}

}  // namespace pinna::cli
