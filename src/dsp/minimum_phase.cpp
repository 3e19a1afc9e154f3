// Minimum-phase + pure-delay split by the folded real cepstrum on an oversampled FFT.
#include <algorithm>
#include <cmath>
#include <complex>
#include <memory>
#include <string>
#include <vector>

#include "core/thread_cache.hpp"
#include "dsp/correlation.hpp"
#include "dsp/fast_cepstrum.hpp"
#include "dsp/fft.hpp"
#include "pinna/delay.hpp"
#include "pinna/error.hpp"
#include "pinna/hrir_set.hpp"
#include "pinna/time_domain.hpp"

namespace pinna {
namespace {

std::size_t next_power_of_two(std::size_t n) {
    std::size_t p = 1;
    while (p < n)
        p <<= 1;
    return p;
}

// Plans for one IR length, reused over a whole set.
class MinimumPhaseWorker {
  public:
    MinimumPhaseWorker(std::size_t n, const MinimumPhaseOptions& options)
        : n_(n),
          options_(options),
          fft_(next_power_of_two(std::max<std::size_t>(options.oversample, 1) *
                                 std::max<std::size_t>(n, 2))),
          correlator_(n) {}

    MinimumPhaseIr split(const float* ir) const {
        MinimumPhaseIr out{std::vector<float>(n_, 0.0f), 0.0};
        const std::size_t L = fft_.size();
        AlignedVector<double> x(L, 0.0);
        std::copy(ir, ir + n_, x.begin());
        AlignedVector<std::complex<double>> X(fft_.bins());
        fft_.forward(x.data(), X.data());
        AlignedVector<double> log_mag(X.size());
        double peak_power = 0.0;
        for (const auto& v : X)
            peak_power = std::max(peak_power, std::norm(v));
        if (peak_power == 0.0)
            return out;
        // ln |X| = ln(|X|^2) / 2, floored: no square root per bin.
        const double floor_power = peak_power * std::pow(10.0, options_.floor_db / 10.0);
        for (std::size_t k = 0; k < X.size(); ++k)
            log_mag[k] = 0.5 * std::log(std::max(std::norm(X[k]), floor_power));
        const AlignedVector<double> h = from_log_magnitude(log_mag);
        for (std::size_t t = 0; t < n_; ++t)
            out.ir[t] = static_cast<float>(h[t]);
        out.delay_samples = std::max(0.0, delay(ir, out.ir.data()));
        return out;
    }

    // Minimum-phase sequence (L samples) of the half spectrum log|X| on this worker's grid.
    AlignedVector<double> from_log_magnitude(const AlignedVector<double>& log_mag) const {
        const std::size_t L = fft_.size();
        AlignedVector<std::complex<double>> spec(log_mag.begin(), log_mag.end());
        AlignedVector<double> c(L);
        fft_.inverse(spec.data(), c.data());  // real cepstrum
        // Fold: keep c[0] and c[L/2], double the causal part, drop the anti-causal part.
        for (std::size_t t = 1; t < L / 2; ++t)
            c[t] *= 2.0;
        std::fill(c.begin() + static_cast<long>(L / 2) + 1, c.end(), 0.0);
        fft_.forward(c.data(), spec.data());
        for (auto& v : spec)
            v = std::polar(std::exp(v.real()), v.imag());
        AlignedVector<double> h(L);
        fft_.inverse(spec.data(), h.data());
        return h;
    }

    std::size_t fft_size() const noexcept { return fft_.size(); }

    bool made_for(std::size_t n, const MinimumPhaseOptions& o) const noexcept {
        return n == n_ && o.oversample == options_.oversample && o.floor_db == options_.floor_db &&
               o.delay == options_.delay;
    }

  private:
    double delay(const float* ir, const float* min_phase) const {
        if (options_.delay == MinimumPhaseOptions::Delay::none)
            return 0.0;
        if (options_.delay == MinimumPhaseOptions::Delay::onset)
            return onset_samples(ir, n_) - onset_samples(min_phase, n_);
        std::vector<double> a(ir, ir + n_), b(min_phase, min_phase + n_);
        return correlator_.fractional_peak_lag(a.data(), b.data(), 0, static_cast<long>(n_) - 1);
    }

    std::size_t n_;
    MinimumPhaseOptions options_;
    RealFft fft_;
    detail::Correlator correlator_;
};

// Workers plan FFTs, which costs far more than one split; calls on many IRs of one length
// (a whole set, a model's output) reuse a few per thread.
const MinimumPhaseWorker& cached_worker(std::size_t n, const MinimumPhaseOptions& options) {
    return detail::thread_cached<MinimumPhaseWorker>(
        [&](const MinimumPhaseWorker& w) { return w.made_for(n, options); },
        [&] { return std::make_unique<MinimumPhaseWorker>(n, options); });
}

}  // namespace

MinimumPhaseIr minimum_phase(const float* ir, std::size_t n, const MinimumPhaseOptions& options) {
    detail::check_oversample(options.oversample, "minimum_phase");
    if (n == 0)
        return {{}, 0.0};
    return cached_worker(n, options).split(ir);
}

std::vector<float> minimum_phase_from_magnitude(const double* magnitude, std::size_t fft_size,
                                                std::size_t taps,
                                                const MinimumPhaseOptions& options) {
    detail::check_oversample(options.oversample, "minimum_phase_from_magnitude");
    if (fft_size < 2)
        throw InvalidArgumentError("minimum_phase_from_magnitude: fft_size " +
                                   std::to_string(fft_size) + " is below 2");
    const std::size_t bins = fft_size / 2 + 1;
    const MinimumPhaseWorker& worker = cached_worker(std::max(fft_size, taps), options);
    const std::size_t L = worker.fft_size();
    double peak = 0.0;
    for (std::size_t k = 0; k < bins; ++k)
        peak = std::max(peak, std::fabs(magnitude[k]));
    std::vector<float> out(taps, 0.0f);
    if (peak == 0.0)
        return out;
    const double floor = peak * std::pow(10.0, options.floor_db / 20.0);
    std::vector<double> coarse(bins);
    for (std::size_t k = 0; k < bins; ++k)
        coarse[k] = std::log(std::max(std::fabs(magnitude[k]), floor));
    // Fine bin j sits at j * fft_size / L coarse bins; interpolate the log magnitude.
    AlignedVector<double> fine(L / 2 + 1);
    for (std::size_t j = 0; j < fine.size(); ++j) {
        const double p =
            static_cast<double>(j) * static_cast<double>(fft_size) / static_cast<double>(L);
        const std::size_t k = std::min(static_cast<std::size_t>(p), bins - 1);
        const std::size_t k1 = std::min(k + 1, bins - 1);
        const double w = std::min(p - static_cast<double>(k), 1.0);
        fine[j] = (1.0 - w) * coarse[k] + w * coarse[k1];
    }
    const AlignedVector<double> h = worker.from_log_magnitude(fine);
    for (std::size_t t = 0; t < taps; ++t)
        out[t] = static_cast<float>(h[t]);
    return out;
}

void reconstruct_from_minimum_phase(const float* min_phase_ir, std::size_t n, double delay_samples,
                                    float* out, std::size_t out_size) noexcept {
    delay_signal(min_phase_ir, n, delay_samples, out, out_size);
}

HrirSet to_minimum_phase(const HrirSet& set, const MinimumPhaseOptions& options) {
    detail::check_oversample(options.oversample, "to_minimum_phase");
    HrirSet out(set.sample_rate_hz(), set.taps(), set.directions());
    out.metadata = set.metadata;
    out.delays_samples().assign(set.measurements() * kEars, 0.0);
    if (set.taps() == 0)
        return out;
    const MinimumPhaseWorker worker(set.taps(), options);
    for (std::size_t m = 0; m < set.measurements(); ++m)
        for (std::size_t e = 0; e < kEars; ++e) {
            const Ear ear = static_cast<Ear>(e);
            const MinimumPhaseIr mp = worker.split(set.ir(m, ear));
            std::copy(mp.ir.begin(), mp.ir.end(), out.ir(m, ear));
            out.delays_samples()[m * kEars + e] = mp.delay_samples + set.delay_samples(m, ear);
        }
    return out;
}

HrirSet from_minimum_phase(const HrirSet& set, std::size_t taps) {
    if (taps == 0)
        taps = set.taps();
    HrirSet out(set.sample_rate_hz(), taps, set.directions());
    out.metadata = set.metadata;
    for (std::size_t m = 0; m < set.measurements(); ++m)
        for (std::size_t e = 0; e < kEars; ++e) {
            const Ear ear = static_cast<Ear>(e);
            delay_signal(set.ir(m, ear), set.taps(), set.delay_samples(m, ear), out.ir(m, ear),
                         taps);
        }
    return out;
}

}  // namespace pinna
