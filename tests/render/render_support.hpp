// Helpers for the renderer tests: sets with known delays, reference convolution, the
// high-frequency leakage measure and a block loop.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <vector>

#include "pinna/hrir_set.hpp"
#include "pinna/query.hpp"
#include "pinna/render.hpp"

namespace pinna::test {

/// Like synthetic_set, but with a slower decay (`decay_samples`) so that the IRs fill many
/// partitions; onsets are whole samples and stay whole through the QueryEngine's
/// minimum-phase split (checked by the tests that rely on it).
HrirSet long_synthetic_set(std::size_t m, std::size_t taps, double decay_samples,
                           double fs = 48000.0);

/// x delayed by `delay_samples` (>= 0): whole delays shift exactly; fractional ones use the
/// renderer's documented interpolator (4-point Lagrange on the nodes k .. k + 3 behind the
/// sample, k = floor(d) - 1, or 0 below 2 samples), here in double. x is 0 before 0.
std::vector<double> delayed(const std::vector<float>& x, double delay_samples);

/// y[n] = sum_t h[t] x_d[n - t] for n in [0, x.size()), in double, x_d = delayed(x, delay):
/// the direct time-domain convolution with an IR and its delay.
std::vector<double> convolve_delayed(const std::vector<float>& x, const float* h, std::size_t taps,
                                     double delay_samples);

/// Energy above `cutoff_hz` over the total energy, in dB, of `signal[begin, end)` under a
/// 4-term Blackman-Harris window (sidelobes below -92 dB, so that a tone's own leakage
/// stays far below the levels measured).
double high_band_db(const std::vector<float>& signal, std::size_t begin, std::size_t end, double fs,
                    double cutoff_hz);

/// A sine of `frequency_hz`, `frames` samples at `fs`, amplitude 0.5.
std::vector<float> tone(double frequency_hz, std::size_t frames, double fs);

struct Stereo {
    std::vector<float> left, right;
};

/// Renders `inputs` (one signal per source, all of the same length; sources beyond get
/// null inputs) block by block; before each block, `before_block(block_index, renderer)`
/// sets directions and the like.
Stereo render(BinauralRenderer& renderer, const std::vector<std::vector<float>>& inputs,
              const std::function<void(std::size_t, BinauralRenderer&)>& before_block = {});

/// The KEMAR file as an engine (nearest or barycentric), or null when it is absent.
std::shared_ptr<const QueryEngine> kemar_engine(InterpolationMethod method,
                                                double sample_rate_hz = 0.0);

}  // namespace pinna::test
