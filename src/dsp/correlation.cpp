#include "dsp/correlation.hpp"

#include <algorithm>

namespace pinna::detail {
namespace {

// Work arrays of the correlations on this thread (grown to the largest size seen), so that
// a correlation allocates nothing once a thread has done one of its size.
struct Scratch {
    AlignedVector<double> pad, circular;
    AlignedVector<std::complex<double>> a, b;
};

Scratch& scratch(std::size_t L, std::size_t bins) {
    thread_local Scratch s;
    if (s.pad.size() < L) {
        s.pad.resize(L);
        s.circular.resize(L);
    }
    if (s.a.size() < bins) {
        s.a.resize(bins);
        s.b.resize(bins);
    }
    return s;
}

// Where lag d (|d| < L) sits in a circular correlation of length L.
std::size_t circular_index(long d, std::size_t L) {
    return d >= 0 ? static_cast<std::size_t>(d) : L - static_cast<std::size_t>(-d);
}

}  // namespace

Correlator::Correlator(std::size_t n)
    : n_(n), fft_(fast_fft_size(2 * std::max<std::size_t>(n, 1) - 1)) {}

// The circular correlation of a and b (L samples, lag d at index d mod L) into s.circular;
// the cross spectrum A conj(B) stays in s.a.
void Correlator::circular_correlation(const double* a, const double* b) const {
    const std::size_t L = fft_.size();
    Scratch& s = scratch(L, fft_.bins());
    std::fill(s.pad.begin(), s.pad.begin() + static_cast<long>(L), 0.0);
    std::copy(a, a + n_, s.pad.begin());
    fft_.forward(s.pad.data(), s.a.data());
    std::copy(b, b + n_, s.pad.begin());
    fft_.forward(s.pad.data(), s.b.data());
    for (std::size_t k = 0; k < fft_.bins(); ++k)
        s.a[k] *= std::conj(s.b[k]);
    fft_.inverse(s.a.data(), s.circular.data());
}

std::vector<double> Correlator::correlate(const double* a, const double* b) const {
    const std::size_t L = fft_.size();
    circular_correlation(a, b);
    const AlignedVector<double>& circular = scratch(L, fft_.bins()).circular;
    // Zero padding to L >= 2n - 1 keeps the circular result free of wrap-around.
    std::vector<double> out(2 * n_ - 1);
    for (long d = -static_cast<long>(n_) + 1; d < static_cast<long>(n_); ++d)
        out[static_cast<std::size_t>(d + static_cast<long>(n_) - 1)] =
            circular[circular_index(d, L)];
    return out;
}

long Correlator::peak_lag(const double* a, const double* b) const {
    const std::size_t L = fft_.size();
    circular_correlation(a, b);
    const AlignedVector<double>& c = scratch(L, fft_.bins()).circular;
    // The first maximum in lag order -(n-1) .. n-1: the smallest lag on ties.
    const long n = static_cast<long>(n_);
    long best = -n + 1;
    double best_value = c[circular_index(best, L)];
    for (long d = -n + 2; d < n; ++d) {
        const double v = c[circular_index(d, L)];
        if (v > best_value) {
            best_value = v;
            best = d;
        }
    }
    return best;
}

double Correlator::fractional_peak_lag(const double* a, const double* b, long min_lag,
                                       long max_lag) const {
    const std::size_t L = fft_.size();
    circular_correlation(a, b);
    const Scratch& s = scratch(L, fft_.bins());
    const AlignedVector<std::complex<double>>& Z = s.a;
    const AlignedVector<double>& circular = s.circular;
    const long n = static_cast<long>(n_);
    const long lo = std::max(min_lag, -n + 1), hi = std::min(max_lag, n - 1);
    auto at = [&](long d) { return circular[circular_index(d, L)]; };
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
