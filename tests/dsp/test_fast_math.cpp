#include <catch2/catch.hpp>

#include <cmath>
#include <limits>

#include "dsp/fast_math.hpp"

using namespace pinna::detail;

// Each function against libm in double precision, over its documented range.

TEST_CASE("fast_log is within 2e-7 relative of ln over the normal floats", "[dsp][fast_math]") {
    double worst = 0.0;
    for (double x = std::numeric_limits<float>::min(); x < 3e38; x *= 1.0007) {
        const float xf = static_cast<float>(x);
        const double want = std::log(static_cast<double>(xf));
        const double got = fast_log(xf);
        worst = std::max(worst, std::abs(got - want) / std::max(1.0, std::abs(want)));
    }
    REQUIRE(worst < 2e-7);
    REQUIRE(fast_log(1.0f) == 0.0f);
}

TEST_CASE("fast_exp is within 2e-7 relative of exp on [-87, 88]", "[dsp][fast_math]") {
    double worst = 0.0;
    for (double x = -87.0; x <= 88.0; x += 0.00123) {
        const float xf = static_cast<float>(x);
        const double want = std::exp(static_cast<double>(xf));
        worst = std::max(worst, std::abs(fast_exp(xf) - want) / want);
    }
    REQUIRE(worst < 2e-7);
    REQUIRE(fast_exp(0.0f) == 1.0f);
    // Clamped outside the range: finite and positive.
    REQUIRE(fast_exp(-1000.0f) > 0.0f);
    REQUIRE(std::isfinite(fast_exp(1000.0f)));
}

TEST_CASE("fast_sincos is within 2e-7 of sin and cos for |x| <= 1000", "[dsp][fast_math]") {
    double worst = 0.0;
    for (double x = -1000.0; x <= 1000.0; x += 0.000917) {
        const float xf = static_cast<float>(x);
        float s = 0.0f, c = 0.0f;
        fast_sincos(xf, s, c);
        worst = std::max(worst, std::abs(s - std::sin(static_cast<double>(xf))));
        worst = std::max(worst, std::abs(c - std::cos(static_cast<double>(xf))));
    }
    REQUIRE(worst < 2e-7);
}

TEST_CASE("fast_atan2 is within 1.2e-5 rad of atan2 in every quadrant", "[dsp][fast_math]") {
    double worst = 0.0;
    for (double a = -3.14159; a <= 3.14159; a += 0.0001)
        for (double r : {1e-30, 1e-3, 1.0, 7.5e20}) {
            const float y = static_cast<float>(r * std::sin(a)),
                        x = static_cast<float>(r * std::cos(a));
            const double want = std::atan2(static_cast<double>(y), static_cast<double>(x));
            worst = std::max(worst, std::abs(fast_atan2(y, x) - want));
        }
    REQUIRE(worst < 1.2e-5);
    REQUIRE(fast_atan2(0.0f, 0.0f) == 0.0f);
    REQUIRE(fast_atan2(0.0f, -1.0f) == Approx(3.14159265f));
}
