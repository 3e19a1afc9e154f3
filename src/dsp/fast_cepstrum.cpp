#include "dsp/fast_cepstrum.hpp"

#include <algorithm>

#include "dsp/fast_math.hpp"

namespace pinna::detail {

FastCepstrum::FastCepstrum(std::size_t fft_size)
    : L_(fft_size),
      fft_(fft_size),
      time_(fft_size),
      spectrum_(fft_size / 2 + 1),
      cos_(fft_size / 2 + 1),
      sin_(fft_size / 2 + 1) {}

void FastCepstrum::minimum_phase() {
    mirror_and_transform();
    fold();
    fft_.forward(time_.data(), spectrum_.data());  // ln|X| + i (minimum phase)
    exponentiate();
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

}  // namespace pinna::detail
