// Brute-force nearest direction, and grid matching through a SphericalIndex.
#include <limits>

#include "core/vec_math.hpp"
#include "pinna/error.hpp"
#include "pinna/grid.hpp"

namespace pinna {

std::size_t nearest_direction(const std::vector<Direction>& grid, const Direction& d) {
    if (grid.empty())
        throw InvalidArgumentError("nearest_direction: the grid is empty");
    const Vec3 u = unit_vector(d);
    std::size_t best = 0;
    double best_dot = -std::numeric_limits<double>::infinity();
    for (std::size_t i = 0; i < grid.size(); ++i) {
        const double c = dot(unit_vector(grid[i]), u);
        if (c > best_dot) {  // strictly larger: the first one wins ties
            best_dot = c;
            best = i;
        }
    }
    return best;
}

std::vector<std::size_t> match_directions(const std::vector<Direction>& reference,
                                          const std::vector<Direction>& estimate,
                                          double tolerance_deg) {
    std::vector<std::size_t> out(reference.size(), kUnmatched);
    if (estimate.empty() || reference.empty())
        return out;
    const SphericalIndex index(estimate);
    for (std::size_t i = 0; i < reference.size(); ++i) {
        const Vec3 u = unit_vector(reference[i]);
        const std::size_t j = index.nearest(u);
        if (angle_between_deg(u, unit_vector(estimate[j])) <= tolerance_deg)
            out[i] = j;
    }
    return out;
}

}  // namespace pinna
