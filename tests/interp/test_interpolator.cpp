#include <catch2/catch.hpp>

#include <cmath>
#include <random>

#include "pinna/error.hpp"
#include "pinna/interpolate.hpp"
#include "support/test_support.hpp"

using namespace pinna;

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
