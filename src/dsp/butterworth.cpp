// Butterworth low-pass design by the bilinear transform, as cascaded biquads.
#include <algorithm>
#include <cmath>
#include <complex>
#include <string>

#include "core/vec_math.hpp"
#include "pinna/error.hpp"
#include "pinna/geometry.hpp"
#include "pinna/time_domain.hpp"

namespace pinna {

std::vector<Biquad> butterworth_lowpass(int order, double cutoff_hz, double sample_rate_hz) {
    if (order < 2 || order > 40 || order % 2 != 0)
        throw InvalidArgumentError("butterworth_lowpass: order " + std::to_string(order) +
                                   " is not an even number in 2..40");
    if (!(sample_rate_hz > 0.0) || !std::isfinite(sample_rate_hz))
        throw InvalidArgumentError("butterworth_lowpass: sample rate " +
                                   std::to_string(sample_rate_hz) + " Hz is not positive");
    if (!(cutoff_hz > 0.0) || !(cutoff_hz < sample_rate_hz / 2.0))
        throw InvalidArgumentError("butterworth_lowpass: cutoff " + std::to_string(cutoff_hz) +
                                   " Hz is not inside (0, " + std::to_string(sample_rate_hz / 2.0) +
                                   ") Hz");
    using C = std::complex<double>;
    const double fs2 = 2.0 * sample_rate_hz;
    // Pre-warped analog cutoff (rad/s), so the digital -3 dB point lands on cutoff_hz.
    const double wc = fs2 * std::tan(kPi * cutoff_hz / sample_rate_hz);
    const int n = order;

    // Upper-half-plane analog poles of the prototype scaled to wc, mapped by
    // z = (fs2 + s) / (fs2 - s); all n zeros land on z = -1.
    std::vector<C> poles;
    C denominator = 1.0;
    for (int k = 0; k < n; ++k) {
        const double theta = kPi * static_cast<double>(2 * k + 1 + n) / (2.0 * n);
        const C s = wc * std::exp(C(0.0, theta));
        denominator *= fs2 - s;
        if (s.imag() > 0.0)
            poles.push_back((fs2 + s) / (fs2 - s));
    }
    const double gain = std::pow(wc, n) / denominator.real();

    std::sort(poles.begin(), poles.end(),
              [](const C& a, const C& b) { return std::abs(a) < std::abs(b); });
    std::vector<Biquad> sections;
    for (const C& p : poles) {
        Biquad q;
        q.b0 = 1.0;
        q.b1 = 2.0;
        q.b2 = 1.0;
        q.a1 = -2.0 * p.real();
        q.a2 = std::norm(p);
        sections.push_back(q);
    }
    sections.front().b0 *= gain;
    sections.front().b1 *= gain;
    sections.front().b2 *= gain;
    return sections;
}

void filter_sections(const std::vector<Biquad>& sections, const double* in, double* out,
                     std::size_t n) noexcept {
    // Transposed direct form II, zero initial state. Sample by sample through every
    // section: section k at sample t waits only for section k-1 at t and for its own state,
    // so the sections' recursions overlap in the CPU instead of running one whole pass
    // after another (the same operations in the same order per section: same result).
    constexpr std::size_t kMaxInterleaved = 16;
    const std::size_t count = sections.size();
    if (count <= kMaxInterleaved) {
        double s1[kMaxInterleaved] = {};
        double s2[kMaxInterleaved] = {};
        for (std::size_t t = 0; t < n; ++t) {
            double x = in[t];
            for (std::size_t k = 0; k < count; ++k) {
                const Biquad& q = sections[k];
                const double y = q.b0 * x + s1[k];
                s1[k] = q.b1 * x - q.a1 * y + s2[k];
                s2[k] = q.b2 * x - q.a2 * y;
                x = y;
            }
            out[t] = x;
        }
        return;
    }
    if (in != out)
        std::copy(in, in + n, out);
    for (const Biquad& q : sections) {
        double s1 = 0.0, s2 = 0.0;
        for (std::size_t t = 0; t < n; ++t) {
            const double x = out[t];
            const double y = q.b0 * x + s1;
            s1 = q.b1 * x - q.a1 * y + s2;
            s2 = q.b2 * x - q.a2 * y;
            out[t] = y;
        }
    }
}

}  // namespace pinna
