// Time-domain views of HRIRs: low-pass filters, onsets, interaural time differences, and
// the split of an IR into a minimum-phase IR plus a pure delay.
//
// ITD sign convention (used everywhere in pinna): ITD = arrival time at the right ear minus
// arrival time at the left ear, so ITD > 0 when the sound reaches the LEFT ear first, i.e.
// for sources on the left (SOFA azimuth 0..180 degrees).
#pragma once

#include <cstddef>
#include <memory>
#include <vector>

#include "pinna/spectrum.hpp"
#include "pinna/visibility.hpp"

PINNA_API_BEGIN
namespace pinna {

class HrirSet;

// ---------------------------------------------------------------------------------------
// IIR filters

/// One second-order section, a0 = 1:
/// y[t] = b0 x[t] + b1 x[t-1] + b2 x[t-2] - a1 y[t-1] - a2 y[t-2].
/// The same row layout as scipy's sos [b0 b1 b2 1 a1 a2].
struct Biquad {
    double b0 = 1.0, b1 = 0.0, b2 = 0.0, a1 = 0.0, a2 = 0.0;
};

/// Digital Butterworth low-pass of even `order` (2..40) at `cutoff_hz`, by the bilinear
/// transform with pre-warping, as order/2 cascaded sections. Sections come in the order
/// scipy.signal.butter(order, cutoff_hz, fs=fs, output='sos') gives: poles furthest from
/// the unit circle first, the overall gain folded into the first section. Throws
/// InvalidArgumentError for an odd order or a cutoff outside (0, fs/2).
std::vector<Biquad> butterworth_lowpass(int order, double cutoff_hz, double sample_rate_hz);

/// Runs the cascade over `n` samples from a zero state (causal, like scipy's sosfilt).
/// `in` may equal `out`.
void filter_sections(const std::vector<Biquad>& sections, const double* in, double* out,
                     std::size_t n) noexcept;

// ---------------------------------------------------------------------------------------
// Onsets

/// Onset detection: the first sample whose magnitude reaches `threshold_db` relative to the
/// IR's absolute peak (default -20 dB, i.e. 10 % of the peak).
struct OnsetOptions {
    double threshold_db = -20.0;
    /// Refine to a fraction of a sample by linear interpolation of |x| between the sample
    /// before the crossing and the crossing sample (samples before the IR count as 0, so an
    /// IR already above the level at sample 0 has an onset in (-1, 0]).
    bool fractional = true;
};

/// Onset in samples (0 for an all-zero IR).
double onset_samples(const float* ir, std::size_t n, const OnsetOptions& options = {}) noexcept;

// ---------------------------------------------------------------------------------------
// Interaural time difference

/// The LAP ITD metric's low-pass (docs: metrics.md): a causal Butterworth of this order and
/// cut-off, ItdEstimator's default.
constexpr double kItdLowpassHz = 3000.0;
constexpr int kItdLowpassOrder = 10;

/// ITD of HRIR pairs of one length and sample rate. Plans its FFTs and designs its filter at
/// construction; the estimates are const and safe to call from several threads at once
/// (they allocate their own scratch, so they are not for an audio thread).
///
/// itd_samples(): the LAP challenge metric (docs: metrics.md), i.e. both ears low-passed
/// with a 10th-order Butterworth at 3 kHz (causal), Hilbert envelopes (|analytic signal|,
/// computed with an n-point FFT like scipy.signal.hilbert), full cross-correlation of the
/// two envelopes over all 2n-1 lags, lag of the maximum in whole samples. On exact ties
/// the largest ITD wins, as numpy.argmax over numpy.correlate(left, right, 'full') picks.
/// (The LAP code reports argmax - n instead of argmax - (n - 1): one sample off, which
/// cancels in the ITD error.)
///
/// itd_fractional_samples(): the same low-passed envelopes, but the peak of their
/// cross-correlation is refined to the maximum of its band-limited interpolation (Newton's
/// method on the derivative, within a sample of the whole-sample peak).
class ItdEstimator {
  public:
    ItdEstimator(double sample_rate_hz, std::size_t taps, double lowpass_hz = kItdLowpassHz,
                 int lowpass_order = kItdLowpassOrder);
    ~ItdEstimator();
    ItdEstimator(ItdEstimator&&) noexcept;
    ItdEstimator& operator=(ItdEstimator&&) noexcept;

    std::size_t taps() const noexcept;
    double sample_rate_hz() const noexcept;

    /// The metric ITD in whole samples (an integer value), sign as at the top of this file.
    double itd_samples(const float* left, const float* right) const;
    /// The same in seconds.
    double itd_s(const float* left, const float* right) const;
    /// Sub-sample ITD in samples, same sign convention.
    double itd_fractional_samples(const float* left, const float* right) const;
    /// The same in seconds.
    double itd_fractional_s(const float* left, const float* right) const;

    /// Hilbert envelope of the low-passed IR (n values), as used by both estimates.
    std::vector<double> lowpassed_envelope(const float* ir) const;

  private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

/// Metric ITD (seconds) of every measurement of a set, sign as at the top of this file.
std::vector<double> itd_s(const HrirSet& set);
/// Sub-sample ITD (seconds) of every measurement of a set.
std::vector<double> itd_fractional_s(const HrirSet& set);

// ---------------------------------------------------------------------------------------
// Minimum phase + pure delay

struct MinimumPhaseOptions {
    /// The real cepstrum is computed with an FFT of at least `oversample` x the IR length
    /// (rounded up to a power of two), which keeps cepstral time-aliasing negligible.
    std::size_t oversample = 4;
    /// Magnitudes below this level relative to the spectrum's peak are raised to it before
    /// the logarithm (spectral zeros have no finite log): pinna's one floor, taken relative.
    double floor_db = kMagnitudeFloorDb;
    /// How the pure delay is measured.
    enum class Delay {
        /// lag maximising the cross-correlation of the IR with its minimum-phase version,
        /// refined to a fraction of a sample (exact for a minimum-phase IR delayed by whole
        /// samples; of a fractional delay, a few hundredths of a sample can end up in the
        /// minimum-phase IR, whose magnitude then rolls off like the delay filter near Nyquist)
        cross_correlation,
        /// onset(IR) - onset(minimum-phase IR), both with OnsetOptions{} (fractional)
        onset,
        /// not measured (0): for callers that measure it their own way
        none,
    } delay = Delay::cross_correlation;
};

struct MinimumPhaseIr {
    std::vector<float> ir;  ///< minimum-phase IR, same length as the input
    double delay_samples;   ///< pure delay, >= 0
};

/// Splits one IR into its minimum-phase version (same magnitude spectrum) and a delay.
MinimumPhaseIr minimum_phase(const float* ir, std::size_t n,
                             const MinimumPhaseOptions& options = {});

/// Minimum-phase IR of `taps` samples whose magnitude spectrum is `magnitude` (bins_count =
/// fft_size/2 + 1 linear magnitudes of an fft_size-point spectrum). The log magnitude is
/// interpolated linearly onto an `oversample` x finer frequency grid for the cepstrum.
std::vector<float> minimum_phase_from_magnitude(const double* magnitude, std::size_t fft_size,
                                                std::size_t taps,
                                                const MinimumPhaseOptions& options = {});

/// out = the minimum-phase IR delayed by `delay_samples` (delay_signal), out_size samples.
void reconstruct_from_minimum_phase(const float* min_phase_ir, std::size_t n, double delay_samples,
                                    float* out, std::size_t out_size) noexcept;

/// Every IR of a set split as above: the result holds the minimum-phase IRs (same length)
/// and their pure delays in delays_samples() (plus any delays the input already carried).
HrirSet to_minimum_phase(const HrirSet& set, const MinimumPhaseOptions& options = {});

/// Inverse of to_minimum_phase: each IR delayed by its delay, `taps` samples long (0: the
/// set's length). The result carries no delays.
HrirSet from_minimum_phase(const HrirSet& set, std::size_t taps = 0);

}  // namespace pinna
PINNA_API_END
