// Weights of the `sh` interpolation method: a regularised SH fit evaluated at the target,
// corrected by the barycentric interpolation of the fit's residuals at the measured points.
#pragma once

#include <utility>
#include <vector>

#include "pinna/geometry.hpp"
#include "pinna/sh.hpp"

namespace pinna::detail {

class ShWeights {
  public:
    /// order -1: from the grid (at most 15).
    ShWeights(const std::vector<Direction>& grid, int order, double lambda);

    int order() const noexcept { return fitter_.order(); }

    /// Dense weights (one per measurement, summing to 1 up to rounding) of the target `u`,
    /// given the barycentric weights `corners` of u in the measured grid.
    std::vector<std::pair<std::size_t, double>> weights(
        const Vec3& u, const std::vector<std::pair<std::size_t, double>>& corners) const;

  private:
    std::vector<Direction> grid_;
    ShFitter fitter_;
};

}  // namespace pinna::detail
