#include "dsp/fast_cepstrum.hpp"

#include <algorithm>
#include <cmath>
#include <string>

#include "core/thread_cache.hpp"
#include "pinna/error.hpp"

#include "dsp/fast_math.hpp"

namespace pinna::detail {

FastCepstrum::FastCepstrum(std::size_t fft_size, std::size_t coarse_size)
    : L_(fft_size),
      fft_(fft_size),
      time_(fft_size),
      spectrum_(fft_size / 2 + 1),
      cos_(fft_size / 2 + 1),
      sin_(fft_size / 2 + 1) {
    if (coarse_size == 0)
        return;
    if (coarse_size < 2 || fft_size % coarse_size != 0)
        throw InvalidArgumentError("FastCepstrum: coarse size " + std::to_string(coarse_size) +
                                   " does not divide " + std::to_string(fft_size));
    N_ = coarse_size;
    coarse_fft_ = std::make_unique<RealFftF>(N_);
    coarse_time_.assign(N_, 0.0f);
    coarse_spectrum_.resize(N_ / 2 + 1);
    // Linear interpolation by R = L / N is the zero-stuffed coarse sequence convolved with a
    // triangle of half-width R, so the fine cepstrum is the coarse one (period N) times the
    // triangle's transform / R: the Fejer kernel (sin(pi t / N) / (R sin(pi t / L)))^2.
    const double pi = std::acos(-1.0);
    const double R = static_cast<double>(L_ / N_);
    window_.assign(L_ / 2 + 1, 0.0f);
    for (std::size_t t = 0; t <= L_ / 2; ++t) {
        double w = 1.0;
        if (t > 0) {
            const double ratio =
                std::sin(pi * static_cast<double>(t) / static_cast<double>(N_)) /
                (R * std::sin(pi * static_cast<double>(t) / static_cast<double>(L_)));
            w = ratio * ratio;
        }
        const double fold = (t == 0 || 2 * t == L_) ? 1.0 : 2.0;
        window_[t] = static_cast<float>(w * fold / static_cast<double>(N_));
    }
}

FastCepstrum::~FastCepstrum() = default;

void FastCepstrum::minimum_phase() {
    mirror_and_transform();
    fold();
    fft_.forward(time_.data(), spectrum_.data());  // ln|X| + i (minimum phase)
    exponentiate();
}

void FastCepstrum::minimum_phase_from_coarse() {
    float* v = coarse_time_.data();
    for (std::size_t k = 1; k < (N_ + 1) / 2; ++k)
        v[N_ - k] = v[k];
    coarse_fft_->forward(v, coarse_spectrum_.data());  // N c, real
    window_coarse();
    fft_.forward(time_.data(), spectrum_.data());  // ln|X| + i (minimum phase)
    exponentiate();
}

// time = the folded fine cepstrum: c_coarse[t mod N] (even: c[N - u] = c[u]) times the
// window, for t = 0 .. L/2; zero beyond.
PINNA_VECTOR_CLONES void FastCepstrum::window_coarse() {
    const float* __restrict y = reinterpret_cast<const float*>(coarse_spectrum_.data());
    const float* __restrict w = window_.data();
    float* __restrict c = time_.data();
    const std::size_t half = L_ / 2, n = N_;
    for (std::size_t start = 0; start <= half; start += n) {
        const std::size_t count = std::min(n, half + 1 - start);
        for (std::size_t u = 0; u < count && u <= n / 2; ++u)
            c[start + u] = w[start + u] * y[2 * u];
        for (std::size_t u = n / 2 + 1; u < count; ++u)
            c[start + u] = w[start + u] * y[2 * (n - u)];
    }
    std::fill(time_.begin() + static_cast<long>(half + 1), time_.end(), 0.0f);
}

// ln|X| over the whole circle (bins 0 .. L/2 and their mirror images), transformed: the
// real cepstrum c is the inverse DFT of that real even sequence, so its forward DFT gives L c
// (a real-input FFT, cheaper than the complex-to-real one).
PINNA_VECTOR_CLONES void FastCepstrum::mirror_and_transform() {
    float* __restrict v = time_.data();
    for (std::size_t k = 1; k < (L_ + 1) / 2; ++k)
        v[L_ - k] = v[k];
    fft_.forward(time_.data(), spectrum_.data());
}

// time = the folded cepstrum from spectrum = L c (real): c[0] and, for even L, c[L/2] once,
// the causal part twice, the anti-causal part dropped.
PINNA_VECTOR_CLONES void FastCepstrum::fold() {
    const float scale = 1.0f / static_cast<float>(L_);
    const float* __restrict y = reinterpret_cast<const float*>(spectrum_.data());
    float* __restrict c = time_.data();
    c[0] = y[0] * scale;
    for (std::size_t t = 1; t < (L_ + 1) / 2; ++t)
        c[t] = 2.0f * scale * y[2 * t];
    if (L_ % 2 == 0)
        c[L_ / 2] = y[L_] * scale;
    std::fill(time_.begin() + static_cast<long>(L_ / 2 + 1), time_.end(), 0.0f);
}

PINNA_VECTOR_CLONES void FastCepstrum::exponentiate() {
    float* __restrict y = reinterpret_cast<float*>(spectrum_.data());
    float* __restrict cp = cos_.data();
    float* __restrict sp = sin_.data();
    for (std::size_t k = 0; k < L_ / 2 + 1; ++k) {
        float s, c;
        fast_sincos(y[2 * k + 1], s, c);
        const float magnitude = fast_exp(y[2 * k]);
        cp[k] = c;
        sp[k] = s;
        y[2 * k] = magnitude * c;
        y[2 * k + 1] = magnitude * s;
    }
}

void FastCepstrum::impulse_response(float* out, std::size_t n) {
    // inverse() scaled only where it is kept; the spectrum is scratch from here.
    fft_.inverse_destroying(spectrum_.data(), time_.data());
    const float scale = 1.0f / static_cast<float>(L_);
    const std::size_t kept = std::min(n, L_);
    for (std::size_t t = 0; t < kept; ++t)
        out[t] = time_[t] * scale;
}

void check_oversample(std::size_t oversample, const char* where) {
    if (oversample == 0 || oversample > 64)
        throw InvalidArgumentError(std::string(where) + ": oversample " +
                                   std::to_string(oversample) + " is not in 1..64");
}

FastCepstrum& cached_fast_cepstrum(std::size_t fft_size, std::size_t coarse_size) {
    return thread_cached<FastCepstrum>(
        [&](const FastCepstrum& c) {
            return c.size() == fft_size && c.coarse_size() == coarse_size;
        },
        [&] { return std::make_unique<FastCepstrum>(fft_size, coarse_size); });
}

}  // namespace pinna::detail
