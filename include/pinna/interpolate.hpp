// Interpolation and upsampling of HRIR sets: from measured directions to any directions.
//
// Methods (InterpolationMethod), each a documented strategy:
//  - nearest: the measurement nearest on the great circle. Poles and the azimuth wrap need
//    no special care (distances are taken between unit vectors).
//  - barycentric: the directions are triangulated (convex hull of their unit vectors =
//    spherical Delaunay triangulation); a target takes the three corners of the triangle
//    its ray crosses, weighted by barycentric coordinates (non-negative, sum 1). Poles and
//    the wrap are ordinary triangles. Gaps of the grid (CIPIC's missing bottom cap) are
//    spanned by large triangles between the gap's rim measurements. Outside the hull
//    (directions that do not surround the listener, or fewer than 4) it falls back to the
//    nearest measurement.
//  - sh: a regularised spherical-harmonic fit (order from the grid unless given) evaluated
//    at the target, plus the barycentric interpolation of the fit's residuals at the
//    measured directions, so that measured directions are returned exactly and the field
//    stays continuous. Tikhonov regularisation (weight grows with degree n as 1 + n(n+1))
//    keeps the fit bounded over gaps; since it also touches degree 0, the weights of a
//    target sum to 1 only within about 1e-3.
//
// Domains:
//  - plain (time_aligned = false): HRIR samples are mixed. Cheap, but mixing impulses whose
//    onsets differ comb-filters.
//  - time-aligned: each measured IR is split into a magnitude spectrum (mixed in dB) and a
//    broadband delay per ear (the pure delay of its minimum-phase decomposition). The
//    target's IR is the minimum-phase IR of the mixed magnitude, delayed by the target's
//    delay. Delays come from a spherical-head model fitted to the measured delays (radius,
//    ear axes, constant delays) plus the interpolated residuals of that fit: the model
//    carries the ITD over wide gaps, the residuals keep the measured values exact.
// A target within 1e-6 degrees of a measured direction returns that measurement.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "pinna/hrir_set.hpp"
#include "pinna/visibility.hpp"

PINNA_API_BEGIN
namespace pinna {

enum class InterpolationMethod { nearest, barycentric, sh };

/// "nearest", "barycentric" or "sh"; InvalidArgumentError naming the bad name otherwise.
InterpolationMethod parse_interpolation_method(const std::string& name);
const char* to_string(InterpolationMethod method) noexcept;

struct InterpolationOptions {
    InterpolationMethod method = InterpolationMethod::barycentric;
    bool time_aligned = false;
    /// Spherical-harmonic order for `sh`; -1 chooses the largest N with (N+1)^2 <= M/2,
    /// at most 15.
    int sh_order = -1;
    /// Tikhonov weight of the SH fit (relative to the mean of the Gram matrix diagonal).
    double sh_regularisation = 1e-2;
    /// Time-aligned only: model delays with a fitted spherical head (true) or interpolate
    /// the measured delays with the method's weights (false).
    bool head_model_delays = true;
};

class Interpolator {
  public:
    /// Prepares the measured set (validated; Data.Delay applied). Throws InvalidDataError
    /// for an empty or invalid set, InvalidArgumentError for bad options.
    explicit Interpolator(const HrirSet& measured, const InterpolationOptions& options = {});
    ~Interpolator();
    Interpolator(Interpolator&&) noexcept;
    Interpolator& operator=(Interpolator&&) noexcept;

    const InterpolationOptions& options() const noexcept;

    /// The set at `targets`, same sample rate and taps as the measured set, metadata copied.
    HrirSet interpolate(const std::vector<Direction>& targets) const;

    /// Weights of the measurements for one target direction as (index, weight) pairs,
    /// summing to 1 (the sh method's weights may be negative, and sum to 1 within about
    /// 1e-3: see above).
    std::vector<std::pair<std::size_t, double>> weights(const Direction& target) const;

  private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

/// One call: Interpolator(measured, options).interpolate(targets).
HrirSet upsample(const HrirSet& measured, const std::vector<Direction>& targets,
                 const InterpolationOptions& options = {});

}  // namespace pinna
PINNA_API_END
