#include "interp/filter_split.hpp"

#include <algorithm>
#include <cmath>
#include <complex>
#include <string>
#include <vector>

#include "dsp/fast_cepstrum.hpp"
#include "dsp/fast_math.hpp"
#include "dsp/fft.hpp"
#include "pinna/error.hpp"
#include "pinna/spectrum.hpp"
#include "pinna/time_domain.hpp"

namespace pinna::detail {
namespace {

constexpr double kTwoPi = 6.28318530717958647692;
// The ITD metric's low-pass (kItdLowpassOrder, kItdLowpassHz); only its power response
// |H|^2 = 1 / (1 + (f / fc)^20) weighs the bins here. Above 1.5 fc it is below 3e-4.
constexpr double kBandEdge = 1.5;
// Cepstrum FFT length over the IR length. The cepstrum is time-aliased at this length; on
// MIT KEMAR the minimum-phase IRs keep the measured magnitude within 0.11 dB LSD on average
// at 4x (as pinna::to_minimum_phase's default), 0.21 dB at 3x, 0.03 dB at 8x.
constexpr std::size_t kOversample = 4;

}  // namespace

struct FilterSplitter::Impl {
    Impl(std::size_t taps, double sample_rate_hz)
        : n(taps),
          L(fast_fft_size(kOversample * taps)),
          B(L / 2 + 1),
          fs(sample_rate_hz),
          cepstrum(L),
          input(L),
          X(B) {
        const double bin_hz = fs / static_cast<double>(L);
        K = std::min<std::size_t>(B - 1,
                                  static_cast<std::size_t>(kBandEdge * kItdLowpassHz / bin_hz));
        lowpass_power.resize(K + 1);
        for (std::size_t k = 0; k <= K; ++k)
            lowpass_power[k] = static_cast<float>(
                1.0 / (1.0 + std::pow(static_cast<double>(k) * bin_hz / kItdLowpassHz,
                                      2.0 * kItdLowpassOrder)));
        group_delay.resize(K + 1);
        excess_re.resize(K + 1);
        excess_im.resize(K + 1);
        // The correlation reads bins 1 .. K in blocks of 8: zeros pad the last block.
        const std::size_t padded = 1 + (K + 7) / 8 * 8;
        c_re.assign(padded, 0.0f);
        c_im.assign(padded, 0.0f);
        omega.assign(padded, 0.0f);
        omega_squared.assign(padded, 0.0f);
        bin.assign(padded, 0.0f);
        for (std::size_t k = 0; k <= K; ++k) {
            const double w = kTwoPi * static_cast<double>(k) / static_cast<double>(L);
            omega[k] = static_cast<float>(w);
            omega_squared[k] = static_cast<float>(w * w);
            bin[k] = static_cast<float>(k);
        }
    }

    double split(const float* ir, float* min_phase) {
        const float largest = largest_magnitude(ir);
        if (!(largest > 0.0f) || !std::isfinite(largest)) {
            std::fill(min_phase, min_phase + n, 0.0f);
            return 0.0;
        }
        std::copy(ir, ir + n, input.begin());
        std::fill(input.begin() + static_cast<long>(n), input.end(), 0.0f);
        cepstrum.fft().forward(input.data(), X.data());
        // No bin exceeds (n max|x|)^2: the floor is relative to that bound.
        const float bound = static_cast<float>(n) * largest;
        log_magnitude(bound * bound);
        cepstrum.minimum_phase();
        const double start = excess_group_delay();
        cepstrum.impulse_response(min_phase, n);
        return std::max(0.0, correlation_peak(start));
    }

    // max |ir[t]|: non-negative floats order as their bit patterns do, and an integer
    // maximum vectorises where a float one (NaN rules) does not.
    PINNA_VECTOR_CLONES float largest_magnitude(const float* ir) const {
        std::uint32_t largest = 0;
        for (std::size_t t = 0; t < n; ++t) {
            const std::uint32_t bits = float_to_bits(ir[t]) & 0x7fffffffu;
            largest = bits > largest ? bits : largest;
        }
        return bits_to_float(largest);
    }

    // ln|X| (floored) into the cepstrum's input.
    PINNA_VECTOR_CLONES void log_magnitude(float peak) {
        const float floor_power = std::max(peak * floor_ratio, 1e-37f);
        float* __restrict v = cepstrum.log_magnitude();
        const float* x = reinterpret_cast<const float*>(X.data());
        for (std::size_t k = 0; k < B; ++k) {
            const float p = x[2 * k] * x[2 * k] + x[2 * k + 1] * x[2 * k + 1];
            v[k] = 0.5f * fast_log(p > floor_power ? p : floor_power);
        }
    }

    // The excess phase is arg X - (minimum phase); its group delay from bin to bin, weighted
    // by the low-passed power, is the shift between the energy centroids of the two
    // low-passed analytic signals. Also prepares the cross-spectrum for the peak search.
    PINNA_VECTOR_CLONES double excess_group_delay() {
        const float* x = reinterpret_cast<const float*>(X.data());
        const float* y = reinterpret_cast<const float*>(cepstrum.spectrum());
        const float* cos_phase = cepstrum.cos_phase();
        const float* sin_phase = cepstrum.sin_phase();
        const float to_samples = static_cast<float>(static_cast<double>(L) / kTwoPi);
        float* __restrict e_re = excess_re.data();
        float* __restrict e_im = excess_im.data();
        for (std::size_t k = 0; k <= K; ++k) {
            // E = X e^{-i phi}: the excess (all-pass) part times |X|.
            e_re[k] = x[2 * k] * cos_phase[k] + x[2 * k + 1] * sin_phase[k];
            e_im[k] = x[2 * k + 1] * cos_phase[k] - x[2 * k] * sin_phase[k];
            // Cross-spectrum X conj(Y) |H|^2 of the measurement and its minimum-phase IR.
            c_re[k] = (x[2 * k] * y[2 * k] + x[2 * k + 1] * y[2 * k + 1]) * lowpass_power[k];
            c_im[k] = (x[2 * k + 1] * y[2 * k] - x[2 * k] * y[2 * k + 1]) * lowpass_power[k];
        }
        for (std::size_t k = 1; k <= K; ++k) {
            // E_k conj(E_{k-1}): its angle is the phase step between the bins.
            const float z_re = e_re[k] * e_re[k - 1] + e_im[k] * e_im[k - 1];
            const float z_im = e_im[k] * e_re[k - 1] - e_re[k] * e_im[k - 1];
            group_delay[k] = -fast_atan2(z_im, z_re) * to_samples;
        }
        double num = 0.0, den = 0.0;
        for (std::size_t k = 1; k <= K; ++k) {
            const double w = static_cast<double>(std::norm(X[k])) * lowpass_power[k];
            num += w * group_delay[k];
            den += w;
        }
        return den > 0.0 && std::isfinite(num) ? num / den : 0.0;
    }

    // r(t) = sum_k c_k e^{i w_k t} and f = |r|^2 with its first two derivatives in t.
    PINNA_VECTOR_CLONES void correlation(double t, double& f, double& f1, double& f2) const {
        // e^{i w_k t} = e^{i k a} with a = w t reduced to [-pi, pi): |k a| stays small enough
        // for fast_sincos. Single precision: f1 / f2, the Newton step, is good to ~1e-5
        // samples.
        const double w = kTwoPi / static_cast<double>(L);
        const float a = static_cast<float>(w * t - kTwoPi * std::floor(w * t / kTwoPi + 0.5));
        // Eight independent partial sums per quantity (bins k, k + 8, ...): SIMD lanes
        // without reassociating any sum.
        constexpr std::size_t lanes = 8;
        float acc[6][lanes] = {};
        for (std::size_t k0 = 1; k0 <= K; k0 += lanes)
            for (std::size_t j = 0; j < lanes; ++j) {
                const std::size_t k = k0 + j;  // the arrays are padded past K with zeros
                float s, c;
                fast_sincos(bin[k] * a, s, c);
                const float t_re = c_re[k] * c - c_im[k] * s;
                const float t_im = c_re[k] * s + c_im[k] * c;
                acc[0][j] += t_re;
                acc[1][j] += t_im;
                acc[2][j] -= omega[k] * t_im;  // r' = sum i w_k c_k e^{...}
                acc[3][j] += omega[k] * t_re;
                acc[4][j] -= omega_squared[k] * t_re;  // r'' = -sum w_k^2 c_k e^{...}
                acc[5][j] -= omega_squared[k] * t_im;
            }
        double sum[6] = {};
        for (int q = 0; q < 6; ++q)
            for (std::size_t j = 0; j < lanes; ++j)
                sum[q] += acc[q][j];
        const double r_re = sum[0], r_im = sum[1], d_re = sum[2], d_im = sum[3], dd_re = sum[4],
                     dd_im = sum[5];
        f = r_re * r_re + r_im * r_im;
        f1 = 2.0 * (d_re * r_re + d_im * r_im);
        f2 = 2.0 * (dd_re * r_re + dd_im * r_im) + 2.0 * (d_re * d_re + d_im * d_im);
    }

    // The lag of the largest |r| near `start`: the best of a few points two samples apart
    // (the main lobe is about 15 samples wide at 44.1 kHz), then Newton steps on |r|^2.
    double correlation_peak(double start) const {
        if (K < 2)
            return start;
        double f = 0, f1 = 0, f2 = 0, best = start, best_f = -1.0;
        for (int j = -1; j <= 1; ++j) {
            correlation(start + 2.0 * j, f, f1, f2);
            if (f > best_f)
                best_f = f, best = start + 2.0 * j;
        }
        double t = best;
        for (int iteration = 0; iteration < 8; ++iteration) {
            correlation(t, f, f1, f2);
            if (!(f2 < 0.0))
                break;  // not at a maximum: keep the best point
            const double step = std::clamp(-f1 / f2, -1.0, 1.0);
            t = std::clamp(t + step, best - 2.0, best + 2.0);
            if (std::abs(step) < 1e-4)
                break;
        }
        return std::isfinite(t) ? t : start;
    }

    std::size_t n, L, B, K = 0;
    const float floor_ratio = static_cast<float>(std::pow(10.0, kMagnitudeFloorDb / 10.0));
    double fs;
    FastCepstrum cepstrum;
    AlignedVector<float> input;
    AlignedVector<std::complex<float>> X;
    std::vector<float> lowpass_power, group_delay, c_re, c_im, excess_re, excess_im, omega,
        omega_squared, bin;
};

FilterSplitter::FilterSplitter(std::size_t taps, double sample_rate_hz) {
    if (taps == 0)
        throw InvalidArgumentError("FilterSplitter: taps must be at least 1");
    if (!(sample_rate_hz > 0.0) || !std::isfinite(sample_rate_hz))
        throw InvalidArgumentError("FilterSplitter: sample rate " + std::to_string(sample_rate_hz) +
                                   " Hz is not positive");
    impl_ = std::make_unique<Impl>(taps, sample_rate_hz);
}

FilterSplitter::~FilterSplitter() = default;

double FilterSplitter::split(const float* ir, float* min_phase) {
    return impl_->split(ir, min_phase);
}

std::size_t FilterSplitter::taps() const noexcept {
    return impl_->n;
}

std::size_t FilterSplitter::fft_size() const noexcept {
    return impl_->L;
}

void split_filters(const HrirSet& set, std::size_t begin, std::size_t end, float* irs,
                   float* delays) {
    const std::size_t n = set.taps();
    if (n == 0 || begin >= end)
        return;
    FilterSplitter splitter(n, set.sample_rate_hz());
    split_filters(splitter, set, begin, end, irs, delays);
}

void split_filters(FilterSplitter& splitter, const HrirSet& set, std::size_t begin, std::size_t end,
                   float* irs, float* delays) {
    const std::size_t n = set.taps();
    for (std::size_t m = begin; m < end; ++m)
        for (std::size_t e = 0; e < kEars; ++e) {
            const Ear ear = static_cast<Ear>(e);
            delays[m * kEars + e] =
                static_cast<float>(splitter.split(set.ir(m, ear), irs + (m * kEars + e) * n) +
                                   set.delay_samples(m, ear));
        }
}

}  // namespace pinna::detail
