// Upsampler: runs models of kind "upsampler" (forward(meas_dirs, meas_db, meas_itd_s,
// target_dirs) -> (db, itd_s); population(target_dirs) -> (db, itd_s)).
#include <algorithm>
#include <cmath>
#include <string>

#include "neural/model_file.hpp"
#include "pinna/error.hpp"
#include "pinna/grid.hpp"
#include "pinna/neural/models.hpp"
#include "pinna/resample.hpp"

namespace pinna {

using detail::Tensor;

namespace {

// The archives' ITD convention (metrics.md's Python code): t_left - t_right.
constexpr double kArchiveItdSign = -1.0;

MagnitudeItd from_outputs(const ModelInfo& info, const std::vector<Direction>& targets,
                          const Tensor& db, const Tensor& itd) {
    MagnitudeItd out;
    out.db.sample_rate_hz = info.sample_rate_hz;
    out.db.fft_size = info.taps;
    out.db.directions = targets;
    out.db.data.assign(db.values.begin(), db.values.end());
    out.itd_s.resize(itd.values.size());
    for (std::size_t t = 0; t < itd.values.size(); ++t)
        out.itd_s[t] = kArchiveItdSign * static_cast<double>(itd.values[t]);
    return out;
}

}  // namespace

struct Upsampler::Impl {
    detail::LoadedModel model;
};

Upsampler::Upsampler(const std::string& path)
    : impl_(std::make_unique<Impl>(Impl{detail::load_model(path, "upsampler", {"forward"})})) {}

Upsampler::~Upsampler() = default;
Upsampler::Upsampler(Upsampler&&) noexcept = default;
Upsampler& Upsampler::operator=(Upsampler&&) noexcept = default;

const ModelInfo& Upsampler::info() const noexcept {
    return impl_->model.info;
}

MagnitudeItd Upsampler::predict(const MagnitudeItd& measured,
                                const std::vector<Direction>& targets) const {
    const ModelInfo& info = impl_->model.info;
    const SpectrumSet& db = measured.db;
    const std::size_t S = db.measurements();
    if (S == 0)
        throw InvalidArgumentError("Upsampler::predict: no measured directions");
    if (db.fft_size != info.taps)
        throw InvalidArgumentError("Upsampler::predict: measured spectra of a " +
                                   std::to_string(db.fft_size) + "-point FFT, the model (" +
                                   info.path + ") expects " + std::to_string(info.taps));
    if (db.data.size() != S * kEars * info.bins || measured.itd_s.size() != S)
        throw InvalidArgumentError("Upsampler::predict: " + std::to_string(db.data.size()) +
                                   " dB values and " + std::to_string(measured.itd_s.size()) +
                                   " ITDs for " + std::to_string(S) + " directions (expected " +
                                   std::to_string(S * kEars * info.bins) + " and " +
                                   std::to_string(S) + ")");
    for (std::size_t i = 0; i < db.data.size(); ++i)
        if (!std::isfinite(db.data[i]))
            throw InvalidDataError("Upsampler::predict: dB magnitude of measured direction " +
                                   std::to_string(i / (kEars * info.bins)) + " is not finite");
    for (std::size_t m = 0; m < S; ++m)
        if (!std::isfinite(measured.itd_s[m]))
            throw InvalidDataError("Upsampler::predict: ITD of measured direction " +
                                   std::to_string(m) + " is not finite");

    const auto T = static_cast<std::int64_t>(targets.size());
    const auto bins = static_cast<std::int64_t>(info.bins);
    std::vector<Tensor> inputs;
    inputs.push_back(detail::unit_vectors(db.directions, "Upsampler: measured directions"));
    inputs.emplace_back(std::vector<std::int64_t>{static_cast<std::int64_t>(S), 2, bins},
                        std::vector<float>(db.data.begin(), db.data.end()));
    Tensor itd({static_cast<std::int64_t>(S)}, std::vector<float>(S));
    for (std::size_t m = 0; m < S; ++m)
        itd.values[m] = static_cast<float>(kArchiveItdSign * measured.itd_s[m]);
    inputs.push_back(std::move(itd));
    inputs.push_back(detail::unit_vectors(targets, "Upsampler: target directions"));
    const std::vector<Tensor> out =
        detail::call_checked(impl_->model, "forward", inputs, {{T, 2, bins}, {T}}, {"db", "itd_s"});
    return from_outputs(info, targets, out[0], out[1]);
}

MagnitudeItd Upsampler::population(const std::vector<Direction>& targets) const {
    const ModelInfo& info = impl_->model.info;
    if (!impl_->model.module.has_method("population"))
        throw ModelError(info.path + ": the archive has no method 'population'");
    const auto T = static_cast<std::int64_t>(targets.size());
    const auto bins = static_cast<std::int64_t>(info.bins);
    const std::vector<Tensor> out = detail::call_checked(
        impl_->model, "population", {detail::unit_vectors(targets, "Upsampler: target directions")},
        {{T, 2, bins}, {T}}, {"db", "itd_s"});
    return from_outputs(info, targets, out[0], out[1]);
}

HrirSet Upsampler::upsample(const HrirSet& measured, const std::vector<Direction>& targets,
                            const NeuralUpsampleOptions& options) const {
    const ModelInfo& info = impl_->model.info;
    check_directions(targets, "Upsampler: target directions");
    const HrirSet conformed = conform(measured, info.sample_rate_hz, info.taps);
    const MagnitudeItd predicted = predict(magnitude_itd(conformed), targets);
    MagnitudeItdRenderOptions render;
    render.taps = info.taps;
    render.base_delay_samples = leading_ear_delay_samples(conformed);
    HrirSet out = render_magnitude_itd(predicted, render);
    out.metadata = measured.metadata;
    if (options.keep_measured_within_deg >= 0.0) {
        const SphericalIndex index(conformed.directions());
        const double min_cos = std::cos(deg_to_rad(options.keep_measured_within_deg));
        for (std::size_t t = 0; t < targets.size(); ++t) {
            std::size_t nearest = 0;
            double cos_angle = -1.0;
            index.nearest_k(unit_vector(targets[t]), 1, &nearest, &cos_angle);
            if (cos_angle < min_cos)
                continue;
            for (std::size_t e = 0; e < kEars; ++e) {
                const float* src = conformed.ir(nearest, static_cast<Ear>(e));
                std::copy(src, src + info.taps, out.ir(t, static_cast<Ear>(e)));
            }
        }
    }
    return out;
}

}  // namespace pinna
