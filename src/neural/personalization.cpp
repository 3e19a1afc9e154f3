// PersonalizationModel: runs models of kind "personalizer" (models/anthropometric.pt):
//   forward(features [B, F] float32, raw values in the meta's units and order)
//     -> (db [B, M, 2, bins], itd_s [B, M], t_left - t_right) on the model's grid.
// meta.json: "features" (name, unit, training mean/std/min/max each), "grid" (directions),
// optionally "base_delay_samples" (leading-ear delay of the rendered IRs).
#include <algorithm>
#include <cmath>
#include <sstream>
#include <string>

#include "neural/model_file.hpp"
#include "pinna/error.hpp"
#include "pinna/interpolate.hpp"
#include "pinna/neural/models.hpp"

namespace pinna {

using detail::JsonValue;
using detail::MetaReader;
using detail::Tensor;

namespace {

constexpr double kArchiveItdSign = -1.0;  // archives: t_left - t_right

// Leading-ear delay given to predicted IRs when meta.json has no "base_delay_samples": the
// mean leading-ear pure delay of measured HUTUBS sets (leading_ear_delay_samples over
// pp1 and pp10..pp20: 22.8 .. 23.6 samples at 44.1 kHz), so that predicted and measured IRs
// line up in time-domain comparisons.
constexpr double kDefaultBaseDelaySamples = 23.0;

// "features": [{"name", "unit", "mean", "std", "min", "max"}, ...]
// or {"names": [...], "units": [...], "mean": [...], "std": [...], "min": [...], "max": [...]}
std::vector<FeatureInfo> read_features(const MetaReader& meta) {
    std::vector<FeatureInfo> out;
    const JsonValue& f = meta.value("features");
    if (f.is_array()) {
        for (std::size_t i = 0; i < f.items().size(); ++i) {
            const MetaReader item(f.items()[i],
                                  meta.where("features") + " item " + std::to_string(i));
            FeatureInfo fi;
            fi.name = item.string("name");
            fi.unit = item.string_or("unit", "");
            fi.description = item.string_or("description", "");
            fi.mean = item.number("mean");
            fi.std = item.number("std");
            fi.min = item.has("min") ? item.number("min") : fi.mean - 4.0 * fi.std;
            fi.max = item.has("max") ? item.number("max") : fi.mean + 4.0 * fi.std;
            out.push_back(fi);
        }
    } else {
        const MetaReader o = meta.object("features");
        const std::vector<std::string> names = o.strings("names");
        const std::vector<double> mean = o.numbers("mean");
        const std::vector<double> stdev = o.numbers("std");
        const std::vector<std::string> units =
            o.has("units") ? o.strings("units") : std::vector<std::string>(names.size());
        const std::vector<double> lo = o.has("min") ? o.numbers("min") : std::vector<double>{};
        const std::vector<double> hi = o.has("max") ? o.numbers("max") : std::vector<double>{};
        const auto check = [&](const char* key, std::size_t n) {
            if (n != names.size())
                o.fail(key, "has " + std::to_string(n) + " entries for " +
                                std::to_string(names.size()) + " feature names");
        };
        check("mean", mean.size());
        check("std", stdev.size());
        check("units", units.size());
        if (!lo.empty())
            check("min", lo.size());
        if (!hi.empty())
            check("max", hi.size());
        for (std::size_t i = 0; i < names.size(); ++i) {
            FeatureInfo fi;
            fi.name = names[i];
            fi.unit = units[i];
            fi.mean = mean[i];
            fi.std = stdev[i];
            fi.min = lo.empty() ? fi.mean - 4.0 * fi.std : lo[i];
            fi.max = hi.empty() ? fi.mean + 4.0 * fi.std : hi[i];
            out.push_back(fi);
        }
    }
    if (out.empty())
        meta.fail("features", "lists no features");
    for (const FeatureInfo& fi : out)
        if (!(fi.std > 0.0) || !std::isfinite(fi.std) || !std::isfinite(fi.mean))
            meta.fail("features", "gives feature '" + fi.name +
                                      "' a mean or standard deviation that is not usable");
    return out;
}

// "grid": [[azimuth_deg, elevation_deg(, distance_m)], ...]
// or {"azimuth_deg": [...], "elevation_deg": [...], "distance_m": [...]}
std::vector<Direction> read_grid(const MetaReader& meta) {
    std::vector<Direction> out;
    const JsonValue& g = meta.value("grid");
    if (g.is_array()) {
        for (std::size_t i = 0; i < g.items().size(); ++i) {
            const JsonValue& row = g.items()[i];
            if (!row.is_array() || row.items().size() < 2 || row.items().size() > 3 ||
                !row.items()[0].is_number() || !row.items()[1].is_number())
                meta.fail("grid", "item " + std::to_string(i) +
                                      " is not [azimuth_deg, elevation_deg(, distance_m)]");
            Direction d{row.items()[0].as_number(), row.items()[1].as_number(), 1.0};
            if (row.items().size() == 3 && row.items()[2].is_number())
                d.distance_m = row.items()[2].as_number();
            out.push_back(d);
        }
    } else {
        const MetaReader o = meta.object("grid");
        const std::vector<double> az = o.numbers("azimuth_deg");
        const std::vector<double> el = o.numbers("elevation_deg");
        const std::vector<double> r =
            o.has("distance_m") ? o.numbers("distance_m") : std::vector<double>(az.size(), 1.0);
        if (el.size() != az.size() || r.size() != az.size())
            meta.fail("grid", "has arrays of different lengths");
        for (std::size_t i = 0; i < az.size(); ++i)
            out.push_back(Direction{az[i], el[i], r[i]});
    }
    if (out.empty())
        meta.fail("grid", "has no directions");
    for (const Direction& d : out)
        if (!std::isfinite(d.azimuth_deg) || !std::isfinite(d.elevation_deg))
            meta.fail("grid", "holds a non-finite angle");
    return out;
}

std::string format_value(double v) {
    std::ostringstream s;
    s.precision(4);
    s << v;
    return s.str();
}

}  // namespace

struct PersonalizationModel::Impl {
    detail::LoadedModel model;
    std::vector<FeatureInfo> features;
    std::vector<Direction> grid;
    double base_delay_samples = 0.0;
};

PersonalizationModel::PersonalizationModel(const std::string& path) {
    detail::LoadedModel model = detail::load_model(path, "personalizer", {"forward"});
    const MetaReader meta = model.meta_reader();
    std::vector<FeatureInfo> features = read_features(meta);
    std::vector<Direction> grid = read_grid(meta);
    double base_delay = kDefaultBaseDelaySamples;
    if (meta.has("base_delay_samples")) {
        base_delay = meta.number("base_delay_samples");
        if (!(base_delay >= 0.0) || base_delay > static_cast<double>(model.info.taps))
            meta.fail("base_delay_samples", "is not a delay within the IR length");
    }
    impl_ = std::make_unique<Impl>(
        Impl{std::move(model), std::move(features), std::move(grid), base_delay});
}

PersonalizationModel::~PersonalizationModel() = default;
PersonalizationModel::PersonalizationModel(PersonalizationModel&&) noexcept = default;
PersonalizationModel& PersonalizationModel::operator=(PersonalizationModel&&) noexcept = default;

const ModelInfo& PersonalizationModel::info() const noexcept {
    return impl_->model.info;
}

std::vector<std::string> PersonalizationModel::features() const {
    std::vector<std::string> names;
    for (const FeatureInfo& f : impl_->features)
        names.push_back(f.name);
    return names;
}

const std::vector<FeatureInfo>& PersonalizationModel::feature_info() const noexcept {
    return impl_->features;
}

const std::vector<Direction>& PersonalizationModel::grid() const noexcept {
    return impl_->grid;
}

namespace {
void check_values(const std::vector<FeatureInfo>& features, const std::vector<double>& values,
                  const std::string& path) {
    if (values.size() != features.size())
        throw InvalidArgumentError("personalization model " + path + ": " +
                                   std::to_string(values.size()) +
                                   " anthropometric values given, expected " +
                                   std::to_string(features.size()) + " (the model's features)");
    for (std::size_t i = 0; i < values.size(); ++i) {
        const FeatureInfo& f = features[i];
        const double v = values[i];
        if (!std::isfinite(v))
            throw InvalidDataError("anthropometric feature '" + f.name + "' is " +
                                   (std::isnan(v) ? "NaN (missing)" : "infinite"));
        // Values outside physical sense, whatever the training range: a negative length, an
        // angle beyond a half turn.
        const std::string unit = f.unit.substr(0, f.unit.find(' '));
        if ((unit == "cm" || unit == "mm" || unit == "m") && v < 0.0)
            throw InvalidDataError("anthropometric feature '" + f.name + "' is " + format_value(v) +
                                   " " + unit + ": a length cannot be negative");
        if (unit == "deg" && std::abs(v) > 180.0)
            throw InvalidDataError("anthropometric feature '" + f.name + "' is " + format_value(v) +
                                   " deg: not an angle of -180 .. 180 deg");
    }
}
// The model's spectra at `targets`: dB magnitudes and ITDs mixed with barycentric weights
// on the model's grid (what time-aligned interpolation of the rendered IRs would mix, at
// the cost of rendering only the targets). The weights come from an Interpolator over a
// one-tap stand-in set, whose preparation costs nothing in the plain domain.
MagnitudeItd on_directions(const MagnitudeItd& grid, const std::vector<Direction>& targets) {
    HrirSet stand_in(grid.db.sample_rate_hz, 1, grid.db.directions);
    std::fill(stand_in.data().begin(), stand_in.data().end(), 1.0f);
    InterpolationOptions options;
    options.method = InterpolationMethod::barycentric;
    options.time_aligned = false;
    const Interpolator weights(stand_in, options);
    const std::size_t bins = grid.db.bins();
    MagnitudeItd out;
    out.db.sample_rate_hz = grid.db.sample_rate_hz;
    out.db.fft_size = grid.db.fft_size;
    out.db.directions = targets;
    out.db.data.assign(targets.size() * kEars * bins, 0.0);
    out.itd_s.assign(targets.size(), 0.0);
    for (std::size_t t = 0; t < targets.size(); ++t)
        for (const auto& [m, w] : weights.weights(targets[t])) {
            out.itd_s[t] += w * grid.itd_s[m];
            for (std::size_t e = 0; e < kEars; ++e) {
                const double* in = grid.db.values(m, static_cast<Ear>(e));
                double* o = out.db.values(t, static_cast<Ear>(e));
                for (std::size_t k = 0; k < bins; ++k)
                    o[k] += w * in[k];
            }
        }
    return out;
}
}  // namespace

MagnitudeItd PersonalizationModel::predict_spectra(const std::vector<double>& values) const {
    const ModelInfo& info = impl_->model.info;
    check_values(impl_->features, values, info.path);
    const auto F = static_cast<std::int64_t>(values.size());
    const auto M = static_cast<std::int64_t>(impl_->grid.size());
    const auto bins = static_cast<std::int64_t>(info.bins);
    Tensor x({1, F}, std::vector<float>(values.begin(), values.end()));
    const std::vector<Tensor> out = detail::call_checked(
        impl_->model, "forward", {x}, {{1, M, 2, bins}, {1, M}}, {"db", "itd_s"});
    MagnitudeItd r;
    r.db.sample_rate_hz = info.sample_rate_hz;
    r.db.fft_size = info.taps;
    r.db.directions = impl_->grid;
    r.db.data.assign(out[0].values.begin(), out[0].values.end());
    r.itd_s.resize(impl_->grid.size());
    for (std::size_t m = 0; m < r.itd_s.size(); ++m)
        r.itd_s[m] = kArchiveItdSign * static_cast<double>(out[1].values[m]);
    return r;
}

HrirSet PersonalizationModel::predict(const std::vector<double>& values,
                                      const std::vector<Direction>* targets) const {
    const ModelInfo& info = impl_->model.info;
    if (targets != nullptr)
        check_directions(*targets, "PersonalizationModel: target directions");
    MagnitudeItdRenderOptions render;
    render.taps = info.taps;
    render.base_delay_samples = impl_->base_delay_samples;
    MagnitudeItd spectra = predict_spectra(values);
    if (targets != nullptr)
        spectra = on_directions(spectra, *targets);
    HrirSet set = render_magnitude_itd(spectra, render);
    set.metadata.comment = "Predicted from anthropometry by " + info.name + " " + info.version;
    return set;
}

std::vector<std::string> PersonalizationModel::warnings(const std::vector<double>& values,
                                                        double max_sigma) const {
    check_values(impl_->features, values, impl_->model.info.path);
    std::vector<std::string> out;
    for (std::size_t i = 0; i < values.size(); ++i) {
        const FeatureInfo& f = impl_->features[i];
        const double z = (values[i] - f.mean) / f.std;
        const bool far = std::fabs(z) > max_sigma;
        const bool outside = values[i] < f.min || values[i] > f.max;
        if (!far && !outside)
            continue;
        const std::string unit = f.unit.empty() ? "" : " " + f.unit;
        const std::string sigmas = format_value(std::fabs(z)) + " standard deviations " +
                                   (z > 0 ? "above" : "below") + " the training mean " +
                                   format_value(f.mean) + unit;
        const std::string range =
            "training range " + format_value(f.min) + " .. " + format_value(f.max) + unit;
        if (outside)
            out.push_back("feature '" + f.name + "' = " + format_value(values[i]) + unit +
                          " is outside the " + range + " (" + sigmas +
                          "): the prediction extrapolates");
        else
            out.push_back("feature '" + f.name + "' = " + format_value(values[i]) + unit + " is " +
                          sigmas + " (" + range + ")");
    }
    return out;
}

}  // namespace pinna
