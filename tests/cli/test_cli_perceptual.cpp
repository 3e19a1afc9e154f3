// pinna evaluate --perceptual: the Baumgartner 2014 model through the command line.
#include <catch2/catch.hpp>

#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <string>

#include "json/json.hpp"
#include "perception/synthetic_listener.hpp"
#include "pinna/perception.hpp"
#include "pinna/sofa.hpp"
#include "support/test_support.hpp"

using namespace pinna;
using detail::JsonValue;

namespace {

using Run = test::CommandRun;

Run run_cli(const std::string& args) {
    return test::run_command(std::string(PINNA_CLI_PATH) + " " + args);
}

double number_at(const JsonValue& v, std::initializer_list<const char*> path) {
    const JsonValue* at = &v;
    for (const char* key : path) {
        at = at->find(key);
        REQUIRE(at != nullptr);
    }
    REQUIRE(at->is_number());
    return at->as_number();
}

// The listener's own set and another listener's, written as SOFA files.
struct Pair {
    test::TempDir dir;
    std::string own = dir.file("own.sofa");
    std::string other = dir.file("other.sofa");
    Pair() {
        write_sofa(test::synthetic_listener(), own);
        write_sofa(test::synthetic_listener(1500.0), other);
    }
};

}  // namespace

TEST_CASE("evaluate --perceptual --json: the library's figures, own vs estimate",
          "[cli][perception]") {
    Pair files;
    const Run r = run_cli("evaluate " + files.own + " " + files.other + " --perceptual --json");
    REQUIRE(r.code == 0);
    const JsonValue j = JsonValue::parse(r.out, "evaluate --json");
    // The CLI reads the files back (float directions and IRs): compare with the library
    // on the same files.
    const HrirSet own = read_sofa(files.own), other = read_sofa(files.other);
    const LocalizationPrediction lib_own = predict_localization(own, own);
    const LocalizationPrediction lib_other = predict_localization(own, other);
    const double own_qe = number_at(j, {"perceptual", "reference", "quadrant_error_percent"});
    const double est_qe = number_at(j, {"perceptual", "estimate", "quadrant_error_percent"});
    const double own_pe = number_at(j, {"perceptual", "reference", "polar_rms_error_deg"});
    const double est_pe = number_at(j, {"perceptual", "estimate", "polar_rms_error_deg"});
    CHECK(own_qe == Approx(lib_own.quadrant_error_percent).epsilon(1e-9));
    CHECK(est_qe == Approx(lib_other.quadrant_error_percent).epsilon(1e-9));
    CHECK(own_pe == Approx(lib_own.polar_rms_error_deg).epsilon(1e-9));
    CHECK(est_pe == Approx(lib_other.polar_rms_error_deg).epsilon(1e-9));
    CHECK(own_qe < est_qe);
    CHECK(number_at(j, {"perceptual", "difference", "quadrant_error_percent"}) ==
          Approx(est_qe - own_qe).epsilon(1e-8));
    CHECK(number_at(j, {"perceptual", "difference", "polar_rms_error_deg"}) ==
          Approx(est_pe - own_pe).epsilon(1e-8));
    const JsonValue* planes = j.find("perceptual")->find("estimate")->find("planes");
    REQUIRE(planes != nullptr);
    REQUIRE(planes->items().size() == 3);
    CHECK(number_at(planes->items()[2], {"lateral_deg"}) == 20.0);
    CHECK(number_at(planes->items()[2], {"targets"}) == 25.0);
    // The usual metrics are still there.
    CHECK(number_at(j, {"lsd_db"}) > 0.0);

    // The listener's own set as the estimate: no difference at all.
    const Run same = run_cli("evaluate " + files.own + " " + files.own + " --perceptual --json");
    REQUIRE(same.code == 0);
    const JsonValue js = JsonValue::parse(same.out, "evaluate --json");
    CHECK(number_at(js, {"perceptual", "difference", "quadrant_error_percent"}) == 0.0);
    CHECK(number_at(js, {"perceptual", "difference", "polar_rms_error_deg"}) == 0.0);
}

TEST_CASE("evaluate --perceptual: text, options, and refusals", "[cli][perception]") {
    Pair files;
    const Run text = run_cli("evaluate " + files.own + " " + files.other + " --perceptual");
    REQUIRE(text.code == 0);
    CHECK(text.out.find("predicted localization") != std::string::npos);
    CHECK(text.out.find("own set") != std::string::npos);
    CHECK(text.out.find("difference") != std::string::npos);
    CHECK(text.out.find("LSD") != std::string::npos);

    // --sensitivity and --lateral reach the model.
    const Run one = run_cli("evaluate " + files.own + " " + files.other +
                            " --perceptual --json --lateral 0 --sensitivity 0.4");
    REQUIRE(one.code == 0);
    const JsonValue j = JsonValue::parse(one.out, "evaluate --json");
    Baumgartner2014Options o;
    o.lateral_angles_deg = {0.0};
    o.sensitivity = 0.4;
    const HrirSet own = read_sofa(files.own), other = read_sofa(files.other);
    CHECK(number_at(j, {"perceptual", "estimate", "quadrant_error_percent"}) ==
          Approx(predict_localization(own, other, o).quadrant_error_percent).epsilon(1e-9));
    CHECK(number_at(j, {"perceptual", "sensitivity"}) == 0.4);

    // Usage errors: exit 2.
    CHECK(run_cli("evaluate " + files.own + " " + files.other + " --sensitivity 0.5").code == 2);
    CHECK(
        run_cli("evaluate " + files.own + " " + files.other + " --perceptual --lateral 0,x").code ==
        2);
    CHECK(
        run_cli("evaluate " + files.own + " " + files.other + " --perceptual --lateral 95").code ==
        2);
    CHECK(run_cli("evaluate " + files.own + " " + files.other + " --perceptual --sensitivity -1")
              .code == 2);

    // A plane the sets do not cover: exit 1, one line saying why.
    const Run far =
        run_cli("evaluate " + files.own + " " + files.other + " --perceptual --lateral 45");
    CHECK(far.code == 1);
    CHECK(far.out.rfind("pinna: error: ", 0) == 0);
    CHECK(far.out.find("lateral angle 45") != std::string::npos);
}

TEST_CASE("evaluate --perceptual over folders: a row per pair and the mean", "[cli][perception]") {
    test::TempDir refs, ests;
    write_sofa(test::synthetic_listener(), refs.file("a.sofa"));
    write_sofa(test::synthetic_listener(700.0), refs.file("b.sofa"));
    write_sofa(test::synthetic_listener(1500.0), ests.file("a.sofa"));
    write_sofa(test::synthetic_listener(700.0), ests.file("b.sofa"));  // b's own set
    const Run r = run_cli("evaluate " + refs.path() + " " + ests.path() + " --perceptual --json");
    REQUIRE(r.code == 0);
    const JsonValue j = JsonValue::parse(r.out, "evaluate --json");
    const JsonValue* pairs = j.find("pairs");
    REQUIRE(pairs != nullptr);
    REQUIRE(pairs->items().size() == 2);
    const JsonValue& a = pairs->items()[0];
    const JsonValue& b = pairs->items()[1];
    CHECK(number_at(a, {"perceptual", "difference_quadrant_error_percent"}) > 0.0);
    CHECK(number_at(b, {"perceptual", "difference_quadrant_error_percent"}) == 0.0);
    const double mean_est = (number_at(a, {"perceptual", "estimate_quadrant_error_percent"}) +
                             number_at(b, {"perceptual", "estimate_quadrant_error_percent"})) /
                            2.0;
    CHECK(number_at(j, {"mean", "perceptual", "estimate_quadrant_error_percent"}) ==
          Approx(mean_est).epsilon(1e-9));

    const Run text = run_cli("evaluate " + refs.path() + " " + ests.path() + " --perceptual");
    REQUIRE(text.code == 0);
    CHECK(text.out.find("QE est%") != std::string::npos);
    CHECK(text.out.find("mean of 2 pairs") != std::string::npos);
}
