#include <mysofa.h>
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <iterator>
#include <map>
#include <string>

#include "core/vec_math.hpp"
#include "pinna/delay.hpp"
#include "pinna/error.hpp"
#include "pinna/sofa.hpp"
#include "sofa_fixture.hpp"
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

// ---------------------------------------------------------------------------------------
// Hand-made files: conversions and refusals no real file covers.

namespace {

HrirSet read_fixture(const test::SofaFixture& spec, const test::TempDir& dir) {
    const std::string path = dir.file("fixture.sofa");
    test::write_fixture(path, spec);
    return read_sofa(path);
}

ErrorKind fixture_error(const test::SofaFixture& spec, const test::TempDir& dir,
                        std::string* message = nullptr) {
    try {
        read_fixture(spec, dir);
    } catch (const Error& e) {
        if (message)
            *message = e.what();
        return e.kind();
    }
    FAIL("no error");
    return ErrorKind::io;
}

}  // namespace

TEST_CASE("cartesian source positions become spherical directions", "[sofa]") {
    test::TempDir dir;
    test::SofaFixture spec;
    spec.position_type = "cartesian";
    spec.position_units = "metre";
    spec.positions = {{0, 2, 0}, {1, 0, 1}, {-1, -1, 0}, {0, 0, -3}, {1e-3, -1e-3, 0}};
    const HrirSet set = read_fixture(spec, dir);
    REQUIRE(set.measurements() == 5);
    const double expected[5][3] = {{90, 0, 2},
                                   {0, 45, std::sqrt(2.0)},
                                   {225, 0, std::sqrt(2.0)},
                                   {0, -90, 3},
                                   {315, 0, std::sqrt(2e-6)}};
    for (std::size_t m = 0; m < 5; ++m) {
        INFO("measurement " << m);
        // libmysofa hands the positions over as floats: 1e-5 is their precision here.
        CHECK(set.direction(m).azimuth_deg == Approx(expected[m][0]).margin(1e-4));
        CHECK(set.direction(m).elevation_deg == Approx(expected[m][1]).margin(1e-4));
        CHECK(set.direction(m).distance_m == Approx(expected[m][2]).epsilon(1e-6));
    }
    // The IRs are untouched: tap n of measurement m, ear r as written.
    CHECK(set.ir(2, Ear::right)[3] == test::fixture_sample(2, 1, 3));
    CHECK(set.ir(4, Ear::left)[0] == test::fixture_sample(4, 0, 0));
}

TEST_CASE("spherical positions: radians, wrapped azimuths, elevations past the pole", "[sofa]") {
    test::TempDir dir;
    test::SofaFixture spec;
    SECTION("radians") {
        spec.position_units = "radian, radian, meter";
        spec.positions = {{kPi / 2, kPi / 6, 1.2}, {-kPi / 2, 0, 1.2}};
        const HrirSet set = read_fixture(spec, dir);
        CHECK(set.direction(0).azimuth_deg == Approx(90).margin(1e-4));
        CHECK(set.direction(0).elevation_deg == Approx(30).margin(1e-4));
        CHECK(set.direction(1).azimuth_deg == Approx(270).margin(1e-4));
        CHECK(set.direction(0).distance_m == Approx(1.2).epsilon(1e-6));
    }
    SECTION("degrees") {
        spec.positions = {{-30, 10, 1}, {400, 0, 1}, {10, 120, 1}, {0, 0, 0}};
        const HrirSet set = read_fixture(spec, dir);
        CHECK(set.direction(0).azimuth_deg == Approx(330).margin(1e-4));
        CHECK(set.direction(1).azimuth_deg == Approx(40).margin(1e-4));
        // 120 degrees up over the top from azimuth 10 is 60 degrees up from azimuth 190.
        CHECK(set.direction(2).azimuth_deg == Approx(190).margin(1e-4));
        CHECK(set.direction(2).elevation_deg == Approx(60).margin(1e-4));
        CHECK(set.direction(3).distance_m == 0.0);
    }
}

TEST_CASE("GeneralFIR-E with one emitter reads; units and dimensions that do not fit are refused",
          "[sofa]") {
    test::TempDir dir;
    test::SofaFixture spec;
    spec.positions = {{0, 0, 1}, {90, 0, 1}, {180, 0, 1}};
    std::string message;

    SECTION("GeneralFIR-E, E = 1") {
        spec.conventions = "GeneralFIR-E";
        spec.data_type = "FIR-E";
        spec.ir_per_emitter = true;
        const HrirSet set = read_fixture(spec, dir);
        CHECK(set.measurements() == 3);
        CHECK(set.metadata.source_convention == "GeneralFIR-E");
        CHECK(set.ir(1, Ear::right)[2] == test::fixture_sample(1, 1, 2));
    }
    SECTION("GeneralFIR-E, E = 2") {
        spec.conventions = "GeneralFIR-E";
        spec.data_type = "FIR-E";
        spec.ir_per_emitter = true;
        spec.emitters = 2;
        CHECK(fixture_error(spec, dir, &message) == ErrorKind::unsupported_convention);
        CHECK(message.find("2 emitters") != std::string::npos);
    }
    SECTION("Data.IR stored as M x N x R") {
        spec.ir_order = "MNR";
        CHECK(fixture_error(spec, dir, &message) == ErrorKind::malformed_file);
        CHECK(message.find("Data.IR has dimensions 'M,N,R'") != std::string::npos);
    }
    SECTION("spherical positions in metres only") {
        spec.position_units = "metre";
        CHECK(fixture_error(spec, dir, &message) == ErrorKind::malformed_file);
        CHECK(message.find("SourcePosition:Units 'metre'") != std::string::npos);
    }
    SECTION("an unknown coordinate type") {
        spec.position_type = "polar";
        CHECK(fixture_error(spec, dir, &message) == ErrorKind::malformed_file);
        CHECK(message.find("'polar'") != std::string::npos);
    }
    SECTION("one source position shared by all measurements") {
        spec.positions = {{0, 0, 1}};
        spec.measurements = 3;
        CHECK(fixture_error(spec, dir, &message) == ErrorKind::unsupported_convention);
    }
    SECTION("a transfer-function DataType") {
        spec.data_type = "TF";
        CHECK(fixture_error(spec, dir, &message) == ErrorKind::unsupported_convention);
        CHECK(message.find(dir.file("fixture.sofa")) != std::string::npos);
    }
}

TEST_CASE("global attributes come in file order", "[sofa][data]") {
    const std::string path = test::system_kemar();
    if (path.empty()) {
        WARN("skipped: /usr/share/libmysofa/MIT_KEMAR_normal_pinna.sofa not installed");
        return;
    }
    const HrirSet set = read_sofa(path);
    // ncdump -h lists 22 global attributes from Conventions to ListenerShortName (plus
    // netCDF's own _NCProperties, which is left out).
    const auto& a = set.metadata.attributes;
    REQUIRE(a.size() == 22);
    CHECK(a.front().first == "Conventions");
    CHECK(a[1].first == "Version");
    CHECK(a[2].first == "SOFAConventions");
    CHECK(a.back().first == "ListenerShortName");
    CHECK(set.metadata.attribute("History") ==
          "Converted from the MIT format\nUpgraded from SOFA 0.6");
    CHECK(set.metadata.database_name == "MIT");
    CHECK(set.metadata.listener_short_name == "KEMAR, normal pinna");
    CHECK(set.metadata.license == "No license provided, ask the author for permission");
}

TEST_CASE("reading from memory gives the same set as reading the path", "[sofa][data]") {
    const std::string path = test::system_kemar();
    if (path.empty()) {
        WARN("skipped: /usr/share/libmysofa/MIT_KEMAR_normal_pinna.sofa not installed");
        return;
    }
    std::ifstream f(path, std::ios::binary);
    const std::string bytes((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
    const HrirSet a = read_sofa(path);
    const HrirSet b = read_sofa_memory(bytes.data(), bytes.size(), path);
    CHECK(a.data() == b.data());
    CHECK(a.sample_rate_hz() == b.sample_rate_hz());
    REQUIRE(a.measurements() == b.measurements());
    for (std::size_t m = 0; m < a.measurements(); ++m) {
        CHECK(a.direction(m).azimuth_deg == b.direction(m).azimuth_deg);
        CHECK(a.direction(m).elevation_deg == b.direction(m).elevation_deg);
        CHECK(a.direction(m).distance_m == b.direction(m).distance_m);
    }
    CHECK(a.metadata.attributes == b.metadata.attributes);
    CHECK(b.metadata.source_path == path);

    // A truncated image is a malformed file, named.
    try {
        read_sofa_memory(bytes.data(), bytes.size() / 2, "half.sofa");
        FAIL("no error");
    } catch (const Error& e) {
        CHECK(e.kind() == ErrorKind::malformed_file);
        CHECK(std::string(e.what()).find("half.sofa") != std::string::npos);
    }
}

// The same code runs in the worker process and in-process (isolate = false): the two must
// give the same set and the same summary. In-process also puts pinna's own parsing under
// the caller's sanitizers (LeakSanitizer does not run in the worker).
TEST_CASE("isolated and in-process reads agree", "[sofa]") {
    test::TempDir dir;
    HrirSet original = test::synthetic_set(40, 48, 48000.0);
    original.delays_samples().assign(40 * kEars, 0.0);
    for (std::size_t i = 0; i < original.delays_samples().size(); ++i)
        original.delays_samples()[i] = static_cast<double>(i % 5);
    original.metadata.set_attribute("Comment", "delays of 0..4 samples");
    const std::string path = dir.file("in.sofa");
    write_sofa(original, path);
    for (const bool apply : {true, false}) {
        CAPTURE(apply);
        SofaReadOptions isolated, local;
        isolated.apply_delays = local.apply_delays = apply;
        local.isolate = false;
        const HrirSet a = read_sofa(path, isolated), b = read_sofa(path, local);
        CHECK(a.data() == b.data());
        CHECK(a.taps() == b.taps());
        CHECK(a.delays_samples() == b.delays_samples());
        CHECK(a.directions().size() == b.directions().size());
        CHECK(a.metadata.attributes == b.metadata.attributes);
        CHECK(a.has_delays() == !apply);
    }
    SofaReadOptions local;
    local.isolate = false;
    const SofaSummary s1 = describe_sofa(path), s2 = describe_sofa(path, local);
    CHECK(s1.attributes == s2.attributes);
    CHECK(s1.measurements == s2.measurements);
    CHECK(s1.samples == s2.samples);
    CHECK(s1.hrir_set == s2.hrir_set);
    // Writing in-process gives the same file contents as through the worker.
    SofaWriteOptions in_process;
    in_process.isolate = false;
    write_sofa(original, dir.file("local.sofa"), in_process);
    const HrirSet c = read_sofa(dir.file("local.sofa"), local);
    CHECK(c.data() == read_sofa(path, local).data());
}

// ---------------------------------------------------------------------------------------
// Real data.

TEST_CASE("every HUTUBS and SONICOM file loads with its known sizes", "[sofa][data]") {
    PINNA_REQUIRE_DATASETS();
    struct Database {
        const char* folder;
        const char* suffix;
        std::size_t files, measurements;
    };
    for (const Database db : {Database{"hutubs", "_HRIRs_measured.sofa", 86, 440},
                              Database{"sonicom", "_FreeFieldComp_44kHz.sofa", 36, 793}}) {
        const auto files = test::dataset_files(db.folder, db.suffix);
        INFO(db.folder);
        CHECK(files.size() == db.files);
        for (const std::string& path : files) {
            INFO(path);
            const HrirSet set = read_sofa(path);
            CHECK(set.measurements() == db.measurements);
            CHECK(set.taps() == 256);
            CHECK(set.sample_rate_hz() == 44100.0);
            CHECK(set.metadata.source_convention == "SimpleFreeFieldHRIR");
        }
    }
}

TEST_CASE("every sofa-zoo file loads or fails with the expected kind", "[sofa][data]") {
    PINNA_REQUIRE_DATASETS();
    struct Expected {
        bool loads;
        ErrorKind kind;  // when it does not load
        std::size_t m, n;
        double fs;
    };
    const auto ok = [](std::size_t m, std::size_t n, double fs) {
        return Expected{true, ErrorKind::io, m, n, fs};
    };
    const auto fails = [](ErrorKind k) { return Expected{false, k, 0, 0, 0}; };
    const std::map<std::string, Expected> expected = {
        {"ARI_NH4_4_freqs.sofa", fails(ErrorKind::unsupported_convention)},  // SimpleFreeFieldTF
        {"ARI_NH4_hrtf_M_dtf_256.sofa", ok(1550, 256, 48000)},
        {"CIPIC_subject_003_hrir_final.sofa", ok(1250, 200, 44100)},
        // Delays of 5..26 samples applied: 200 + 26 taps.
        {"CIPIC_subject_003_hrir_final_itdInDelayField.sofa", ok(1250, 226, 44100)},
        {"FHK_HRIR_L2354.sofa", ok(2354, 128, 48000)},
        {"LISTEN_1002_IRC_1002_C_HRIR.sofa", ok(187, 512, 48000)},
        {"MIT_KEMAR_large_pinna.sofa", ok(710, 512, 44100)},
        {"MIT_KEMAR_normal_pinna.sofa", ok(710, 512, 44100)},
        {"Pulse.sofa", ok(1250, 256, 48000)},
        {"dtf_nh2.sofa", ok(1550, 256, 48000)},
        {"hpir_nh5.sofa", fails(ErrorKind::unsupported_convention)},  // SimpleHeadphoneIR
        {"hrtf_c_nh898.sofa", ok(1550, 256, 48000)},
        {"tester.sofa", ok(1250, 256, 48000)},
        {"testfile.sofa", fails(ErrorKind::unsupported_convention)},  // GeneralFIR-E, E = 2
    };
    const auto files = test::dataset_files("sofa-zoo", ".sofa");
    CHECK(files.size() == expected.size());
    for (const std::string& path : files) {
        const std::string name = path.substr(path.find_last_of('/') + 1);
        INFO(name);
        const auto it = expected.find(name);
        REQUIRE(it != expected.end());  // a new file: add its expected outcome above
        const Expected& e = it->second;
        try {
            const HrirSet set = read_sofa(path);
            CHECK(e.loads);
            CHECK(set.measurements() == e.m);
            CHECK(set.taps() == e.n);
            CHECK(set.sample_rate_hz() == e.fs);
        } catch (const Error& error) {
            INFO(error.what());
            CHECK_FALSE(e.loads);
            CHECK(error.kind() == e.kind);
            CHECK(std::string(error.what()).find(path) != std::string::npos);
        }
    }
}

TEST_CASE("CIPIC with its ITD in Data.Delay gives its twin's ear signals", "[sofa][data]") {
    PINNA_REQUIRE_DATASETS();
    const std::string plain_path = test::dataset_file("sofa-zoo/CIPIC_subject_003_hrir_final.sofa");
    const std::string split_path =
        test::dataset_file("sofa-zoo/CIPIC_subject_003_hrir_final_itdInDelayField.sofa");
    REQUIRE_FALSE(plain_path.empty());
    REQUIRE_FALSE(split_path.empty());
    const HrirSet plain = read_sofa(plain_path);
    const HrirSet joined = read_sofa(split_path);  // delays applied
    REQUIRE(joined.measurements() == plain.measurements());
    REQUIRE(joined.taps() == plain.taps() + 26);
    CHECK_FALSE(joined.has_delays());

    SofaReadOptions keep;
    keep.apply_delays = false;
    const HrirSet split = read_sofa(split_path, keep);
    REQUIRE(split.has_delays());
    REQUIRE(split.taps() == 200);
    double lowest = 1e9, highest = -1;
    for (double d : split.delays_samples()) {
        lowest = std::min(lowest, d);
        highest = std::max(highest, d);
        CHECK(d == std::round(d));
    }
    CHECK(lowest == 5.0);
    CHECK(highest == 26.0);

    // Kept delays survive a write as Data.Delay M x R.
    {
        test::TempDir dir;
        const std::string path = dir.file("cipic_split.sofa");
        write_sofa(split, path);
        int filter_length = 0, err = -1;
        MYSOFA_EASY* easy = mysofa_open(path.c_str(), 44100.0f, &filter_length, &err);
        CHECK(err == MYSOFA_OK);
        if (easy)
            mysofa_close(easy);
        const HrirSet back = read_sofa(path, keep);
        CHECK(back.delays_samples() == split.delays_samples());
        CHECK(back.data() == split.data());
        CHECK(read_sofa(path).data() == joined.data());
    }

    // How the twin was made (checked with Python on the files): each IR of the plain file
    // lost its leading samples below 0.1 % (-60 dB) of its peak, and the number of samples
    // removed, plus one, went into Data.Delay. So with the delay applied, the ear signal is
    // the plain IR one sample later: bit-identical from the delay on, and before it zeros
    // standing in for plain samples of at most 1e-3 x the IR's peak (the largest such
    // sample is 0.99992e-3 x its peak). Both bounds are met exactly by the data; nothing
    // is interpolated (the delays are whole samples).
    const std::size_t N = plain.taps();
    std::size_t exact_mismatches = 0;
    double worst_cut_ratio = 0.0;
    for (std::size_t m = 0; m < plain.measurements(); ++m) {
        for (std::size_t e = 0; e < kEars; ++e) {
            const Ear ear = static_cast<Ear>(e);
            const float* a = plain.ir(m, ear);
            const float* b = joined.ir(m, ear);
            const auto d = static_cast<std::size_t>(split.delay_samples(m, ear));
            float peak = 0.0f;
            for (std::size_t n = 0; n < N; ++n)
                peak = std::max(peak, std::abs(a[n]));
            for (std::size_t t = 0; t < joined.taps(); ++t) {
                const float shifted = (t >= 1 && t - 1 < N) ? a[t - 1] : 0.0f;
                if (t >= d) {
                    exact_mismatches += b[t] != shifted;
                } else {
                    CHECK(b[t] == 0.0f);
                    worst_cut_ratio = std::max(worst_cut_ratio, double(std::abs(shifted)) / peak);
                }
            }
        }
    }
    CHECK(exact_mismatches == 0);
    CHECK(worst_cut_ratio <= 1e-3);
    CHECK(worst_cut_ratio > 0.9e-3);  // the cut really is at -60 dB, not at some lower level
}
