// The renderer's kernels (declared and documented in kernels.hpp).
#include "render/kernels.hpp"

// Each kernel is compiled twice, for x86-64's baseline (SSE2) and for AVX2 with fused
// multiply-adds (arch=haswell), and the dynamic loader picks the version for the CPU it
// runs on (GNU ifunc): 8-wide vectors where the CPU has them, from a portable build. Not
// under ThreadSanitizer, whose instrumented ifunc resolvers run before its runtime is up
// and crash the program at load time.
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) && !defined(__SANITIZE_THREAD__)
#define PINNA_KERNEL __attribute__((target_clones("arch=haswell", "default")))
#else
#define PINNA_KERNEL
#endif

namespace pinna::detail {

PINNA_KERNEL void read_delayed(const float* history, std::size_t reach, std::size_t frames,
                               float d0, float d1, float g0, float g1,
                               const float* __restrict delay_ramp,
                               const float* __restrict gain_ramp, float* __restrict out) noexcept {
    const float d_span = d1 - d0;
    const float g_span = g1 - g0;
    auto base_node = [](float d) {
        const long whole = static_cast<long>(d);  // d >= 0: truncation is floor
        return whole > 1 ? whole - 1 : 0;
    };
    if (d_span == 0.0f && g_span == 0.0f) {
        // A source that stays put: one set of coefficients for the block, a 4-tap filter.
        const long k = base_node(d0);
        const float u = d0 - static_cast<float>(k);
        const float u1 = u - 1.0f, u2 = u - 2.0f, u3 = u - 3.0f;
        const float c0 = -u1 * u2 * u3 * (1.0f / 6.0f) * g0;
        const float c1 = u * u2 * u3 * 0.5f * g0;
        const float c2 = -u * u1 * u3 * 0.5f * g0;
        const float c3 = u * u1 * u2 * (1.0f / 6.0f) * g0;
        const float* __restrict x = history + reach - static_cast<std::size_t>(k);
        const std::ptrdiff_t last = static_cast<std::ptrdiff_t>(frames);
        for (std::ptrdiff_t i = 0; i < last; ++i)
            out[i] = c0 * x[i] + c1 * x[i - 1] + c2 * x[i - 2] + c3 * x[i - 3];
        return;
    }
    std::size_t n = 0;
    while (n < frames) {
        const long k = base_node(d0 + d_span * delay_ramp[n]);
        // The ramp is monotonic, so is the node: when the last sample shares the first
        // one's node, the whole rest of the block does.
        std::size_t end = n + 1;
        if (base_node(d0 + d_span * delay_ramp[frames - 1]) == k) {
            end = frames;
        } else {
            while (end < frames && base_node(d0 + d_span * delay_ramp[end]) == k)
                ++end;
        }
        const float* __restrict x = history + reach - static_cast<std::size_t>(k);
        const float kf = static_cast<float>(k);
        // Signed indices: x[i - 3] reaches before x for the first samples.
        const std::ptrdiff_t last = static_cast<std::ptrdiff_t>(end);
        for (std::ptrdiff_t i = static_cast<std::ptrdiff_t>(n); i < last; ++i) {
            // The position among the nodes, in [0, 2).
            const float u = d0 + d_span * delay_ramp[i] - kf;
            const float u1 = u - 1.0f, u2 = u - 2.0f, u3 = u - 3.0f;
            const float c0 = -u1 * u2 * u3 * (1.0f / 6.0f);
            const float c1 = u * u2 * u3 * 0.5f;
            const float c2 = -u * u1 * u3 * 0.5f;
            const float c3 = u * u1 * u2 * (1.0f / 6.0f);
            const float g = g0 + g_span * gain_ramp[i];
            out[i] = g * (c0 * x[i] + c1 * x[i - 1] + c2 * x[i - 2] + c3 * x[i - 3]);
        }
        n = end;
    }
}

// Chunk by chunk, so that the inner loops have a fixed trip count and vectorise (a
// deinterleave of FFTW's pairs); the last chunk may be partial.
PINNA_KERNEL void pack_spectrum(const float* __restrict interleaved, std::size_t bins, float scale,
                                float* __restrict chunked) noexcept {
    const std::size_t full = bins / kChunkBins;
    for (std::size_t c = 0; c < full; ++c) {
        const float* __restrict in = interleaved + 2 * kChunkBins * c;
        float* __restrict out = chunked + kChunkFloats * c;
        for (std::size_t j = 0; j < kChunkBins; ++j) {
            out[j] = scale * in[2 * j];
            out[kChunkBins + j] = scale * in[2 * j + 1];
        }
    }
    const float* in = interleaved + 2 * kChunkBins * full;
    float* out = chunked + kChunkFloats * full;
    for (std::size_t j = 0; j < bins - kChunkBins * full; ++j) {
        out[j] = scale * in[2 * j];
        out[kChunkBins + j] = scale * in[2 * j + 1];
    }
}

PINNA_KERNEL void unpack_sum(const float* __restrict a, const float* __restrict b, std::size_t bins,
                             float* __restrict interleaved) noexcept {
    const std::size_t full = bins / kChunkBins;
    for (std::size_t c = 0; c < full; ++c) {
        const float* __restrict x = a + kChunkFloats * c;
        float* __restrict out = interleaved + 2 * kChunkBins * c;
        if (b == nullptr) {
            for (std::size_t j = 0; j < kChunkBins; ++j) {
                out[2 * j] = x[j];
                out[2 * j + 1] = x[kChunkBins + j];
            }
        } else {
            const float* __restrict y = b + kChunkFloats * c;
            for (std::size_t j = 0; j < kChunkBins; ++j) {
                out[2 * j] = x[j] + y[j];
                out[2 * j + 1] = x[kChunkBins + j] + y[kChunkBins + j];
            }
        }
    }
    const float* x = a + kChunkFloats * full;
    const float* y = b != nullptr ? b + kChunkFloats * full : nullptr;
    float* out = interleaved + 2 * kChunkBins * full;
    for (std::size_t j = 0; j < bins - kChunkBins * full; ++j) {
        out[2 * j] = x[j] + (y != nullptr ? y[j] : 0.0f);
        out[2 * j + 1] = x[kChunkBins + j] + (y != nullptr ? y[kChunkBins + j] : 0.0f);
    }
}

PINNA_KERNEL void multiply_add(const float* __restrict x, const float* __restrict h,
                               float* __restrict acc, std::size_t chunks) noexcept {
    for (std::size_t c = 0; c < chunks * kChunkFloats; c += kChunkFloats)
        for (std::size_t j = c; j < c + kChunkBins; ++j) {
            const std::size_t i = j + kChunkBins;
            acc[j] += x[j] * h[j] - x[i] * h[i];
            acc[i] += x[j] * h[i] + x[i] * h[j];
        }
}

PINNA_KERNEL void mix_spectra(const float* const* m, const float* w, int count, float* __restrict h,
                              std::size_t chunks) noexcept {
    const std::size_t n = chunks * kChunkFloats;
    const float* __restrict a = m[0];
    const float wa = w[0];
    for (std::size_t k = 0; k < n; ++k)
        h[k] = wa * a[k];
    for (int j = 1; j < count; ++j) {
        const float* __restrict b = m[j];
        const float wb = w[j];
        for (std::size_t k = 0; k < n; ++k)
            h[k] += wb * b[k];
    }
}

PINNA_KERNEL void multiply_add_changing(const float* __restrict x, float* __restrict h,
                                        const float* __restrict m0, const float* __restrict m1,
                                        const float* __restrict m2, float w0, float w1, float w2,
                                        float* __restrict acc_old, float* __restrict acc_new,
                                        std::size_t chunks) noexcept {
    for (std::size_t c = 0; c < chunks * kChunkFloats; c += kChunkFloats)
        for (std::size_t j = c; j < c + kChunkBins; ++j) {
            const std::size_t i = j + kChunkBins;
            const float xr = x[j], xi = x[i];
            const float hr = h[j], hi = h[i];
            acc_old[j] += xr * hr - xi * hi;
            acc_old[i] += xr * hi + xi * hr;
            const float nr = w0 * m0[j] + w1 * m1[j] + w2 * m2[j];
            const float ni = w0 * m0[i] + w1 * m1[i] + w2 * m2[i];
            acc_new[j] += xr * nr - xi * ni;
            acc_new[i] += xr * ni + xi * nr;
            h[j] = nr;
            h[i] = ni;
        }
}

PINNA_KERNEL void multiply_add_fading_out(const float* __restrict x, float* __restrict h,
                                          float* __restrict acc_old, std::size_t chunks) noexcept {
    multiply_add(x, h, acc_old, chunks);
    for (std::size_t k = 0; k < chunks * kChunkFloats; ++k)
        h[k] = 0.0f;
}

}  // namespace pinna::detail
