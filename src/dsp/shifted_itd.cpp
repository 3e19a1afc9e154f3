#include "dsp/shifted_itd.hpp"

#include <algorithm>
#include <cmath>
#include <memory>

#if defined(__SSE2__)
#include <immintrin.h>
#endif

#include "core/thread_cache.hpp"
#include "dsp/biquad_pair.hpp"

namespace pinna::detail {
namespace {

// Unit roundoff of single precision.
constexpr double kUnitRoundoff = 5.9604644775390625e-8;  // 2^-24
// Normwise relative error of an FFTW transform of size m, taken as kFftErrorPerStage * u *
// log2(m): several times what FFTW's published accuracy shows for single precision (a few u
// * sqrt(log2 m) rms), so that the bound holds with room to spare.
constexpr double kFftErrorPerStage = 8.0;

double fft_error(std::size_t m) {
    return kFftErrorPerStage * kUnitRoundoff *
           std::log2(static_cast<double>(std::max<std::size_t>(m, 2)));
}

// The largest and second largest value of x[0 .. n) (equal on a tie) and its sum of squares,
// in one pass over independent lanes (SSE where the compiler targets it).
struct Top2 {
    float best = -INFINITY, second = -INFINITY;
    double energy = 0.0;
    void add(float v) {
        second = std::max(second, std::min(v, best));
        best = std::max(best, v);
        energy += static_cast<double>(v) * v;
    }
    void merge(const Top2& o) {
        second = std::max(std::max(second, o.second), std::min(best, o.best));
        best = std::max(best, o.best);
        energy += o.energy;
    }
};

Top2 top2(const float* x, std::size_t n) {
    Top2 r;
    std::size_t i = 0;
#if defined(__SSE2__)
    constexpr std::size_t kLanes = 8;
    if (n >= kLanes) {
        const __m128 low = _mm_set1_ps(-INFINITY);
        __m128 best[2] = {low, low}, second[2] = {low, low};
        __m128 energy[2] = {_mm_setzero_ps(), _mm_setzero_ps()};
        for (; i + kLanes <= n; i += kLanes)
            for (int h = 0; h < 2; ++h) {
                const __m128 v = _mm_loadu_ps(x + i + 4 * h);
                second[h] = _mm_max_ps(second[h], _mm_min_ps(v, best[h]));
                best[h] = _mm_max_ps(best[h], v);
                energy[h] = _mm_add_ps(energy[h], _mm_mul_ps(v, v));
            }
        alignas(16) float b[kLanes], s[kLanes], e[kLanes];
        for (int h = 0; h < 2; ++h) {
            _mm_store_ps(b + 4 * h, best[h]);
            _mm_store_ps(s + 4 * h, second[h]);
            _mm_store_ps(e + 4 * h, energy[h]);
        }
        for (std::size_t l = 0; l < kLanes; ++l)
            r.merge(Top2{b[l], s[l], e[l]});
    }
#endif
    for (; i < n; ++i)
        r.add(x[i]);
    return r;
}

// Sum of x[t]^2 in double precision, four independent partial sums (so that the additions
// overlap).
template <typename T>
double sum_of_squares(const T* x, std::size_t n) {
    double s[4] = {0.0, 0.0, 0.0, 0.0};
    std::size_t t = 0;
    for (; t + 4 <= n; t += 4)
        for (std::size_t l = 0; l < 4; ++l)
            s[l] += static_cast<double>(x[t + l]) * static_cast<double>(x[t + l]);
    for (; t < n; ++t)
        s[0] += static_cast<double>(x[t]) * static_cast<double>(x[t]);
    return (s[0] + s[1]) + (s[2] + s[3]);
}

}  // namespace

ShiftedPairItd::ShiftedPairItd(double sample_rate_hz, std::size_t taps)
    : n_(taps),
      sample_rate_hz_(sample_rate_hz),
      sections_(butterworth_lowpass(kItdLowpassOrder, kItdLowpassHz, sample_rate_hz)),
      hilbert_(taps),
      correlation_fft_(fast_fft_size(2 * std::max<std::size_t>(taps, 1) - 1)),
      cross_spectrum_(correlation_fft_.bins()),
      circular_(correlation_fft_.size()),
      hilbert_exact_(taps),
      correlator_(taps) {
    for (int e = 0; e < 2; ++e) {
        lowpassed_[e].assign(n_, 0.0);
        fast_[e].signal.assign(n_, 0.0f);
        fast_[e].envelope.assign(correlation_fft_.size(), 0.0f);  // zero beyond n_ for good
        fast_[e].spectrum.assign(correlation_fft_.bins(), 0.0f);
        shifted_[e].assign(n_, 0.0);
        envelope_[e].assign(n_, 0.0);
    }
}

void ShiftedPairItd::set_pair(const float* left, const float* right) {
    std::copy(left, left + n_, lowpassed_[0].begin());
    std::copy(right, right + n_, lowpassed_[1].begin());
    filter_sections_pair(sections_, lowpassed_[0].data(), lowpassed_[0].data(),
                         lowpassed_[1].data(), lowpassed_[1].data(), n_);
    lowpassed_changed();
}

void ShiftedPairItd::set_lowpassed_pair(const double* left, const double* right) {
    std::copy(left, left + n_, lowpassed_[0].begin());
    std::copy(right, right + n_, lowpassed_[1].begin());
    lowpassed_changed();
}

void ShiftedPairItd::lowpassed_changed() {
    for (int e = 0; e < 2; ++e) {
        fast_[e].valid = false;
        envelope_valid_[e] = false;
    }
}

void ShiftedPairItd::prepare_fast(int ear, std::size_t shift) {
    FastEar& f = fast_[ear];
    if (f.valid && f.shift == shift)
        return;
    const std::size_t s = std::min(shift, n_);
    const double* y = lowpassed_[ear].data();
    std::fill(f.signal.begin(), f.signal.begin() + static_cast<long>(s), 0.0f);
    for (std::size_t t = s; t < n_; ++t)
        f.signal[t] = static_cast<float>(y[t - s]);
    // The norms only enter the error bounds, whose slack (4 u of single precision) dwarfs a
    // double-precision sum's error in any order.
    f.signal_norm = std::sqrt(sum_of_squares(y, n_ - s));

    hilbert_.envelope(f.signal.data(), f.envelope.data());  // the first n_ of L values
    f.envelope_norm = std::sqrt(sum_of_squares(f.envelope.data(), n_));
    // Envelope error (2-norm): the input's rounding, the forward and inverse FFT of the
    // Hilbert transform, the square roots.
    f.envelope_error = (kUnitRoundoff * 4.0 + 2.0 * fft_error(n_)) * f.signal_norm;
    f.norm_bound = f.envelope_norm * (1.0 + 4.0 * kUnitRoundoff) + f.envelope_error;
    correlation_fft_.forward(f.envelope.data(), f.spectrum.data());
    f.shift = shift;
    f.valid = true;
}

ShiftedPairItd::Peak ShiftedPairItd::fast_peak() {
    const FastEar& a = fast_[0];
    const FastEar& b = fast_[1];
    const std::size_t bins = correlation_fft_.bins();
    for (std::size_t k = 0; k < bins; ++k) {
        const float ar = a.spectrum[k].real(), ai = a.spectrum[k].imag();
        const float br = b.spectrum[k].real(), bi = b.spectrum[k].imag();
        cross_spectrum_[k] = std::complex<float>(ar * br + ai * bi, ai * br - ar * bi);
    }
    correlation_fft_.inverse_destroying(cross_spectrum_.data(), circular_.data());
    const float scale = 1.0f / static_cast<float>(correlation_fft_.size());  // as inverse()
    for (float& v : circular_)
        v *= scale;

    // Lags -(n-1) .. n-1 in order: the negative ones sit at the end of the circular
    // correlation. The peak is the first maximum (Correlator::peak_lag's tie rule), the
    // runner-up the largest value at any other lag.
    const long n = static_cast<long>(n_);
    const std::size_t L = correlation_fft_.size();
    const float* negative = circular_.data() + (L - (n_ - 1));
    const float* non_negative = circular_.data();
    Top2 all = top2(negative, n_ - 1);
    all.merge(top2(non_negative, n_));
    const float best = all.best, second = all.second;
    // NaN compares false everywhere: a NaN lag makes the energy (and the bound) NaN.
    if (!std::isfinite(best))
        return Peak{};  // not certain: the exact path decides
    long best_lag;
    if (const float* p = std::find(negative, negative + (n_ - 1), best); p != negative + (n_ - 1))
        best_lag = -n + 1 + static_cast<long>(p - negative);
    else
        best_lag =
            static_cast<long>(std::find(non_negative, non_negative + n_, best) - non_negative);
    // The lanes' single-precision sums of squares: a relative error far below 1e-3.
    const double energy = all.energy * (1.0 + 1e-3);

    // Bound on |computed - exact| at any lag: a correlation value moves by at most
    // |da| |b| + |a| |db| with the envelopes' errors (Cauchy-Schwarz), and the correlation's
    // own FFTs and products add their normwise error.
    const double u = kUnitRoundoff;
    const double na = a.norm_bound, nb = b.norm_bound;
    const double correlation_error =
        (2.0 * fft_error(L) + 4.0 * u) * na * nb + fft_error(L) * std::sqrt(energy) * (1.0 + u);
    const double bound = a.envelope_error * nb + na * b.envelope_error + correlation_error;
    const double lead = static_cast<double>(best) - static_cast<double>(second);
    Peak p;
    p.lag = best_lag;
    p.certain = std::isfinite(bound) && lead > 2.0 * bound;
    return p;
}

double ShiftedPairItd::itd_samples(std::size_t shift_left, std::size_t shift_right) {
    prepare_fast(0, shift_left);
    prepare_fast(1, shift_right);
    const Peak p = fast_peak();
    // As ItdEstimator::itd_samples: the peak at d means the left envelope is the right one
    // delayed by d, so the ITD (right minus left arrival) is -d.
    if (p.certain)
        return -static_cast<double>(p.lag);
    ++exact_count_;
    return exact_itd_samples(shift_left, shift_right);
}

const double* ShiftedPairItd::exact_envelope(int ear, std::size_t shift) {
    if (envelope_valid_[ear] && envelope_shift_[ear] == shift)
        return envelope_[ear].data();
    const std::size_t s = std::min(shift, n_);
    std::vector<double>& x = shifted_[ear];
    std::fill(x.begin(), x.begin() + static_cast<long>(s), 0.0);
    std::copy(lowpassed_[ear].begin(), lowpassed_[ear].end() - static_cast<long>(s),
              x.begin() + static_cast<long>(s));
    hilbert_exact_.envelope(x.data(), envelope_[ear].data());
    envelope_shift_[ear] = shift;
    envelope_valid_[ear] = true;
    return envelope_[ear].data();
}

double ShiftedPairItd::exact_itd_samples(std::size_t shift_left, std::size_t shift_right) {
    const double* l = exact_envelope(0, shift_left);
    const double* r = exact_envelope(1, shift_right);
    return -static_cast<double>(correlator_.peak_lag(l, r));
}

ShiftedPairItd& cached_shifted_pair_itd(double sample_rate_hz, std::size_t taps) {
    return thread_cached<ShiftedPairItd>(
        [&](const ShiftedPairItd& itd) {
            return itd.sample_rate_hz() == sample_rate_hz && itd.taps() == taps;
        },
        [&] { return std::make_unique<ShiftedPairItd>(sample_rate_hz, taps); });
}

}  // namespace pinna::detail
