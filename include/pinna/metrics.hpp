// Accuracy of an estimated HRIR set against a reference, as defined in docs/metrics.md
// (the SONICOM LAP challenge's definitions). All functions are pure and thread-safe.
//
// Choices the definitions leave open, fixed here (scripts/metrics_reference.py mirrors
// them):
// - Spectral bins (LSD, SDE, PCC): the n-point FFT of the n-tap IRs (no zero padding),
//   bins k with k < n/2 (integer division: Nyquist is never used) and
//   20 Hz <= k fs / n <= 20 kHz. For 256 taps at 44.1 kHz: k = 1..116 (172 Hz .. 19.98 kHz).
// - Magnitudes and RMS values below kMagnitudeFloor (1e-10, -200 dB; pinna/spectrum.hpp)
//   are raised to it before any logarithm, so exact zeros give large but finite values.
// - ITD: the whole-sample metric of ItdEstimator::itd_samples (time_domain.hpp); positive
//   when the sound reaches the left ear first (the error is a difference, so the sign
//   convention does not change it). Reported in microseconds.
// - ILD: 20 log10 RMS(left) - 20 log10 RMS(right), positive when the left ear is louder.
// - SDR per IR is clamped to [-sdr_cap_db, +sdr_cap_db] (default 200 dB): an IR equal to
//   the reference (error energy 0) scores +cap instead of +inf, so one exact copy does not
//   make the average infinite. 0/0 (both IRs all zero) counts as equal.
// - PCC per IR when a dB spectrum is constant over the bins (no variance): 1 if the two
//   spectra are equal, else 0.
// - Averages: LSD, SDE, PCC, RMSE, MAE, SDR are means over scored directions and both
//   ears; ITD and ILD errors are means over scored directions.
#pragma once

#include <cstddef>
#include <vector>

#include "pinna/geometry.hpp"
#include "pinna/spectrum.hpp"
#include "pinna/visibility.hpp"

PINNA_API_BEGIN
namespace pinna {

class HrirSet;

constexpr double kMetricMinHz = 20.0;
constexpr double kMetricMaxHz = 20000.0;
constexpr double kDefaultSdrCapDb = 200.0;

/// The bins of an n-point FFT at sample_rate_hz that the spectral metrics use (see above).
std::vector<std::size_t> metric_bins(std::size_t n, double sample_rate_hz);

// ---------------------------------------------------------------------------------------
// One IR against one IR (n samples each, same sample rate; reference first).

struct SpectralScores {
    double lsd_db = 0.0;  ///< RMS over the bins of the dB difference
    double sde_db = 0.0;  ///< mean over the bins of the absolute dB difference
    double pcc = 0.0;     ///< Pearson correlation of the two dB spectra over the bins
};
/// LSD, SDE and PCC of one IR pair from one pair of FFTs. Throws InvalidArgumentError when
/// no bin falls in 20 Hz .. 20 kHz (too short an IR or too low a rate).
SpectralScores spectral_scores(const float* reference, const float* estimate, std::size_t n,
                               double sample_rate_hz);
double lsd_db(const float* reference, const float* estimate, std::size_t n, double sample_rate_hz);
double sde_db(const float* reference, const float* estimate, std::size_t n, double sample_rate_hz);
double spectral_pcc(const float* reference, const float* estimate, std::size_t n,
                    double sample_rate_hz);

double rmse(const float* reference, const float* estimate, std::size_t n) noexcept;
double mae(const float* reference, const float* estimate, std::size_t n) noexcept;
double sdr_db(const float* reference, const float* estimate, std::size_t n,
              double cap_db = kDefaultSdrCapDb) noexcept;

/// ILD of one HRIR pair in dB (left minus right).
double ild_db(const float* left, const float* right, std::size_t n) noexcept;
/// |ITD_reference - ITD_estimate| of two HRIR pairs, in microseconds (metric ITD).
double itd_error_us(const float* reference_left, const float* reference_right,
                    const float* estimate_left, const float* estimate_right, std::size_t n,
                    double sample_rate_hz);

/// LSD of two dB magnitude sets of one layout (e.g. a model's input and its reconstruction,
/// pinna/magnitude_itd.hpp): the RMS over metric_bins(fft_size, sample_rate_hz) of the dB
/// difference, averaged over directions and ears. Directions are paired by index. Throws
/// InvalidArgumentError when the sizes, FFT sizes or sample rates differ, or no bin is left.
double lsd_db(const SpectrumSet& reference_db, const SpectrumSet& estimate_db);

// ---------------------------------------------------------------------------------------
// A whole set against a whole set.

struct CompareOptions {
    /// Directions further apart than this are unmatched (docs/metrics.md: 0.5 degrees).
    double tolerance_deg = 0.5;
    /// Reference directions within tolerance_deg of any of these are excluded from the
    /// score (e.g. the sparse measured directions an upsampled set was made from).
    std::vector<Direction> exclude;
    double sdr_cap_db = kDefaultSdrCapDb;
};

/// Scores of one scored reference direction.
struct DirectionScores {
    std::size_t reference_index = 0;
    std::size_t estimate_index = 0;
    Direction direction;        ///< of the reference
    double lsd_db[2] = {0, 0};  ///< per ear, [Ear]
    double itd_reference_us = 0;
    double itd_estimate_us = 0;
    double itd_error_us = 0;  ///< |itd_reference_us - itd_estimate_us|
    double ild_reference_db = 0;
    double ild_estimate_db = 0;
    double ild_error_db = 0;  ///< |ild_reference_db - ild_estimate_db|
};

struct Comparison {
    double lsd_db = 0;
    double sde_db = 0;
    double rmse = 0;
    double mae = 0;
    double sdr_db = 0;
    double pcc = 0;
    double itd_error_us = 0;
    double ild_error_db = 0;

    std::size_t scored = 0;     ///< matched and not excluded: the directions averaged
    std::size_t unmatched = 0;  ///< reference directions with no estimate within tolerance
    std::size_t excluded = 0;   ///< reference directions near an excluded direction
    std::vector<std::size_t> unmatched_indices;  ///< reference indices, ascending

    double sample_rate_hz = 0;
    std::size_t taps = 0;   ///< IR length compared (the shorter of the two)
    std::size_t bins = 0;   ///< spectral bins used
    double min_bin_hz = 0;  ///< frequency of the first and last bin used
    double max_bin_hz = 0;
    std::vector<DirectionScores> directions;  ///< one per scored direction, reference order
};

/// Scores `estimate` against `reference`. Each reference direction takes the nearest
/// estimate direction (pinna::match_directions); excluded directions are checked first and
/// are not counted as unmatched. IRs are cut to the shorter length. Sets that carry
/// broadband delays (delays_samples) are compared as ear signals: their delays are applied
/// first (apply_delays). Throws InvalidArgumentError when the sample rates differ (naming
/// both) or no direction is left to score, InvalidDataError when a set fails validate().
Comparison compare(const HrirSet& reference, const HrirSet& estimate,
                   const CompareOptions& options = {});

// ---------------------------------------------------------------------------------------
// The LAP challenge's own protocol (docs/metrics.md, "pinna's protocol and the LAP one").

/// Pass/fail thresholds of the LAP challenge 2024 task 2 (strict <). The ITD threshold was
/// 62.5 us in the rules of June 2024 (the and MERL's figure); the metric code in
/// force at the submission deadline (Spatial-Audio-Metrics 0.0.8) and since uses 100 us.
struct LapThresholds {
    double itd_us = 62.5;
    double ild_db = 4.4;
    double lsd_db = 7.4;
};

struct LapScores {
    double itd_error_us = 0.0;  ///< mean over directions of |ITD_ref - ITD_est|
    double ild_error_db = 0.0;  ///< mean over directions of |ILD_ref - ILD_est|
    double lsd_db = 0.0;        ///< mean over directions and ears
    bool itd_pass = false, ild_pass = false, lsd_pass = false;
    LapThresholds thresholds;
    std::size_t directions = 0;                  ///< scored: every reference direction
    std::vector<DirectionScores> per_direction;  ///< in reference order
};

/// Scores `estimate` against `reference` as the LAP challenge's metric code does
/// (Spatial-Audio-Metrics, lap_challenge.calculate_task_two_metrics): every reference
/// direction is scored, the sparse input ones included; each takes the first estimate
/// direction whose azimuth and elevation equal its own after rounding to 0.01 degree
/// (distance ignored), and a reference direction without one is an InvalidArgumentError
/// naming it; IRs are used as stored (Data.Delay is ignored, as the LAP code ignores it);
/// ITD, ILD and LSD as in this header (the LAP code's definitions: whole-sample envelope
/// ITD, broadband ILD, LSD over the 20 Hz..20 kHz bins below Nyquist). The two sets must
/// have one sample rate and one IR length (InvalidArgumentError otherwise, as the LAP
/// code stops). Deviation: pinna's reader wraps azimuths to [0, 360) before matching.
LapScores lap_task2_scores(const HrirSet& reference, const HrirSet& estimate,
                           const LapThresholds& thresholds = {});

}  // namespace pinna
PINNA_API_END
