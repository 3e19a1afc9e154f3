#include <cstdio>

#include "cli/args.hpp"
#include "cli/commands.hpp"
#include "pinna/resample.hpp"
#include "pinna/sofa.hpp"

namespace pinna::cli {

const char* const kConvertHelp =
    "usage: pinna convert IN.sofa OUT.sofa [--rate HZ] [--taps N]\n\n"
    "Reads any SOFA file pinna can read (SimpleFreeFieldHRIR, GeneralFIR, ...) and writes\n"
    "a conformant SimpleFreeFieldHRIR 1.0 file (atomically) that libmysofa's mysofa_open\n"
    "accepts. Data.Delay is applied to the IRs. The source's metadata is carried over.\n\n"
    "  --rate HZ   resample to this sample rate (band-limited windowed sinc; each IR\n"
    "              keeps its frequency response)\n"
    "  --taps N    cut (with a short fade-out) or zero-pad the IRs to N samples\n";

int run_convert(const Argv& argv) {
    const Args args(argv, {}, {"--rate", "--taps"});
    args.expect_positionals(2, "an input and an output SOFA file");
    const double rate = args.get_double("--rate", 0.0);
    const long taps = args.get_long("--taps", 0);
    if (args.has("--rate") && rate <= 0.0)
        throw UsageError("--rate must be positive");
    if (args.has("--taps") && taps <= 0)
        throw UsageError("--taps must be positive");

    const std::string in = args.positionals()[0], out = args.positionals()[1];
    HrirSet set = read_sofa(in);
    const double old_rate = set.sample_rate_hz();
    const std::size_t old_taps = set.taps();
    if (rate > 0.0)
        set = resample(set, rate);
    if (taps > 0)
        set.resize_taps(static_cast<std::size_t>(taps),
                        std::min<std::size_t>(static_cast<std::size_t>(taps) / 8, 16));
    set.metadata.set_attribute(
        "History", set.metadata.attribute("History").empty()
                       ? "Converted by pinna from " + in
                       : set.metadata.attribute("History") + "; converted by pinna from " + in);
    write_sofa(set, out);
    std::printf("%s: %zu directions, %zu taps at %g Hz -> %s: %zu taps at %g Hz\n", in.c_str(),
                set.measurements(), old_taps, old_rate, out.c_str(), set.taps(),
                set.sample_rate_hz());
    return 0;
}

}  // namespace pinna::cli
