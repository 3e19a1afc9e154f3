// The magnitudes and ITDs a neural model reads from a measured set at any sample rate, and
// dB spectra moved between FFT grids (shared by Upsampler and LatentCodec).
#pragma once

#include <cstddef>

#include "pinna/hrir_set.hpp"
#include "pinna/magnitude_itd.hpp"
#include "pinna/neural/models.hpp"

namespace pinna::detail {

/// dB spectra on the FFT grid of `fft_size` points at `sample_rate_hz`: linear
/// interpolation in frequency, the last bin (the source's Nyquist) held above it.
SpectrumSet on_fft_grid(const SpectrumSet& db, double sample_rate_hz, std::size_t fft_size);

/// The measured set (delays applied) as the model reads it: dB magnitudes on the model's
/// FFT grid, and ITDs as ModelInfo::fractional_itd says (the metric's whole samples or
/// sub-sample ones, at the input's own rate). At another sample rate the IRs are not
/// resampled (a resampler's pass band would take the top of the spectrum): each is cut or
/// padded to the duration of the model's taps at its own rate, and its dB spectrum is
/// interpolated onto the model's frequencies. From an input at a lower rate, the model's
/// bins above 0.83 of its Nyquist frequency get the value there, not the roll-off.
MagnitudeItd model_features(const HrirSet& native, const ModelInfo& info);

}  // namespace pinna::detail
