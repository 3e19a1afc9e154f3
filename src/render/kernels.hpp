// The renderer's inner loops: the fractional delay line and the complex multiply-adds on
// spectra. Plain loops over restrict pointers, written so that the compiler vectorises them
// (kernels.cpp compiles them for SSE2 and for AVX2 + FMA, picked at load time).
//
// Spectra are stored in chunks of 16 bins: the 16 real parts, then their 16 imaginary
// parts (64-byte lines each). Within a chunk the arithmetic is lane by lane, as on split
// arrays (no shuffles); and each spectrum is one contiguous stream, which halves the
// streams the hardware prefetcher must follow against separate real and imaginary arrays
// (the products of a changing source read 7 spectra and write 3).
#pragma once

#include <cstddef>

namespace pinna::detail {

/// out[n] = g(n) * x(n - d(n)) for n in [0, frames): the input read through a delay that
/// moves from d0 (the previous block's) to d1 along `delay_ramp` (frames values rising
/// monotonically from near 0 to 1 at the last sample: d(n) = d0 + (d1 - d0) delay_ramp[n]),
/// with the gain g(n) moving from g0 to g1 along `gain_ramp`. `history` holds
/// `reach + frames` input samples, the block's own last: x(n) = history[reach + n]. Delays
/// must lie in [0, reach - 3]. 4-point Lagrange interpolation on the nodes k .. k + 3
/// around the delay (k = floor(d) - 1, or 0 below 2 samples, so that no future sample is
/// needed): exact at whole-sample delays, continuous as the delay crosses them.
void read_delayed(const float* history, std::size_t reach, std::size_t frames, float d0, float d1,
                  float g0, float g1, const float* __restrict delay_ramp,
                  const float* __restrict gain_ramp, float* __restrict out) noexcept;

/// Bins per chunk of a stored spectrum.
constexpr std::size_t kChunkBins = 16;
/// Floats per chunk: kChunkBins real parts, then kChunkBins imaginary parts.
constexpr std::size_t kChunkFloats = 2 * kChunkBins;

/// Chunks that hold `bins` bins.
constexpr std::size_t chunks_for(std::size_t bins) noexcept {
    return (bins + kChunkBins - 1) / kChunkBins;
}

/// Stores `bins` interleaved complex values (FFTW's (re, im) pairs) times `scale` as a
/// chunked spectrum. Bins past `bins` in the last chunk are left as they are (zero).
void pack_spectrum(const float* __restrict interleaved, std::size_t bins, float scale,
                   float* __restrict chunked) noexcept;

/// Writes the chunked spectrum a (+ b when not null) as `bins` interleaved complex values.
void unpack_sum(const float* __restrict a, const float* __restrict b, std::size_t bins,
                float* __restrict interleaved) noexcept;

/// acc += x * h over `chunks` chunks.
void multiply_add(const float* __restrict x, const float* __restrict h, float* __restrict acc,
                  std::size_t chunks) noexcept;

/// h = w0 m0 + w1 m1 + w2 m2 (`count` of them used, 1 .. 3), over `chunks` chunks.
void mix_spectra(const float* const* m, const float* w, int count, float* __restrict h,
                 std::size_t chunks) noexcept;

/// The block of a source whose filter changes: acc_old += x * h (the old filter), then h
/// becomes the new filter w0 m0 + w1 m1 + w2 m2 and acc_new += x * h. One pass over the
/// chunks, three measurement spectra (unused weights are 0 and their spectra any valid one).
void multiply_add_changing(const float* __restrict x, float* __restrict h,
                           const float* __restrict m0, const float* __restrict m1,
                           const float* __restrict m2, float w0, float w1, float w2,
                           float* __restrict acc_old, float* __restrict acc_new,
                           std::size_t chunks) noexcept;

/// The same when the new filter is zero (a partition beyond the new HRTF's IRs).
void multiply_add_fading_out(const float* __restrict x, float* __restrict h,
                             float* __restrict acc_old, std::size_t chunks) noexcept;

}  // namespace pinna::detail
