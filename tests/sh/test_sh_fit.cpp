// ShFitter: exact recovery of band-limited fields, the documented regularisation scaling,
// and the fit error on a real HUTUBS set falling with the order.
#include <catch2/catch.hpp>
#include <cmath>
#include <complex>
#include <cstdio>
#include <random>

#include "pinna/error.hpp"
#include "pinna/grid.hpp"
#include "pinna/sh.hpp"
#include "pinna/sofa.hpp"
#include "support/test_support.hpp"

using namespace pinna;

namespace {
std::vector<double> random_coefficients(int order, std::size_t columns, unsigned seed) {
    std::mt19937 rng(seed);
    std::normal_distribution<double> g(0.0, 1.0);
    std::vector<double> c(sh_channels(order) * columns);
    for (double& v : c)
        v = g(rng);
    return c;
}

std::vector<Direction> random_directions(std::size_t n, unsigned seed) {
    std::mt19937 rng(seed);
    std::normal_distribution<double> g(0.0, 1.0);
    std::vector<Direction> out;
    for (std::size_t i = 0; i < n; ++i)
        out.push_back(to_direction({g(rng), g(rng), g(rng)}));
    return out;
}

double max_abs(const std::vector<double>& v) {
    double m = 0.0;
    for (double x : v)
        m = std::max(m, std::abs(x));
    return m;
}

double max_abs_diff(const std::vector<double>& a, const std::vector<double>& b) {
    REQUIRE(a.size() == b.size());
    double m = 0.0;
    for (std::size_t i = 0; i < a.size(); ++i)
        m = std::max(m, std::abs(a[i] - b[i]));
    return m;
}
}  // namespace

TEST_CASE("sh fit: a band-limited field is recovered to machine precision", "[sh]") {
    const int field_order = 6;
    const std::size_t columns = 5;
    const std::vector<double> truth = random_coefficients(field_order, columns, 1);
    const std::vector<Direction> grid = fibonacci_grid(400);
    const std::vector<double> values = sh_evaluate(field_order, truth, columns, grid);
    const std::vector<Direction> elsewhere = random_directions(300, 2);
    const std::vector<double> expected = sh_evaluate(field_order, truth, columns, elsewhere);
    const double scale = max_abs(expected);

    SECTION("same order, no regularisation") {
        const ShFitter fitter(grid, {field_order, 0.0});
        CHECK(fitter.order() == field_order);
        CHECK(fitter.channels() == 49);
        CHECK(fitter.directions() == 400);
        CHECK(std::isfinite(fitter.condition_number()));
        const std::vector<double> c = fitter.fit(values, columns);
        const double err = max_abs_diff(c, truth) / max_abs(truth);
        INFO("relative coefficient error " << err);
        CHECK(err < 1e-12);
        const double field_err =
            max_abs_diff(sh_evaluate(field_order, c, columns, elsewhere), expected) / scale;
        INFO("relative field error " << field_err);
        CHECK(field_err < 1e-12);
    }
    SECTION("higher order, tiny lambda, both regularisations") {
        for (ShRegularisation r : {ShRegularisation::tikhonov, ShRegularisation::order_weighted}) {
            const ShFitter fitter(grid, {9, 1e-13, r});
            const std::vector<double> c = fitter.fit(values, columns);
            const double field_err =
                max_abs_diff(sh_evaluate(9, c, columns, elsewhere), expected) / scale;
            INFO("relative field error " << field_err);
            CHECK(field_err < 1e-9);
            // Coefficients above the field's order come out (near) zero.
            for (std::size_t ch = sh_channels(field_order); ch < sh_channels(9); ++ch)
                for (std::size_t k = 0; k < columns; ++k)
                    REQUIRE(std::abs(c[ch * columns + k]) < 1e-9);
        }
    }
    SECTION("an order below the field's cannot recover it") {
        const ShFitter fitter(grid, {field_order - 1, 0.0});
        const std::vector<double> c = fitter.fit(values, columns);
        CHECK(max_abs_diff(sh_evaluate(field_order - 1, c, columns, elsewhere), expected) / scale >
              1e-2);
    }
}

TEST_CASE("sh fit: complex columns fit like their real and imaginary parts", "[sh]") {
    const std::vector<Direction> grid = fibonacci_grid(150);
    const ShFitter fitter(grid, {4, 1e-3});
    const std::size_t columns = 3;
    std::mt19937 rng(3);
    std::normal_distribution<double> g(0.0, 1.0);
    std::vector<std::complex<double>> values(grid.size() * columns);
    std::vector<double> re(values.size()), im(values.size());
    for (std::size_t i = 0; i < values.size(); ++i) {
        re[i] = g(rng);
        im[i] = g(rng);
        values[i] = {re[i], im[i]};
    }
    const std::vector<std::complex<double>> c = fitter.fit(values, columns);
    const std::vector<double> cr = fitter.fit(re, columns), ci = fitter.fit(im, columns);
    REQUIRE(c.size() == cr.size());
    for (std::size_t i = 0; i < c.size(); ++i) {
        REQUIRE(c[i].real() == Approx(cr[i]).margin(1e-13));
        REQUIRE(c[i].imag() == Approx(ci[i]).margin(1e-13));
    }
    const std::vector<Direction> at = random_directions(20, 4);
    const std::vector<std::complex<double>> v = sh_evaluate(4, c, columns, at);
    const std::vector<double> vr = sh_evaluate(4, cr, columns, at);
    for (std::size_t i = 0; i < v.size(); ++i)
        REQUIRE(v[i].real() == Approx(vr[i]).margin(1e-13));
}

TEST_CASE("sh fit: lambda is relative to M / (4 pi)", "[sh]") {
    // The octahedron is a spherical 3-design with equal weights, so for order 1 the basis
    // matrix has Y^T Y = (6 / 4 pi) I exactly, and the fit shrinks each coefficient by
    // 1 / (1 + lambda w_n): w_n = 1 (tikhonov) or 1 + n (n + 1) (order_weighted).
    const std::vector<Direction> grid = lebedev_grid(6).directions;
    const std::vector<double> truth = {0.7, -0.2, 0.5, 1.1};
    const std::vector<double> values = sh_evaluate(1, truth, 1, grid);
    const double lambda = 0.5;
    const std::vector<double> plain = ShFitter(grid, {1, lambda}).fit(values, 1);
    for (std::size_t c = 0; c < 4; ++c)
        CHECK(plain[c] == Approx(truth[c] / (1.0 + lambda)).epsilon(1e-13));
    const std::vector<double> weighted =
        ShFitter(grid, {1, lambda, ShRegularisation::order_weighted}).fit(values, 1);
    CHECK(weighted[0] == Approx(truth[0] / (1.0 + lambda)).epsilon(1e-13));
    for (std::size_t c = 1; c < 4; ++c)
        CHECK(weighted[c] == Approx(truth[c] / (1.0 + 3.0 * lambda)).epsilon(1e-13));
}

TEST_CASE("sh fit: fewer directions than channels still fits, regularised", "[sh]") {
    const std::vector<Direction> grid = fibonacci_grid(10);
    const ShFitter fitter(grid, {4, 1e-6});  // 25 channels, 10 directions
    CHECK(std::isinf(fitter.condition_number()));
    std::vector<double> values(10);
    for (std::size_t i = 0; i < 10; ++i)
        values[i] = std::sin(0.7 * static_cast<double>(i));
    const std::vector<double> back = sh_evaluate(4, fitter.fit(values, 1), 1, grid);
    // Underdetermined and barely regularised: the fit interpolates the data.
    CHECK(max_abs_diff(back, values) < 1e-4);
}

TEST_CASE("sh fit: the interpolation matrix equals fit then evaluate", "[sh]") {
    const std::vector<Direction> grid = fibonacci_grid(120);
    const ShFitter fitter(grid, {5, 1e-2, ShRegularisation::order_weighted});
    const std::vector<Direction> at = random_directions(7, 9);
    std::vector<double> values(grid.size());
    for (std::size_t i = 0; i < grid.size(); ++i)
        values[i] = unit_vector(grid[i]).x * 3.0 + 1.0;
    const std::vector<double> expected = sh_evaluate(5, fitter.fit(values, 1), 1, at);
    const std::vector<double> w = fitter.interpolation_matrix(at);
    REQUIRE(w.size() == at.size() * grid.size());
    for (std::size_t t = 0; t < at.size(); ++t) {
        double v = 0.0;
        for (std::size_t j = 0; j < grid.size(); ++j)
            v += w[t * grid.size() + j] * values[j];
        CHECK(v == Approx(expected[t]).margin(1e-12));
    }
    const std::vector<double> p = fitter.solve_matrix();
    CHECK(p.size() == sh_channels(5) * grid.size());
}

TEST_CASE("sh fit: default order and bad arguments", "[sh]") {
    const std::vector<Direction> grid = fibonacci_grid(440);
    CHECK(ShFitter(grid).order() == 13);
    CHECK(ShFitter(grid).lambda() == 1e-3);
    CHECK_THROWS_AS(ShFitter(std::vector<Direction>{}), InvalidArgumentError);
    CHECK_THROWS_AS(ShFitter(grid, {-2, 1e-3}), InvalidArgumentError);
    CHECK_THROWS_AS(ShFitter(grid, {kMaxShOrder + 1, 1e-3}), InvalidArgumentError);
    CHECK_THROWS_AS(ShFitter(grid, {3, -1.0}), InvalidArgumentError);
    CHECK_THROWS_AS(ShFitter(grid, {3, std::nan("")}), InvalidArgumentError);
    CHECK_THROWS_AS(ShFitter(std::vector<Direction>{Direction{std::nan(""), 0.0, 1.0}}),
                    InvalidArgumentError);
    const ShFitter f(grid, {2, 0.0});
    CHECK_THROWS_AS(f.fit(std::vector<double>(439), 1), InvalidArgumentError);
    CHECK_THROWS_AS(sh_evaluate(2, std::vector<double>(8), 1, grid), InvalidArgumentError);
    try {
        ShFitter(grid, {3, -1.0});
    } catch (const InvalidArgumentError& e) {
        CHECK(std::string(e.what()).find("lambda") != std::string::npos);
    }
}

TEST_CASE("sh fit: on HUTUBS pp1 the fit error falls as the order rises", "[sh][data]") {
    PINNA_REQUIRE_DATASETS();
    const std::string path = test::dataset_file("hutubs/pp1_HRIRs_measured.sofa");
    if (path.empty()) {
        WARN("skipped: hutubs/pp1_HRIRs_measured.sofa not found");
        return;
    }
    const HrirSet set = read_sofa(path);
    REQUIRE(set.measurements() == 440);
    REQUIRE(set.taps() == 256);
    const std::size_t columns = kEars * set.taps();
    const std::vector<double> values(set.data().begin(), set.data().end());
    double energy = 0.0;
    for (double v : values)
        energy += v * v;

    double previous = 1.0;
    for (int order : {1, 3, 5, 8, 13}) {
        const ShFitter fitter(set.directions(), {order});
        const std::vector<double> fitted =
            sh_evaluate(order, fitter.fit(values, columns), columns, set.directions());
        double residual = 0.0;
        for (std::size_t i = 0; i < values.size(); ++i)
            residual += (fitted[i] - values[i]) * (fitted[i] - values[i]);
        const double rel = std::sqrt(residual / energy);
        std::printf("HUTUBS pp1: SH order %2d, lambda 1e-3: relative fit error %.4f (%.1f dB)\n",
                    order, rel, 20.0 * std::log10(rel));
        CHECK(rel < previous);
        previous = rel;
    }
}
