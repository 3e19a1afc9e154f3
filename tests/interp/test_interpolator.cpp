#include <catch2/catch.hpp>

#include <cmath>
#include <random>

#include "pinna/error.hpp"
#include "pinna/interpolate.hpp"
#include "support/test_support.hpp"

using namespace pinna;

namespace {
const InterpolationMethod kMethods[] = {InterpolationMethod::nearest,
                                        InterpolationMethod::barycentric, InterpolationMethod::sh};

double max_abs_diff(const HrirSet& a, std::size_t ia, const HrirSet& b, std::size_t ib) {
    double worst = 0.0;
    for (std::size_t e = 0; e < kEars; ++e)
        for (std::size_t t = 0; t < a.taps(); ++t)
            worst = std::max(worst, double(std::abs(a.ir(ia, Ear(e))[t] - b.ir(ib, Ear(e))[t])));
    return worst;
}

double peak(const HrirSet& s) {
    double p = 0.0;
    for (float x : s.data())
        p = std::max(p, double(std::abs(x)));
    return p;
}
}  // namespace

TEST_CASE("every interpolator returns the measurement at a measured direction", "[interp]") {
    const HrirSet measured = test::synthetic_set(120, 64);
    for (InterpolationMethod method : kMethods)
        for (bool aligned : {false, true}) {
            CAPTURE(to_string(method), aligned);
            InterpolationOptions o;
            o.method = method;
            o.time_aligned = aligned;
            const HrirSet out = upsample(measured, measured.directions(), o);
            REQUIRE(out.measurements() == measured.measurements());
            for (std::size_t m = 0; m < measured.measurements(); ++m)
                REQUIRE(max_abs_diff(out, m, measured, m) == 0.0);
        }
}

TEST_CASE("barycentric weights are non-negative and sum to one", "[interp]") {
    const HrirSet measured = test::synthetic_set(200, 32);
    InterpolationOptions o;
    o.method = InterpolationMethod::barycentric;
    const Interpolator interp(measured, o);
    std::mt19937 rng(3);
    std::uniform_real_distribution<double> az(0, 360), z(-1, 1);
    for (int i = 0; i < 500; ++i) {
        const Direction d{az(rng), rad_to_deg(std::asin(z(rng))), 1.0};
        const auto w = interp.weights(d);
        REQUIRE(w.size() <= 3);
        double sum = 0.0;
        for (const auto& [idx, wi] : w) {
            REQUIRE(wi >= 0.0);
            sum += wi;
        }
        REQUIRE(sum == Approx(1.0).epsilon(1e-6));
    }
}

TEST_CASE("sh weights sum to one and reproduce a smooth field", "[interp]") {
    const HrirSet measured = test::synthetic_set(400, 16);
    InterpolationOptions o;
    o.method = InterpolationMethod::sh;
    o.sh_order = 6;
    o.sh_regularisation = 1e-6;
    const Interpolator interp(measured, o);
    // A field of degree 2 (x*y + z): the SH part represents it exactly, the residual
    // correction is then zero.
    auto field = [](const Direction& d) {
        const Vec3 u = unit_vector(d);
        return u.x * u.y + u.z;
    };
    std::mt19937 rng(5);
    std::uniform_real_distribution<double> az(0, 360), z(-1, 1);
    for (int i = 0; i < 50; ++i) {
        const Direction d{az(rng), rad_to_deg(std::asin(z(rng))), 1.0};
        double sum = 0.0, value = 0.0;
        for (const auto& [idx, wi] : interp.weights(d)) {
            sum += wi;
            value += wi * field(measured.direction(idx));
        }
        CHECK(sum == Approx(1.0).margin(1e-4));
        CHECK(value == Approx(field(d)).margin(1e-4));
    }
}

TEST_CASE("no jump between nearby queries larger than between neighbouring measurements",
          "[interp]") {
    const HrirSet measured = test::synthetic_set(150, 48);
    // Largest difference between a measurement and its nearest neighbour.
    double neighbour_step = 0.0;
    for (std::size_t i = 0; i < measured.measurements(); ++i) {
        std::size_t best = 0;
        double best_angle = 1e9;
        for (std::size_t j = 0; j < measured.measurements(); ++j)
            if (j != i &&
                angle_between_deg(measured.direction(i), measured.direction(j)) < best_angle)
                best_angle = angle_between_deg(measured.direction(i), measured.direction(j)),
                best = j;
        neighbour_step = std::max(neighbour_step, max_abs_diff(measured, i, measured, best));
    }
    for (InterpolationMethod method : {InterpolationMethod::barycentric, InterpolationMethod::sh}) {
        CAPTURE(to_string(method));
        InterpolationOptions o;
        o.method = method;
        // A path around the horizon and over the pole, in 0.2 degree steps.
        std::vector<Direction> path;
        for (double a = 0; a < 360; a += 0.2)
            path.push_back({a, 10.0, 1.0});
        for (double e = -80; e <= 80; e += 0.2)
            path.push_back({30.0, e, 1.0});
        const HrirSet out = upsample(measured, path, o);
        double worst = 0.0;
        for (std::size_t i = 1; i < out.measurements(); ++i)
            if (angle_between_deg(path[i], path[i - 1]) < 0.5)
                worst = std::max(worst, max_abs_diff(out, i, out, i - 1));
        CHECK(worst <= neighbour_step);
        CHECK(worst < 0.2 * peak(measured));
    }
}

TEST_CASE("poles and the azimuth wrap: equivalent directions give the same IRs", "[interp]") {
    const HrirSet measured = test::synthetic_set(100, 32);
    for (InterpolationMethod method : kMethods)
        for (bool aligned : {false, true}) {
            CAPTURE(to_string(method), aligned);
            InterpolationOptions o;
            o.method = method;
            o.time_aligned = aligned;
            const std::vector<Direction> targets = {
                {0.0, 90.0, 1},        {123.0, 90.0, 1},     {0.0, -90.0, 1},  {250.0, -90.0, 1},
                {359.9999999, 5.0, 1}, {-0.0000001, 5.0, 1}, {360.0, 12.0, 1}, {0.0, 12.0, 1}};
            const HrirSet out = upsample(measured, targets, o);
            CHECK(max_abs_diff(out, 0, out, 1) < 1e-4);
            CHECK(max_abs_diff(out, 2, out, 3) < 1e-4);
            CHECK(max_abs_diff(out, 4, out, 5) < 1e-4);
            CHECK(max_abs_diff(out, 6, out, 7) < 1e-6);
        }
}

TEST_CASE("time alignment avoids comb filtering between delayed impulses", "[interp]") {
    // Two measurements that are the same impulse at different onsets (5 and 9 samples).
    // Mixing them in time gives two half-size impulses; the time-aligned mix gives one
    // impulse at the interpolated onset.
    std::vector<Direction> dirs;
    for (int el = -60; el <= 60; el += 30)
        for (int az = 0; az < 360; az += 30)
            dirs.push_back({double(az), double(el), 1.0});
    dirs.push_back({0, 90, 1});
    dirs.push_back({0, -90, 1});
    HrirSet set(48000.0, 64, dirs);
    for (std::size_t m = 0; m < dirs.size(); ++m) {
        const int onset = (static_cast<int>(dirs[m].azimuth_deg) / 30) % 2 == 0 ? 5 : 9;
        for (std::size_t e = 0; e < kEars; ++e)
            set.ir(m, Ear(e))[onset] = 1.0f;
    }
    InterpolationOptions plain, aligned;
    aligned.time_aligned = true;
    aligned.head_model_delays = false;
    const std::vector<Direction> mid = {{15.0, 0.0, 1.0}};  // halfway between az 0 and 30
    const HrirSet p = upsample(set, mid, plain), a = upsample(set, mid, aligned);
    CHECK(p.ir(0, Ear::left)[5] == Approx(0.5f).margin(1e-5));
    CHECK(p.ir(0, Ear::left)[9] == Approx(0.5f).margin(1e-5));
    // Aligned: one peak near sample 7 holding the energy of a unit impulse.
    const float* x = a.ir(0, Ear::left);
    const auto peak_at =
        std::max_element(x, x + 64, [](float l, float r) { return std::abs(l) < std::abs(r); }) - x;
    CHECK(std::abs(peak_at - 7) <= 1);
    double energy = 0.0;
    for (int t = 0; t < 64; ++t)
        energy += double(x[t]) * x[t];
    CHECK(energy == Approx(1.0).margin(0.05));
}

TEST_CASE("bad method names are refused with the name", "[interp]") {
    try {
        parse_interpolation_method("linear");
        FAIL("no error");
    } catch (const Error& e) {
        CHECK(e.kind() == ErrorKind::invalid_argument);
        CHECK(std::string(e.what()).find("linear") != std::string::npos);
    }
}
