// Butterworth low-pass design by the bilinear transform, as cascaded biquads.
#include <algorithm>
#include <cmath>
#include <complex>
#include <string>

#include "core/vec_math.hpp"
#include "dsp/biquad_pair.hpp"
#include "dsp/fast_math.hpp"
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

namespace {

// `lanes` signals through the same K sections in lock step. Per signal the operations and
// their order are those of a sample-by-sample pass through every section (transposed
// direct form II, zero state), so every lane's result is bitwise what filtering it alone
// gives. Section k at sample t waits only for section k-1 at t and for its own state, so
// the recursions of the sections and of the lanes overlap in the CPU; with K fixed the
// states stay in registers.
//
// With `unit_numerators`, sections 1 .. K-1 have b = (1, 2, 1) (a Butterworth low-pass with
// its gain in section 0): 1 * x and 2 * x are then written x and x + x, which are exact,
// so the results are bitwise the same with three multiplications fewer per section.
template <std::size_t K, std::size_t Lanes, bool unit_numerators>
void filter_lockstep(const Biquad* q, const double* const* in, double* const* out,
                     std::size_t n) noexcept {
    double s1[K][Lanes] = {};
    double s2[K][Lanes] = {};
    for (std::size_t t = 0; t < n; ++t) {
        double x[Lanes];
        for (std::size_t l = 0; l < Lanes; ++l)
            x[l] = in[l][t];
        for (std::size_t k = 0; k < K; ++k)
            for (std::size_t l = 0; l < Lanes; ++l) {
                if (unit_numerators && k > 0) {
                    const double y = x[l] + s1[k][l];
                    s1[k][l] = (x[l] + x[l]) - q[k].a1 * y + s2[k][l];
                    s2[k][l] = x[l] - q[k].a2 * y;
                    x[l] = y;
                    continue;
                }
                const double y = q[k].b0 * x[l] + s1[k][l];
                s1[k][l] = q[k].b1 * x[l] - q[k].a1 * y + s2[k][l];
                s2[k][l] = q[k].b2 * x[l] - q[k].a2 * y;
                x[l] = y;
            }
        for (std::size_t l = 0; l < Lanes; ++l)
            out[l][t] = x[l];
    }
}

// The same for any number of sections, one lane, with the states in memory.
void filter_any(const std::vector<Biquad>& sections, const double* in, double* out,
                std::size_t n) noexcept {
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

template <std::size_t K, std::size_t Lanes>
void filter_lockstep(const Biquad* q, bool unit_numerators, const double* const* in,
                     double* const* out, std::size_t n) noexcept {
    if (unit_numerators)
        filter_lockstep<K, Lanes, true>(q, in, out, n);
    else
        filter_lockstep<K, Lanes, false>(q, in, out, n);
}

template <std::size_t Lanes>
bool filter_fixed(const std::vector<Biquad>& sections, const double* const* in, double* const* out,
                  std::size_t n) noexcept {
    const Biquad* q = sections.data();
    const bool unit =
        std::all_of(sections.begin() + (sections.empty() ? 0 : 1), sections.end(),
                    [](const Biquad& b) { return b.b0 == 1.0 && b.b1 == 2.0 && b.b2 == 1.0; });
    switch (sections.size()) {
        case 0:
            for (std::size_t l = 0; l < Lanes; ++l)
                if (in[l] != out[l])
                    std::copy(in[l], in[l] + n, out[l]);
            return true;
        case 1:
            filter_lockstep<1, Lanes>(q, unit, in, out, n);
            return true;
        case 2:
            filter_lockstep<2, Lanes>(q, unit, in, out, n);
            return true;
        case 3:
            filter_lockstep<3, Lanes>(q, unit, in, out, n);
            return true;
        case 4:
            filter_lockstep<4, Lanes>(q, unit, in, out, n);
            return true;
        case 5:
            filter_lockstep<5, Lanes>(q, unit, in, out, n);
            return true;
        case 6:
            filter_lockstep<6, Lanes>(q, unit, in, out, n);
            return true;
        case 7:
            filter_lockstep<7, Lanes>(q, unit, in, out, n);
            return true;
        case 8:
            filter_lockstep<8, Lanes>(q, unit, in, out, n);
            return true;
        default:
            return false;
    }
}

}  // namespace

void filter_sections(const std::vector<Biquad>& sections, const double* in, double* out,
                     std::size_t n) noexcept {
    if (!filter_fixed<1>(sections, &in, &out, n))
        filter_any(sections, in, out, n);
}

namespace detail {

void filter_sections_pair(const std::vector<Biquad>& sections, const double* in0, double* out0,
                          const double* in1, double* out1, std::size_t n) noexcept {
    const double* in[2] = {in0, in1};
    double* out[2] = {out0, out1};
    if (!filter_fixed<2>(sections, in, out, n)) {
        filter_any(sections, in0, out0, n);
        filter_any(sections, in1, out1, n);
    }
}

// Flattened, so that the lock-step loops are compiled into each clone (AVX2 holds the four
// lanes in one register); the same bits, as no clone contracts into fused multiply-adds.
__attribute__((flatten)) PINNA_VECTOR_CLONES void filter_sections_quad(
    const std::vector<Biquad>& sections, const double* const in[4], double* const out[4],
    std::size_t n) noexcept {
    if (!filter_fixed<4>(sections, in, out, n))
        for (int l = 0; l < 4; ++l)
            filter_any(sections, in[l], out[l], n);
}

}  // namespace detail

}  // namespace pinna
