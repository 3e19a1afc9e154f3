#include <limits>

#include "pinna/error.hpp"
#include "pinna/grid.hpp"

namespace pinna {
namespace {
std::vector<Vec3> unit_vectors(const std::vector<Direction>& dirs) {
    std::vector<Vec3> out;
    out.reserve(dirs.size());
    for (const Direction& d : dirs)
        out.push_back(unit_vector(d));
    return out;
}

// Largest dot product = smallest great-circle angle.
std::size_t nearest_unit(const std::vector<Vec3>& grid, const Vec3& u) {
    std::size_t best = 0;
    double best_dot = -std::numeric_limits<double>::infinity();
    for (std::size_t i = 0; i < grid.size(); ++i) {
        const double c = dot(grid[i], u);
        if (c > best_dot) {
            best_dot = c;
            best = i;
        }
    }
    return best;
}
}  // namespace

std::size_t nearest_direction(const std::vector<Direction>& grid, const Direction& d) {
    if (grid.empty())
        throw InvalidArgumentError("nearest_direction: the grid is empty");
    return nearest_unit(unit_vectors(grid), unit_vector(d));
}

std::vector<std::size_t> match_directions(const std::vector<Direction>& reference,
                                          const std::vector<Direction>& estimate,
                                          double tolerance_deg) {
    std::vector<std::size_t> out(reference.size(), kUnmatched);
    if (estimate.empty())
        return out;
    const std::vector<Vec3> est = unit_vectors(estimate);
    for (std::size_t i = 0; i < reference.size(); ++i) {
        const Vec3 u = unit_vector(reference[i]);
        const std::size_t j = nearest_unit(est, u);
        if (angle_between_deg(u, est[j]) <= tolerance_deg)
            out[i] = j;
    }
    return out;
}

}  // namespace pinna
