// Perceptual evaluation: predicted sagittal-plane localization performance of a listener
// who listens through a given HRIR set, from the auditory model of
//
//   R. Baumgartner, P. Majdak, B. Laback (2014), "Modeling sound-source localization in
//   sagittal planes for human listeners", J. Acoust. Soc. Am. 136(2), 791-802.
//
// The listener is represented by their own set (the template: what their auditory system
// has learned); the target is the set they listen through. Per sagittal plane (lateral
// angle), the model compares the target's spectral cues with the template's and predicts,
// for every target direction, a probability mass vector over response polar angles, from
// which it derives the quadrant-error rate (front-back / up-down confusions, %) and the
// local polar RMS error (degrees). pinna reproduces the Auditory Modeling Toolbox's
// `baumgartner2014` + `baumgartner2014_pmv2ppp` (AMT 1.4.0, default flags) to 3e-8 on the
// probabilities (the float32 rounding of pinna's IRs); docs/perception.md states the
// protocol, the validation against AMT and the known limits.
//
// Conventions: SOFA directions (pinna/geometry.hpp) are converted to the horizontal-polar
// system: lateral angle in [-90, 90] (positive = left), polar angle in [-90, 270)
// (0 = front, 90 = above, 180 = back).
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "pinna/error.hpp"
#include "pinna/geometry.hpp"
#include "pinna/visibility.hpp"

PINNA_API_BEGIN
namespace pinna {

class HrirSet;

/// A direction in the horizontal-polar (interaural-polar) coordinate system.
struct HorizontalPolar {
    double lateral_deg = 0.0;  ///< [-90, 90], positive towards the left ear
    double polar_deg = 0.0;    ///< [-90, 270): 0 front, 90 above, 180 behind
};

/// The SOFA toolbox's sph2hor: x = cos(el)cos(az), y = cos(el)sin(az), z = sin(el),
/// lateral = asin(y), polar = atan2(z, x) wrapped to [-90, 270). Distance is ignored.
HorizontalPolar to_horizontal_polar(const Direction& d) noexcept;

/// How the directional transfer functions (DTFs) the model works on are obtained.
enum class DtfMethod {
    /// The SOFA toolbox's SOFAhrtf2dtf default, as AMT users prepare HRTFs: per ear, the
    /// common transfer function is the minimum-phase filter whose log magnitude is the
    /// mean over all directions of ln|H|; every HRTF is divided by it between 50 Hz and
    /// 18 kHz (other bins kept). Computed on the set's own N-point FFT (N = taps).
    log_mean_minimum_phase,
    /// Use the IRs as they are (the sets are DTFs already, e.g. ARI's *_dtf_* files).
    none,
};

/// Model parameters. Defaults are those of AMT's baumgartner2014 (arg_baumgartner2014),
/// which are the paper's except where noted.
struct Baumgartner2014Options {
    /// Listener-specific sensitivity S (dB, the offset of the similarity sigmoid). The
    /// paper calibrates S per listener from their localization data; 0.7 is AMT's default
    /// ("mean S of the data_baumgartner2014 pool"; AMT's help text still says 1). Smaller S:
    /// a more sensitive listener, fewer predicted errors.
    double sensitivity = 0.7;
    /// Degree of selectivity Gamma (1/dB, the slope of the similarity sigmoid): 6.
    double selectivity_per_db = 6.0;
    /// Motoric response scatter epsilon in the median plane (degrees): 17. In a plane at
    /// lateral angle a it is epsilon / cos(a). 0 switches the scatter off (responses are then
    /// confined to the template's polar range, as in AMT).
    double motor_scatter_deg = 17.0;
    /// Binaural weighting coefficient Phi (degrees): 13. Weight of the left ear at lateral
    /// angle a: 1 / (1 + exp(-a / Phi)).
    double binaural_weighting_deg = 13.0;
    /// Frequency range of the 1-ERB-spaced gammatone filterbank: 700 Hz .. 18 kHz (28
    /// bands). The highest centre frequency must lie below both sets' Nyquist frequency.
    double lowest_frequency_hz = 700.0;
    double highest_frequency_hz = 18000.0;

    /// Sagittal planes evaluated, each with equal weight in the overall figures. Default:
    /// -20, 0 and +20 degrees, the segments AMT's calibration (baumgartner2014_calibration)
    /// averages, which together cover the |lateral| <= 30 degrees of the experiments the
    /// model was fitted to. AMT's model call itself evaluates one plane (lat = 0). Each
    /// plane takes the directions within +-0.5 degrees, widened in 1-degree steps up to
    /// +-2.5 degrees until its polar angles cover -30..210 degrees without a gap over 30.
    std::vector<double> lateral_angles_deg = {-20.0, 0.0, 20.0};
    /// Target directions whose polar angle lies in this range are scored: by default the
    /// frontal and rear directions from 30 degrees below the front over the top to 30
    /// degrees below the back (-30..210), the range of the localization experiments the
    /// model was defined on. AMT's pmv2ppp averages every target the plane holds; set
    /// -90 and 270 to do the same. The template always uses every direction of the plane.
    /// Angles within 0.01 degrees outside the range count as inside (float positions).
    double min_target_polar_deg = -30.0;
    double max_target_polar_deg = 210.0;

    DtfMethod dtf = DtfMethod::log_mean_minimum_phase;

    /// Throws InvalidArgumentError naming the first parameter that is out of range or not
    /// finite.
    void validate() const;
};

/// The prediction for one sagittal plane.
struct SagittalPlanePrediction {
    double lateral_deg = 0.0;
    /// Quadrant-error rate (%): the mean over targets of the probability of a response more
    /// than 90 degrees of polar angle away from the target (exactly 90 counts).
    double quadrant_error_percent = 0.0;
    /// Local polar RMS error (degrees): the mean over targets of the RMS polar error of the
    /// responses within 90 degrees (the paper's "PE"; a mean of per-target RMS values).
    double polar_rms_error_deg = 0.0;
    /// The same measures for a guessing listener, for the same targets: responses uniformly
    /// distributed over the response angles within the scored polar range (-30..210 by
    /// default, the chance reference of AMT's calibration; over the whole circle AMT's
    /// pmv2ppp('chance')).
    double chance_quadrant_error_percent = 0.0;
    double chance_polar_rms_error_deg = 0.0;

    std::vector<double> template_polar_deg;     ///< the template directions, ascending
    std::vector<double> target_polar_deg;       ///< the scored target directions, ascending
    std::vector<std::size_t> template_indices;  ///< into the template set, per template angle
    std::vector<std::size_t> target_indices;    ///< into the target set, per target angle
    /// Largest |lateral - lateral_deg| of the directions taken into the plane (template and
    /// target): the width of the window the selection needed.
    double max_lateral_offset_deg = 0.0;

    /// Response angles: -90, -85, ..., 265 (without motor scatter: the template's polar span
    /// in 5-degree steps).
    std::vector<double> response_polar_deg;
    /// Probability mass vectors, [target][response], each summing to 1.
    std::vector<double> probabilities;
    std::vector<double> quadrant_error_percent_per_target;
    /// NaN for a target with no response within 90 degrees (only possible without scatter);
    /// such targets are left out of polar_rms_error_deg.
    std::vector<double> polar_rms_error_deg_per_target;

    const double* probabilities_of(std::size_t target) const noexcept {
        return probabilities.data() + target * response_polar_deg.size();
    }
};

/// The prediction over all planes of the options.
struct LocalizationPrediction {
    /// Means over the planes, equal weights.
    double quadrant_error_percent = 0.0;
    double polar_rms_error_deg = 0.0;
    double chance_quadrant_error_percent = 0.0;
    double chance_polar_rms_error_deg = 0.0;
    std::vector<SagittalPlanePrediction> planes;  ///< in the order of lateral_angles_deg
};

/// A sagittal plane of a set holds too few directions for the model: the template needs 3
/// (the response-angle spline), the target 1 within the scored polar range.
class TooFewDirectionsError : public InvalidDataError {
  public:
    TooFewDirectionsError(const std::string& message, double lateral_deg, std::size_t found,
                          std::size_t needed)
        : InvalidDataError(message), lateral_deg_(lateral_deg), found_(found), needed_(needed) {}
    double lateral_deg() const noexcept { return lateral_deg_; }
    std::size_t found() const noexcept { return found_; }
    std::size_t needed() const noexcept { return needed_; }

  private:
    double lateral_deg_;
    std::size_t found_;
    std::size_t needed_;
};

/// The model with one listener's template analysed once, to score any number of target
/// sets against it. Thread-safe: predict() is const and may run concurrently.
class Baumgartner2014Model {
  public:
    /// Analyses `listener` (the listener's own HRIRs, or DTFs with DtfMethod::none) in
    /// every plane of the options. Throws InvalidArgumentError for bad options,
    /// InvalidDataError for a set that fails HrirSet::validate() or whose Nyquist frequency
    /// lies below the highest band, TooFewDirectionsError for a plane with under 3
    /// directions. The set's broadband delays (Data.Delay), if any, are not part of the
    /// IRs and are ignored, as in AMT.
    explicit Baumgartner2014Model(const HrirSet& listener, Baumgartner2014Options options = {});
    ~Baumgartner2014Model();
    Baumgartner2014Model(Baumgartner2014Model&&) noexcept;
    Baumgartner2014Model& operator=(Baumgartner2014Model&&) noexcept;

    /// The predicted performance of the listener with `target`. The target may have another
    /// grid, IR length or sample rate than the template: each set is analysed at its own
    /// rate with its own IR length, as AMT does (docs/perception.md). Throws as the
    /// constructor does, TooFewDirectionsError when a plane of the target has no direction
    /// in the scored polar range.
    LocalizationPrediction predict(const HrirSet& target) const;

    const Baumgartner2014Options& options() const noexcept;

  private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

/// One call: the listener whose own set is `listener` listening through `target`.
LocalizationPrediction predict_localization(const HrirSet& listener, const HrirSet& target,
                                            const Baumgartner2014Options& options = {});

}  // namespace pinna
PINNA_API_END
