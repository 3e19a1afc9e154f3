// The SH basis: closed forms of low orders, ACN indexing, and orthonormality by exact
// quadratures (Gauss-Legendre x uniform azimuth, and Lebedev).
#include <Eigen/Dense>
#include <catch2/catch.hpp>
#include <cmath>
#include <random>

#include "core/vec_math.hpp"
#include "pinna/error.hpp"
#include "pinna/grid.hpp"
#include "pinna/sh.hpp"

using namespace pinna;

namespace {
// Gauss-Legendre nodes and weights on [-1, 1] by Newton's method on P_n.
void gauss_legendre(int n, std::vector<double>& x, std::vector<double>& w) {
    x.assign(n, 0.0);
    w.assign(n, 0.0);
    for (int i = 0; i < n; ++i) {
        double t = std::cos(kPi * (i + 0.75) / (n + 0.5));
        for (int it = 0; it < 100; ++it) {
            double p0 = 1.0, p1 = t;
            for (int k = 2; k <= n; ++k) {
                const double p2 = ((2.0 * k - 1.0) * t * p1 - (k - 1.0) * p0) / k;
                p0 = p1;
                p1 = p2;
            }
            const double dp = n * (t * p1 - p0) / (t * t - 1.0);
            const double step = p1 / dp;
            t -= step;
            if (std::abs(step) < 1e-16) {
                x[i] = t;
                w[i] = 2.0 / ((1.0 - t * t) * dp * dp);
                break;
            }
        }
        if (w[i] == 0.0) {  // converged to round-off without the step test firing
            x[i] = t;
            double p0 = 1.0, p1 = t;
            for (int k = 2; k <= n; ++k) {
                const double p2 = ((2.0 * k - 1.0) * t * p1 - (k - 1.0) * p0) / k;
                p0 = p1;
                p1 = p2;
            }
            const double dp = n * (t * p1 - p0) / (t * t - 1.0);
            w[i] = 2.0 / ((1.0 - t * t) * dp * dp);
        }
    }
}

// A product rule exact for spherical polynomials of degree <= 2 * order + 1.
void product_rule(int order, std::vector<Direction>& dirs, std::vector<double>& weights) {
    std::vector<double> z, wz;
    gauss_legendre(order + 1, z, wz);
    const int n_az = 2 * order + 2;
    for (std::size_t i = 0; i < z.size(); ++i)
        for (int j = 0; j < n_az; ++j) {
            dirs.push_back({360.0 * j / n_az, rad_to_deg(std::asin(z[i])), 1.0});
            weights.push_back(wz[i] * 2.0 * kPi / n_az);
        }
}

double gram_error(int order, const std::vector<Direction>& dirs, const std::vector<double>& w) {
    const std::vector<double> y = sh_matrix(order, dirs);
    const auto c = static_cast<Eigen::Index>(sh_channels(order));
    const Eigen::Map<const Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>>
        ym(y.data(), static_cast<Eigen::Index>(dirs.size()), c);
    const Eigen::Map<const Eigen::VectorXd> wm(w.data(), static_cast<Eigen::Index>(w.size()));
    const Eigen::MatrixXd gram = ym.transpose() * wm.asDiagonal() * ym;
    return (gram - Eigen::MatrixXd::Identity(c, c)).cwiseAbs().maxCoeff();
}
}  // namespace

TEST_CASE("sh: ACN channel count and index", "[sh]") {
    CHECK(sh_channels(0) == 1);
    CHECK(sh_channels(3) == 16);
    CHECK(sh_acn(0, 0) == 0);
    CHECK(sh_acn(1, -1) == 1);
    CHECK(sh_acn(1, 0) == 2);
    CHECK(sh_acn(1, 1) == 3);
    CHECK(sh_acn(2, -2) == 4);
    CHECK(sh_acn(3, 3) == 15);
    for (int n = 0; n <= 40; ++n)
        for (int m = -n; m <= n; ++m) {
            REQUIRE(sh_degree(sh_acn(n, m)) == n);
            REQUIRE(sh_order_m(sh_acn(n, m)) == m);
        }
}

TEST_CASE("sh: closed forms of orders 0..3 (N3D, no Condon-Shortley phase)", "[sh]") {
    std::mt19937 rng(7);
    std::uniform_real_distribution<double> az(0.0, 360.0), el(-90.0, 90.0);
    const double pi = kPi;
    for (int trial = 0; trial < 50; ++trial) {
        const Direction d{az(rng), el(rng), 1.0};
        const Vec3 u = unit_vector(d);
        const double x = u.x, y = u.y, z = u.z;
        const std::vector<double> b = sh_basis(3, d);
        REQUIRE(b.size() == 16);
        CHECK(b[0] == Approx(1.0 / std::sqrt(4.0 * pi)).margin(1e-15));
        const double c1 = std::sqrt(3.0 / (4.0 * pi));
        CHECK(b[1] == Approx(c1 * y).margin(1e-14));
        CHECK(b[2] == Approx(c1 * z).margin(1e-14));
        CHECK(b[3] == Approx(c1 * x).margin(1e-14));
        const double c2 = std::sqrt(15.0 / (4.0 * pi));
        CHECK(b[4] == Approx(c2 * x * y).margin(1e-14));
        CHECK(b[5] == Approx(c2 * y * z).margin(1e-14));
        CHECK(b[6] == Approx(std::sqrt(5.0 / (16.0 * pi)) * (3.0 * z * z - 1.0)).margin(1e-14));
        CHECK(b[7] == Approx(c2 * x * z).margin(1e-14));
        CHECK(b[8] == Approx(std::sqrt(15.0 / (16.0 * pi)) * (x * x - y * y)).margin(1e-14));
        const double c33 = std::sqrt(35.0 / (32.0 * pi));
        CHECK(b[9] == Approx(c33 * y * (3.0 * x * x - y * y)).margin(1e-14));
        CHECK(b[10] == Approx(std::sqrt(105.0 / (4.0 * pi)) * x * y * z).margin(1e-14));
        const double c31 = std::sqrt(21.0 / (32.0 * pi));
        CHECK(b[11] == Approx(c31 * y * (5.0 * z * z - 1.0)).margin(1e-14));
        CHECK(b[12] ==
              Approx(std::sqrt(7.0 / (16.0 * pi)) * (5.0 * z * z * z - 3.0 * z)).margin(1e-14));
        CHECK(b[13] == Approx(c31 * x * (5.0 * z * z - 1.0)).margin(1e-14));
        CHECK(b[14] == Approx(std::sqrt(105.0 / (16.0 * pi)) * z * (x * x - y * y)).margin(1e-14));
        CHECK(b[15] == Approx(c33 * x * (x * x - 3.0 * y * y)).margin(1e-14));
    }
}

TEST_CASE("sh: the Vec3 form takes any length and treats zero as the top", "[sh]") {
    std::vector<double> a(sh_channels(6)), b(sh_channels(6)), top(sh_channels(6));
    sh_basis(6, Vec3{0.3, -0.4, 0.5}, a.data());
    sh_basis(6, Vec3{3.0, -4.0, 5.0}, b.data());
    for (std::size_t i = 0; i < a.size(); ++i)
        CHECK(a[i] == Approx(b[i]).margin(1e-14));
    sh_basis(6, Vec3{0.0, 0.0, 0.0}, a.data());
    sh_basis(6, Vec3{0.0, 0.0, 2.0}, top.data());
    for (std::size_t i = 0; i < a.size(); ++i)
        CHECK(a[i] == top[i]);
    // At the top only the m = 0 channels are non-zero: Y_n0 = sqrt((2n+1)/(4 pi)).
    for (int n = 0; n <= 6; ++n)
        for (int m = -n; m <= n; ++m)
            CHECK(top[sh_acn(n, m)] ==
                  Approx(m == 0 ? std::sqrt((2.0 * n + 1.0) / (4.0 * kPi)) : 0.0).margin(1e-15));
}

TEST_CASE("sh: orthonormal under a Gauss-Legendre product quadrature", "[sh]") {
    for (int order : {1, 4, 10, 25}) {
        std::vector<Direction> dirs;
        std::vector<double> w;
        product_rule(order, dirs, w);  // exact to degree 2 order + 1 >= 2 order
        const double err = gram_error(order, dirs, w);
        INFO("order " << order << ": max |G - I| = " << err);
        CHECK(err < 1e-12);
    }
    // The same quadrature one order too coarse is not exact: the test can fail.
    std::vector<Direction> dirs;
    std::vector<double> w;
    product_rule(9, dirs, w);
    CHECK(gram_error(10, dirs, w) > 1e-3);
}

TEST_CASE("sh: orthonormal under the 590-point Lebedev rule to order 20", "[sh]") {
    const QuadratureGrid g = lebedev_grid(590);  // degree 41
    const double err = gram_error(20, g.directions, g.weights_sr);
    INFO("max |G - I| = " << err);
    CHECK(err < 1e-12);
}

TEST_CASE("sh: bad orders are refused", "[sh]") {
    CHECK_THROWS_AS(sh_basis(-1, Direction{}), InvalidArgumentError);
    CHECK_THROWS_AS(sh_basis(kMaxShOrder + 1, Direction{}), InvalidArgumentError);
    CHECK_THROWS_AS(sh_matrix(-3, {Direction{}}), InvalidArgumentError);
}

TEST_CASE("sh: default order from the grid size", "[sh]") {
    CHECK(default_sh_order(0) == 0);
    CHECK(default_sh_order(7) == 0);
    CHECK(default_sh_order(8) == 1);     // 2 * 4 <= 8
    CHECK(default_sh_order(440) == 13);  // 2 * 196 <= 440 < 2 * 225
    CHECK(default_sh_order(793) == 18);  // 2 * 361 <= 793 < 2 * 400
    CHECK(default_sh_order(100000000) == kMaxShOrder);
}
