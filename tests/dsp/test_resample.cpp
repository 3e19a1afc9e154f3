#include <catch2/catch.hpp>

#include <cmath>
#include <vector>

#include "core/vec_math.hpp"
#include "pinna/error.hpp"
#include "pinna/geometry.hpp"
#include "pinna/hrir_set.hpp"
#include "pinna/resample.hpp"

using pinna::Ear;
using pinna::kPi;

namespace {
pinna::HrirSet tone_set(double fs, std::size_t n, double f_hz) {
    pinna::HrirSet set(fs, n, {{0, 0, 1}, {90, 0, 1}});
    for (std::size_t m = 0; m < 2; ++m)
        for (std::size_t t = 0; t < n; ++t) {
            set.ir(m, Ear::left)[t] = static_cast<float>(std::sin(2 * kPi * f_hz * t / fs));
            set.ir(m, Ear::right)[t] = static_cast<float>(0.5 * std::cos(2 * kPi * f_hz * t / fs));
        }
    return set;
}
double rms(const float* x, std::size_t a, std::size_t b) {
    double s = 0.0;
    for (std::size_t t = a; t < b; ++t)
        s += static_cast<double>(x[t]) * x[t];
    return std::sqrt(s / static_cast<double>(b - a));
}
}  // namespace

TEST_CASE("resampling a pass-band tone 44.1 -> 48 kHz reproduces the tone") {
    const pinna::HrirSet in = tone_set(44100.0, 441, 1000.0);
    const pinna::HrirSet out = pinna::resample(in, 48000.0);
    REQUIRE(out.sample_rate_hz() == 48000.0);
    REQUIRE(out.taps() == 480);
    REQUIRE(out.measurements() == 2);
    for (std::size_t t = 60; t < 420; ++t) {  // away from the edges, where the input ends
        CHECK(out.ir(1, Ear::left)[t] ==
              Approx(std::sin(2 * kPi * 1000.0 * t / 48000.0)).margin(2e-3));
        CHECK(out.ir(0, Ear::right)[t] ==
              Approx(0.5 * std::cos(2 * kPi * 1000.0 * t / 48000.0)).margin(2e-3));
    }
}

TEST_CASE("downsampling removes content above the new Nyquist (anti-aliasing)") {
    // 30 kHz at 96 kHz would alias to 18 kHz at 48 kHz; it must vanish instead.
    const pinna::HrirSet high = pinna::resample(tone_set(96000.0, 960, 30000.0), 48000.0);
    REQUIRE(high.taps() == 480);
    CHECK(rms(high.ir(0, Ear::left), 60, 420) < 1e-3);  // > 57 dB down from 0.707
    // 10 kHz passes with its level.
    const pinna::HrirSet low = pinna::resample(tone_set(96000.0, 960, 10000.0), 48000.0);
    CHECK(rms(low.ir(0, Ear::left), 60, 420) == Approx(std::sqrt(0.5)).epsilon(2e-3));
}

TEST_CASE("resampling scales delays and keeps an impulse's timing") {
    pinna::HrirSet set(44100.0, 256, {{0, 0, 1}});
    set.ir(0, Ear::left)[100] = 1.0f;
    set.delays_samples() = {4.41, 8.82};
    const pinna::HrirSet out = pinna::resample(set, 88200.0);
    REQUIRE(out.delays_samples().size() == 2);
    CHECK(out.delay_samples(0, Ear::left) == Approx(8.82));
    CHECK(out.delay_samples(0, Ear::right) == Approx(17.64));
    std::size_t peak = 0;
    for (std::size_t t = 0; t < out.taps(); ++t)
        if (std::fabs(out.ir(0, Ear::left)[t]) > std::fabs(out.ir(0, Ear::left)[peak]))
            peak = t;
    CHECK(peak == 200);
    CHECK(pinna::resample(set, 44100.0).data() == set.data());
    CHECK_THROWS_AS(pinna::resample(set, 0.0), pinna::InvalidArgumentError);
    CHECK_THROWS_AS(pinna::resample(set, std::nan("")), pinna::InvalidArgumentError);
}

TEST_CASE("resize_taps cuts with a fade or pads with zeros") {
    pinna::HrirSet set(48000.0, 10, {{0, 0, 1}});
    for (std::size_t t = 0; t < 10; ++t)
        set.ir(0, Ear::left)[t] = 1.0f;
    pinna::HrirSet padded = set;
    padded.resize_taps(16, 4);
    REQUIRE(padded.taps() == 16);
    CHECK(padded.ir(0, Ear::left)[9] == 1.0f);
    CHECK(padded.ir(0, Ear::left)[12] == 0.0f);
    set.resize_taps(8, 3);
    REQUIRE(set.taps() == 8);
    const float* x = set.ir(0, Ear::left);
    CHECK(x[4] == 1.0f);
    // Half Hann over the last 3 kept samples: 0.5(1 + cos(pi i/4)), i = 1..3.
    CHECK(x[5] == Approx(0.5 * (1 + std::cos(kPi / 4))));
    CHECK(x[6] == Approx(0.5));
    CHECK(x[7] == Approx(0.5 * (1 + std::cos(3 * kPi / 4))));
    CHECK_THROWS_AS(set.resize_taps(0), pinna::InvalidArgumentError);
}
