#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <optional>
#include <sstream>
#include <string>
#include <system_error>
#include <vector>

#include "cli/args.hpp"
#include "cli/commands.hpp"
#include "cli/files.hpp"
#include "cli/json.hpp"
#include "cli/progress.hpp"
#include "pinna/error.hpp"
#include "pinna/metrics.hpp"
#include "pinna/perception.hpp"
#include "pinna/sofa.hpp"

namespace pinna::cli {

const char* const kEvaluateHelp =
    "usage: pinna evaluate REFERENCE.sofa ESTIMATE.sofa [--exclude SPARSE.sofa]\n"
    "                      [--tolerance DEG] [--json] [--per-direction]\n"
    "                      [--perceptual [--sensitivity S] [--lateral DEG,...]]\n"
    "       pinna evaluate REFERENCE.sofa ESTIMATE.sofa --protocol lap [--json]\n"
    "                      [--per-direction] [--itd-threshold US]\n"
    "       pinna evaluate REFERENCE_DIR ESTIMATE_DIR [--reference-name PATTERN]\n"
    "                      [--tolerance DEG] [--json] [--perceptual ...] [--protocol lap]\n\n"
    "Scores an estimated set against a reference with the definitions of docs/metrics.md\n"
    "(the LAP challenge's): LSD and SDE (dB, bins 20 Hz..20 kHz of the N-point FFT), RMSE,\n"
    "MAE, SDR (dB), ITD error (us; 3 kHz low-pass, envelope cross-correlation), ILD error\n"
    "(dB) and PCC, averaged over directions (and ears). Each reference direction takes the\n"
    "nearest estimate direction; pairs further apart than the tolerance are unmatched:\n"
    "counted, not scored.\n\n"
    "With two folders, every ESTIMATE_DIR/NAME.sofa is scored against its reference\n"
    "REFERENCE_DIR/<PATTERN with {} replaced by NAME> (default \"{}.sofa\"), one row each,\n"
    "then the mean over the pairs. A pair that cannot be scored is reported and counted,\n"
    "and the others are still scored (exit status 1 at the end). Progress on a terminal.\n\n"
    "--protocol lap scores as the LAP challenge 2024 task 2 metric code does\n"
    "(Spatial-Audio-Metrics, lap_challenge.calculate_task_two_metrics; docs/metrics.md):\n"
    "every reference direction is scored, the sparse input ones included, each matched to\n"
    "the estimate direction of equal azimuth and elevation rounded to 0.01 degree (a\n"
    "missing one is an error); IRs as stored (Data.Delay ignored); the same ITD, ILD and LSD\n"
    "definitions; and pass/fail against the thresholds ITD < 62.5 us (the June 2024 rules;\n"
    "the code in force at the deadline used 100: --itd-threshold 100), ILD < 4.4 dB,\n"
    "LSD < 7.4 dB. The default protocol (pinna) matches within --tolerance and can leave\n"
    "out the sparse input (--exclude).\n\n"
    "--perceptual adds the predicted sagittal-plane localization performance of the\n"
    "Baumgartner, Majdak & Laback (2014) model (docs/perception.md): the reference is the\n"
    "listener's own set (the model's template), and the model predicts the quadrant-error\n"
    "rate (front-back and up-down confusions, %) and the local polar RMS error (degrees)\n"
    "with the reference itself and with the estimate, over the targets at polar -30..210\n"
    "degrees in the sagittal planes at lateral -20, 0 and 20 degrees; and the differences\n"
    "(estimate minus own). Both sets need directions all around those planes.\n\n"
    "  --exclude F      do not score the directions of F (the sparse input of an upsampling)\n"
    "  --tolerance DEG  direction matching tolerance (default 0.5)\n"
    "  --json           print one JSON object\n"
    "  --per-direction  with --json: add LSD/ITD/ILD per scored direction\n"
    "  --protocol P     pinna (default) or lap (see above)\n"
    "  --itd-threshold US  lap: the ITD pass/fail threshold (default 62.5)\n"
    "  --perceptual     add the predicted localization errors (see above)\n"
    "  --sensitivity S  the listener's sensitivity S of the model (default 0.7)\n"
    "  --lateral LIST   lateral angles of the sagittal planes, comma-separated degrees\n"
    "                   (default -20,0,20)\n"
    "  --reference-name PATTERN\n"
    "                   folders: the reference file name, {} standing for the estimate's\n"
    "                   name without .sofa (e.g. \"pp{}_HRIRs_measured.sofa\")\n";

namespace {

// --perceptual: the Baumgartner 2014 model with the reference as the listener's template.
struct PerceptualScore {
    LocalizationPrediction own;       // the listener with their own set
    LocalizationPrediction estimate;  // the listener with the estimate
    double qe_difference() const {
        return estimate.quadrant_error_percent - own.quadrant_error_percent;
    }
    double pe_difference() const { return estimate.polar_rms_error_deg - own.polar_rms_error_deg; }
};

std::optional<Baumgartner2014Options> perceptual_options(const Args& args) {
    if (!args.flag("--perceptual")) {
        if (args.has("--sensitivity") || args.has("--lateral"))
            throw UsageError("--sensitivity and --lateral apply with --perceptual");
        return std::nullopt;
    }
    Baumgartner2014Options o;
    o.sensitivity = args.get_double("--sensitivity", o.sensitivity);
    if (args.has("--lateral")) {
        o.lateral_angles_deg.clear();
        std::stringstream list(args.get("--lateral"));
        std::string item;
        while (std::getline(list, item, ',')) {
            char* end = nullptr;
            const double v = std::strtod(item.c_str(), &end);
            if (item.empty() || end != item.c_str() + item.size())
                throw UsageError("--lateral needs comma-separated degrees, got '" +
                                 args.get("--lateral") + "'");
            o.lateral_angles_deg.push_back(v);
        }
    }
    try {
        o.validate();
    } catch (const InvalidArgumentError& e) {
        throw UsageError(e.what());
    }
    return o;
}

PerceptualScore perceptual_score(const HrirSet& reference, const HrirSet& estimate,
                                 const Baumgartner2014Options& options) {
    const Baumgartner2014Model model(reference, options);
    return {model.predict(reference), model.predict(estimate)};
}

void perceptual_json(Json& j, const LocalizationPrediction& p) {
    j.value("quadrant_error_percent", p.quadrant_error_percent);
    j.value("polar_rms_error_deg", p.polar_rms_error_deg);
    j.begin_array("planes");
    for (const SagittalPlanePrediction& plane : p.planes) {
        j.begin_object();
        j.value("lateral_deg", plane.lateral_deg).value("targets", plane.target_polar_deg.size());
        j.value("quadrant_error_percent", plane.quadrant_error_percent);
        j.value("polar_rms_error_deg", plane.polar_rms_error_deg);
        j.end_object();
    }
    j.end_array();
}

void perceptual_json(Json& j, const PerceptualScore& s, const Baumgartner2014Options& o) {
    j.begin_object("perceptual");
    j.value("model", "baumgartner2014").value("sensitivity", o.sensitivity);
    j.begin_array("lateral_angles_deg");
    for (double a : o.lateral_angles_deg)
        j.value("", a);
    j.end_array();
    j.value("min_target_polar_deg", o.min_target_polar_deg);
    j.value("max_target_polar_deg", o.max_target_polar_deg);
    j.begin_object("reference");
    perceptual_json(j, s.own);
    j.end_object();
    j.begin_object("estimate");
    perceptual_json(j, s.estimate);
    j.end_object();
    j.begin_object("difference");
    j.value("quadrant_error_percent", s.qe_difference());
    j.value("polar_rms_error_deg", s.pe_difference());
    j.end_object();
    j.begin_object("chance");
    j.value("quadrant_error_percent", s.own.chance_quadrant_error_percent);
    j.value("polar_rms_error_deg", s.own.chance_polar_rms_error_deg);
    j.end_object();
    j.end_object();
}

void perceptual_text(const PerceptualScore& s, const Baumgartner2014Options& o) {
    std::string planes;
    for (double a : o.lateral_angles_deg)
        planes += (planes.empty() ? "" : ", ") + std::to_string(static_cast<int>(std::lround(a)));
    std::printf(
        "predicted localization (Baumgartner et al. 2014, reference as the listener's own "
        "set;\n  S %g, lateral %s deg, polar %g..%g deg):\n",
        o.sensitivity, planes.c_str(), o.min_target_polar_deg, o.max_target_polar_deg);
    std::printf("  %-12s %16s %20s\n", "", "quadrant err %", "polar RMS err deg");
    std::printf("  %-12s %16.2f %20.2f\n", "own set", s.own.quadrant_error_percent,
                s.own.polar_rms_error_deg);
    std::printf("  %-12s %16.2f %20.2f\n", "estimate", s.estimate.quadrant_error_percent,
                s.estimate.polar_rms_error_deg);
    std::printf("  %-12s %+16.2f %+20.2f\n", "difference", s.qe_difference(), s.pe_difference());
    std::printf("  %-12s %16.2f %20.2f\n", "chance", s.own.chance_quadrant_error_percent,
                s.own.chance_polar_rms_error_deg);
}

struct PairScore {
    std::string estimate, reference;
    Comparison c;
    std::optional<PerceptualScore> perceptual;
};

// --protocol lap: the thresholds, or nothing for pinna's own protocol.
std::optional<LapThresholds> lap_protocol(const Args& args) {
    const std::string protocol = args.get("--protocol", "pinna");
    if (protocol != "pinna" && protocol != "lap")
        throw UsageError("--protocol must be pinna or lap, got '" + protocol + "'");
    if (protocol == "pinna") {
        if (args.has("--itd-threshold"))
            throw UsageError("--itd-threshold applies with --protocol lap");
        return std::nullopt;
    }
    for (const char* option : {"--exclude", "--tolerance"})
        if (args.has(option))
            throw UsageError(std::string(option) +
                             " does not apply to --protocol lap (it scores every reference "
                             "direction, matched by rounded angles)");
    if (args.flag("--perceptual"))
        throw UsageError("--perceptual applies to the pinna protocol");
    LapThresholds t;
    t.itd_us = args.get_double("--itd-threshold", t.itd_us);
    if (!(t.itd_us > 0.0))
        throw UsageError("--itd-threshold must be positive");
    return t;
}

// Sets as the LAP code reads them: IRs as stored, Data.Delay not applied.
HrirSet read_as_stored(const std::string& path) {
    SofaReadOptions o;
    o.apply_delays = false;
    return read_sofa(path, o);
}

// The LAP figures in the fields of a Comparison, for the folder table.
Comparison as_comparison(const LapScores& s) {
    Comparison c;
    c.lsd_db = s.lsd_db;
    c.itd_error_us = s.itd_error_us;
    c.ild_error_db = s.ild_error_db;
    c.scored = s.directions;
    return c;
}

int run_evaluate_lap(const Args& args, const std::string& ref_path, const std::string& est_path,
                     const LapThresholds& thresholds) {
    const LapScores s =
        lap_task2_scores(read_as_stored(ref_path), read_as_stored(est_path), thresholds);
    if (args.flag("--json")) {
        Json j;
        j.begin_object();
        j.value("reference", ref_path).value("estimate", est_path).value("protocol", "lap");
        j.value("directions", s.directions);
        j.value("itd_error_us", s.itd_error_us).value("ild_error_db", s.ild_error_db);
        j.value("lsd_db", s.lsd_db);
        j.begin_object("thresholds");
        j.value("itd_us", thresholds.itd_us).value("ild_db", thresholds.ild_db);
        j.value("lsd_db", thresholds.lsd_db).end_object();
        j.begin_object("below_threshold");
        j.value("itd", s.itd_pass).value("ild", s.ild_pass).value("lsd", s.lsd_pass).end_object();
        if (args.flag("--per-direction")) {
            j.begin_array("directions_scored");
            for (const DirectionScores& d : s.per_direction) {
                j.begin_object();
                j.value("azimuth_deg", d.direction.azimuth_deg)
                    .value("elevation_deg", d.direction.elevation_deg);
                j.value("lsd_left_db", d.lsd_db[0]).value("lsd_right_db", d.lsd_db[1]);
                j.value("itd_reference_us", d.itd_reference_us)
                    .value("itd_estimate_us", d.itd_estimate_us);
                j.value("ild_reference_db", d.ild_reference_db)
                    .value("ild_estimate_db", d.ild_estimate_db);
                j.end_object();
            }
            j.end_array();
        }
        j.end_object();
        std::fputs(j.str().c_str(), stdout);
        return 0;
    }
    std::printf("reference:  %s\nestimate:   %s\n", ref_path.c_str(), est_path.c_str());
    std::printf("protocol:   LAP challenge 2024 task 2 (all %zu reference directions scored)\n",
                s.directions);
    std::printf("%-18s %10s %10s %8s\n", "metric", "value", "threshold", "below");
    std::printf("%-18s %10.3f %10.1f %8s\n", "ITD difference us", s.itd_error_us, thresholds.itd_us,
                s.itd_pass ? "yes" : "no");
    std::printf("%-18s %10.3f %10.1f %8s\n", "ILD difference dB", s.ild_error_db, thresholds.ild_db,
                s.ild_pass ? "yes" : "no");
    std::printf("%-18s %10.3f %10.1f %8s\n", "LSD dB", s.lsd_db, thresholds.lsd_db,
                s.lsd_pass ? "yes" : "no");
    return 0;
}

int run_evaluate_folders(const Args& args, const std::string& ref_dir, const std::string& est_dir,
                         const CompareOptions& options,
                         const std::optional<Baumgartner2014Options>& perceptual,
                         const std::optional<LapThresholds>& lap) {
    if (args.has("--exclude"))
        throw UsageError("--exclude applies to one pair of files, not folders");
    if (args.flag("--per-direction"))
        throw UsageError("--per-direction applies to one pair of files, not folders");
    if (!is_directory(ref_dir))
        throw UsageError("the estimate is a folder, so the reference must be one too: " + ref_dir);
    const std::string pattern = args.get("--reference-name", "{}.sofa");
    const auto brace = pattern.find("{}");
    if (brace == std::string::npos)
        throw UsageError("--reference-name needs {} for the estimate's name, got '" + pattern +
                         "'");
    std::vector<std::string> names;
    std::error_code ec;
    for (const auto& entry : std::filesystem::directory_iterator(est_dir, ec)) {
        const std::string name = entry.path().filename().string();
        if (name.size() > 5 && name.compare(name.size() - 5, 5, ".sofa") == 0 && name[0] != '.')
            names.push_back(name);
    }
    if (ec)
        throw IoError(est_dir + ": cannot list the folder: " + ec.message());
    if (names.empty())
        throw InvalidDataError(est_dir + ": no .sofa files to evaluate");
    std::sort(names.begin(), names.end());

    std::vector<PairScore> scores;
    std::vector<std::pair<std::string, std::string>> failures;
    Progress progress(names.size());
    for (std::size_t i = 0; i < names.size(); ++i) {
        progress.item(i, names[i]);
        const std::string stem = names[i].substr(0, names[i].size() - 5);
        std::string ref_name = pattern;
        ref_name.replace(brace, 2, stem);
        PairScore p{est_dir + "/" + names[i], ref_dir + "/" + ref_name, {}, std::nullopt};
        try {
            if (lap) {
                p.c = as_comparison(lap_task2_scores(read_as_stored(p.reference),
                                                     read_as_stored(p.estimate), *lap));
                scores.push_back(std::move(p));
                continue;
            }
            const HrirSet reference = read_sofa(p.reference);
            const HrirSet estimate = read_sofa(p.estimate);
            p.c = compare(reference, estimate, options);
            if (p.c.scored == 0)
                throw InvalidDataError(p.estimate + ": no direction within " +
                                       std::to_string(options.tolerance_deg) + " degrees of " +
                                       p.reference);
            if (perceptual)
                p.perceptual = perceptual_score(reference, estimate, *perceptual);
            scores.push_back(std::move(p));
        } catch (const Error& e) {
            failures.emplace_back(p.estimate, e.what());
            progress.line(std::string("pinna: error: ") + e.what() + " (" + to_string(e.kind()) +
                          ")");
        }
    }
    progress.finish();
    auto mean = [&](double Comparison::*field) {
        double sum = 0.0;
        for (const PairScore& p : scores)
            sum += p.c.*field;
        return scores.empty() ? 0.0 : sum / static_cast<double>(scores.size());
    };
    // Means of the perceptual figures: f picks one value of a pair's score.
    auto perceptual_mean = [&](double (*f)(const PerceptualScore&)) {
        double sum = 0.0;
        for (const PairScore& p : scores)
            sum += f(*p.perceptual);
        return scores.empty() ? 0.0 : sum / static_cast<double>(scores.size());
    };
    using PS = PerceptualScore;
    auto own_qe = [](const PS& s) { return s.own.quadrant_error_percent; };
    auto est_qe = [](const PS& s) { return s.estimate.quadrant_error_percent; };
    auto own_pe = [](const PS& s) { return s.own.polar_rms_error_deg; };
    auto est_pe = [](const PS& s) { return s.estimate.polar_rms_error_deg; };
    auto diff_qe = [](const PS& s) { return s.qe_difference(); };
    auto diff_pe = [](const PS& s) { return s.pe_difference(); };
    if (args.flag("--json")) {
        Json j;
        j.begin_object();
        j.value("reference_dir", ref_dir).value("estimate_dir", est_dir);
        j.value("reference_name", pattern).value("pairs_scored", scores.size());
        j.value("pairs_failed", failures.size());
        j.begin_array("pairs");
        for (const PairScore& p : scores) {
            j.begin_object();
            j.value("estimate", p.estimate).value("reference", p.reference);
            j.value("scored", p.c.scored).value("unmatched", p.c.unmatched);
            j.value("lsd_db", p.c.lsd_db).value("itd_error_us", p.c.itd_error_us);
            j.value("ild_error_db", p.c.ild_error_db).value("sdr_db", p.c.sdr_db);
            if (p.perceptual) {
                j.begin_object("perceptual");
                j.value("reference_quadrant_error_percent", own_qe(*p.perceptual));
                j.value("reference_polar_rms_error_deg", own_pe(*p.perceptual));
                j.value("estimate_quadrant_error_percent", est_qe(*p.perceptual));
                j.value("estimate_polar_rms_error_deg", est_pe(*p.perceptual));
                j.value("difference_quadrant_error_percent", diff_qe(*p.perceptual));
                j.value("difference_polar_rms_error_deg", diff_pe(*p.perceptual));
                j.end_object();
            }
            j.end_object();
        }
        j.end_array();
        j.begin_array("failed");
        for (const auto& [estimate, what] : failures)
            j.begin_object().value("estimate", estimate).value("error", what).end_object();
        j.end_array();
        j.begin_object("mean");
        j.value("lsd_db", mean(&Comparison::lsd_db));
        j.value("itd_error_us", mean(&Comparison::itd_error_us));
        j.value("ild_error_db", mean(&Comparison::ild_error_db));
        j.value("sdr_db", mean(&Comparison::sdr_db));
        if (perceptual) {
            j.begin_object("perceptual");
            j.value("reference_quadrant_error_percent", perceptual_mean(own_qe));
            j.value("reference_polar_rms_error_deg", perceptual_mean(own_pe));
            j.value("estimate_quadrant_error_percent", perceptual_mean(est_qe));
            j.value("estimate_polar_rms_error_deg", perceptual_mean(est_pe));
            j.value("difference_quadrant_error_percent", perceptual_mean(diff_qe));
            j.value("difference_polar_rms_error_deg", perceptual_mean(diff_pe));
            j.end_object();
        }
        j.end_object();
        j.end_object();
        std::fputs(j.str().c_str(), stdout);
    } else if (perceptual) {
        // Own = the listener with their own set (the reference); est = with the estimate.
        std::printf("%-32s %8s %9s %8s %8s %8s %8s %8s\n", "estimate", "LSD dB", "ITD us", "ILD dB",
                    "QE own%", "QE est%", "PE own", "PE est");
        for (const PairScore& p : scores)
            std::printf("%-32s %8.3f %9.2f %8.3f %8.2f %8.2f %8.2f %8.2f\n",
                        std::filesystem::path(p.estimate).filename().string().c_str(), p.c.lsd_db,
                        p.c.itd_error_us, p.c.ild_error_db, own_qe(*p.perceptual),
                        est_qe(*p.perceptual), own_pe(*p.perceptual), est_pe(*p.perceptual));
        std::printf("%-32s %8.3f %9.2f %8.3f %8.2f %8.2f %8.2f %8.2f\n",
                    ("mean of " + std::to_string(scores.size()) + " pairs").c_str(),
                    mean(&Comparison::lsd_db), mean(&Comparison::itd_error_us),
                    mean(&Comparison::ild_error_db), perceptual_mean(own_qe),
                    perceptual_mean(est_qe), perceptual_mean(own_pe), perceptual_mean(est_pe));
        std::printf(
            "predicted localization: Baumgartner et al. 2014, reference as the "
            "listener's own set (QE: quadrant errors, PE: polar RMS error in degrees)\n");
        if (!failures.empty())
            std::printf("%zu of %zu pairs failed (see the errors above)\n", failures.size(),
                        names.size());
    } else {
        std::printf("%-32s %9s %11s %9s %7s\n", "estimate", "LSD dB", "ITD err us", "ILD dB",
                    "scored");
        for (const PairScore& p : scores)
            std::printf("%-32s %9.3f %11.2f %9.3f %7zu\n",
                        std::filesystem::path(p.estimate).filename().string().c_str(), p.c.lsd_db,
                        p.c.itd_error_us, p.c.ild_error_db, p.c.scored);
        std::printf("%-32s %9.3f %11.2f %9.3f\n",
                    ("mean of " + std::to_string(scores.size()) + " pairs").c_str(),
                    mean(&Comparison::lsd_db), mean(&Comparison::itd_error_us),
                    mean(&Comparison::ild_error_db));
        if (!failures.empty())
            std::printf("%zu of %zu pairs failed (see the errors above)\n", failures.size(),
                        names.size());
    }
    return failures.empty() ? 0 : 1;
}

}  // namespace

int run_evaluate(const Argv& argv) {
    const Args args(argv, {"--json", "--per-direction", "--perceptual"},
                    {"--exclude", "--tolerance", "--reference-name", "--sensitivity", "--lateral",
                     "--protocol", "--itd-threshold"});
    args.expect_positionals(2, "a reference and an estimate SOFA file (or two folders)");
    const std::string ref_path = args.positionals()[0], est_path = args.positionals()[1];
    CompareOptions options;
    options.tolerance_deg = args.get_double("--tolerance", options.tolerance_deg);
    if (options.tolerance_deg < 0)
        throw UsageError("--tolerance must not be negative");
    const std::optional<LapThresholds> lap = lap_protocol(args);
    const std::optional<Baumgartner2014Options> perceptual = perceptual_options(args);
    if (is_directory(est_path))
        return run_evaluate_folders(args, ref_path, est_path, options, perceptual, lap);
    if (args.has("--reference-name"))
        throw UsageError("--reference-name applies to folders");
    if (lap)
        return run_evaluate_lap(args, ref_path, est_path, *lap);
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
    std::optional<PerceptualScore> ps;
    if (perceptual)
        ps = perceptual_score(reference, estimate, *perceptual);

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
        if (ps)
            perceptual_json(j, *ps, *perceptual);
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
    if (ps)
        perceptual_text(*ps, *perceptual);
    return 0;
}

}  // namespace pinna::cli
