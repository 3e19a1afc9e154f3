#include <catch2/catch.hpp>

#include <cmath>

#include "pinna/error.hpp"
#include "pinna/sofa.hpp"
#include "support/test_support.hpp"

using namespace pinna;

TEST_CASE("missing file is an I/O error naming the file", "[sofa]") {
    try {
        read_sofa("/nonexistent/folder/x.sofa");
        FAIL("no error");
    } catch (const Error& e) {
        CHECK(e.kind() == ErrorKind::io);
        CHECK(std::string(e.what()).find("/nonexistent/folder/x.sofa") != std::string::npos);
    }
}

TEST_CASE("bytes that are not HDF5 are a malformed file", "[sofa]") {
    const std::string junk = "this is not a sofa file at all, just text";
    try {
        read_sofa_memory(junk.data(), junk.size(), "junk.sofa");
        FAIL("no error");
    } catch (const Error& e) {
        CHECK(e.kind() == ErrorKind::malformed_file);
        CHECK(std::string(e.what()).find("junk.sofa") != std::string::npos);
    }
}

TEST_CASE("Debian's KEMAR file loads with known sizes", "[sofa][data]") {
    const std::string path = test::system_kemar();
    if (path.empty()) {
        WARN("skipped: /usr/share/libmysofa/MIT_KEMAR_normal_pinna.sofa not installed");
        return;
    }
    const HrirSet set = read_sofa(path);
    CHECK(set.measurements() == 710);
    CHECK(set.taps() == 512);
    CHECK(set.sample_rate_hz() == 44100.0);
    CHECK(set.metadata.source_convention == "SimpleFreeFieldHRIR");
    CHECK_FALSE(set.has_delays());
    // The front direction: left and right ear are near mirror images, both with energy.
    double energy_l = 0.0, energy_r = 0.0;
    for (std::size_t m = 0; m < set.measurements(); ++m) {
        const Direction& d = set.direction(m);
        if (std::abs(d.azimuth_deg - 90.0) < 1e-3 && std::abs(d.elevation_deg) < 1e-3) {
            for (std::size_t n = 0; n < set.taps(); ++n) {
                energy_l += std::pow(set.ir(m, Ear::left)[n], 2);
                energy_r += std::pow(set.ir(m, Ear::right)[n], 2);
            }
        }
    }
    // A source at azimuth 90 (left) is louder at the left ear.
    CHECK(energy_l > 4.0 * energy_r);
}
