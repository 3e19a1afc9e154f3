// Grids of directions and matching between them.
#pragma once

#include <cstddef>
#include <vector>

#include "pinna/geometry.hpp"

namespace pinna {

/// Index of the direction of `grid` nearest to `d` on the sphere (distance ignored); the
/// first one on ties. `grid` must not be empty.
std::size_t nearest_direction(const std::vector<Direction>& grid, const Direction& d);

/// For each direction of `reference`, the index of the nearest direction of `estimate`, or
/// kUnmatched when that one is further than `tolerance_deg` away on the sphere.
constexpr std::size_t kUnmatched = static_cast<std::size_t>(-1);
std::vector<std::size_t> match_directions(const std::vector<Direction>& reference,
                                          const std::vector<Direction>& estimate,
                                          double tolerance_deg = 0.5);

}  // namespace pinna
