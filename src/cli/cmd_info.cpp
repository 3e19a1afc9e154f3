#include <algorithm>
#include <cstdio>

#include "cli/args.hpp"
#include "cli/commands.hpp"
#include "cli/json.hpp"
#include "pinna/error.hpp"
#include "pinna/grid.hpp"
#include "pinna/sofa.hpp"

namespace pinna::cli {

const char* const kInfoHelp =
    "usage: pinna info FILE.sofa [--json]\n\n"
    "Describes a SOFA file as pinna reads it: convention, measurements M, taps N, sample\n"
    "rate, the grid of source directions (elevation range, distinct elevations and\n"
    "distances, mean spacing to the nearest neighbour), delays in Data.Delay, and metadata.\n"
    "Delays are reported as stored (not applied).\n\n"
    "  --json    print one JSON object instead of text\n";

namespace {

// Ends the object `j` with a "metadata" object of the attributes, prints it; exit code 0.
int print_json_with_metadata(Json& j,
                             const std::vector<std::pair<std::string, std::string>>& attributes) {
    j.begin_object("metadata");
    for (const auto& [key, value] : attributes)
        j.value(key, value);
    j.end_object();
    j.end_object();
    std::fputs(j.str().c_str(), stdout);
    return 0;
}

std::string delay_kind(const HrirSet& s) {
    if (!s.has_delays())
        return "none";
    const auto& d = s.delays_samples();
    for (std::size_t i = 2; i < d.size(); ++i)
        if (d[i] != d[i % 2])
            return "per measurement";
    return "global";
}

// A SOFA file libmysofa reads but pinna cannot use as an HRIR set (headphone IRs,
// several emitters): describe what it holds and why it is not an HRIR set.
int describe_other(const std::string& path, bool json) {
    const SofaSummary s = describe_sofa(path);
    if (json) {
        Json j;
        j.begin_object();
        j.value("file", path).value("convention", s.convention).value("data_type", s.data_type);
        j.value("hrir_set", s.hrir_set).value("why_not", s.why_not);
        j.value("measurements", s.measurements).value("receivers", s.receivers);
        j.value("emitters", s.emitters)
            .value("taps", s.samples)
            .value("sample_rate_hz", s.sample_rate_hz);
        return print_json_with_metadata(j, s.attributes);
    }
    std::printf("file:         %s\n", path.c_str());
    std::printf("convention:   %s (DataType %s)\n", s.convention.c_str(), s.data_type.c_str());
    std::printf("HRIR set:     no: %s\n", s.why_not.c_str());
    std::printf("dimensions:   M %zu, R %zu, E %zu, N %zu\n", s.measurements, s.receivers,
                s.emitters, s.samples);
    std::printf("sample rate:  %g Hz\n", s.sample_rate_hz);
    for (const auto& [key, value] : s.attributes)
        if (key == "Title" || key == "DatabaseName" || key == "License" || key == "Comment")
            if (!value.empty())
                std::printf("%-13s %s\n", (key + ":").c_str(), value.c_str());
    return 0;
}

}  // namespace

int run_info(const Argv& argv) {
    const Args args(argv, {"--json"}, {});
    args.expect_positionals(1, "a SOFA file");
    const std::string path = args.positionals()[0];
    SofaReadOptions options;
    options.apply_delays = false;
    HrirSet set;
    try {
        set = read_sofa(path, options);
    } catch (const UnsupportedConventionError&) {
        return describe_other(path, args.flag("--json"));
    }
    const GridStatistics g = grid_statistics(set.directions());
    double delay_min = 0.0, delay_max = 0.0;
    if (set.has_delays()) {
        const auto& d = set.delays_samples();
        delay_min = *std::min_element(d.begin(), d.end());
        delay_max = *std::max_element(d.begin(), d.end());
    }
    const Metadata& meta = set.metadata;
    if (args.flag("--json")) {
        Json j;
        j.begin_object();
        j.value("file", path).value("convention", meta.source_convention).value("hrir_set", true);
        j.value("measurements", set.measurements()).value("receivers", 2);
        j.value("taps", set.taps()).value("sample_rate_hz", set.sample_rate_hz());
        j.value("duration_ms", 1000.0 * static_cast<double>(set.taps()) / set.sample_rate_hz());
        j.begin_object("grid");
        j.value("elevation_min_deg", g.elevation_min_deg)
            .value("elevation_max_deg", g.elevation_max_deg);
        j.value("distinct_elevations", g.distinct_elevations);
        j.value("distance_min_m", g.distance_min_m).value("distance_max_m", g.distance_max_m);
        j.value("distinct_distances", g.distinct_distances);
        j.value("mean_nearest_neighbour_deg", g.mean_nearest_neighbour_deg);
        j.value("max_nearest_neighbour_deg", g.max_nearest_neighbour_deg);
        j.end_object();
        j.begin_object("delays").value("kind", delay_kind(set));
        j.value("min_samples", delay_min).value("max_samples", delay_max).end_object();
        return print_json_with_metadata(j, meta.attributes);
    }
    std::printf("file:         %s\n", path.c_str());
    std::printf("convention:   %s\n", meta.source_convention.c_str());
    std::printf("measurements: %zu (2 receivers)\n", set.measurements());
    std::printf("taps:         %zu (%.2f ms)\n", set.taps(),
                1000.0 * static_cast<double>(set.taps()) / set.sample_rate_hz());
    std::printf("sample rate:  %g Hz\n", set.sample_rate_hz());
    std::printf("grid:         elevation %.1f to %.1f deg in %zu rings, distance %.3g to %.3g m\n",
                g.elevation_min_deg, g.elevation_max_deg, g.distinct_elevations, g.distance_min_m,
                g.distance_max_m);
    std::printf("spacing:      nearest neighbour %.2f deg on average, %.2f deg at most\n",
                g.mean_nearest_neighbour_deg, g.max_nearest_neighbour_deg);
    if (set.has_delays())
        std::printf("delays:       %s, %.3g to %.3g samples\n", delay_kind(set).c_str(), delay_min,
                    delay_max);
    else
        std::printf("delays:       none\n");
    for (const char* key : {"Title", "DatabaseName", "ListenerShortName", "License", "Comment"}) {
        const std::string v = meta.attribute(key);
        if (!v.empty())
            std::printf("%-13s %s\n", (std::string(key) + ":").c_str(), v.c_str());
    }
    return 0;
}

}  // namespace pinna::cli
