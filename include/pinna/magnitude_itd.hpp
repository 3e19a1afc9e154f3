// dB magnitudes + interaural time differences: the representation pinna's neural models
// read and write, and the way back to HRIRs (minimum-phase IRs with whole-sample delays).
// Plain DSP: part of pinna::pinna, no LibTorch.
//
// ITD sign: pinna's everywhere (pinna/time_domain.hpp), t_right - t_left, positive for
// sources on the left.
#pragma once

#include <cstddef>
#include <vector>

#include "pinna/hrir_set.hpp"
#include "pinna/spectrum.hpp"
#include "pinna/visibility.hpp"

PINNA_API_BEGIN
namespace pinna {

struct MagnitudeItd {
    /// 20 log10 max(|rfft(ir, fft_size)|, 1e-10) per direction and ear (floor
    /// kMagnitudeFloorDb, as the models' training data).
    SpectrumSet db;
    /// One per direction, seconds, pinna's sign (t_right - t_left).
    std::vector<double> itd_s;
};

/// How magnitude_itd measures the ITDs.
enum class ItdResolution {
    /// The LAP metric's whole samples (ItdEstimator::itd_s): what the metric scores.
    whole_samples,
    /// Sub-sample (ItdEstimator::itd_fractional_s), rounding to the metric's lag wherever its
    /// peak is not a tie: what upsampler archives from v1.5.0 read at the measured
    /// directions (ModelInfo::fractional_itd).
    fractional,
};

/// dB magnitudes (fft_size = taps) and ITDs (by default the LAP metric's whole samples)
/// of a set; Data.Delay, if the set carries it, is applied first. Throws InvalidDataError
/// for an invalid set.
MagnitudeItd magnitude_itd(const HrirSet& set,
                           ItdResolution resolution = ItdResolution::whole_samples);

/// Mean over directions of the leading ear's pure delay in the IRs' minimum-phase
/// decompositions (to_minimum_phase's delays, with the minimum-phase IRs made in single
/// precision: within about 1e-3 samples; the smaller of the two ears' delays), in samples:
/// the base delay that gives rendered sets the onsets of the measured ones.
double leading_ear_delay_samples(const HrirSet& set);

struct MagnitudeItdRenderOptions {
    std::size_t taps = 0;             ///< length of the rendered IRs; 0: the spectra's fft_size
    double base_delay_samples = 0.0;  ///< delay of the leading ear, rounded to whole samples
    /// Choose the lagging ear's delay so that the LAP-metric ITD of the rendered pair is the
    /// requested ITD rounded to whole samples: the minimum-phase pair alone already has a
    /// metric ITD (rarely 0 for lateral directions), which is subtracted, and the result is
    /// measured and corrected again (at most 3 renderings). When false, the lagging ear is
    /// delayed by exactly round(|ITD| * fs).
    bool match_metric_itd = true;
    /// minimum_phase_hrirs' oversample. 1 (a cepstrum as long as the spectra's FFT, or the
    /// IRs if longer): with taps = fft_size each IR has exactly the given magnitudes before
    /// it is delayed, and what it folds back is small (the minimum-phase responses of SONICOM
    /// P0004 and MIT KEMAR keep -47 / -45 dB of their energy, median, -34 / -32 dB at most,
    /// beyond 256 / 512 samples). 4 is minimum_phase_from_magnitude's default, with four
    /// times the FFT work. Through the CLI, 1 instead of 4 changes the LAP LSD of the
    /// personaliser and the autoencoder by 0.001 dB, of the upsampler by 0.003 - 0.004 dB
    /// (up), which therefore renders with 4.
    std::size_t oversample = 1;
};

/// HRIRs from dB magnitudes and ITDs: each ear's minimum-phase IR (minimum_phase_hrirs),
/// delayed by whole samples: base delay on both ears, plus the ITD on the lagging ear (the
/// right one for ITD > 0; see match_metric_itd). Delays are part of the IRs (the set has no
/// delays_samples); IRs are cut at `taps`. Throws InvalidArgumentError for inconsistent
/// sizes or a negative base delay.
HrirSet render_magnitude_itd(const MagnitudeItd& spectra,
                             const MagnitudeItdRenderOptions& options = {});

}  // namespace pinna
PINNA_API_END
