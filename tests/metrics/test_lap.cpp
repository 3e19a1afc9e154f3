// The LAP challenge protocol (lap_task2_scores): matching by rounded angles, every
// reference direction scored, IRs as stored, and the thresholds, on sets with exact answers.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <numeric>

#include "pinna/error.hpp"
#include "pinna/metrics.hpp"
#include "support/test_support.hpp"

using namespace pinna;

namespace {

HrirSet scaled(const HrirSet& set, float gain) {
    HrirSet out = set;
    for (float& x : out.data())
        x *= gain;
    return out;
}

}  // namespace

TEST_CASE("LAP protocol: a set against itself, and against itself at +6.02 dB", "[metrics][lap]") {
    const HrirSet ref = test::synthetic_set(50, 256, 48000.0);
    const LapScores same = lap_task2_scores(ref, ref);
    CHECK(same.directions == 50);
    CHECK(same.lsd_db == 0.0);
    CHECK(same.itd_error_us == 0.0);
    CHECK(same.ild_error_db == 0.0);
    CHECK(same.itd_pass);
    // Twice the amplitude: every bin 20 log10 2 dB apart, ILD and ITD unchanged.
    const LapScores louder = lap_task2_scores(ref, scaled(ref, 2.0f));
    CHECK(louder.lsd_db == Approx(20.0 * std::log10(2.0)).epsilon(1e-9));
    CHECK(louder.ild_error_db == Approx(0.0).margin(1e-9));
    CHECK(louder.itd_error_us == 0.0);
    CHECK(louder.per_direction.size() == 50);
}

TEST_CASE("LAP protocol: directions matched by angles rounded to 0.01 degree, in any order",
          "[metrics][lap]") {
    HrirSet ref = test::synthetic_set(40, 128, 48000.0);
    for (Direction& d : ref.directions()) {  // angles on the 0.01-degree grid
        d.azimuth_deg = std::round(d.azimuth_deg * 100.0) / 100.0;
        d.elevation_deg = std::round(d.elevation_deg * 100.0) / 100.0;
    }
    // The estimate: the reference's directions reversed, nudged by under 0.005 degree, plus
    // an extra direction the reference does not have (ignored).
    std::vector<std::size_t> order(ref.measurements());
    std::iota(order.rbegin(), order.rend(), 0);
    HrirSet est = ref.subset(order);
    for (Direction& d : est.directions())
        d.azimuth_deg += 0.004;
    HrirSet extra = ref.subset({0});
    extra.directions()[0] = {1.5, 2.5, 1.0};
    HrirSet combined(est.sample_rate_hz(), est.taps(), est.directions());
    combined.data() = est.data();
    combined.directions().push_back(extra.direction(0));
    combined.data().insert(combined.data().end(), extra.data().begin(), extra.data().end());
    const LapScores s = lap_task2_scores(ref, combined);
    CHECK(s.directions == 40);
    CHECK(s.lsd_db == 0.0);
    CHECK(s.per_direction[0].estimate_index == 39);

    // 0.006 degree off rounds to another key: the direction is missing, and named.
    HrirSet off = ref;
    off.directions()[7].azimuth_deg += 0.006;
    try {
        lap_task2_scores(ref, off);
        FAIL("no error");
    } catch (const InvalidArgumentError& e) {
        CHECK(std::string(e.what()).find("reference direction 7") != std::string::npos);
    }
}

TEST_CASE("LAP protocol: IRs as stored, thresholds, and refusals", "[metrics][lap]") {
    const HrirSet ref = test::synthetic_set(30, 128, 48000.0);
    // Data.Delay is ignored, as the LAP code ignores it.
    HrirSet delayed = ref;
    delayed.delays_samples().assign(30 * kEars, 3.0);
    CHECK(lap_task2_scores(ref, delayed).itd_error_us == 0.0);
    // Thresholds are strict.
    LapThresholds t;
    t.lsd_db = 20.0 * std::log10(2.0);
    const LapScores s = lap_task2_scores(ref, scaled(ref, 2.0f), t);
    CHECK(s.lsd_db >= t.lsd_db - 1e-12);
    t.lsd_db += 1e-6;
    CHECK(lap_task2_scores(ref, scaled(ref, 2.0f), t).lsd_pass);
    CHECK(LapThresholds{}.itd_us == 62.5);
    CHECK(LapThresholds{}.ild_db == 4.4);
    CHECK(LapThresholds{}.lsd_db == 7.4);
    // Another rate or length: refused, as the LAP code stops.
    CHECK_THROWS_AS(lap_task2_scores(ref, test::synthetic_set(30, 128, 44100.0)),
                    InvalidArgumentError);
    HrirSet longer = ref;
    longer.resize_taps(256);
    CHECK_THROWS_AS(lap_task2_scores(ref, longer), InvalidArgumentError);
}

TEST_CASE("LAP protocol and pinna's agree where their definitions meet", "[metrics][lap]") {
    // Same directions, no exclusion: the LAP figures equal compare()'s.
    const HrirSet ref = test::synthetic_set(60, 256, 48000.0);
    HrirSet est = ref;
    for (std::size_t i = 0; i < est.data().size(); i += 3)
        est.data()[i] *= 0.7f;
    const LapScores lap = lap_task2_scores(ref, est);
    const Comparison c = compare(ref, est);
    CHECK(lap.lsd_db == Approx(c.lsd_db).epsilon(1e-12));
    CHECK(lap.itd_error_us == Approx(c.itd_error_us).margin(1e-9));
    CHECK(lap.ild_error_db == Approx(c.ild_error_db).epsilon(1e-12));
}
