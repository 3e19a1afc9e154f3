// Fibonacci grids, grid specs and the LAP sparse subsets.
#include <catch2/catch.hpp>
#include <cmath>
#include <set>

#include "core/vec_math.hpp"
#include "pinna/error.hpp"
#include "pinna/grid.hpp"
#include "pinna/sofa.hpp"
#include "support/test_support.hpp"

using namespace pinna;

namespace {
// SONICOM's layout: 72 azimuths x elevations -45..75 (11), plus the top; stored
// azimuth-major like the files.
std::vector<Direction> sonicom_like() {
    const double els[] = {-45, -30, -20, -10, 0, 10, 20, 30, 45, 60, 75};
    std::vector<Direction> out;
    for (int a = 0; a < 72; ++a) {
        for (double el : els)
            out.push_back({5.0 * a, el, 1.5});
        if (a == 0)
            out.push_back({0.0, 90.0, 1.5});
    }
    return out;
}
double min_spacing_deg(const std::vector<Direction>& g) {
    double worst = 180.0;
    for (std::size_t i = 0; i < g.size(); ++i)
        for (std::size_t j = i + 1; j < g.size(); ++j)
            worst = std::min(worst, angle_between_deg(g[i], g[j]));
    return worst;
}
}  // namespace

TEST_CASE("grid: fibonacci spiral", "[grid]") {
    const std::vector<Direction> g = fibonacci_grid(500);
    REQUIRE(g.size() == 500);
    // z = 1 - (2i+1)/n: the first point near the top, the last near the bottom, the mean
    // of the unit vectors ~ 0 (near-uniform).
    CHECK(std::sin(deg_to_rad(g[0].elevation_deg)) == Approx(1.0 - 1.0 / 500.0).epsilon(1e-14));
    CHECK(std::sin(deg_to_rad(g[499].elevation_deg)) == Approx(-1.0 + 1.0 / 500.0).epsilon(1e-12));
    Vec3 mean;
    for (const Direction& d : g) {
        const Vec3 u = unit_vector(d);
        mean = {mean.x + u.x / 500, mean.y + u.y / 500, mean.z + u.z / 500};
        REQUIRE(d.distance_m == 1.0);
        REQUIRE(d.azimuth_deg >= 0.0);
        REQUIRE(d.azimuth_deg < 360.0);
    }
    CHECK(norm(mean) < 1e-2);
    // Near-uniform: the closest pair is not much closer than the mean spacing
    // sqrt(4 pi / n) rad ~ 9.1 degrees.
    const double spacing = min_spacing_deg(g);
    INFO("min spacing " << spacing << " deg");
    CHECK(spacing > 0.6 * rad_to_deg(std::sqrt(4.0 * kPi / 500)));
    CHECK(fibonacci_grid(1).size() == 1);
    CHECK_THROWS_AS(fibonacci_grid(0), InvalidArgumentError);
}

TEST_CASE("grid: specs", "[grid]") {
    CHECK(grid_from_spec("fibonacci:321").size() == 321);
    CHECK(grid_from_spec("lebedev:110").size() == 110);
    const std::vector<Direction> a = grid_from_spec("lebedev:26"), b = lebedev_grid(26).directions;
    REQUIRE(a.size() == b.size());
    for (std::size_t i = 0; i < a.size(); ++i)
        CHECK(a[i].azimuth_deg == b[i].azimuth_deg);
    for (const char* bad : {"", "fibonacci", "fibonacci:", "fibonacci:0", "fibonacci:-3",
                            "fibonacci:12x", "fibonacci:1e3", "lebedev:100", "lebedev:abc",
                            "sphere:100", "Lebedev:110", "fibonacci:99999999999999"}) {
        INFO("spec '" << bad << "'");
        try {
            grid_from_spec(bad);
            FAIL("accepted");
        } catch (const InvalidArgumentError& e) {
            CHECK(std::string(e.what()).find("'" + std::string(bad) + "'") != std::string::npos);
        }
    }
}

TEST_CASE("grid: LAP sparse subsets of a SONICOM-like grid", "[grid]") {
    const std::vector<Direction> g = sonicom_like();
    REQUIRE(g.size() == 793);

    const std::vector<std::size_t> s100 = lap_sparse_indices(g, 100);
    REQUIRE(s100.size() == 100);
    // Sorted by azimuth then elevation, the 12 directions at azimuth 0 (with the top) come
    // first; every 8th of the sorted list: sorted positions 0, 8, 16, ...
    CHECK(g[s100[0]].azimuth_deg == 0.0);
    CHECK(g[s100[0]].elevation_deg == -45.0);
    CHECK(g[s100[1]].azimuth_deg == 0.0);
    CHECK(g[s100[1]].elevation_deg == 45.0);  // sorted position 8
    CHECK(g[s100[2]].azimuth_deg == 5.0);     // position 16 = 12 + 4: az 5, el 0
    CHECK(g[s100[2]].elevation_deg == 0.0);
    CHECK(g[s100[99]].azimuth_deg == 355.0);  // position 792, the last
    CHECK(g[s100[99]].elevation_deg == 75.0);
    CHECK(std::set<std::size_t>(s100.begin(), s100.end()).size() == 100);

    // The same order whatever order the grid is stored in, and robust to reader round-off.
    std::vector<Direction> shuffled(g.rbegin(), g.rend());
    for (Direction& d : shuffled) {
        d.azimuth_deg += 1e-9;
        if (d.azimuth_deg < 1e-6)
            d.azimuth_deg = 360.0 - 1e-9;
    }
    const std::vector<std::size_t> s100b = lap_sparse_indices(shuffled, 100);
    REQUIRE(s100b.size() == 100);
    for (std::size_t i = 0; i < 100; ++i)
        CHECK(s100b[i] == 792 - s100[i]);

    const std::vector<std::size_t> s19 = lap_sparse_indices(g, 19);
    REQUIRE(s19.size() == 19);
    std::size_t k = 0;
    for (double el : {-45.0, 0.0, 45.0})
        for (int a = 0; a < 6; ++a, ++k) {
            CHECK(g[s19[k]].azimuth_deg == 60.0 * a);
            CHECK(g[s19[k]].elevation_deg == el);
        }
    CHECK(g[s19[18]].elevation_deg == 90.0);

    const std::vector<std::size_t> s5 = lap_sparse_indices(g, 5);
    REQUIRE(s5.size() == 5);
    const double expect5[5][2] = {{315, 0}, {0, -45}, {0, 0}, {0, 45}, {45, 0}};
    for (std::size_t i = 0; i < 5; ++i) {
        CHECK(g[s5[i]].azimuth_deg == expect5[i][0]);
        CHECK(g[s5[i]].elevation_deg == expect5[i][1]);
    }
    const std::vector<std::size_t> s3 = lap_sparse_indices(g, 3);
    REQUIRE(s3.size() == 3);
    CHECK(g[s3[0]].azimuth_deg == 0.0);
    CHECK(g[s3[0]].elevation_deg == 0.0);
    CHECK(g[s3[1]].azimuth_deg == 90.0);
    CHECK(g[s3[2]].elevation_deg == 90.0);
}

TEST_CASE("grid: LAP subsets on other grids take the nearest, without duplicates", "[grid]") {
    // No front direction here: (0, -45) and (0, 0) share their nearest, (0, -20), which is
    // kept once at its first place.
    const std::vector<Direction> g = {{300, 0, 1}, {0, -20, 1}, {0, 30, 1},
                                      {40, 0, 1},  {180, 0, 1}, {0, -90, 1}};
    const std::vector<std::size_t> s5 = lap_sparse_indices(g, 5);
    CHECK(s5 == std::vector<std::size_t>{0, 1, 2, 3});
    const std::vector<std::size_t> s3 = lap_sparse_indices(g, 3);
    CHECK(s3 == std::vector<std::size_t>{1, 3, 2});  // (90, 0) is nearest to (40, 0)
    const std::vector<std::size_t> s19 = lap_sparse_indices(g, 19);
    CHECK(std::set<std::size_t>(s19.begin(), s19.end()).size() == s19.size());
    CHECK(s19.size() <= g.size());
    // On a dense grid the nearest directions are within the grid spacing of the listed ones.
    const std::vector<Direction> fib = fibonacci_grid(2000);
    const std::vector<std::size_t> s19f = lap_sparse_indices(fib, 19);
    REQUIRE(s19f.size() == 19);
    CHECK(angle_between_deg(fib[s19f[18]], Direction{0.0, 90.0, 1.0}) < 3.0);
    CHECK(lap_sparse_indices(fib, 100).size() == 250);  // every 8th of 2000
    CHECK_THROWS_AS(lap_sparse_indices(fib, 20), InvalidArgumentError);
    CHECK_THROWS_AS(lap_sparse_indices({}, 3), InvalidArgumentError);
}

TEST_CASE("grid: LAP subsets of a real SONICOM file", "[grid][data]") {
    PINNA_REQUIRE_DATASETS();
    const std::vector<std::string> files = test::dataset_files("sonicom", ".sofa");
    if (files.empty()) {
        WARN("skipped: no SONICOM files");
        return;
    }
    const HrirSet set = read_sofa(files.front());
    REQUIRE(set.measurements() == 793);
    CHECK(lap_sparse_indices(set.directions(), 100).size() == 100);
    for (int level : {19, 5, 3}) {
        const std::vector<std::size_t> idx = lap_sparse_indices(set.directions(), level);
        CHECK(idx.size() == static_cast<std::size_t>(level));
        // SONICOM measures every listed direction itself.
        for (std::size_t i : idx)
            CHECK(std::abs(std::remainder(set.direction(i).elevation_deg, 15.0)) < 1e-6);
    }
}
