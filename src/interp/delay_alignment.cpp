#include "interp/delay_alignment.hpp"

#include <cmath>
#include <memory>

#include "pinna/delay.hpp"
#include "pinna/time_domain.hpp"

namespace pinna::detail {
namespace {

// Estimators plan FFTs; reuse one per thread for a given length and rate.
const ItdEstimator& estimator(std::size_t taps, double fs) {
    thread_local std::unique_ptr<ItdEstimator> cached;
    if (!cached || cached->taps() != taps || cached->sample_rate_hz() != fs)
        cached = std::make_unique<ItdEstimator>(fs, taps);
    return *cached;
}

}  // namespace

double envelope_aligned_delay(const float* original, const float* min_phase, std::size_t taps,
                              double fallback_delay, double fs) {
    double energy = 0.0;
    for (std::size_t t = 0; t < taps; ++t)
        energy += static_cast<double>(min_phase[t]) * min_phase[t];
    if (energy == 0.0)
        return fallback_delay;
    // itd(a, b) = arrival(b) - arrival(a): how much later the original arrives than its
    // minimum-phase version, i.e. the delay that lines their envelopes up.
    const double lag = estimator(taps, fs).itd_fractional_samples(min_phase, original);
    if (!std::isfinite(lag) || lag < -1.0 || lag > 0.75 * static_cast<double>(taps))
        return fallback_delay;
    return std::max(0.0, lag);
}

void align_split_delays(const HrirSet& original, HrirSet& split) {
    for (std::size_t m = 0; m < original.measurements(); ++m)
        for (std::size_t e = 0; e < kEars; ++e) {
            const Ear ear = static_cast<Ear>(e);
            double& d = split.delays_samples()[m * kEars + e];
            d = envelope_aligned_delay(original.ir(m, ear), split.ir(m, ear), original.taps(), d,
                                       original.sample_rate_hz());
        }
}

}  // namespace pinna::detail
