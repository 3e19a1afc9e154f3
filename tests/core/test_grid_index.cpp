// SphericalIndex against brute force, and match_directions.
#include <algorithm>
#include <catch2/catch.hpp>
#include <chrono>
#include <cstdio>
#include <limits>
#include <numeric>
#include <random>

#include "core/vec_math.hpp"
#include "pinna/error.hpp"
#include "pinna/grid.hpp"

using namespace pinna;

namespace {
std::size_t brute_nearest(const std::vector<Vec3>& g, const Vec3& u) {
    std::size_t best = 0;
    double best_dot = -std::numeric_limits<double>::infinity();
    for (std::size_t i = 0; i < g.size(); ++i)
        if (dot(g[i], u) > best_dot) {
            best_dot = dot(g[i], u);
            best = i;
        }
    return best;
}

std::vector<Vec3> units(const std::vector<Direction>& g) {
    std::vector<Vec3> out;
    for (const Direction& d : g)
        out.push_back(unit_vector(d));
    return out;
}

// A regular azimuth x elevation grid with both poles repeated at every azimuth and a duplicate
// of each azimuth-0 direction at 360: many exact ties.
std::vector<Direction> tie_heavy_grid() {
    std::vector<Direction> g;
    for (int a = 0; a <= 360; a += 15)
        for (int e = -90; e <= 90; e += 15)
            g.push_back({double(a), double(e), 1.0});
    return g;
}

Vec3 random_vector(std::mt19937& rng) {
    std::normal_distribution<double> n(0.0, 1.0);
    return {n(rng), n(rng), n(rng)};
}
}  // namespace

TEST_CASE("spherical index: nearest equals brute force on random queries", "[grid]") {
    std::mt19937 rng(11);
    const std::vector<std::vector<Direction>> grids = {
        fibonacci_grid(1), fibonacci_grid(7), fibonacci_grid(1000), lebedev_grid(2030).directions,
        tie_heavy_grid()};
    for (const auto& grid : grids) {
        const SphericalIndex index(grid);
        REQUIRE(index.size() == grid.size());
        const std::vector<Vec3> g = units(grid);
        for (int q = 0; q < 3000; ++q) {
            const Vec3 u = normalized(random_vector(rng));
            REQUIRE(index.nearest(u) == brute_nearest(g, u));
        }
        // Queries exactly at the grid points (ties with duplicates take the first index).
        for (std::size_t i = 0; i < grid.size(); ++i) {
            REQUIRE(index.nearest(grid[i]) == brute_nearest(g, g[i]));
            REQUIRE(index.nearest(grid[i]) == nearest_direction(grid, grid[i]));
        }
    }
}

TEST_CASE("spherical index: duplicates resolve to the first index", "[grid]") {
    const std::vector<Direction> g = tie_heavy_grid();
    const SphericalIndex index(g);
    // (0, 90) is stored once per azimuth: the first is index 12 (azimuth 0, elevation 90).
    CHECK(index.nearest(Vec3{0.0, 0.0, 1.0}) == 12);
    CHECK(index.nearest(Vec3{0.0, 0.0, -1.0}) == 0);
    // (360, 0) duplicates (0, 0) = index 6 but comes later.
    CHECK(index.nearest(Direction{360.0, 0.0, 1.0}) == 6);
}

TEST_CASE("spherical index: any length, degenerate queries", "[grid]") {
    const std::vector<Direction> g = fibonacci_grid(300);
    const SphericalIndex index(g);
    const Vec3 v{0.3, -2.0, 0.7};
    CHECK(index.nearest(v) == index.nearest(normalized(v)));
    CHECK(index.nearest(Vec3{0, 0, 0}) < g.size());
    CHECK(index.nearest(Vec3{std::nan(""), 0, 0}) < g.size());
    CHECK(index.nearest(Vec3{std::numeric_limits<double>::infinity(), 0, 0}) < g.size());
    CHECK(SphericalIndex().nearest(v) == kUnmatched);
    CHECK_THROWS_AS(SphericalIndex(std::vector<Direction>{}), InvalidArgumentError);
    CHECK_THROWS_AS(SphericalIndex(std::vector<Direction>{{std::nan(""), 0.0, 1.0}}),
                    InvalidArgumentError);
}

TEST_CASE("spherical index: k nearest equal brute force", "[grid]") {
    std::mt19937 rng(5);
    for (const auto& grid : {fibonacci_grid(500), tie_heavy_grid()}) {
        const SphericalIndex index(grid);
        const std::vector<Vec3> g = units(grid);
        std::vector<std::size_t> order(g.size());
        for (int q = 0; q < 500; ++q) {
            const Vec3 u = normalized(random_vector(rng));
            std::iota(order.begin(), order.end(), 0);
            std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
                return dot(g[a], u) > dot(g[b], u);
            });
            for (std::size_t k : {1u, 3u, 8u, 64u}) {
                std::size_t idx[SphericalIndex::kMaxNeighbours];
                double cosines[SphericalIndex::kMaxNeighbours];
                REQUIRE(index.nearest_k(u, k, idx, cosines) == k);
                for (std::size_t j = 0; j < k; ++j) {
                    REQUIRE(idx[j] == order[j]);
                    REQUIRE(cosines[j] == dot(g[order[j]], u));
                }
            }
        }
    }
    const SphericalIndex small(fibonacci_grid(5));
    std::size_t idx[SphericalIndex::kMaxNeighbours];
    CHECK(small.nearest_k(Vec3{1, 0, 0}, 10, idx) == 5);
    CHECK(small.nearest_k(Vec3{1, 0, 0}, 0, idx) == 0);
    const SphericalIndex big(fibonacci_grid(200));
    CHECK(big.nearest_k(Vec3{1, 0, 0}, 1000, idx) == SphericalIndex::kMaxNeighbours);
}

TEST_CASE("spherical index: faster than brute force", "[grid]") {
    const std::vector<Direction> grid = fibonacci_grid(2000);
    const std::vector<Vec3> g = units(grid);
    const SphericalIndex index(grid);
    std::mt19937 rng(1);
    std::vector<Vec3> queries;
    for (int q = 0; q < 20000; ++q)
        queries.push_back(normalized(random_vector(rng)));
    using clock = std::chrono::steady_clock;
    std::size_t sink = 0;
    const auto t0 = clock::now();
    for (const Vec3& u : queries)
        sink += index.nearest(u);
    const auto t1 = clock::now();
    for (const Vec3& u : queries)
        sink -= brute_nearest(g, u);
    const auto t2 = clock::now();
    CHECK(sink == 0);
    const double tree_us = std::chrono::duration<double, std::micro>(t1 - t0).count() / 20000;
    const double brute_us = std::chrono::duration<double, std::micro>(t2 - t1).count() / 20000;
    std::printf("SphericalIndex over 2000 directions: %.3f us per query, brute force %.3f us\n",
                tree_us, brute_us);
    CHECK(tree_us < brute_us);
}

TEST_CASE("match_directions: nearest within tolerance", "[grid]") {
    const std::vector<Direction> est = {{0, 0, 1}, {90, 0, 1}, {0, 90, 1}, {0, 0.3, 1}};
    const std::vector<Direction> ref = {{0, 0.2, 1}, {359.8, 0, 1}, {90, 1, 1}, {45, 45, 1}};
    const std::vector<std::size_t> m = match_directions(ref, est, 0.5);
    REQUIRE(m.size() == 4);
    CHECK(m[0] == 3);           // 0.1 deg from (0, 0.3), 0.2 from (0, 0)
    CHECK(m[1] == 0);           // across the azimuth wrap
    CHECK(m[2] == kUnmatched);  // 1 degree away
    CHECK(m[3] == kUnmatched);
    CHECK(match_directions(ref, est, 1.0)[2] == 1);
    CHECK(match_directions(ref, {}, 1.0) == std::vector<std::size_t>(4, kUnmatched));
    CHECK(match_directions({}, est).empty());
    // The same answers as brute force on a large random problem.
    std::mt19937 rng(2);
    std::vector<Direction> a, b;
    for (int i = 0; i < 800; ++i)
        a.push_back(to_direction(random_vector(rng)));
    for (int i = 0; i < 800; ++i)
        b.push_back(to_direction(random_vector(rng)));
    const std::vector<std::size_t> fast = match_directions(a, b, 5.0);
    for (std::size_t i = 0; i < a.size(); ++i) {
        const std::size_t j = nearest_direction(b, a[i]);
        REQUIRE(fast[i] == (angle_between_deg(a[i], b[j]) <= 5.0 ? j : kUnmatched));
    }
    CHECK_THROWS_AS(nearest_direction({}, Direction{}), InvalidArgumentError);
}
