// The stages of the Baumgartner et al. (2014) sagittal-plane model, one function or class
// each, so that tests can hold every stage against AMT's intermediate values. Not part of
// the public API (pinna/perception.hpp composes them). Equation numbers are the paper's.
#pragma once

#include <complex>
#include <cstddef>
#include <vector>

#include "pinna/geometry.hpp"
#include "pinna/perception.hpp"

namespace pinna {
class HrirSet;
}

namespace pinna::perception {

/// MATLAB's eps (2^-52). AMT adds it in the similarity sigmoid and the PMV normaliser,
/// and the SOFA toolbox inside its logarithm; pinna keeps these terms to match AMT.
constexpr double kMatlabEps = 2.220446049250313e-16;
/// Step of the response-angle grid (AMT's rangsamp). The scatter's circular convolution
/// relies on 72 steps covering 360 degrees.
constexpr double kResponseStepDeg = 5.0;

// --- Sagittal-plane selection (AMT extractsp) ------------------------------------------

struct PlaneSelection {
    std::vector<std::size_t> indices;  ///< into the set, ascending polar angle
    std::vector<double> polar_deg;     ///< strictly ascending
    double max_lateral_offset_deg = 0.0;
};

/// The directions within a lateral window around `lateral_deg`: +-0.505 degrees, widened
/// by 0.5 degrees at a time up to +-2.505 while the polar angles do not reach -30 and 210
/// or leave a gap over 30 degrees. Directions with the same polar angle: the first in set
/// order is kept. Empty when nothing lies within +-2.505 degrees (AMT would widen further).
PlaneSelection select_sagittal_plane(const std::vector<Direction>& directions, double lateral_deg);

// --- DTFs -------------------------------------------------------------------------------

/// The IRs of `which` directions of `set` as doubles, [i][ear][tap], after the DTF step of
/// `method` (DtfMethod::log_mean_minimum_phase uses every direction of the set for the
/// common transfer function).
std::vector<double> directional_irs(const HrirSet& set, const std::vector<std::size_t>& which,
                                    DtfMethod method);

// --- Spectral analysis (Eq. 2) ------------------------------------------------------------

/// Centre frequencies 1 ERB apart between low and high (LTFAT erbspacebw): the ERB-number
/// scale E(f) = 9.2645 ln(1 + 0.00437 f); floor(E(high) - E(low)) + 1 bands placed
/// symmetrically in [E(low), E(high)].
std::vector<double> erb_band_centres_hz(double low_hz, double high_hz);

/// Band distance of the gradient (AMT's dgpt2): the mean ERB / centre spacing, rounded;
/// 1 for 1-ERB spacing.
std::size_t gradient_band_distance(const std::vector<double>& centres_hz);

/// AMT's gammatone(fc, fs, 'complex'): 4th-order all-pole complex gammatone filters, ERB
/// bandwidths scaled by (3!)^2 / (pi 6! 2^-6), unit gain at the centre frequency; output
/// 2 Re(y). levels_db() gives, per band, 20 log10 of the RMS over exactly the n input
/// samples (zero initial state; no tail, no padding: the window length is part of the
/// model as AMT runs it).
class GammatoneFilterbank {
  public:
    GammatoneFilterbank(const std::vector<double>& centres_hz, double sample_rate_hz);
    std::size_t bands() const noexcept { return poles_.size(); }
    /// `out` receives bands() levels in dB.
    void levels_db(const double* x, std::size_t n, double* out) const;

  private:
    std::vector<std::complex<double>> poles_;
    std::vector<double> section_gains_;  // 1 - |pole|, per band, for each of the 4 sections
};

// --- Gradient extraction (Eq. 3) --------------------------------------------------------

/// max(L[b + distance] - L[b], 0) for b = 0 .. bands - distance - 1.
void positive_gradients(const double* levels_db, std::size_t bands, std::size_t distance,
                        double* out);

// --- Sensorimotor mapping (Eq. 7) -------------------------------------------------------

/// The matrix W, [xi][x], that maps values at the knots x (strictly ascending, at least 2)
/// to the values at xi of MATLAB's interp1(x, y, xi, 'spline'): a cubic spline with
/// not-a-knot ends (a line through 2 knots, the parabola through 3). Points of xi outside
/// [x.front(), x.back()] are extrapolated with the end pieces.
std::vector<double> spline_matrix(const std::vector<double>& x, const std::vector<double>& xi);

/// The von Mises kernel of the motor scatter sampled on `bins` points around the circle:
/// exp(kappa cos(2 pi m / bins)) / (2 pi I0(kappa)), kappa = 1 / (scatter in rad)^2.
std::vector<double> von_mises_kernel(std::size_t bins, double scatter_deg);

// --- Performance measures (AMT baumgartner2014_pmv2ppp) ------------------------------------

struct TargetErrors {
    double quadrant_error = 0.0;       ///< probability of a polar error >= 90 degrees
    double polar_rms_error_deg = 0.0;  ///< RMS of the errors < 90 degrees; NaN if none
};
/// Errors of one PMV `p` over `response_deg` (renormalised to sum 1) for a target at
/// `target_deg`. Polar differences are wrapped to [-180, 180].
TargetErrors pmv_errors(const double* p, const std::vector<double>& response_deg,
                        double target_deg);

}  // namespace pinna::perception
