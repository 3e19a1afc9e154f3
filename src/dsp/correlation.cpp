#include "dsp/correlation.hpp"

#include <algorithm>

namespace pinna::detail {

Correlator::Correlator(std::size_t n, std::size_t upsample)
    : n_(n),
      upsample_(std::max<std::size_t>(upsample, 1)),
      fft_(fast_fft_size(2 * std::max<std::size_t>(n, 1) - 1)),
      fine_fft_(fft_.size() * std::max<std::size_t>(upsample, 1)) {}

std::vector<std::complex<double>> Correlator::cross_spectrum(const double* a,
                                                             const double* b) const {
    const std::size_t L = fft_.size();
    std::vector<double> pad(L, 0.0);
    std::vector<std::complex<double>> A(fft_.bins()), B(fft_.bins());
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
    const std::vector<std::complex<double>> Z = cross_spectrum(a, b);
    std::vector<double> circular(L);
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
    const std::size_t F = fine_fft_.size();
    const std::vector<std::complex<double>> Z = cross_spectrum(a, b);
    std::vector<std::complex<double>> fine(fine_fft_.bins(), 0.0);
    std::copy(Z.begin(), Z.end(), fine.begin());
    // Band-limited interpolation: an even-length spectrum's Nyquist bin is shared by the
    // positive and negative halves, so each gets half of it.
    if (L % 2 == 0 && upsample_ > 1)
        fine[L / 2] *= 0.5;
    std::vector<double> r(F);
    fine_fft_.inverse(fine.data(), r.data());

    const long U = static_cast<long>(upsample_);
    const long lo = std::max(min_lag, -static_cast<long>(n_) + 1) * U;
    const long hi = std::min(max_lag, static_cast<long>(n_) - 1) * U;
    auto at = [&](long j) {
        const std::size_t idx =
            j >= 0 ? static_cast<std::size_t>(j) : F - static_cast<std::size_t>(-j);
        return r[idx];
    };
    long best = lo;
    for (long j = lo + 1; j <= hi; ++j)
        if (at(j) > at(best))
            best = j;
    double delta = 0.0;
    if (best > lo && best < hi) {
        const double ym = at(best - 1), y0 = at(best), yp = at(best + 1);
        const double curvature = ym - 2.0 * y0 + yp;
        if (curvature < 0.0)
            delta = std::clamp(0.5 * (ym - yp) / curvature, -0.5, 0.5);
    }
    return (static_cast<double>(best) + delta) / static_cast<double>(U);
}

}  // namespace pinna::detail
