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
pinna::ResampleOptions as_waveform() {
    pinna::ResampleOptions o;
    o.keep_frequency_response = false;
    return o;
}
// |DFT| in dB of x[0..n) at f_hz (any frequency, not only a bin's).
double response_db(const float* x, std::size_t n, double fs, double f_hz) {
    double re = 0.0, im = 0.0;
    for (std::size_t t = 0; t < n; ++t) {
        re += x[t] * std::cos(2 * kPi * f_hz * static_cast<double>(t) / fs);
        im -= x[t] * std::sin(2 * kPi * f_hz * static_cast<double>(t) / fs);
    }
    return 10.0 * std::log10(re * re + im * im);
}
double rms(const float* x, std::size_t a, std::size_t b) {
    double s = 0.0;
    for (std::size_t t = a; t < b; ++t)
        s += static_cast<double>(x[t]) * x[t];
    return std::sqrt(s / static_cast<double>(b - a));
}
}  // namespace

TEST_CASE("resampling a pass-band tone 44.1 -> 48 kHz as a waveform reproduces the tone") {
    const pinna::HrirSet in = tone_set(44100.0, 441, 1000.0);
    const pinna::HrirSet out = pinna::resample(in, 48000.0, as_waveform());
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
    const pinna::HrirSet high =
        pinna::resample(tone_set(96000.0, 960, 30000.0), 48000.0, as_waveform());
    REQUIRE(high.taps() == 480);
    CHECK(rms(high.ir(0, Ear::left), 60, 420) < 1e-3);  // > 57 dB down from 0.707
    // 10 kHz passes with its level.
    const pinna::HrirSet low =
        pinna::resample(tone_set(96000.0, 960, 10000.0), 48000.0, as_waveform());
    CHECK(rms(low.ir(0, Ear::left), 60, 420) == Approx(std::sqrt(0.5)).epsilon(2e-3));
}

TEST_CASE("resampling keeps a filter's frequency response (the default)") {
    // A short filter with a non-flat response: an impulse, an echo and a decaying tail,
    // placed clear of the edges. Its response at 44.1 kHz, at 48 and at 32 kHz must agree
    // below the filter's transition band (its cutoff: 0.92 of the lower Nyquist), where the
    // waveform convention differs by 20 log10(new / old) dB (+0.74 dB, -2.78 dB).
    pinna::HrirSet set(44100.0, 256, {{0, 0, 1}});
    float* h = set.ir(0, Ear::left);
    h[40] = 1.0f;
    h[47] = -0.6f;
    for (std::size_t t = 48; t < 120; ++t)
        h[t] = 0.3f * static_cast<float>(std::exp(-0.06 * static_cast<double>(t - 48)) *
                                         std::sin(0.9 * static_cast<double>(t)));
    for (const double rate : {48000.0, 32000.0}) {
        const pinna::HrirSet out = pinna::resample(set, rate);
        const pinna::HrirSet waveform = pinna::resample(set, rate, as_waveform());
        const double edge = 0.8 * 0.5 * std::min(rate, 44100.0);
        for (double f = 100.0; f < edge; f += 500.0) {
            const double before = response_db(h, set.taps(), 44100.0, f);
            INFO(rate << " Hz, " << f << " Hz");
            CHECK(response_db(out.ir(0, Ear::left), out.taps(), rate, f) ==
                  Approx(before).margin(0.05));
            CHECK(response_db(waveform.ir(0, Ear::left), waveform.taps(), rate, f) ==
                  Approx(before + 20.0 * std::log10(rate / 44100.0)).margin(0.05));
        }
    }
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
