// ShHrtf: a whole set in SH, in both domains.
#include <catch2/catch.hpp>
#include <cmath>
#include <cstdio>

#include "pinna/error.hpp"
#include "pinna/grid.hpp"
#include "pinna/sh.hpp"
#include "pinna/sofa.hpp"
#include "pinna/spectrum.hpp"
#include "support/test_support.hpp"

using namespace pinna;

namespace {
// A set whose every tap, per ear, is a field of SH order 3 over the directions, and whose
// delays are a field of order 1.
constexpr std::size_t kTaps = 32;
float tap_field(const Direction& d, std::size_t ear, std::size_t t) {
    const Vec3 u = unit_vector(d);
    const double side = ear == 0 ? u.y : -u.y;
    const double decay = std::exp(-static_cast<double>(t) / 6.0);
    return static_cast<float>(decay * (0.3 + 0.5 * side + 0.2 * u.z * u.x * (t % 3) +
                                       0.1 * u.x * u.y * u.z * std::cos(0.9 * t)));
}
double delay_field(const Direction& d, std::size_t ear) {
    const Vec3 u = unit_vector(d);
    return 20.0 + (ear == 0 ? -8.0 : 8.0) * u.y + 2.0 * u.z;
}
HrirSet field_set(const std::vector<Direction>& dirs, bool with_delays) {
    HrirSet set(48000.0, kTaps, dirs);
    for (std::size_t m = 0; m < dirs.size(); ++m)
        for (std::size_t e = 0; e < kEars; ++e)
            for (std::size_t t = 0; t < kTaps; ++t)
                set.ir(m, static_cast<Ear>(e))[t] = tap_field(dirs[m], e, t);
    if (with_delays) {
        set.delays_samples().resize(dirs.size() * kEars);
        for (std::size_t m = 0; m < dirs.size(); ++m)
            for (std::size_t e = 0; e < kEars; ++e)
                set.delays_samples()[m * kEars + e] = delay_field(dirs[m], e);
    }
    set.metadata.title = "order-3 field";
    return set;
}
}  // namespace

TEST_CASE("sh hrtf: complex-spectrum domain reproduces a band-limited set anywhere", "[sh]") {
    const HrirSet set = field_set(fibonacci_grid(200), true);
    ShHrtfOptions options;
    options.fit = {3, 0.0};
    const ShHrtf sh = ShHrtf::fit(set, options);
    CHECK(sh.order() == 3);
    CHECK(sh.taps() == kTaps);
    CHECK(sh.values_per_ear() == kTaps);
    CHECK(sh.coefficients().size() == 16 * 2 * kTaps);
    REQUIRE(sh.has_delays());

    std::vector<Direction> at = fibonacci_grid(37);
    for (Direction& d : at)
        d.distance_m = 1.2;
    const HrirSet out = sh.evaluate(at);
    CHECK(out.sample_rate_hz() == 48000.0);
    CHECK(out.taps() == kTaps);
    CHECK(out.metadata.title == "order-3 field");
    CHECK(out.directions()[5].distance_m == 1.2);
    double worst = 0.0, worst_delay = 0.0;
    for (std::size_t m = 0; m < at.size(); ++m)
        for (std::size_t e = 0; e < kEars; ++e) {
            for (std::size_t t = 0; t < kTaps; ++t)
                worst = std::max(worst, std::abs(double(out.ir(m, static_cast<Ear>(e))[t]) -
                                                 tap_field(at[m], e, t)));
            worst_delay = std::max(worst_delay, std::abs(out.delay_samples(m, static_cast<Ear>(e)) -
                                                         delay_field(at[m], e)));
        }
    INFO("max tap error " << worst << ", max delay error " << worst_delay);
    CHECK(worst < 1e-6);  // float storage
    CHECK(worst_delay < 1e-10);
}

TEST_CASE("sh hrtf: taps fit equals the per-bin complex fit", "[sh]") {
    const HrirSet set = test::synthetic_set(100, 32, 48000.0);
    const ShFitter fitter(set.directions(), {4, 1e-3});
    ShHrtfOptions options;
    options.fit = {4, 1e-3};
    const HrirSet via_taps = ShHrtf::fit(set, options).evaluate(set.directions());
    // Per bin: fit the complex spectra and evaluate, then inverse FFT.
    HrtfSet h = to_hrtf(set);
    const std::size_t columns = kEars * h.bins();
    const std::vector<std::complex<double>> c = fitter.fit(h.data, columns);
    h.data = sh_evaluate(4, c, columns, set.directions());
    const HrirSet via_bins = to_hrirs(h);
    double worst = 0.0;
    for (std::size_t i = 0; i < via_taps.data().size(); ++i)
        worst = std::max(worst, std::abs(double(via_taps.data()[i]) - via_bins.data()[i]));
    INFO("max difference " << worst);
    CHECK(worst < 1e-6);
}

TEST_CASE("sh hrtf: magnitude domain on a set of pure delays", "[sh]") {
    // Unit impulses delayed by a smooth field: flat 0 dB magnitudes, delays that the fit
    // must carry. Whole-sample delays keep the impulses exact.
    const std::vector<Direction> dirs = fibonacci_grid(120);
    HrirSet set(48000.0, 64, dirs);
    for (std::size_t m = 0; m < dirs.size(); ++m)
        for (std::size_t e = 0; e < kEars; ++e)
            set.ir(m, static_cast<Ear>(
                          e))[static_cast<std::size_t>(std::lround(delay_field(dirs[m], e)))] =
                1.0f;
    ShHrtfOptions options;
    options.domain = ShDomain::magnitude_db;
    options.fit = {4, 1e-6};
    const ShHrtf sh = ShHrtf::fit(set, options);
    CHECK(sh.values_per_ear() == 33);
    REQUIRE(sh.has_delays());
    const HrirSet back = sh.evaluate(dirs);
    CHECK(back.taps() == 64);
    CHECK_FALSE(back.has_delays());
    // Every magnitude is 0 dB, so every fitted one is too, and the IR is the impulse at the
    // fitted delay, which at the measured directions is close to the rounded one.
    std::size_t exact_peaks = 0;
    for (std::size_t m = 0; m < dirs.size(); ++m)
        for (std::size_t e = 0; e < kEars; ++e) {
            const float* ir = back.ir(m, static_cast<Ear>(e));
            std::size_t peak = 0;
            for (std::size_t t = 1; t < back.taps(); ++t)
                if (std::abs(ir[t]) > std::abs(ir[peak]))
                    peak = t;
            const auto expected = static_cast<std::size_t>(std::lround(delay_field(dirs[m], e)));
            REQUIRE(std::abs(double(peak) - double(expected)) <= 1.0);
            exact_peaks += peak == expected;
        }
    CHECK(exact_peaks > dirs.size() * kEars * 8 / 10);
}

TEST_CASE("sh hrtf: bad input is refused", "[sh]") {
    CHECK_THROWS_AS(ShHrtf().evaluate(fibonacci_grid(3)), InvalidArgumentError);
    HrirSet empty;
    CHECK_THROWS_AS(ShHrtf::fit(empty), InvalidDataError);
    const ShHrtf sh = ShHrtf::fit(test::synthetic_set(40, 16));
    CHECK_THROWS_AS(sh.evaluate({}), InvalidArgumentError);
    ShHrtfOptions o;
    o.fit.order = -5;
    CHECK_THROWS_AS(ShHrtf::fit(test::synthetic_set(40, 16), o), InvalidArgumentError);
}

TEST_CASE("sh hrtf: HUTUBS pp1, both domains at the measured and unmeasured directions",
          "[sh][data]") {
    PINNA_REQUIRE_DATASETS();
    const std::string path = test::dataset_file("hutubs/pp1_HRIRs_measured.sofa");
    if (path.empty()) {
        WARN("skipped: hutubs/pp1_HRIRs_measured.sofa not found");
        return;
    }
    const HrirSet set = read_sofa(path);
    // Fit on every other direction, score the left-out ones by log-spectral distance
    // (bins 20 Hz .. 20 kHz, RMS over bins, mean over directions and ears).
    std::vector<std::size_t> train, test_idx;
    for (std::size_t m = 0; m < set.measurements(); ++m)
        (m % 2 ? test_idx : train).push_back(m);
    const HrirSet fit_set = set.subset(train), held_out = set.subset(test_idx);
    const SpectrumSet ref = magnitude_db(to_hrtf(held_out));
    auto lsd = [&](const HrirSet& estimate) {
        const SpectrumSet est = magnitude_db(to_hrtf(estimate));
        double sum = 0.0;
        std::size_t n = 0;
        for (std::size_t m = 0; m < ref.measurements(); ++m)
            for (std::size_t e = 0; e < kEars; ++e) {
                double acc = 0.0;
                std::size_t bins = 0;
                for (std::size_t k = 0; k < ref.bins(); ++k) {
                    const double f = ref.frequency_hz(k);
                    if (2 * k >= ref.fft_size || f < 20.0 || f > 20000.0)
                        continue;
                    const double d = ref.values(m, Ear(e))[k] - est.values(m, Ear(e))[k];
                    acc += d * d;
                    ++bins;
                }
                sum += std::sqrt(acc / bins);
                ++n;
            }
        return sum / n;
    };
    double lsd_by_domain[2];
    for (ShDomain domain : {ShDomain::complex_spectrum, ShDomain::magnitude_db}) {
        ShHrtfOptions options;
        options.domain = domain;
        options.fit = {8, 1e-2, ShRegularisation::order_weighted};
        const HrirSet est = ShHrtf::fit(fit_set, options).evaluate(held_out.directions());
        const double v = lsd(est);
        std::printf(
            "HUTUBS pp1, SH order 8 from %zu directions, %s: LSD %.2f dB at %zu "
            "held-out directions\n",
            fit_set.measurements(),
            domain == ShDomain::complex_spectrum ? "complex" : "magnitude_db", v,
            held_out.measurements());
        lsd_by_domain[domain == ShDomain::complex_spectrum ? 0 : 1] = v;
    }
    // Interpolating magnitudes avoids the comb filtering of mixing misaligned phases.
    CHECK(lsd_by_domain[1] < lsd_by_domain[0]);
    CHECK(lsd_by_domain[1] < 6.0);
}
