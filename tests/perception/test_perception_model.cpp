// The whole model on synthetic sets: options, errors, and behaviour with known outcomes.
#include <catch2/catch.hpp>

#include <cmath>
#include <vector>

#include "perception/synthetic_listener.hpp"
#include "pinna/error.hpp"
#include "pinna/hrir_set.hpp"
#include "pinna/perception.hpp"

using namespace pinna;

using test::synthetic_listener;

TEST_CASE("options: published defaults, validation names the parameter", "[perception]") {
    const Baumgartner2014Options o;
    CHECK(o.sensitivity == 0.7);
    CHECK(o.selectivity_per_db == 6.0);
    CHECK(o.motor_scatter_deg == 17.0);
    CHECK(o.binaural_weighting_deg == 13.0);
    CHECK(o.lowest_frequency_hz == 700.0);
    CHECK(o.highest_frequency_hz == 18000.0);
    CHECK(o.lateral_angles_deg == std::vector<double>{-20.0, 0.0, 20.0});
    CHECK_NOTHROW(o.validate());
    auto fails = [](auto change, const char* word) {
        Baumgartner2014Options bad;
        change(bad);
        try {
            bad.validate();
            FAIL("accepted");
        } catch (const InvalidArgumentError& e) {
            CHECK(std::string(e.what()).find(word) != std::string::npos);
        }
    };
    fails([](auto& b) { b.sensitivity = 0.0; }, "sensitivity");
    fails([](auto& b) { b.sensitivity = NAN; }, "sensitivity");
    fails([](auto& b) { b.selectivity_per_db = -1.0; }, "Gamma");
    fails([](auto& b) { b.motor_scatter_deg = -1.0; }, "scatter");
    fails([](auto& b) { b.binaural_weighting_deg = 0.0; }, "Phi");
    fails([](auto& b) { b.lowest_frequency_hz = 20000.0; }, "lowest_frequency_hz");
    fails([](auto& b) { b.lateral_angles_deg = {}; }, "empty");
    fails([](auto& b) { b.lateral_angles_deg = {0.0, 90.0}; }, "lateral angle 90");
    fails([](auto& b) { b.min_target_polar_deg = 300.0; }, "polar range");
}

TEST_CASE("own set vs shifted cues vs no cues", "[perception]") {
    const HrirSet own = synthetic_listener();
    const Baumgartner2014Model model(own);
    const LocalizationPrediction self = model.predict(own);
    const LocalizationPrediction other = model.predict(synthetic_listener(1500.0));
    const LocalizationPrediction none = model.predict(synthetic_listener(0.0, true));
    REQUIRE(self.planes.size() == 3);
    for (const SagittalPlanePrediction& p : self.planes) {
        CHECK(p.target_polar_deg.size() == 25);  // -30..210 of -40..220
        CHECK(p.template_polar_deg.size() == 27);
        CHECK(p.response_polar_deg.size() == 72);
        CHECK(p.probabilities.size() == 25 * 72);
        double sum = 0;
        for (std::size_t r = 0; r < 72; ++r)
            sum += p.probabilities_of(3)[r];
        CHECK(sum == Approx(1.0).epsilon(1e-12));
    }
    CHECK(self.quadrant_error_percent < other.quadrant_error_percent);
    CHECK(self.polar_rms_error_deg < other.polar_rms_error_deg);
    // Without direction-dependent cues every response is as likely as any other (up to
    // the spline's edges): near the chance level.
    CHECK(none.quadrant_error_percent == Approx(none.chance_quadrant_error_percent).epsilon(0.15));
    CHECK(self.quadrant_error_percent < 0.5 * none.quadrant_error_percent);
    // The overall figures are the means of the planes.
    double qe = 0;
    for (const SagittalPlanePrediction& p : self.planes)
        qe += p.quadrant_error_percent / 3.0;
    CHECK(self.quadrant_error_percent == Approx(qe));
    // A more sensitive listener (smaller S) makes fewer errors with their own set.
    Baumgartner2014Options sharp;
    sharp.sensitivity = 0.3;
    CHECK(predict_localization(own, own, sharp).quadrant_error_percent <
          self.quadrant_error_percent);
}

TEST_CASE("the model is symmetric in the ears when the sets are", "[perception]") {
    // Swapping the ears and mirroring the lateral angle gives the same prediction.
    const HrirSet own = synthetic_listener();
    HrirSet mirrored = own;
    for (std::size_t m = 0; m < own.measurements(); ++m) {
        Direction& d = mirrored.directions()[m];
        d.azimuth_deg = -d.azimuth_deg;
        std::copy(own.ir(m, Ear::left), own.ir(m, Ear::left) + own.taps(),
                  mirrored.ir(m, Ear::right));
        std::copy(own.ir(m, Ear::right), own.ir(m, Ear::right) + own.taps(),
                  mirrored.ir(m, Ear::left));
    }
    const HrirSet other = synthetic_listener(800.0);
    HrirSet other_mirrored = other;
    for (std::size_t m = 0; m < other.measurements(); ++m) {
        other_mirrored.directions()[m].azimuth_deg = -other.directions()[m].azimuth_deg;
        std::copy(other.ir(m, Ear::left), other.ir(m, Ear::left) + other.taps(),
                  other_mirrored.ir(m, Ear::right));
        std::copy(other.ir(m, Ear::right), other.ir(m, Ear::right) + other.taps(),
                  other_mirrored.ir(m, Ear::left));
    }
    const LocalizationPrediction a = predict_localization(own, other);
    const LocalizationPrediction b = predict_localization(mirrored, other_mirrored);
    CHECK(a.planes[0].quadrant_error_percent == Approx(b.planes[2].quadrant_error_percent));
    CHECK(a.planes[1].polar_rms_error_deg == Approx(b.planes[1].polar_rms_error_deg));
}

TEST_CASE("bad input is refused with the reason", "[perception]") {
    const HrirSet own = synthetic_listener();
    // Too few directions in a plane.
    Baumgartner2014Options far;
    far.lateral_angles_deg = {60.0};
    try {
        Baumgartner2014Model model(own, far);
        FAIL("accepted");
    } catch (const TooFewDirectionsError& e) {
        CHECK(e.lateral_deg() == 60.0);
        CHECK(e.found() == 0);
        CHECK(e.needed() == 3);
        CHECK(std::string(e.what()).find("lateral angle 60") != std::string::npos);
    }
    // A target without a scored direction in a plane.
    const Baumgartner2014Model model(own);
    HrirSet median_only = own.subset({27, 28, 29, 30, 31, 32});
    CHECK_THROWS_AS(model.predict(median_only), TooFewDirectionsError);
    // NaN in the target.
    HrirSet nan = own;
    nan.ir(5, Ear::left)[3] = NAN;
    CHECK_THROWS_AS(model.predict(nan), InvalidDataError);
    // A sample rate too low for the 18 kHz band.
    HrirSet slow = own;
    slow.set_sample_rate_hz(32000.0);
    try {
        model.predict(slow);
        FAIL("accepted");
    } catch (const InvalidDataError& e) {
        CHECK(std::string(e.what()).find("32000 Hz") != std::string::npos);
    }
    // A silent IR.
    HrirSet silent = own;
    std::fill(silent.ir(30, Ear::right), silent.ir(30, Ear::right) + silent.taps(), 0.0f);
    Baumgartner2014Options plain;
    plain.dtf = DtfMethod::none;
    const Baumgartner2014Model plain_model(own, plain);
    try {
        plain_model.predict(silent);
        FAIL("accepted");
    } catch (const InvalidDataError& e) {
        CHECK(std::string(e.what()).find("silent") != std::string::npos);
    }
}

TEST_CASE("scored polar range and scatter switch", "[perception]") {
    const HrirSet own = synthetic_listener();
    Baumgartner2014Options all;
    all.min_target_polar_deg = -90.0;
    all.max_target_polar_deg = 270.0;
    const LocalizationPrediction wide = predict_localization(own, own, all);
    CHECK(wide.planes[1].target_polar_deg.size() == 27);
    CHECK(wide.planes[1].target_polar_deg.front() == Approx(-40.0));
    // Without motor scatter the responses stay within the template's polar range.
    Baumgartner2014Options no_scatter;
    no_scatter.motor_scatter_deg = 0.0;
    const LocalizationPrediction ns = predict_localization(own, own, no_scatter);
    CHECK(ns.planes[1].response_polar_deg.front() == Approx(-40.0));
    CHECK(ns.planes[1].response_polar_deg.back() == Approx(220.0));
    CHECK(ns.planes[1].response_polar_deg.size() == 53);
    // The scatter only spreads the responses: errors grow with it.
    const LocalizationPrediction with = predict_localization(own, own);
    CHECK(with.polar_rms_error_deg > ns.polar_rms_error_deg);
}
