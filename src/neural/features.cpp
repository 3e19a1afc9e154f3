// Neural models' input features at any sample rate (features.hpp).
#include "neural/features.hpp"

#include <algorithm>
#include <cmath>
#include <vector>

#include "pinna/resample.hpp"

namespace pinna::detail {

namespace {

// Of an input recorded at a lower rate than the model's, the part of the spectrum read as
// it is: below this fraction of the input's Nyquist frequency (a recording's anti-aliasing
// filter, or pinna::resample's, rolls off above it).
constexpr double kLowerRateBandEdge = 0.83;

// Holds each spectrum of `db` (on the model's grid, from an input at `input_rate_hz`) at its
// value at the input's band edge, above it.
void hold_above_band_edge(SpectrumSet& db, double input_rate_hz) {
    const auto last = static_cast<std::size_t>(
        std::floor(kLowerRateBandEdge * 0.5 * input_rate_hz / db.frequency_hz(1)));
    if (last + 1 >= db.bins())
        return;
    for (std::size_t m = 0; m < db.measurements(); ++m)
        for (std::size_t e = 0; e < kEars; ++e) {
            double* v = db.values(m, static_cast<Ear>(e));
            std::fill(v + last + 1, v + db.bins(), v[last]);
        }
}

}  // namespace

SpectrumSet on_fft_grid(const SpectrumSet& db, double sample_rate_hz, std::size_t fft_size) {
    SpectrumSet out;
    out.sample_rate_hz = sample_rate_hz;
    out.fft_size = fft_size;
    out.directions = db.directions;
    const std::size_t bins = out.bins();
    const std::size_t in_bins = db.bins();
    out.data.resize(out.measurements() * kEars * bins);
    const double in_bin_hz = db.sample_rate_hz / static_cast<double>(db.fft_size);
    std::vector<std::size_t> lower(bins);
    std::vector<double> frac(bins);
    for (std::size_t k = 0; k < bins; ++k) {
        const double x = out.frequency_hz(k) / in_bin_hz;
        if (x >= static_cast<double>(in_bins - 1)) {
            lower[k] = in_bins - 2;
            frac[k] = 1.0;
        } else {
            lower[k] = static_cast<std::size_t>(x);
            frac[k] = x - static_cast<double>(lower[k]);
        }
    }
    for (std::size_t m = 0; m < out.measurements(); ++m)
        for (std::size_t e = 0; e < kEars; ++e) {
            const double* in = db.values(m, static_cast<Ear>(e));
            double* o = out.values(m, static_cast<Ear>(e));
            for (std::size_t k = 0; k < bins; ++k)
                o[k] = in[lower[k]] + frac[k] * (in[lower[k] + 1] - in[lower[k]]);
        }
    return out;
}

MagnitudeItd model_features(const HrirSet& native, const ModelInfo& info) {
    const double fs = native.sample_rate_hz();
    const ItdResolution itd =
        info.fractional_itd ? ItdResolution::fractional : ItdResolution::whole_samples;
    if (std::fabs(fs - info.sample_rate_hz) <= 1e-9 * info.sample_rate_hz)
        return magnitude_itd(conform(native, info.sample_rate_hz, info.taps), itd);
    const auto taps = std::max<std::size_t>(
        2, static_cast<std::size_t>(
               std::lround(static_cast<double>(info.taps) * fs / info.sample_rate_hz)));
    MagnitudeItd own = magnitude_itd(conform(native, fs, taps), itd);
    own.db = on_fft_grid(own.db, info.sample_rate_hz, info.taps);
    if (fs < info.sample_rate_hz)
        hold_above_band_edge(own.db, fs);
    return own;
}

}  // namespace pinna::detail
