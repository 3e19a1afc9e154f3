// Lebedev-Laikov rules: every rule integrates all spherical harmonics up to its degree
// exactly (and not beyond), its weights sum to 4 pi and its points are unit vectors.
#include <catch2/catch.hpp>
#include <cmath>

#include "core/vec_math.hpp"
#include "pinna/error.hpp"
#include "pinna/grid.hpp"
#include "pinna/sh.hpp"

using namespace pinna;

namespace {
// max over degrees 0..degree and orders of |sum_i w_i Y_nm(x_i) - integral of Y_nm|, where
// the integral is sqrt(4 pi) for Y_00 and 0 otherwise; only degrees in [from, to].
double integration_error(const QuadratureGrid& g, int from, int to) {
    std::vector<double> sums(sh_channels(to), 0.0), y(sh_channels(to));
    for (std::size_t i = 0; i < g.directions.size(); ++i) {
        sh_basis(to, unit_vector(g.directions[i]), y.data());
        for (std::size_t c = 0; c < y.size(); ++c)
            sums[c] += g.weights_sr[i] * y[c];
    }
    double worst = 0.0;
    for (std::size_t c = sh_channels(from - 1 < 0 ? -1 : from - 1); c < sums.size(); ++c) {
        const double exact = c == 0 ? std::sqrt(4.0 * kPi) : 0.0;
        worst = std::max(worst, std::abs(sums[c] - exact));
    }
    return worst;
}
}  // namespace

TEST_CASE("lebedev: every rule is exact to its degree", "[grid]") {
    const std::vector<std::size_t> sizes = lebedev_sizes();
    REQUIRE(sizes.size() == 23);
    CHECK(sizes.front() == 6);
    CHECK(sizes.back() == 2030);
    int previous_degree = 0;
    for (std::size_t n : sizes) {
        const QuadratureGrid g = lebedev_grid(n);
        REQUIRE(g.directions.size() == n);
        REQUIRE(g.weights_sr.size() == n);
        CHECK(g.degree > previous_degree);
        previous_degree = g.degree;
        double sum = 0.0;
        for (double w : g.weights_sr)
            sum += w;
        INFO(n << " points: weights sum to 4 pi + " << sum - 4.0 * kPi);
        CHECK(std::abs(sum - 4.0 * kPi) < 1e-12);
        for (const Direction& d : g.directions) {
            REQUIRE(d.distance_m == 1.0);
            REQUIRE(d.elevation_deg >= -90.0);
            REQUIRE(d.elevation_deg <= 90.0);
        }
        const double exact_err = integration_error(g, 0, g.degree);
        // Odd degrees vanish by the inversion symmetry, so the first inexact degree is
        // degree + 1 (even); checking it proves the degree is not understated.
        const double beyond_err = integration_error(g, g.degree + 1, g.degree + 1);
        INFO(n << " points, degree " << g.degree << ": error " << exact_err
               << ", at degree + 1: " << beyond_err);
        CHECK(exact_err < 1e-12);
        CHECK(beyond_err > 1e-6);
    }
}

TEST_CASE("lebedev: known points of small rules", "[grid]") {
    // 6 points: the octahedron, weights 4 pi / 6.
    const QuadratureGrid g6 = lebedev_grid(6);
    CHECK(g6.degree == 3);
    int front = 0, top = 0, left = 0;
    for (std::size_t i = 0; i < 6; ++i) {
        CHECK(g6.weights_sr[i] == Approx(4.0 * kPi / 6.0).epsilon(1e-15));
        const Direction& d = g6.directions[i];
        front += std::abs(d.azimuth_deg) < 1e-12 && std::abs(d.elevation_deg) < 1e-12;
        left += std::abs(d.azimuth_deg - 90.0) < 1e-12 && std::abs(d.elevation_deg) < 1e-12;
        top += std::abs(d.elevation_deg - 90.0) < 1e-12;
    }
    CHECK(front == 1);
    CHECK(left == 1);
    CHECK(top == 1);
    // 14 points: octahedron (weight 1/15) plus cube corners (weight 3/40), times 4 pi.
    const QuadratureGrid g14 = lebedev_grid(14);
    int corners = 0;
    for (std::size_t i = 0; i < 14; ++i) {
        const Vec3 u = unit_vector(g14.directions[i]);
        if (std::abs(std::abs(u.x) - 1.0 / std::sqrt(3.0)) < 1e-12) {
            ++corners;
            CHECK(g14.weights_sr[i] == Approx(4.0 * kPi * 3.0 / 40.0).epsilon(1e-14));
        } else {
            CHECK(g14.weights_sr[i] == Approx(4.0 * kPi / 15.0).epsilon(1e-14));
        }
    }
    CHECK(corners == 8);
}

TEST_CASE("lebedev: unknown sizes are refused with the list", "[grid]") {
    CHECK_THROWS_AS(lebedev_grid(7), InvalidArgumentError);
    CHECK_THROWS_AS(lebedev_grid(0), InvalidArgumentError);
    try {
        lebedev_grid(100);
        FAIL("no error");
    } catch (const InvalidArgumentError& e) {
        const std::string what = e.what();
        CHECK(what.find("100") != std::string::npos);
        CHECK(what.find("2030") != std::string::npos);
    }
}
