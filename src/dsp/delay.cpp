#include "pinna/delay.hpp"

#include <algorithm>
#include <cmath>

#include "dsp/kaiser.hpp"
#include "pinna/geometry.hpp"
#include "pinna/hrir_set.hpp"

namespace pinna {
namespace {

double kaiser_sinc(double t) noexcept {
    constexpr double beta = 8.0;
    const double half = static_cast<double>(kFractionalDelayHalfTaps);
    if (std::abs(t) >= half)
        return 0.0;
    return detail::kaiser_window(t / half, beta) * detail::sinc(t);
}

}  // namespace

void delay_signal(const float* in, std::size_t in_size, double delay_samples, float* out,
                  std::size_t out_size) noexcept {
    const double whole = std::floor(delay_samples);
    const double frac = delay_samples - whole;
    const long shift = static_cast<long>(whole);
    const long n_in = static_cast<long>(in_size);
    if (frac < 1e-9 || frac > 1.0 - 1e-9) {
        const long s = frac < 0.5 ? shift : shift + 1;
        for (std::size_t t = 0; t < out_size; ++t) {
            const long src = static_cast<long>(t) - s;
            out[t] = (src >= 0 && src < n_in) ? in[src] : 0.0f;
        }
        return;
    }
    // out[t] = sum_k in[k] h(t - k - delay); with d = t - floor(delay) - k only |d| <= half
    // contributes, and h depends on d alone, so the kernel is tabulated once.
    const long half = static_cast<long>(kFractionalDelayHalfTaps);
    double kernel[2 * kFractionalDelayHalfTaps + 1];
    for (long d = -half; d <= half; ++d)
        kernel[d + half] = kaiser_sinc(static_cast<double>(d) - frac);
    for (std::size_t t = 0; t < out_size; ++t) {
        const long centre = static_cast<long>(t) - shift;
        double acc = 0.0;
        const long k0 = std::max(0L, centre - half);
        const long k1 = std::min(n_in - 1, centre + half);
        for (long k = k0; k <= k1; ++k)
            acc += static_cast<double>(in[k]) * kernel[centre - k + half];
        out[t] = static_cast<float>(acc);
    }
}

void apply_delays(HrirSet& set) {
    if (!set.has_delays())
        return;
    double max_delay = 0.0;
    bool fractional = false;
    for (double d : set.delays_samples()) {
        max_delay = std::max(max_delay, d);
        fractional = fractional || std::abs(d - std::round(d)) > 1e-6;
    }
    const std::size_t n_in = set.taps();
    const std::size_t extra = static_cast<std::size_t>(std::ceil(max_delay)) +
                              (fractional ? kFractionalDelayHalfTaps : 0);
    HrirSet out(set.sample_rate_hz(), n_in + extra, set.directions());
    out.metadata = set.metadata;
    for (std::size_t m = 0; m < set.measurements(); ++m)
        for (std::size_t e = 0; e < kEars; ++e) {
            const Ear ear = static_cast<Ear>(e);
            delay_signal(set.ir(m, ear), n_in, set.delay_samples(m, ear), out.ir(m, ear),
                         out.taps());
        }
    set = std::move(out);
}

HrirSet with_delays_applied(const HrirSet& set) {
    set.validate();
    HrirSet out = set;
    apply_delays(out);
    return out;
}

}  // namespace pinna
