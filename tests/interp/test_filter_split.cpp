#include <catch2/catch.hpp>

#include <cmath>
#include <filesystem>
#include <random>
#include <vector>

#include "interp/delay_alignment.hpp"
#include "interp/filter_split.hpp"
#include "pinna/delay.hpp"
#include "pinna/error.hpp"
#include "pinna/sofa.hpp"
#include "pinna/time_domain.hpp"
#include "support/test_support.hpp"

using namespace pinna;

namespace {

double max_abs(const float* a, std::size_t n) {
    double m = 0.0;
    for (std::size_t t = 0; t < n; ++t)
        m = std::max(m, static_cast<double>(std::abs(a[t])));
    return m;
}

}  // namespace

TEST_CASE("the split's minimum-phase IRs match the double-precision cepstrum", "[interp][split]") {
    const HrirSet set = test::synthetic_set(40, 128);
    const HrirSet reference = to_minimum_phase(set);  // double precision, 4x oversampled
    detail::FilterSplitter splitter(set.taps(), set.sample_rate_hz());
    REQUIRE(splitter.fft_size() >= 4 * set.taps());
    std::vector<float> ir(set.taps());
    for (std::size_t m = 0; m < set.measurements(); ++m)
        for (const Ear ear : {Ear::left, Ear::right}) {
            splitter.split(set.ir(m, ear), ir.data());
            const float* want = reference.ir(m, ear);
            const double peak = max_abs(want, set.taps());
            for (std::size_t t = 0; t < set.taps(); ++t)
                REQUIRE(std::abs(ir[t] - want[t]) <= 1e-4 * peak);
        }
}

TEST_CASE("the split finds a known delay of a minimum-phase IR", "[interp][split]") {
    // A minimum-phase IR delayed by a known fractional amount: the split gives the IR back
    // and the delay, to a small fraction of a sample.
    const HrirSet set = test::synthetic_set(10, 256);
    const HrirSet min_phase = to_minimum_phase(set);
    detail::FilterSplitter splitter(256, set.sample_rate_hz());
    std::vector<float> delayed(256), ir(256);
    // Onsets past half the IR too (real sets have them: HUTUBS pp10 and pp11, the
    // sofa-zoo's tester.sofa), which a correlation circular over the IR's own length would
    // read as negative lags. There much of the minimum-phase IR is cut off at the end: a
    // tenth of a sample.
    for (const double d : {0.0, 3.25, 17.6, 40.0, 101.37, 140.5, 171.25}) {
        const float* h = min_phase.ir(3, Ear::left);
        delay_signal(h, 256, d, delayed.data(), 256);
        const double found = splitter.split(delayed.data(), ir.data());
        CAPTURE(d, found);
        REQUIRE(found == Approx(d).margin(d < 128.0 ? 0.05 : 0.1));
    }
}

TEST_CASE("a silent IR splits into zeros and no delay", "[interp][split]") {
    detail::FilterSplitter splitter(64, 48000.0);
    std::vector<float> silent(64, 0.0f), ir(64, 1.0f);
    REQUIRE(splitter.split(silent.data(), ir.data()) == 0.0);
    for (float v : ir)
        REQUIRE(v == 0.0f);
    REQUIRE_THROWS_AS(detail::FilterSplitter(0, 48000.0), InvalidArgumentError);
    REQUIRE_THROWS_AS(detail::FilterSplitter(64, 0.0), InvalidArgumentError);
}

TEST_CASE("on KEMAR the split's delays agree with the envelope alignment",
          "[interp][split][data]") {
    const std::string kemar = "/usr/share/libmysofa/MIT_KEMAR_normal_pinna.sofa";
    if (!std::filesystem::exists(kemar)) {
        WARN("skipped: " << kemar << " is not installed (Debian's libmysofa1 installs it)");
        return;
    }
    const HrirSet set = with_delays_applied(read_sofa(kemar));
    // The reference: time-domain 3 kHz low-pass, Hilbert envelopes and their
    // cross-correlation peak (interp/delay_alignment.hpp), in double precision.
    MinimumPhaseOptions options;
    options.delay = MinimumPhaseOptions::Delay::none;
    HrirSet reference = to_minimum_phase(set, options);
    detail::align_split_delays(set, reference);
    std::vector<float> irs(set.data().size()), delays(set.measurements() * kEars);
    detail::split_filters(set, 0, set.measurements(), irs.data(), delays.data());
    // Interaural differences are what the ITD metric sees: compare those.
    double sum = 0.0;
    std::size_t within_quarter = 0;
    for (std::size_t m = 0; m < set.measurements(); ++m) {
        const double ours = delays[m * kEars + 1] - delays[m * kEars];
        const double theirs =
            reference.delay_samples(m, Ear::right) - reference.delay_samples(m, Ear::left);
        sum += std::abs(ours - theirs);
        within_quarter += std::abs(ours - theirs) <= 0.25 ? 1 : 0;
    }
    const double mean = sum / static_cast<double>(set.measurements());
    CAPTURE(mean, within_quarter);
    REQUIRE(mean < 0.15);
    REQUIRE(within_quarter >= set.measurements() * 9 / 10);
}

TEST_CASE("the split handles any length and rate: finite IRs, delays of delayed impulses",
          "[interp][split]") {
    std::mt19937 rng(7);
    std::normal_distribution<float> noise;
    for (const double fs : {8000.0, 44100.0, 192000.0})
        for (const std::size_t taps : {1u, 2u, 3u, 5u, 17u, 200u, 333u}) {
            CAPTURE(fs, taps);
            detail::FilterSplitter splitter(taps, fs);
            std::vector<float> ir(taps), out(taps);
            for (int trial = 0; trial < 5; ++trial) {
                for (float& v : ir)
                    v = noise(rng);
                const double delay = splitter.split(ir.data(), out.data());
                REQUIRE(std::isfinite(delay));
                REQUIRE(delay >= 0.0);
                for (float v : out)
                    REQUIRE(std::isfinite(v));
            }
            // A unit impulse at d: its minimum-phase IR is the impulse at 0, its delay d
            // (to a fraction of a sample where the band below 4.5 kHz has bins to go by).
            const std::size_t d = taps / 3;
            std::fill(ir.begin(), ir.end(), 0.0f);
            ir[d] = 1.0f;
            const double delay = splitter.split(ir.data(), out.data());
            REQUIRE(out[0] == Approx(1.0f).margin(1e-3));
            for (std::size_t t = 1; t < taps; ++t)
                REQUIRE(std::abs(out[t]) < 1e-3f);
            if (taps >= 17)
                REQUIRE(delay == Approx(static_cast<double>(d)).margin(0.05));
        }
}
