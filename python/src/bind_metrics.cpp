// Metrics (pinna/metrics.hpp) and the predicted localization (pinna/perception.hpp).
// Whole-set results are dicts of numbers, with per-direction values as NumPy arrays.
#include <string>
#include <vector>

#include "common.hpp"
#include "pinna/error.hpp"
#include "pinna/metrics.hpp"
#include "pinna/perception.hpp"

namespace pinna::python {

namespace {

py::array_t<std::int64_t> indices(const std::vector<std::size_t>& v) {
    py::array_t<std::int64_t> out(static_cast<py::ssize_t>(v.size()));
    for (std::size_t i = 0; i < v.size(); ++i)
        out.mutable_data()[i] = static_cast<std::int64_t>(v[i]);
    return out;
}

// The per-direction scores as one array per field.
py::dict per_direction(const std::vector<DirectionScores>& scores) {
    const auto s = static_cast<py::ssize_t>(scores.size());
    py::array_t<std::int64_t> ref(s), est(s);
    py::array_t<double> lsd({s, py::ssize_t{2}});
    std::vector<Direction> dirs;
    std::vector<double> itd_ref, itd_est, itd_err, ild_ref, ild_est, ild_err;
    for (std::size_t i = 0; i < scores.size(); ++i) {
        const DirectionScores& d = scores[i];
        ref.mutable_data()[i] = static_cast<std::int64_t>(d.reference_index);
        est.mutable_data()[i] = static_cast<std::int64_t>(d.estimate_index);
        lsd.mutable_data()[2 * i] = d.lsd_db[0];
        lsd.mutable_data()[2 * i + 1] = d.lsd_db[1];
        dirs.push_back(d.direction);
        itd_ref.push_back(d.itd_reference_us);
        itd_est.push_back(d.itd_estimate_us);
        itd_err.push_back(d.itd_error_us);
        ild_ref.push_back(d.ild_reference_db);
        ild_est.push_back(d.ild_estimate_db);
        ild_err.push_back(d.ild_error_db);
    }
    py::dict out;
    out["reference_index"] = ref;
    out["estimate_index"] = est;
    out["directions"] = directions_array(dirs);
    out["lsd_db"] = lsd;
    out["itd_reference_us"] = copy_array(itd_ref);
    out["itd_estimate_us"] = copy_array(itd_est);
    out["itd_error_us"] = copy_array(itd_err);
    out["ild_reference_db"] = copy_array(ild_ref);
    out["ild_estimate_db"] = copy_array(ild_est);
    out["ild_error_db"] = copy_array(ild_err);
    return out;
}

py::dict comparison_dict(const Comparison& c) {
    py::dict d;
    d["lsd_db"] = c.lsd_db;
    d["sde_db"] = c.sde_db;
    d["rmse"] = c.rmse;
    d["mae"] = c.mae;
    d["sdr_db"] = c.sdr_db;
    d["pcc"] = c.pcc;
    d["itd_error_us"] = c.itd_error_us;
    d["ild_error_db"] = c.ild_error_db;
    d["scored"] = c.scored;
    d["unmatched"] = c.unmatched;
    d["excluded"] = c.excluded;
    d["unmatched_indices"] = indices(c.unmatched_indices);
    d["sample_rate_hz"] = c.sample_rate_hz;
    d["taps"] = c.taps;
    d["bins"] = c.bins;
    d["min_bin_hz"] = c.min_bin_hz;
    d["max_bin_hz"] = c.max_bin_hz;
    d["per_direction"] = per_direction(c.directions);
    return d;
}

py::dict lap_dict(const LapScores& s) {
    py::dict d;
    d["itd_error_us"] = s.itd_error_us;
    d["ild_error_db"] = s.ild_error_db;
    d["lsd_db"] = s.lsd_db;
    d["itd_pass"] = s.itd_pass;
    d["ild_pass"] = s.ild_pass;
    d["lsd_pass"] = s.lsd_pass;
    py::dict t;
    t["itd_us"] = s.thresholds.itd_us;
    t["ild_db"] = s.thresholds.ild_db;
    t["lsd_db"] = s.thresholds.lsd_db;
    d["thresholds"] = t;
    d["directions"] = s.directions;
    d["per_direction"] = per_direction(s.per_direction);
    return d;
}

FloatArray ir_array(const py::array& a, const char* what) {
    FloatArray ir = FloatArray::ensure(a);
    if (!ir)
        throw py::error_already_set();
    check_shape(ir, {-1}, what);
    return ir;
}

// Two 1-D IRs of one length.
std::pair<FloatArray, FloatArray> ir_pair(const py::array& a, const py::array& b,
                                          const char* what) {
    FloatArray x = ir_array(a, what), y = ir_array(b, what);
    if (x.size() != y.size())
        throw InvalidArgumentError(std::string(what) + ": IRs of " + std::to_string(x.size()) +
                                   " and " + std::to_string(y.size()) + " samples");
    return {std::move(x), std::move(y)};
}

// ---------------------------------------------------------------------------------------
// Perception

Baumgartner2014Options perception_options(double sensitivity, double selectivity_per_db,
                                          double motor_scatter_deg, double binaural_weighting_deg,
                                          double lowest_frequency_hz, double highest_frequency_hz,
                                          std::vector<double> lateral_angles_deg,
                                          double min_target_polar_deg, double max_target_polar_deg,
                                          const std::string& dtf) {
    Baumgartner2014Options o;
    o.sensitivity = sensitivity;
    o.selectivity_per_db = selectivity_per_db;
    o.motor_scatter_deg = motor_scatter_deg;
    o.binaural_weighting_deg = binaural_weighting_deg;
    o.lowest_frequency_hz = lowest_frequency_hz;
    o.highest_frequency_hz = highest_frequency_hz;
    o.lateral_angles_deg = std::move(lateral_angles_deg);
    o.min_target_polar_deg = min_target_polar_deg;
    o.max_target_polar_deg = max_target_polar_deg;
    if (dtf == "log_mean_minimum_phase")
        o.dtf = DtfMethod::log_mean_minimum_phase;
    else if (dtf == "none")
        o.dtf = DtfMethod::none;
    else
        throw InvalidArgumentError("dtf must be 'log_mean_minimum_phase' or 'none', got '" + dtf +
                                   "'");
    o.validate();
    return o;
}

// The perception keyword arguments, in perception_options' order.
#define PINNA_PERCEPTION_ARGS                                                          \
    py::arg("sensitivity") = 0.7, py::arg("selectivity_per_db") = 6.0,                 \
    py::arg("motor_scatter_deg") = 17.0, py::arg("binaural_weighting_deg") = 13.0,     \
    py::arg("lowest_frequency_hz") = 700.0, py::arg("highest_frequency_hz") = 18000.0, \
    py::arg("lateral_angles_deg") = std::vector<double>{-20.0, 0.0, 20.0},             \
    py::arg("min_target_polar_deg") = -30.0, py::arg("max_target_polar_deg") = 210.0,  \
    py::arg("dtf") = "log_mean_minimum_phase"

py::dict prediction_dict(const LocalizationPrediction& p) {
    py::dict d;
    d["quadrant_error_percent"] = p.quadrant_error_percent;
    d["polar_rms_error_deg"] = p.polar_rms_error_deg;
    d["chance_quadrant_error_percent"] = p.chance_quadrant_error_percent;
    d["chance_polar_rms_error_deg"] = p.chance_polar_rms_error_deg;
    py::list planes;
    for (const SagittalPlanePrediction& s : p.planes) {
        py::dict q;
        q["lateral_deg"] = s.lateral_deg;
        q["quadrant_error_percent"] = s.quadrant_error_percent;
        q["polar_rms_error_deg"] = s.polar_rms_error_deg;
        q["chance_quadrant_error_percent"] = s.chance_quadrant_error_percent;
        q["chance_polar_rms_error_deg"] = s.chance_polar_rms_error_deg;
        q["template_polar_deg"] = copy_array(s.template_polar_deg);
        q["target_polar_deg"] = copy_array(s.target_polar_deg);
        q["template_indices"] = indices(s.template_indices);
        q["target_indices"] = indices(s.target_indices);
        q["max_lateral_offset_deg"] = s.max_lateral_offset_deg;
        q["response_polar_deg"] = copy_array(s.response_polar_deg);
        q["probabilities"] =
            copy_array(s.probabilities, {static_cast<py::ssize_t>(s.target_polar_deg.size()),
                                         static_cast<py::ssize_t>(s.response_polar_deg.size())});
        q["quadrant_error_percent_per_target"] = copy_array(s.quadrant_error_percent_per_target);
        q["polar_rms_error_deg_per_target"] = copy_array(s.polar_rms_error_deg_per_target);
        planes.append(q);
    }
    d["planes"] = planes;
    return d;
}

void bind_perception(py::module_& m) {
    py::class_<Baumgartner2014Model>(m, "Baumgartner2014Model", R"(Sagittal-plane localization
model of Baumgartner, Majdak & Laback (2014) with one listener's template analysed once
(docs/perception.md). predict(target) gives the quadrant-error rate (%) and local polar
RMS error (degrees) of the listener hearing `target`.)")
        .def(py::init([](const HrirSet& listener, double s, double g, double eps, double phi,
                         double lo, double hi, std::vector<double> lat, double pmin, double pmax,
                         const std::string& dtf) {
                 Baumgartner2014Options o =
                     perception_options(s, g, eps, phi, lo, hi, std::move(lat), pmin, pmax, dtf);
                 py::gil_scoped_release release;
                 return std::make_unique<Baumgartner2014Model>(listener, std::move(o));
             }),
             py::arg("listener"), py::kw_only(), PINNA_PERCEPTION_ARGS)
        .def(
            "predict",
            [](const Baumgartner2014Model& model, const HrirSet& target) {
                LocalizationPrediction p;
                {
                    py::gil_scoped_release release;
                    p = model.predict(target);
                }
                return prediction_dict(p);
            },
            py::arg("target"), "The prediction as a dict (means over planes, and 'planes').");
    m.def(
        "predict_localization",
        [](const HrirSet& listener, const HrirSet& target, double s, double g, double eps,
           double phi, double lo, double hi, std::vector<double> lat, double pmin, double pmax,
           const std::string& dtf) {
            const Baumgartner2014Options o =
                perception_options(s, g, eps, phi, lo, hi, std::move(lat), pmin, pmax, dtf);
            LocalizationPrediction p;
            {
                py::gil_scoped_release release;
                p = predict_localization(listener, target, o);
            }
            return prediction_dict(p);
        },
        py::arg("listener"), py::arg("target"), py::kw_only(), PINNA_PERCEPTION_ARGS,
        "Baumgartner2014Model(listener, ...).predict(target).");
}

}  // namespace

void bind_metrics(py::module_& m) {
    m.attr("METRIC_MIN_HZ") = kMetricMinHz;
    m.attr("METRIC_MAX_HZ") = kMetricMaxHz;

    m.def(
        "compare",
        [](const HrirSet& reference, const HrirSet& estimate, double tolerance_deg,
           py::object exclude, double sdr_cap_db) {
            CompareOptions o;
            o.tolerance_deg = tolerance_deg;
            o.sdr_cap_db = sdr_cap_db;
            if (!exclude.is_none())
                o.exclude = to_directions(exclude, "compare: exclude");
            Comparison c;
            {
                py::gil_scoped_release release;
                c = compare(reference, estimate, o);
            }
            return comparison_dict(c);
        },
        py::arg("reference"), py::arg("estimate"), py::kw_only(), py::arg("tolerance_deg") = 0.5,
        py::arg("exclude") = py::none(), py::arg("sdr_cap_db") = kDefaultSdrCapDb,
        R"(Scores `estimate` against `reference` as `pinna evaluate` does (docs/metrics.md, the
LAP challenge's definitions). Each reference direction takes the nearest estimate
direction within tolerance_deg; reference directions near `exclude` (directions or an
HrirSet: the sparse input of an upsampling) are not scored. Returns a dict: lsd_db,
sde_db, rmse, mae, sdr_db, pcc, itd_error_us, ild_error_db (means), scored, unmatched,
excluded, unmatched_indices, sample_rate_hz, taps, bins, min_bin_hz, max_bin_hz, and
per_direction: a dict of arrays over the scored directions (reference_index,
estimate_index, directions [S, 3], lsd_db [S, 2], itd_reference_us, itd_estimate_us,
itd_error_us, ild_reference_db, ild_estimate_db, ild_error_db). Releases the GIL.)");

    m.def(
        "lap_task2_scores",
        [](const HrirSet& reference, const HrirSet& estimate, double itd_us, double ild_db,
           double lsd_db) {
            LapScores s;
            {
                py::gil_scoped_release release;
                s = lap_task2_scores(reference, estimate, LapThresholds{itd_us, ild_db, lsd_db});
            }
            return lap_dict(s);
        },
        py::arg("reference"), py::arg("estimate"), py::kw_only(), py::arg("itd_us") = 62.5,
        py::arg("ild_db") = 4.4, py::arg("lsd_db") = 7.4,
        "Scores as the LAP challenge 2024 task 2 metric code does (every reference direction, "
        "matched by rounded angles; IRs as stored): itd_error_us, ild_error_db, lsd_db, "
        "*_pass, thresholds, directions, per_direction.");

    m.def(
        "metric_bins", [](std::size_t n, double fs) { return indices(metric_bins(n, fs)); },
        py::arg("n"), py::arg("sample_rate_hz"),
        "The bins k < n/2 of an n-point FFT within 20 Hz..20 kHz that the spectral metrics use.");
    m.def(
        "spectral_scores",
        [](const py::array& reference, const py::array& estimate, double fs) {
            const auto [r, e] = ir_pair(reference, estimate, "spectral_scores");
            const SpectralScores s =
                spectral_scores(r.data(), e.data(), static_cast<std::size_t>(r.size()), fs);
            py::dict d;
            d["lsd_db"] = s.lsd_db;
            d["sde_db"] = s.sde_db;
            d["pcc"] = s.pcc;
            return d;
        },
        py::arg("reference"), py::arg("estimate"), py::arg("sample_rate_hz"),
        "LSD, SDE (dB) and PCC of one IR pair.");
    m.def(
        "lsd_db",
        [](const py::array& reference, const py::array& estimate, double fs) {
            const auto [r, e] = ir_pair(reference, estimate, "lsd_db");
            return lsd_db(r.data(), e.data(), static_cast<std::size_t>(r.size()), fs);
        },
        py::arg("reference"), py::arg("estimate"), py::arg("sample_rate_hz"),
        "LSD (dB) of one IR against one IR.");
    m.def(
        "lsd_db",
        [](const SpectrumSet& reference, const SpectrumSet& estimate) {
            return lsd_db(reference, estimate);
        },
        py::arg("reference_db"), py::arg("estimate_db"),
        "LSD (dB) of two dB magnitude sets of one layout, paired by index.");
    m.def(
        "rmse",
        [](const py::array& reference, const py::array& estimate) {
            const auto [r, e] = ir_pair(reference, estimate, "rmse");
            return rmse(r.data(), e.data(), static_cast<std::size_t>(r.size()));
        },
        py::arg("reference"), py::arg("estimate"));
    m.def(
        "mae",
        [](const py::array& reference, const py::array& estimate) {
            const auto [r, e] = ir_pair(reference, estimate, "mae");
            return mae(r.data(), e.data(), static_cast<std::size_t>(r.size()));
        },
        py::arg("reference"), py::arg("estimate"));
    m.def(
        "sdr_db",
        [](const py::array& reference, const py::array& estimate, double cap_db) {
            const auto [r, e] = ir_pair(reference, estimate, "sdr_db");
            return sdr_db(r.data(), e.data(), static_cast<std::size_t>(r.size()), cap_db);
        },
        py::arg("reference"), py::arg("estimate"), py::arg("cap_db") = kDefaultSdrCapDb);
    m.def(
        "ild_db",
        [](const py::array& left, const py::array& right) {
            const auto [l, r] = ir_pair(left, right, "ild_db");
            return ild_db(l.data(), r.data(), static_cast<std::size_t>(l.size()));
        },
        py::arg("left"), py::arg("right"),
        "Broadband ILD of one HRIR pair, dB (left minus right).");
    m.def(
        "ild_db",
        [](const HrirSet& set) {
            std::vector<double> out(set.measurements());
            for (std::size_t i = 0; i < out.size(); ++i)
                out[i] = ild_db(set.ir(i, Ear::left), set.ir(i, Ear::right), set.taps());
            return copy_array(out);
        },
        py::arg("set"), "Broadband ILD of every measurement of a set, dB [M] (left minus right).");
    m.def(
        "itd_error_us",
        [](const py::array& rl, const py::array& rr, const py::array& el, const py::array& er,
           double fs) {
            const auto [a, b] = ir_pair(rl, rr, "itd_error_us");
            const auto [c, d] = ir_pair(el, er, "itd_error_us");
            if (a.size() != c.size())
                throw InvalidArgumentError("itd_error_us: reference and estimate lengths differ");
            return itd_error_us(a.data(), b.data(), c.data(), d.data(),
                                static_cast<std::size_t>(a.size()), fs);
        },
        py::arg("reference_left"), py::arg("reference_right"), py::arg("estimate_left"),
        py::arg("estimate_right"), py::arg("sample_rate_hz"),
        "|ITD_reference - ITD_estimate| of two HRIR pairs, microseconds (metric ITD).");

    bind_perception(m);
}

}  // namespace pinna::python
