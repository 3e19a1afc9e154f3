#include <catch2/catch.hpp>

#include <cmath>
#include <vector>

#include "pinna/delay.hpp"
#include "pinna/error.hpp"
#include "pinna/hrir_set.hpp"
#include "pinna/metrics.hpp"
#include "support/test_support.hpp"

using pinna::Ear;

namespace {

pinna::HrirSet scaled(pinna::HrirSet set, double gain_db, bool left_only) {
    const float g = static_cast<float>(std::pow(10.0, gain_db / 20.0));
    for (std::size_t m = 0; m < set.measurements(); ++m)
        for (Ear ear : {Ear::left, Ear::right}) {
            if (left_only && ear == Ear::right)
                continue;
            float* x = set.ir(m, ear);
            for (std::size_t t = 0; t < set.taps(); ++t)
                x[t] *= g;
        }
    return set;
}

}  // namespace

TEST_CASE("metric bins: k < n/2 and 20 Hz .. 20 kHz") {
    const std::vector<std::size_t> b = pinna::metric_bins(256, 44100.0);
    REQUIRE(b.size() == 116);
    CHECK(b.front() == 1);   // 172.3 Hz (0 Hz is below 20 Hz)
    CHECK(b.back() == 116);  // 19982.8 Hz; bin 117 is 20155.1 Hz
    const std::vector<std::size_t> c = pinna::metric_bins(2048, 48000.0);
    CHECK(c.front() == 1);   // 23.4 Hz
    CHECK(c.back() == 853);  // 19992.2 Hz
    const std::vector<std::size_t> d = pinna::metric_bins(16, 16000.0);
    CHECK(d.back() == 7);  // k < n/2 = 8 excludes Nyquist
}

TEST_CASE("hand-computed RMSE, MAE, SDR, ILD") {
    const float r[4] = {1, 2, 3, 4};
    const float e[4] = {1, 1, 1, 1};
    CHECK(pinna::rmse(r, e, 4) == Approx(std::sqrt(3.5)));  // diffs 0 1 2 3
    CHECK(pinna::mae(r, e, 4) == Approx(1.5));
    CHECK(pinna::sdr_db(r, e, 4) == Approx(10.0 * std::log10(30.0 / 14.0)));
    CHECK(pinna::sdr_db(r, r, 4) == pinna::kDefaultSdrCapDb);
    CHECK(pinna::sdr_db(r, r, 4, 90.0) == 90.0);
    // rms(r) = sqrt(7.5), rms(e) = 1
    CHECK(pinna::ild_db(r, e, 4) == Approx(10.0 * std::log10(7.5)));
    CHECK(pinna::ild_db(e, r, 4) == Approx(-10.0 * std::log10(7.5)));
}

TEST_CASE("per-pair spectral metrics: a gain of g dB gives LSD = SDE = |g| and PCC = 1") {
    const pinna::HrirSet set = pinna::test::synthetic_set(4, 256, 44100.0);
    const pinna::HrirSet louder = scaled(set, -4.5, false);
    const float* r = set.ir(2, Ear::left);
    const float* e = louder.ir(2, Ear::left);
    CHECK(pinna::lsd_db(r, e, 256, 44100.0) == Approx(4.5).epsilon(1e-5));
    CHECK(pinna::sde_db(r, e, 256, 44100.0) == Approx(4.5).epsilon(1e-5));
    CHECK(pinna::spectral_pcc(r, e, 256, 44100.0) == Approx(1.0).epsilon(1e-9));
    CHECK(pinna::lsd_db(r, r, 256, 44100.0) == 0.0);
    CHECK_THROWS_AS(pinna::lsd_db(r, e, 2, 44100.0), pinna::InvalidArgumentError);
}

TEST_CASE("compare: identical sets") {
    const pinna::HrirSet set = pinna::test::synthetic_set(50, 128, 48000.0);
    const pinna::Comparison c = pinna::compare(set, set);
    CHECK(c.scored == 50);
    CHECK(c.unmatched == 0);
    CHECK(c.excluded == 0);
    CHECK(c.lsd_db == 0.0);
    CHECK(c.sde_db == 0.0);
    CHECK(c.pcc == Approx(1.0).epsilon(1e-12));
    CHECK(c.rmse == 0.0);
    CHECK(c.mae == 0.0);
    CHECK(c.sdr_db == pinna::kDefaultSdrCapDb);
    CHECK(c.itd_error_us == 0.0);
    CHECK(c.ild_error_db == 0.0);
    CHECK(c.taps == 128);
    CHECK(c.bins == 53);  // k = 1 .. 53 (20 kHz / 375 Hz)
    CHECK(c.min_bin_hz == Approx(375.0));
    CHECK(c.max_bin_hz == Approx(19875.0));
    REQUIRE(c.directions.size() == 50);
    CHECK(c.directions[7].reference_index == 7);
    CHECK(c.directions[7].estimate_index == 7);
}

TEST_CASE("compare: a gain on both ears or on one ear") {
    const pinna::HrirSet set = pinna::test::synthetic_set(30, 256, 44100.0);
    const double g = 6.0;
    const pinna::Comparison both = pinna::compare(set, scaled(set, g, false));
    CHECK(both.lsd_db == Approx(g).epsilon(1e-5));
    CHECK(both.sde_db == Approx(g).epsilon(1e-5));
    CHECK(both.pcc == Approx(1.0).epsilon(1e-9));
    CHECK(both.ild_error_db == Approx(0.0).margin(1e-5));
    CHECK(both.itd_error_us == 0.0);
    // SDR of x against 2x: 10 log10(1 / (10^(g/20) - 1)^2)
    const double a = std::pow(10.0, g / 20.0);
    CHECK(both.sdr_db == Approx(-20.0 * std::log10(a - 1.0)).margin(1e-5));

    const pinna::Comparison left = pinna::compare(set, scaled(set, -g, true));
    CHECK(left.ild_error_db == Approx(g).epsilon(1e-5));
    CHECK(left.lsd_db == Approx(g / 2.0).epsilon(1e-5));  // g on the left, 0 on the right
    CHECK(left.sde_db == Approx(g / 2.0).epsilon(1e-5));
    for (const pinna::DirectionScores& d : left.directions) {
        CHECK(d.lsd_db[0] == Approx(g).epsilon(1e-5));
        CHECK(d.lsd_db[1] == 0.0);
        CHECK(d.ild_estimate_db - d.ild_reference_db == Approx(-g).epsilon(1e-5));
    }
}

TEST_CASE("compare: ITD error of an extra interaural delay of k samples is k / fs") {
    const double fs = 44100.0;
    const pinna::HrirSet set = pinna::test::synthetic_set(20, 256, fs);
    pinna::HrirSet shifted = set;
    const int k = 7;
    for (std::size_t m = 0; m < set.measurements(); ++m)
        pinna::delay_signal(set.ir(m, Ear::right), 256, k, shifted.ir(m, Ear::right), 256);
    const pinna::Comparison c = pinna::compare(set, shifted);
    CHECK(c.itd_error_us == Approx(1e6 * k / fs));
    for (const pinna::DirectionScores& d : c.directions)
        CHECK(d.itd_estimate_us - d.itd_reference_us == Approx(1e6 * k / fs));  // right later
    CHECK(pinna::itd_error_us(set.ir(3, Ear::left), set.ir(3, Ear::right), shifted.ir(3, Ear::left),
                              shifted.ir(3, Ear::right), 256, fs) == Approx(1e6 * k / fs));
}

TEST_CASE("compare: unmatched and excluded directions") {
    const pinna::HrirSet ref = pinna::test::synthetic_set(20, 64, 48000.0);
    // The estimate lacks directions 3 and 11: moved 2 degrees away (beyond 0.5).
    pinna::HrirSet est = ref;
    est.directions()[3].elevation_deg += (est.direction(3).elevation_deg > 0 ? -2.0 : 2.0);
    est.directions()[11].elevation_deg += (est.direction(11).elevation_deg > 0 ? -2.0 : 2.0);
    // Direction 5 is moved by 0.3 degrees only: still matched.
    est.directions()[5].elevation_deg += (est.direction(5).elevation_deg > 0 ? -0.3 : 0.3);
    pinna::CompareOptions options;
    // Exclude 0, 1 (exactly) and 7 (given 0.4 degrees off), and 11 (also unmatched).
    options.exclude = {ref.direction(0), ref.direction(1), ref.direction(7), ref.direction(11)};
    options.exclude[2].elevation_deg += (ref.direction(7).elevation_deg > 0 ? -0.4 : 0.4);
    const pinna::Comparison c = pinna::compare(ref, est, options);
    CHECK(c.excluded == 4);
    CHECK(c.unmatched == 1);
    CHECK(c.unmatched_indices == std::vector<std::size_t>{3});
    CHECK(c.scored == 15);
    CHECK(c.lsd_db == 0.0);
    REQUIRE(c.directions.size() == 15);
    CHECK(c.directions[0].reference_index == 2);

    // Only excluded or unmatched directions: an error that says so.
    pinna::CompareOptions all;
    all.exclude = ref.directions();
    CHECK_THROWS_WITH(
        pinna::compare(ref, est, all),
        Catch::Contains("no direction left to score") && Catch::Contains("20 are excluded"));
}

TEST_CASE("compare: the estimate's order does not matter; lengths are cut to the shorter") {
    const pinna::HrirSet ref = pinna::test::synthetic_set(12, 128, 48000.0);
    std::vector<std::size_t> reversed;
    for (std::size_t i = 12; i-- > 0;)
        reversed.push_back(i);
    pinna::HrirSet est = ref.subset(reversed);
    est.resize_taps(300);  // zero padded
    const pinna::Comparison c = pinna::compare(ref, est);
    CHECK(c.taps == 128);
    CHECK(c.lsd_db == 0.0);
    CHECK(c.directions[0].estimate_index == 11);
    pinna::HrirSet cut = ref;
    cut.resize_taps(100);
    CHECK(pinna::compare(ref, cut).taps == 100);
}

TEST_CASE("compare: different sample rates are refused naming both") {
    const pinna::HrirSet a = pinna::test::synthetic_set(4, 64, 48000.0);
    const pinna::HrirSet b = pinna::test::synthetic_set(4, 64, 44100.0);
    CHECK_THROWS_AS(pinna::compare(a, b), pinna::InvalidArgumentError);
    CHECK_THROWS_WITH(pinna::compare(a, b), Catch::Contains("48000") && Catch::Contains("44100"));
}

TEST_CASE("compare: delays carried beside the IRs are applied first") {
    // 256 taps: the low-passed envelopes must fit in the window for the metric ITD to move
    // by exactly the delay (with 64 taps, truncation moves some peaks by a sample).
    pinna::HrirSet with_delays = pinna::test::synthetic_set(10, 256, 48000.0);
    with_delays.delays_samples().assign(20, 0.0);
    for (std::size_t m = 0; m < 10; ++m)
        with_delays.delays_samples()[2 * m + 1] = 3.0;
    pinna::HrirSet baked = with_delays;
    pinna::apply_delays(baked);
    const pinna::Comparison c = pinna::compare(baked, with_delays);
    CHECK(c.lsd_db == 0.0);
    CHECK(c.itd_error_us == 0.0);
    const pinna::Comparison d =
        pinna::compare(pinna::test::synthetic_set(10, 256, 48000.0), with_delays);
    CHECK(d.itd_error_us == Approx(1e6 * 3.0 / 48000.0));
}
