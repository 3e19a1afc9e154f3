// Grids of directions on the sphere, quadratures, sparse subsets and nearest-direction search.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "pinna/geometry.hpp"
#include "pinna/visibility.hpp"

PINNA_API_BEGIN
namespace pinna {

// ---------------------------------------------------------------------------------------
// Matching between grids

/// Index of the direction of `grid` nearest to `d` on the sphere (distance ignored); the
/// first one on ties. Throws InvalidArgumentError when `grid` is empty. Brute force: for
/// many queries against one grid, build a SphericalIndex once.
std::size_t nearest_direction(const std::vector<Direction>& grid, const Direction& d);

/// For each direction of `reference`, the index of the nearest direction of `estimate`
/// (the first one on ties), or kUnmatched when that one is further than `tolerance_deg`
/// away on the sphere. Uses a SphericalIndex over `estimate`.
constexpr std::size_t kUnmatched = static_cast<std::size_t>(-1);
std::vector<std::size_t> match_directions(const std::vector<Direction>& reference,
                                          const std::vector<Direction>& estimate,
                                          double tolerance_deg = 0.5);

// ---------------------------------------------------------------------------------------
// Fast nearest-direction search

/// A k-d tree over the unit vectors of a grid, built once, for nearest-direction queries in
/// real time. Queries are exact (the same answer as a brute-force search for the largest
/// dot product, the smallest index on ties), noexcept, allocation-free, lock-free and safe to
/// call concurrently on a const index.
class SphericalIndex {
  public:
    /// Most neighbours nearest_k can return in one query.
    static constexpr std::size_t kMaxNeighbours = 64;

    SphericalIndex() = default;
    /// Throws InvalidArgumentError when `directions` is empty or holds a non-finite angle.
    explicit SphericalIndex(const std::vector<Direction>& directions);

    std::size_t size() const noexcept;
    bool empty() const noexcept { return size() == 0; }
    /// Bytes held by the tree.
    std::size_t memory_bytes() const noexcept;

    /// Index (into the directions given at construction) of the direction nearest to the
    /// direction of `v`. `v` need not be of unit length; a zero or non-finite `v` gives
    /// some valid but unspecified index. Returns kUnmatched only on an empty
    /// (default-constructed) index.
    std::size_t nearest(const Vec3& v) const noexcept;
    std::size_t nearest(const Direction& d) const noexcept { return nearest(unit_vector(d)); }

    /// The min(k, size(), kMaxNeighbours) directions nearest to `v`, nearest first (smaller
    /// index first on ties): their indices in `indices` and, when `cos_angles` is not null,
    /// the cosines of their angles to `v`. Returns how many were written.
    std::size_t nearest_k(const Vec3& v, std::size_t k, std::size_t* indices,
                          double* cos_angles = nullptr) const noexcept;

  private:
    struct Tree;
    std::shared_ptr<const Tree> tree_;  ///< immutable once built: copies share it
};

// ---------------------------------------------------------------------------------------
// What a grid looks like

struct GridStatistics {
    double elevation_min_deg = 0.0, elevation_max_deg = 0.0;
    std::size_t distinct_elevations = 0;  ///< elevations equal to 0.01 degree count as one
    double distance_min_m = 0.0, distance_max_m = 0.0;
    std::size_t distinct_distances = 0;  ///< distances equal to 1 mm count as one
    /// Great-circle angle from each direction to its nearest other direction (0 for a
    /// duplicate), averaged and at most; 0 for a single direction.
    double mean_nearest_neighbour_deg = 0.0, max_nearest_neighbour_deg = 0.0;
};

/// Statistics of a grid (a SphericalIndex answers the nearest neighbours: O(M log M)).
/// Throws InvalidArgumentError for an empty grid or a non-finite angle.
GridStatistics grid_statistics(const std::vector<Direction>& directions);

// ---------------------------------------------------------------------------------------
// Grids

/// `n` near-uniform directions on a Fibonacci (golden-angle) spiral: point i at
/// z = 1 - (2 i + 1) / n, azimuth i * pi * (3 - sqrt 5); distance 1 m. Throws
/// InvalidArgumentError when n == 0.
std::vector<Direction> fibonacci_grid(std::size_t n);

/// Directions with quadrature weights on the sphere.
struct QuadratureGrid {
    std::vector<Direction> directions;  ///< distance 1 m
    std::vector<double> weights_sr;     ///< one per direction, summing to 4 pi steradians
    int degree = 0;  ///< integrates every spherical polynomial up to this degree exactly
};

/// The Lebedev-Laikov rule of `n` points, generated from its octahedral orbits. Available
/// sizes (degree): 6 (3), 14 (5), 26 (7), 38 (9), 50 (11), 74 (13), 86 (15), 110 (17),
/// 146 (19), 170 (21), 194 (23), 230 (25), 266 (27), 302 (29), 350 (31), 434 (35),
/// 590 (41), 770 (47), 974 (53), 1202 (59), 1454 (65), 1730 (71), 2030 (77). The 74-point
/// rule has negative weights on its 8 cube-corner points. Throws InvalidArgumentError for any
/// other n, listing these.
QuadratureGrid lebedev_grid(std::size_t n);
/// The point counts lebedev_grid accepts, ascending.
std::vector<std::size_t> lebedev_sizes();

/// A grid from a text spec: "fibonacci:N" (N >= 1) or "lebedev:N" (N one of
/// lebedev_sizes()). Throws InvalidArgumentError naming the spec and what is wrong.
std::vector<Direction> grid_from_spec(const std::string& spec);

// ---------------------------------------------------------------------------------------
// Sparse subsets of the SONICOM Listener Acoustic Personalisation challenge

/// Indices into `directions` of the LAP sparse subset of `level` 100, 19, 5 or 3
/// (as the metrics definitions of the LAP challenge describe them).
///   100: the directions sorted by azimuth (wrapped to [0, 360)), then elevation, and every
///        8th taken starting with the first: ceil(M / 8) directions, 100 on SONICOM's 793.
///        Angles are compared after rounding to 1e-6 degree (an azimuth that rounds to 360
///        counts as 0), so round-off from a file reader cannot reorder equal angles; equal
///        pairs keep their file order. Returned in that sorted order.
///   19:  azimuth 0, 60, ..., 300 at elevations -45, 0, 45 (elevation-major), then (0, 90);
///   5:   (315, 0), (0, -45), (0, 0), (0, 45), (45, 0);
///   3:   (0, 0), (90, 0), (0, 90);
///        for these, the nearest direction of `directions` to each listed one, in the listed
///        order. When two listed directions share their nearest direction (a coarse grid),
///        it is kept once, at its first place, so the result may be shorter than the level.
/// Throws InvalidArgumentError for an empty grid or another level.
std::vector<std::size_t> lap_sparse_indices(const std::vector<Direction>& directions, int level);

}  // namespace pinna
PINNA_API_END
