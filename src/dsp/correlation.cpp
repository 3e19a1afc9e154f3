#include "dsp/correlation.hpp"

#include <algorithm>

namespace pinna::detail {

Correlator::Correlator(std::size_t n)
    : n_(n), fft_(fast_fft_size(2 * std::max<std::size_t>(n, 1) - 1)) {}

AlignedVector<std::complex<double>> Correlator::cross_spectrum(const double* a,
                                                               const double* b) const {
    const std::size_t L = fft_.size();
    AlignedVector<double> pad(L, 0.0);
    AlignedVector<std::complex<double>> A(fft_.bins()), B(fft_.bins());
    std::copy(a, a + n_, pad.begin());
    fft_.forward(pad.data(), A.data());
    std::copy(b, b + n_, pad.begin());
    fft_.forward(pad.data(), B.data());
    for (std::size_t k = 0; k < A.size(); ++k)
        A[k] *= std::conj(B[k]);
    return A;
}

std::vector<double> Correlator::correlate(const double* a, const double* b) const {
    const std::size_t L = fft_.size();
    const AlignedVector<std::complex<double>> Z = cross_spectrum(a, b);
    AlignedVector<double> circular(L);
    fft_.inverse(Z.data(), circular.data());
    // Zero padding to L >= 2n - 1 keeps the circular result free of wrap-around.
    std::vector<double> out(2 * n_ - 1);
    for (long d = -static_cast<long>(n_) + 1; d < static_cast<long>(n_); ++d) {
        const std::size_t idx =
            d >= 0 ? static_cast<std::size_t>(d) : L - static_cast<std::size_t>(-d);
        out[static_cast<std::size_t>(d + static_cast<long>(n_) - 1)] = circular[idx];
    }
    return out;
}

long Correlator::peak_lag(const double* a, const double* b) const {
    const std::vector<double> c = correlate(a, b);
    const auto it = std::max_element(c.begin(), c.end());  // first maximum
    return static_cast<long>(it - c.begin()) - static_cast<long>(n_) + 1;
}

double Correlator::fractional_peak_lag(const double* a, const double* b, long min_lag,
                                       long max_lag) const {
    const std::size_t L = fft_.size();
    const AlignedVector<std::complex<double>> Z = cross_spectrum(a, b);
    AlignedVector<double> circular(L);
    fft_.inverse(Z.data(), circular.data());
    const long n = static_cast<long>(n_);
    const long lo = std::max(min_lag, -n + 1), hi = std::min(max_lag, n - 1);
    auto at = [&](long d) {
        return circular[d >= 0 ? static_cast<std::size_t>(d) : L - static_cast<std::size_t>(-d)];
    };
    long best = lo;
    for (long d = lo + 1; d <= hi; ++d)
        if (at(d) > at(best))
            best = d;

    // The band-limited correlation c(t) = (1/L) sum_k Z_k e^{i w_k t} (w_k = 2 pi k / L, the
    // Nyquist bin of an even L shared by both halves) is maximal where c'(t) = 0 near the
    // whole-sample peak: Newton's method on c', from c' and c'' summed directly (a few
    // iterations of O(L), where evaluating c on a finer grid would take a long FFT).
    const double pi = 3.14159265358979323846;
    const double w = 2.0 * pi / static_cast<double>(L);
    const std::size_t half = L / 2;
    const double t_lo = std::max<double>(static_cast<double>(lo), best - 1.0);
    const double t_hi = std::min<double>(static_cast<double>(hi), best + 1.0);
    double t = static_cast<double>(best);
    for (int iteration = 0; iteration < 8; ++iteration) {
        const std::complex<double> step_phase = std::polar(1.0, w * t);
        std::complex<double> phase = step_phase;  // e^{i w_k t} for k = 1
        double d1 = 0.0, d2 = 0.0;
        for (std::size_t k = 1; k <= half; ++k) {
            const double weight = (L % 2 == 0 && k == half) ? 1.0 : 2.0;
            const std::complex<double> term = Z[k] * phase;
            const double wk = w * static_cast<double>(k);
            d1 -= weight * wk * term.imag();
            d2 -= weight * wk * wk * term.real();
            phase *= step_phase;
        }
        if (!(d2 < 0.0))
            break;  // not at a maximum: keep the whole-sample peak's neighbourhood value
        const double step = std::clamp(-d1 / d2, -0.5, 0.5);
        const double next = std::clamp(t + step, t_lo, t_hi);
        if (std::abs(next - t) < 1e-9) {
            t = next;
            break;
        }
        t = next;
    }
    return t;
}

}  // namespace pinna::detail
