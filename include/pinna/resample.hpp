// Changing an HrirSet's sample rate and length.
#pragma once

#include <cstddef>

#include "pinna/visibility.hpp"

PINNA_API_BEGIN
namespace pinna {

class HrirSet;

/// Band-limited resampling with a Kaiser-windowed sinc (any rational or irrational ratio).
struct ResampleOptions {
    /// Pass-band edge as a fraction of the lower of the two Nyquist frequencies. Below 1 so
    /// that the transition band lies under Nyquist: this is the anti-aliasing filter when
    /// downsampling, and removes imaging when upsampling.
    double cutoff = 0.92;
    /// Kernel half length in periods of the lower sample rate (longer: sharper transition).
    std::size_t half_length = 24;
    /// Kaiser window beta (about 80 dB stop-band for 8.6).
    double kaiser_beta = 8.6;
    /// true: the IRs are filters, and each keeps its frequency response (its DFT magnitude
    /// at a given frequency in Hz, below the pass-band edge): sample values are scaled by
    /// old rate / new rate, so a unit impulse stays a 0 dB response at any rate. false:
    /// the IRs are waveforms, and the samples are the band-limited signal's values (a tone
    /// keeps its amplitude; a filter's response changes by 20 log10(new / old) dB).
    bool keep_frequency_response = true;
};

/// The set at `sample_rate_hz`. Output IRs have ceil(taps * new/old) samples; sample t of
/// the output is the band-limited input evaluated at time t / new_rate (its value scaled by
/// old / new rate with keep_frequency_response), with the input taken as zero outside its taps (so
/// a peak at the very first sample is partly lost). Delays in delays_samples() are rescaled to the
/// new rate. Metadata and directions are kept. A set already at the rate is returned unchanged.
/// Throws InvalidArgumentError for a rate that is not finite and positive, or for bad options.
HrirSet resample(const HrirSet& set, double sample_rate_hz, const ResampleOptions& options = {});

/// The set as a consumer of a fixed format wants it (a neural model, a renderer): Data.Delay
/// applied (with_delays_applied), resampled to `sample_rate_hz` when it differs by more
/// than 1e-9 relative, and cut (fading out the last taps/16 samples) or zero-padded to
/// `taps`. Throws InvalidDataError for an invalid set, InvalidArgumentError for a bad rate
/// or taps == 0.
HrirSet conform(const HrirSet& set, double sample_rate_hz, std::size_t taps);

}  // namespace pinna
PINNA_API_END
