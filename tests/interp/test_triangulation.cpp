#include <catch2/catch.hpp>

#include <cmath>
#include <random>

#include "core/vec_math.hpp"
#include "interp/triangulation.hpp"
#include "support/test_support.hpp"

using namespace pinna;
using detail::SphericalTriangulation;

namespace {
std::vector<Direction> ring_grid() {
    // A measurement-like grid: rings every 15 degrees from -45 to 75, plus the top repeated
    // at several azimuths (as SOFA grids often do), no bottom cap.
    std::vector<Direction> g;
    for (int el = -45; el <= 75; el += 15)
        for (int az = 0; az < 360; az += 15)
            g.push_back({double(az), double(el), 1.5});
    for (int az = 0; az < 360; az += 90)
        g.push_back({double(az), 90.0, 1.5});
    return g;
}
}  // namespace

TEST_CASE("triangulation of a full grid: Euler's formula and containment", "[interp]") {
    const auto grid = ring_grid();
    SphericalTriangulation tri(grid);
    REQUIRE(tri.encloses_centre());
    const std::size_t distinct = grid.size() - 3;  // the top counted once
    // A triangulated convex polyhedron with V vertices has 2V - 4 triangles.
    CHECK(tri.triangle_count() == 2 * distinct - 4);

    std::mt19937 rng(7);
    std::uniform_real_distribution<double> uni(-1.0, 1.0);
    for (int i = 0; i < 2000; ++i) {
        const Vec3 u = normalized({uni(rng), uni(rng), uni(rng)});
        const auto w = tri.locate(u);
        REQUIRE(w.count == 3);
        float sum = 0.0f;
        Vec3 mix{};
        for (int k = 0; k < 3; ++k) {
            REQUIRE(w.weight[k] >= 0.0f);
            sum += w.weight[k];
            const Vec3 v = unit_vector(grid[w.index[k]]);
            mix = {mix.x + w.weight[k] * v.x, mix.y + w.weight[k] * v.y, mix.z + w.weight[k] * v.z};
        }
        REQUIRE(sum == Approx(1.0f).epsilon(1e-5));
        // The weighted vertices lie on the ray towards u (the planar barycentric point).
        CHECK(angle_between_deg(normalized(mix), u) < 1e-3);
    }
}

TEST_CASE("locating a measured direction returns it with weight one", "[interp]") {
    const auto grid = ring_grid();
    SphericalTriangulation tri(grid);
    for (std::size_t m = 0; m < grid.size() - 3; ++m) {
        const auto w = tri.locate(unit_vector(grid[m]));
        float at_m = 0.0f;
        for (int k = 0; k < w.count; ++k)
            if (w.index[k] == m)
                at_m += w.weight[k];
        REQUIRE(at_m == Approx(1.0f).margin(1e-5));
    }
}

TEST_CASE("too few directions fall back to the nearest one", "[interp]") {
    const std::vector<Direction> three = {{0, 0, 1}, {90, 0, 1}, {0, 90, 1}};
    SphericalTriangulation tri(three);
    CHECK(tri.triangle_count() == 0);
    const auto w = tri.locate(unit_vector({80, 10, 1}));
    CHECK(w.count == 1);
    CHECK(w.index[0] == 1);
}

TEST_CASE("a frontal hemisphere does not enclose the centre: rear falls back to nearest",
          "[interp]") {
    std::vector<Direction> front;
    for (int el = -60; el <= 60; el += 30)
        for (int az = -80; az <= 80; az += 20)
            front.push_back({wrap_azimuth_deg(az), double(el), 1});
    SphericalTriangulation tri(front);
    CHECK_FALSE(tri.encloses_centre());
    const auto rear = tri.locate(unit_vector({180, 0, 1}));
    REQUIRE(rear.count >= 1);
    float sum = 0;
    for (int k = 0; k < rear.count; ++k)
        sum += rear.weight[k];
    CHECK(sum == Approx(1.0f));
    const auto w = tri.locate(unit_vector({10, 5, 1}));
    CHECK(w.count == 3);
}
