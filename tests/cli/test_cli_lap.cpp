// pinna evaluate --protocol lap: the LAP challenge's scoring through the command line.
#include <catch2/catch.hpp>

#include <sys/wait.h>

#include <array>
#include <cmath>
#include <cstdio>
#include <string>

#include "json/json.hpp"
#include "pinna/metrics.hpp"
#include "pinna/sofa.hpp"
#include "support/test_support.hpp"

using namespace pinna;
using detail::JsonValue;

namespace {

using Run = test::CommandRun;

Run run_cli(const std::string& args) {
    return test::run_command(std::string(PINNA_CLI_PATH) + " " + args);
}

}  // namespace

TEST_CASE("pinna evaluate --protocol lap: figures, thresholds and JSON", "[cli][lap]") {
    test::TempDir dir;
    const HrirSet ref = test::synthetic_set(64, 256, 48000.0);
    HrirSet louder = ref;
    for (float& x : louder.data())
        x *= 4.0f;  // +12.04 dB everywhere: LSD over the 7.4 dB threshold, ILD and ITD equal
    write_sofa(ref, dir.file("ref.sofa"));
    write_sofa(louder, dir.file("est.sofa"));
    const std::string pair = "'" + dir.file("ref.sofa") + "' '" + dir.file("est.sofa") + "'";

    const Run text = run_cli("evaluate " + pair + " --protocol lap");
    INFO(text.out);
    CHECK(text.code == 0);
    CHECK(text.out.find("all 64 reference directions scored") != std::string::npos);
    CHECK(text.out.find("LSD dB                 12.041        7.4       no") != std::string::npos);
    CHECK(text.out.find("ITD difference us       0.000       62.5      yes") != std::string::npos);

    const Run json = run_cli("evaluate " + pair + " --protocol lap --json --itd-threshold 100");
    REQUIRE(json.code == 0);
    const JsonValue v = JsonValue::parse(json.out, "output");
    CHECK(v.find("lsd_db")->as_number() == Approx(20 * std::log10(4.0)).epsilon(1e-6));
    CHECK(v.find("thresholds")->find("itd_us")->as_number() == 100.0);
    CHECK_FALSE(v.find("below_threshold")->find("lsd")->as_bool());
    // The library gives the same figures.
    const LapScores s =
        lap_task2_scores(read_sofa(dir.file("ref.sofa")), read_sofa(dir.file("est.sofa")));
    CHECK(v.find("lsd_db")->as_number() == Approx(s.lsd_db).epsilon(1e-8));
}

TEST_CASE("pinna evaluate --protocol lap: refusals", "[cli][lap][errors]") {
    test::TempDir dir;
    const HrirSet ref = test::synthetic_set(20, 128, 48000.0);
    write_sofa(ref, dir.file("ref.sofa"));
    write_sofa(ref.subset({0, 1, 2, 3, 4}), dir.file("sparse.sofa"));
    const std::string pair = "'" + dir.file("ref.sofa") + "' '" + dir.file("sparse.sofa") + "'";
    // Usage: the pinna protocol's options do not mix with it.
    CHECK(run_cli("evaluate " + pair + " --protocol lap --exclude x.sofa").code == 2);
    CHECK(run_cli("evaluate " + pair + " --protocol lap --tolerance 1").code == 2);
    CHECK(run_cli("evaluate " + pair + " --protocol lap --perceptual").code == 2);
    CHECK(run_cli("evaluate " + pair + " --protocol nope").code == 2);
    CHECK(run_cli("evaluate " + pair + " --itd-threshold 10").code == 2);
    // The estimate lacks reference directions: every one is scored, so that is an error.
    const Run r = run_cli("evaluate " + pair + " --protocol lap");
    CHECK(r.code == 1);
    CHECK(r.out.find("reference direction 5") != std::string::npos);
}
