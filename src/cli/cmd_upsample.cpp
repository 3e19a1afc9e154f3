#include <cstdio>

#include "cli/args.hpp"
#include "cli/commands.hpp"
#include "cli/grid_arg.hpp"
#include "pinna/error.hpp"
#include "pinna/interpolate.hpp"
#include "pinna/sofa.hpp"

namespace pinna::cli {

const char* const kUpsampleHelp =
    "usage: pinna upsample SPARSE.sofa -o OUT.sofa --grid REF.sofa|fibonacci:N|lebedev:N\n"
    "                      [--method nearest|barycentric|sh|neural] [--time-aligned]\n"
    "                      [--sh-order N] [--sh-lambda X] [--no-head-model]\n"
    "                      [--model PATH] [--threads N] [--no-chain-eq]\n"
    "                      [--population-offset] [--head-yaw DEG]\n\n"
    "Interpolates a set measured at a few directions onto a dense grid and writes a\n"
    "conformant SimpleFreeFieldHRIR file (atomically).\n\n"
    "  --grid G          target directions: the directions of a SOFA file, or a generated\n"
    "                    grid (fibonacci:N, lebedev:N)\n"
    "  --method M        nearest, barycentric (default) or sh (docs/interpolation.md), or\n"
    "                    neural: the upsampling model (models/upsampler.md; needs LibTorch)\n"
    "  --time-aligned    interpolate dB magnitudes and delays separately, rebuild\n"
    "                    minimum-phase IRs (no comb filtering between misaligned onsets)\n"
    "  --sh-order N      spherical-harmonic order for sh (default: from the grid)\n"
    "  --sh-lambda X     Tikhonov weight for sh (default 0.01)\n"
    "  --no-head-model   time-aligned: interpolate delays instead of fitting a spherical head\n"
    "  --model PATH      neural: upsampling model (default: models/upsampler.pt, or\n"
    "                    $PINNA_MODEL_DIR/upsampler.pt)\n"
    "  --threads N       neural: threads for the model (default: LibTorch's choice)\n"
    "  --no-chain-eq     neural: feed the measurements to the model as they are, without\n"
    "                    taking another lab's level and colouring out (models/upsampler.md)\n"
    "  --population-offset\n"
    "                    neural: the baseline instead of the model's posterior: the\n"
    "                    population average shifted by the measured sets' mean offset\n"
    "  --head-yaw DEG    neural: the head's yaw to assume (degrees, turned to the left; 0\n"
    "                    for a head known to sit straight) instead of the model's estimate\n"
    "                    from the measured ITDs (models/upsampler.md, \"Head yaw\")\n"
    "  -o, --output F    output SOFA file (required)\n";

Args upsample_args(const Argv& argv) {
    Args args(argv, {"--time-aligned", "--no-head-model", "--no-chain-eq", "--population-offset"},
              {"-o", "--output", "--grid", "--method", "--sh-order", "--sh-lambda", "--model",
               "--threads", "--head-yaw"});
    args.expect_positionals(1, "a sparse SOFA file");
    if (args.get("-o", args.get("--output")).empty())
        throw UsageError("-o OUT.sofa is required");
    if (!args.has("--grid"))
        throw UsageError("--grid REF.sofa|fibonacci:N|lebedev:N is required");
    return args;
}

int run_upsample(const Argv& argv) {
    const Args args = upsample_args(argv);
    const std::string out = args.get("-o", args.get("--output"));
    InterpolationOptions options;
    const std::string method = args.get("--method", "barycentric");
    if (method == "neural")
        return run_upsample_neural(argv);
    for (const char* option : {"--model", "--threads", "--head-yaw"})
        if (args.has(option))
            throw UsageError(std::string(option) + " applies only to --method neural");
    for (const char* flag : {"--no-chain-eq", "--population-offset"})
        if (args.flag(flag))
            throw UsageError(std::string(flag) + " applies only to --method neural");
    try {
        options.method = parse_interpolation_method(method);
    } catch (const Error& e) {
        throw UsageError(e.what());
    }
    options.time_aligned = args.flag("--time-aligned");
    options.head_model_delays = !args.flag("--no-head-model");
    options.sh_order = static_cast<int>(args.get_long("--sh-order", -1));
    options.sh_regularisation = args.get_double("--sh-lambda", options.sh_regularisation);

    const HrirSet sparse = read_sofa(args.positionals()[0]);
    const std::vector<Direction> grid = read_grid_argument(args.get("--grid"));
    HrirSet dense = upsample(sparse, grid, options);
    dense.metadata.set_attribute("Comment", std::string("Upsampled by pinna (") +
                                                to_string(options.method) +
                                                (options.time_aligned ? ", time-aligned" : "") +
                                                ") from " + std::to_string(sparse.measurements()) +
                                                " directions of " + args.positionals()[0]);
    dense.metadata.comment = dense.metadata.attribute("Comment");
    write_sofa(dense, out);
    std::printf("upsampled %zu -> %zu directions (%s%s) -> %s\n", sparse.measurements(),
                dense.measurements(), to_string(options.method),
                options.time_aligned ? ", time-aligned" : "", out.c_str());
    return 0;
}

}  // namespace pinna::cli
