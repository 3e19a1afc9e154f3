#include <cstdio>

#include "cli/args.hpp"
#include "cli/commands.hpp"
#include "pinna/grid.hpp"
#include "pinna/sofa.hpp"

namespace pinna::cli {

const char* const kSparsifyHelp =
    "usage: pinna sparsify IN.sofa --lap 100|19|5|3 -o OUT.sofa\n\n"
    "Keeps one of the LAP challenge's sparse subsets of a set (docs/metrics.md):\n"
    "  100  directions sorted by azimuth then elevation, every 8th from the first\n"
    "  19   azimuth 0, 60, ..., 300 at elevation -45, 0, 45, plus the top\n"
    "  5    (315, 0), (0, -45), (0, 0), (0, 45), (45, 0)\n"
    "  3    (0, 0), (90, 0), (0, 90)\n"
    "On grids without a listed direction the nearest measured one is taken. The output is\n"
    "a SimpleFreeFieldHRIR file, the input to `pinna upsample` and `evaluate --exclude`.\n\n"
    "  --lap LEVEL   100, 19, 5 or 3 (required)\n"
    "  -o, --output  output SOFA file (required; written atomically)\n";

int run_sparsify(const Argv& argv) {
    const Args args(argv, {}, {"--lap", "-o", "--output"});
    args.expect_positionals(1, "an input SOFA file");
    if (!args.has("--lap"))
        throw UsageError("--lap LEVEL is required (100, 19, 5 or 3)");
    const long level = args.get_long("--lap", 0);
    if (level != 100 && level != 19 && level != 5 && level != 3)
        throw UsageError("--lap must be 100, 19, 5 or 3, got " + std::to_string(level));
    const std::string out = args.get("-o", args.get("--output"));
    if (out.empty())
        throw UsageError("-o OUT.sofa is required");

    const HrirSet set = read_sofa(args.positionals()[0]);
    const auto indices = lap_sparse_indices(set.directions(), static_cast<int>(level));
    HrirSet sparse = set.subset(indices);
    sparse.metadata.set_attribute("Comment", "LAP sparse subset of " + std::to_string(level) +
                                                 " directions from " + args.positionals()[0]);
    sparse.metadata.comment = sparse.metadata.attribute("Comment");
    write_sofa(sparse, out);
    std::printf("kept %zu of %zu directions -> %s\n", sparse.measurements(), set.measurements(),
                out.c_str());
    return 0;
}

}  // namespace pinna::cli
