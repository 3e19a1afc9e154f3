// pinna::compare on real SOFA pairs against scripts/metrics_reference.py (an independent
// numpy/scipy implementation reading the files with netCDF4).
#include <catch2/catch.hpp>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <string>

#include "pinna/metrics.hpp"
#include "pinna/sofa.hpp"
#include "support/test_support.hpp"

namespace {

bool python_with_scipy() {
    return std::system(
               "/usr/bin/python3 -c 'import numpy, scipy.signal, netCDF4' >/dev/null 2>&1") == 0;
}

// Runs the reference script and returns its numeric top-level JSON fields.
std::map<std::string, double> run_reference(const std::string& args) {
    const std::string cmd = "/usr/bin/python3 " + std::string(PINNA_SOURCE_DIR) +
                            "/scripts/metrics_reference.py " + args;
    std::map<std::string, double> out;
    FILE* p = ::popen(cmd.c_str(), "r");
    if (!p)
        return out;
    char line[4096];
    while (std::fgets(line, sizeof line, p)) {
        // Lines of the form   "key": number,
        const std::string s = line;
        const auto q1 = s.find('"');
        const auto q2 = q1 == std::string::npos ? q1 : s.find('"', q1 + 1);
        const auto colon = q2 == std::string::npos ? q2 : s.find(':', q2);
        if (colon == std::string::npos)
            continue;
        char* end = nullptr;
        const char* value = s.c_str() + colon + 1;
        const double v = std::strtod(value, &end);
        if (end != value)
            out[s.substr(q1 + 1, q2 - q1 - 1)] = v;
    }
    ::pclose(p);
    return out;
}

void check_against(const pinna::Comparison& c, const std::map<std::string, double>& ref) {
    REQUIRE(ref.count("lsd_db") == 1);
    CHECK(c.scored == static_cast<std::size_t>(ref.at("scored")));
    CHECK(c.unmatched == static_cast<std::size_t>(ref.at("unmatched")));
    CHECK(c.excluded == static_cast<std::size_t>(ref.at("excluded")));
    CHECK(c.bins == static_cast<std::size_t>(ref.at("bins")));
    CHECK(c.lsd_db == Approx(ref.at("lsd_db")).margin(0.01));
    CHECK(c.sde_db == Approx(ref.at("sde_db")).margin(0.01));
    CHECK(c.ild_error_db == Approx(ref.at("ild_error_db")).margin(0.01));
    CHECK(c.itd_error_us == Approx(ref.at("itd_error_us")).margin(0.5));
    CHECK(c.pcc == Approx(ref.at("pcc")).margin(1e-4));
    CHECK(c.rmse == Approx(ref.at("rmse")).epsilon(1e-4));
    CHECK(c.mae == Approx(ref.at("mae")).epsilon(1e-4));
    CHECK(c.sdr_db == Approx(ref.at("sdr_db")).margin(0.01));
}

}  // namespace

TEST_CASE("HUTUBS pp1 vs pp2: figures recorded from the reference script") {
    PINNA_REQUIRE_DATASETS();
    const std::string a = pinna::test::dataset_file("hutubs/pp1_HRIRs_measured.sofa");
    const std::string b = pinna::test::dataset_file("hutubs/pp2_HRIRs_measured.sofa");
    REQUIRE(!a.empty());
    REQUIRE(!b.empty());
    const pinna::Comparison c = pinna::compare(pinna::read_sofa(a), pinna::read_sofa(b));
    // Recorded from: scripts/metrics_reference.py ../shared/datasets/hutubs/pp1_HRIRs_measured.sofa
    //                ../shared/datasets/hutubs/pp2_HRIRs_measured.sofa   (scipy 1.10.1)
    check_against(c, {{"scored", 440},
                      {"unmatched", 0},
                      {"excluded", 0},
                      {"bins", 116},
                      {"lsd_db", 6.53433955728707},
                      {"sde_db", 4.817520556879066},
                      {"pcc", 0.7073441137861105},
                      {"rmse", 0.1165389678780113},
                      {"mae", 0.03872789808312142},
                      {"sdr_db", 0.4477720706384526},
                      {"itd_error_us", 44.4238301381159},
                      {"ild_error_db", 1.7133799335456614}});
    CHECK(c.taps == 256);
    CHECK(c.min_bin_hz == Approx(172.265625));
    CHECK(c.max_bin_hz == Approx(19982.8125));
}

TEST_CASE("SONICOM pair with excluded directions: C++ equals the reference script (live)") {
    PINNA_REQUIRE_DATASETS();
    if (!python_with_scipy()) {
        WARN("skipped: /usr/bin/python3 with numpy, scipy and netCDF4 not found");
        return;
    }
    const std::string a = pinna::test::dataset_file("sonicom/P0003_FreeFieldComp_44kHz.sofa");
    const std::string b = pinna::test::dataset_file("sonicom/P0004_FreeFieldComp_44kHz.sofa");
    REQUIRE(!a.empty());
    REQUIRE(!b.empty());
    pinna::CompareOptions options;  // the LAP 5-direction subset
    options.exclude = {{315, 0, 1}, {0, -45, 1}, {0, 0, 1}, {0, 45, 1}, {45, 0, 1}};
    const pinna::Comparison c = pinna::compare(pinna::read_sofa(a), pinna::read_sofa(b), options);
    check_against(c,
                  run_reference(a + " " + b + " --exclude-directions '315,0;0,-45;0,0;0,45;45,0'"));
    CHECK(c.scored == 788);
}
