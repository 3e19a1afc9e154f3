// Upsampler: runs models of kind "upsampler" (forward(meas_dirs, meas_db, meas_itd_s,
// target_dirs) -> (db, itd_s); population(target_dirs) -> (db, itd_s)).
#include <algorithm>
#include <cmath>
#include <optional>
#include <string>
#include <vector>

#include "neural/features.hpp"
#include "neural/model_file.hpp"
#include "pinna/delay.hpp"
#include "pinna/error.hpp"
#include "pinna/grid.hpp"
#include "pinna/neural/models.hpp"

namespace pinna {

using detail::model_features;
using detail::on_fft_grid;
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

// Per ear and bin, the mean over the measured directions of (measured - population) dB.
std::vector<double> offset_from_population(const SpectrumSet& measured,
                                           const SpectrumSet& population) {
    const std::size_t bins = measured.bins(), S = measured.measurements();
    std::vector<double> offset(kEars * bins, 0.0);
    for (std::size_t m = 0; m < S; ++m)
        for (std::size_t i = 0; i < kEars * bins; ++i)
            offset[i] +=
                measured.data[m * kEars * bins + i] - population.data[m * kEars * bins + i];
    for (double& v : offset)
        v /= static_cast<double>(S);
    return offset;
}

// Adds `offset` (per ear and bin) to every direction of `db`, times `weight`.
void add_offset(SpectrumSet& db, const std::vector<double>& offset, double weight) {
    const std::size_t n = offset.size();
    for (std::size_t m = 0; m < db.measurements(); ++m)
        for (std::size_t i = 0; i < n; ++i)
            db.data[m * n + i] += weight * offset[i];
}

// NeuralUpsampleOptions::equalize_chain: the measurement chain's estimate (the offset from
// the population, the mean of the two ears, smoothed over +-8 bins, +-1.4 kHz) and the
// weight it gets from the larger of the ears' broadband levels. One estimate for both ears:
// at a few lateral directions each ear's offset also holds the head's shadow on that side,
// which the two ears have with opposite signs. Both choices (the width, one estimate for
// both ears) were made on 12 HUTUBS subjects, as stored and as DTFs, from 3 and 5
// directions (models/upsampler.md), never on the sofa-zoo files.
constexpr std::size_t kChainSmoothingBins = 8;
constexpr double kChainLevelTopHz = 20000.0;

struct ChainEstimate {
    std::vector<double> offset;  // per ear and bin (the same for both ears), smoothed
    double weight = 0.0;
};

ChainEstimate estimate_chain(const std::vector<double>& raw, const SpectrumSet& grid) {
    const std::size_t bins = grid.bins();
    ChainEstimate chain;
    chain.offset.assign(raw.size(), 0.0);
    for (std::size_t k = 0; k < bins; ++k) {
        const std::size_t lo = k >= kChainSmoothingBins ? k - kChainSmoothingBins : 0;
        const std::size_t hi = std::min(bins - 1, k + kChainSmoothingBins);
        double sum = 0.0;
        for (std::size_t j = lo; j <= hi; ++j)
            sum += raw[j] + raw[bins + j];
        const double mean = sum / static_cast<double>(2 * (hi - lo + 1));
        for (std::size_t e = 0; e < kEars; ++e)
            chain.offset[e * bins + k] = mean;
    }
    double level = 0.0;
    for (std::size_t e = 0; e < kEars; ++e) {
        const double* x = raw.data() + e * bins;
        double sum = 0.0;
        std::size_t count = 0;
        for (std::size_t k = 1; k < bins && grid.frequency_hz(k) <= kChainLevelTopHz; ++k) {
            sum += x[k];
            ++count;
        }
        if (count > 0)
            level = std::max(level, std::fabs(sum / static_cast<double>(count)));
    }
    chain.weight =
        std::clamp((level - kChainLevelNoneDb) / (kChainLevelFullDb - kChainLevelNoneDb), 0.0, 1.0);
    return chain;
}

// The measured ITDs as the archive reads them (seconds, t_left - t_right); InvalidDataError
// for a value that is not finite.
Tensor archive_itds(const std::vector<double>& itd_s, const char* where) {
    Tensor itd({static_cast<std::int64_t>(itd_s.size())}, std::vector<float>(itd_s.size()));
    for (std::size_t m = 0; m < itd_s.size(); ++m) {
        if (!std::isfinite(itd_s[m]))
            throw InvalidDataError(std::string(where) + ": ITD of measured direction " +
                                   std::to_string(m) + " is not finite");
        itd.values[m] = static_cast<float>(kArchiveItdSign * itd_s[m]);
    }
    return itd;
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
    return predict_at(measured, targets, nullptr);
}

MagnitudeItd Upsampler::predict(const MagnitudeItd& measured, const std::vector<Direction>& targets,
                                double head_yaw_deg) const {
    if (!std::isfinite(head_yaw_deg))
        throw InvalidArgumentError("Upsampler::predict: the head's yaw is not finite");
    if (!impl_->model.module.has_method("forward_at_yaw"))
        throw ModelError(impl_->model.info.path +
                         ": the archive has no method 'forward_at_yaw' (a given head yaw needs "
                         "upsampler v1.2.0 or later)");
    return predict_at(measured, targets, &head_yaw_deg);
}

MagnitudeItd Upsampler::predict_at(const MagnitudeItd& measured,
                                   const std::vector<Direction>& targets,
                                   const double* head_yaw_deg) const {
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
    const auto T = static_cast<std::int64_t>(targets.size());
    const auto bins = static_cast<std::int64_t>(info.bins);
    std::vector<Tensor> inputs;
    inputs.push_back(detail::unit_vectors(db.directions, "Upsampler: measured directions"));
    inputs.emplace_back(std::vector<std::int64_t>{static_cast<std::int64_t>(S), 2, bins},
                        std::vector<float>(db.data.begin(), db.data.end()));
    inputs.push_back(archive_itds(measured.itd_s, "Upsampler::predict"));
    inputs.push_back(detail::unit_vectors(targets, "Upsampler: target directions"));
    if (head_yaw_deg != nullptr)
        inputs.emplace_back(std::vector<std::int64_t>{1},
                            std::vector<float>{static_cast<float>(*head_yaw_deg)});
    const std::vector<Tensor> out =
        detail::call_checked(impl_->model, head_yaw_deg != nullptr ? "forward_at_yaw" : "forward",
                             inputs, {{T, 2, bins}, {T}}, {"db", "itd_s"});
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

double Upsampler::head_yaw_deg(const MagnitudeItd& measured) const {
    const std::size_t S = measured.itd_s.size();
    if (S == 0)
        throw InvalidArgumentError("Upsampler::head_yaw_deg: no measured directions");
    if (measured.db.directions.size() != S)
        throw InvalidArgumentError("Upsampler::head_yaw_deg: " + std::to_string(S) + " ITDs for " +
                                   std::to_string(measured.db.directions.size()) + " directions");
    Tensor dirs = detail::unit_vectors(measured.db.directions, "Upsampler: measured directions");
    Tensor itd = archive_itds(measured.itd_s, "Upsampler::head_yaw_deg");
    if (!impl_->model.module.has_method("head_yaw_deg"))
        return 0.0;
    const std::vector<Tensor> out = detail::call_checked(
        impl_->model, "head_yaw_deg", {std::move(dirs), std::move(itd)}, {{1}}, {"yaw_deg"});
    return out[0].values[0];
}

double Upsampler::head_yaw_deg(const HrirSet& measured) const {
    return head_yaw_deg(model_features(with_delays_applied(measured), impl_->model.info));
}

HrirSet Upsampler::upsample(const HrirSet& measured, const std::vector<Direction>& targets,
                            const NeuralUpsampleOptions& options) const {
    const ModelInfo& info = impl_->model.info;
    check_directions(targets, "Upsampler: target directions");
    if (options.head_yaw_deg && !std::isfinite(*options.head_yaw_deg))
        throw InvalidArgumentError("NeuralUpsampleOptions::head_yaw_deg is not finite");
    // The measured ear signals at their own rate and length (delays applied), and as the
    // model reads them (its rate and taps).
    const HrirSet native = with_delays_applied(measured);
    MagnitudeItd features = model_features(native, info);

    // The head's yaw (models/upsampler.md, "Head yaw"): given, or estimated once here for
    // both the chain's frame and the prediction (archives from v1.2.0 on; older ones have
    // no yaw stage and predict through "forward").
    std::optional<double> yaw = options.head_yaw_deg;
    if (!yaw && !options.population_offset_baseline &&
        impl_->model.module.has_method("forward_at_yaw"))
        yaw = head_yaw_deg(features);
    const auto predict_at_yaw = [&](const MagnitudeItd& in) {
        return yaw ? predict(in, targets, *yaw) : predict(in, targets);
    };

    MagnitudeItd predicted;
    // An archive without "population" cannot say what a chain-free input looks like.
    const bool has_population = impl_->model.module.has_method("population");
    if (options.population_offset_baseline || (options.equalize_chain && has_population)) {
        // The model's prior sits in the head's frame: the lab's chain is what the
        // measurements differ from it by there. (The baseline keeps the population as it is.)
        std::vector<Direction> frame = native.directions();
        for (Direction& d : frame)
            d.azimuth_deg -= yaw.value_or(0.0);
        const std::vector<double> raw = offset_from_population(features.db, population(frame).db);
        if (options.population_offset_baseline) {
            predicted = population(targets);
            add_offset(predicted.db, raw, 1.0);
        } else {
            const ChainEstimate chain = estimate_chain(raw, features.db);
            add_offset(features.db, chain.offset, -chain.weight);
            predicted = predict_at_yaw(features);
            add_offset(predicted.db, chain.offset, chain.weight);
        }
    } else {
        predicted = predict_at_yaw(features);
    }

    // Rendered at the input's rate and length. The minimum-phase responses come from a
    // spectrum at least as fine as the model's (its taps' duration), cut to the length.
    const double fs = native.sample_rate_hz();
    const std::size_t taps = native.taps();
    std::size_t fft_size = std::max<std::size_t>(
        taps, static_cast<std::size_t>(
                  std::ceil(static_cast<double>(info.taps) * fs / info.sample_rate_hz - 1e-9)));
    fft_size += fft_size % 2;
    MagnitudeItd spectra;
    spectra.db = on_fft_grid(predicted.db, fs, fft_size);
    spectra.itd_s = predicted.itd_s;
    MagnitudeItdRenderOptions render;
    render.taps = taps;
    render.base_delay_samples = leading_ear_delay_samples(native);
    // The 4x cepstrum (minimum_phase_from_magnitude's): through the CLI its LAP LSD on
    // SONICOM's validation subjects is 0.003 - 0.004 dB lower than with the faster 1x, and
    // 0.002 dB on the sofa-zoo from 3 directions (models/upsampler.md).
    render.oversample = 4;
    HrirSet out = render_magnitude_itd(spectra, render);
    out.metadata = measured.metadata;
    if (options.keep_measured_within_deg >= 0.0) {
        const SphericalIndex index(native.directions());
        const double min_cos = std::cos(deg_to_rad(options.keep_measured_within_deg));
        for (std::size_t t = 0; t < targets.size(); ++t) {
            std::size_t nearest = 0;
            double cos_angle = -1.0;
            index.nearest_k(unit_vector(targets[t]), 1, &nearest, &cos_angle);
            if (cos_angle < min_cos)
                continue;
            for (std::size_t e = 0; e < kEars; ++e) {
                const float* src = native.ir(nearest, static_cast<Ear>(e));
                std::copy(src, src + taps, out.ir(t, static_cast<Ear>(e)));
            }
        }
    }
    return out;
}

}  // namespace pinna
