// Triangulation of directions on the sphere: the convex hull of their unit vectors (which,
// for points on a sphere, is their spherical Delaunay triangulation), with a constant-time
// point location for real-time use.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "pinna/geometry.hpp"
#include "pinna/grid.hpp"

namespace pinna::detail {

/// Up to three measurement indices and their weights (sum 1, non-negative).
struct Weights3 {
    std::array<std::uint32_t, 3> index{};
    std::array<float, 3> weight{};
    std::uint8_t count = 0;  ///< 3 inside a triangle, 1 for the nearest-point fallback
};

class SphericalTriangulation {
  public:
    /// Empty, to be assigned a built one before any lookup.
    SphericalTriangulation() = default;
    /// Builds the hull of the directions' unit vectors. Directions closer than 1e-6 degrees
    /// to an earlier one are merged into it (the first index is used). Fewer than 4
    /// distinct, non-coplanar directions give no triangles: every lookup then falls back to
    /// the nearest direction.
    explicit SphericalTriangulation(const std::vector<Direction>& directions);

    /// Barycentric weights of the triangle hit by the ray towards `unit` (a unit vector).
    /// Outside the hull (when the directions do not surround the listener, e.g. only a
    /// frontal hemisphere was measured) it falls back to the nearest direction, weight 1.
    /// noexcept, allocation-free, const: safe from many threads.
    Weights3 locate(const Vec3& unit) const noexcept;

    /// The nearest direction to `unit` (its index into the original directions; merged
    /// duplicates answer with the first), from the index the fallback uses.
    std::size_t nearest(const Vec3& unit) const noexcept { return index_.nearest(unit); }

    std::size_t triangle_count() const noexcept { return faces_.size(); }
    /// Vertex indices (into the original directions) of triangle t.
    std::array<std::uint32_t, 3> triangle(std::size_t t) const noexcept { return faces_[t].v; }
    /// Bytes held by the triangles and lookup tables (approximate for the index).
    std::size_t memory_bytes() const noexcept {
        return faces_.capacity() * sizeof(Face) + cell_face_.capacity() * sizeof(std::int32_t) +
               index_.memory_bytes();
    }
    /// True when every direction from the centre hits a triangle.
    bool encloses_centre() const noexcept { return encloses_centre_; }

  private:
    struct Face {
        std::array<std::uint32_t, 3> v{};    ///< original measurement indices
        std::array<double, 9> inverse{};     ///< inverse of [a b c] (columns), row-major
        std::array<std::int32_t, 3> next{};  ///< neighbour across the edge opposite v[i]
    };
    std::size_t start_face(const Vec3& unit) const noexcept;
    /// The face whose cone holds `unit`, walked to from face `start` (its ray weights in
    /// `weights` when given); -1 when the walk stalls or leaves the hull.
    std::ptrdiff_t walk(std::size_t start, const Vec3& unit,
                        std::array<double, 3>* weights = nullptr) const noexcept;

    SphericalIndex index_;  ///< nearest-direction fallback
    std::vector<Face> faces_;
    std::vector<std::int32_t> cell_face_;  ///< start face per azimuth/elevation cell
    bool encloses_centre_ = false;
};

}  // namespace pinna::detail
