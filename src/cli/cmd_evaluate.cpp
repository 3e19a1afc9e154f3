#include <cstdio>

#include "cli/args.hpp"
#include "cli/commands.hpp"
#include "cli/json.hpp"
#include "pinna/metrics.hpp"
#include "pinna/sofa.hpp"

namespace pinna::cli {

const char* const kEvaluateHelp =
    "usage: pinna evaluate REFERENCE.sofa ESTIMATE.sofa [--exclude SPARSE.sofa]\n"
    "                      [--tolerance DEG] [--json] [--per-direction]\n\n"
    "Scores an estimated set against a reference with the definitions of docs/metrics.md\n"
    "(the LAP challenge's): LSD and SDE (dB, bins 20 Hz..20 kHz of the N-point FFT), RMSE,\n"
    "MAE, SDR (dB), ITD error (us; 3 kHz low-pass, envelope cross-correlation), ILD error\n"
    "(dB) and PCC, averaged over directions (and ears). Each reference direction takes the\n"
    "nearest estimate direction; pairs further apart than the tolerance are unmatched:\n"
    "counted, not scored.\n\n"
    "  --exclude F      do not score the directions of F (the sparse input of an upsampling)\n"
    "  --tolerance DEG  direction matching tolerance (default 0.5)\n"
    "  --json           print one JSON object\n"
    "  --per-direction  with --json: add LSD/ITD/ILD per scored direction\n";

int run_evaluate(const Argv& argv) {
    const Args args(argv, {"--json", "--per-direction"}, {"--exclude", "--tolerance"});
    args.expect_positionals(2, "a reference and an estimate SOFA file");
    const std::string ref_path = args.positionals()[0], est_path = args.positionals()[1];
    CompareOptions options;
    options.tolerance_deg = args.get_double("--tolerance", options.tolerance_deg);
    if (options.tolerance_deg < 0)
        throw UsageError("--tolerance must not be negative");
    const HrirSet reference = read_sofa(ref_path);
    const HrirSet estimate = read_sofa(est_path);
    std::string exclude_path;
    if (args.has("--exclude")) {
        exclude_path = args.get("--exclude");
        SofaReadOptions o;
        o.apply_delays = false;
        options.exclude = read_sofa(exclude_path, o).directions();
    }
    const Comparison c = compare(reference, estimate, options);

    if (args.flag("--json")) {
        Json j;
        j.begin_object();
        j.value("reference", ref_path).value("estimate", est_path);
        if (!exclude_path.empty())
            j.value("exclude", exclude_path);
        j.value("scored", c.scored).value("unmatched", c.unmatched).value("excluded", c.excluded);
        j.value("sample_rate_hz", c.sample_rate_hz).value("taps", c.taps).value("bins", c.bins);
        j.value("lsd_db", c.lsd_db)
            .value("sde_db", c.sde_db)
            .value("rmse", c.rmse)
            .value("mae", c.mae);
        j.value("sdr_db", c.sdr_db).value("pcc", c.pcc);
        j.value("itd_error_us", c.itd_error_us).value("ild_error_db", c.ild_error_db);
        if (args.flag("--per-direction")) {
            j.begin_array("directions");
            for (const DirectionScores& d : c.directions) {
                j.begin_object();
                j.value("azimuth_deg", d.direction.azimuth_deg)
                    .value("elevation_deg", d.direction.elevation_deg);
                j.value("lsd_left_db", d.lsd_db[0]).value("lsd_right_db", d.lsd_db[1]);
                j.value("itd_error_us", d.itd_error_us).value("ild_error_db", d.ild_error_db);
                j.end_object();
            }
            j.end_array();
        }
        j.end_object();
        std::fputs(j.str().c_str(), stdout);
        return 0;
    }
    std::printf("reference:  %s\nestimate:   %s\n", ref_path.c_str(), est_path.c_str());
    std::printf(
        "directions: %zu scored, %zu unmatched, %zu excluded (%zu taps at %g Hz, %zu bins "
        "%.0f-%.0f Hz)\n",
        c.scored, c.unmatched, c.excluded, c.taps, c.sample_rate_hz, c.bins, c.min_bin_hz,
        c.max_bin_hz);
    std::printf("LSD  %8.3f dB\nSDE  %8.3f dB\nITD  %8.2f us error\nILD  %8.3f dB error\n",
                c.lsd_db, c.sde_db, c.itd_error_us, c.ild_error_db);
    std::printf("RMSE %10.5g\nMAE  %10.5g\nSDR  %8.3f dB\nPCC  %8.4f\n", c.rmse, c.mae, c.sdr_db,
                c.pcc);
    return 0;
}

}  // namespace pinna::cli
