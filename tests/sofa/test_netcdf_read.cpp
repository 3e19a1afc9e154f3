// The isolated worker reads plain SOFA files with netCDF-C (src/sofa/netcdf_read.hpp) and
// everything else with libmysofa; in-process reads always use libmysofa. Whichever reader
// ran, the set (or the error) must be the same.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "pinna/error.hpp"
#include "pinna/sofa.hpp"
#include "sofa/isolation.hpp"
#include "sofa/netcdf_read.hpp"
#include "sofa_fixture.hpp"
#include "support/test_support.hpp"
#include "verify_fixture.hpp"

using namespace pinna;

namespace {

std::string file_bytes(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

bool plain(const std::string& path) {
    const std::string bytes = file_bytes(path);
    return detail::read_plain_sofa(bytes.data(), bytes.size(), path).has_value();
}

// A read's outcome: the set, or the error's kind and text.
struct Outcome {
    std::optional<HrirSet> set;
    ErrorKind kind = ErrorKind::io;
    std::string error;
};

// How a read is made: isolated with netCDF-C first (the default), isolated with
// libmysofa only (PINNA_SOFA_READER=libmysofa), or in-process (always libmysofa).
enum class Reader { worker, worker_libmysofa, in_process };

Outcome read_with(const std::string& path, Reader reader, bool apply_delays) {
    SofaReadOptions options;
    options.isolate = reader != Reader::in_process;
    options.apply_delays = apply_delays;
    if (reader == Reader::worker_libmysofa)
        ::setenv("PINNA_SOFA_READER", "libmysofa", 1);
    Outcome out;
    try {
        out.set = read_sofa(path, options);
    } catch (const Error& e) {
        out.kind = e.kind();
        out.error = e.what();
    }
    ::unsetenv("PINNA_SOFA_READER");
    return out;
}

void require_same(const Outcome& worker, const Outcome& libmysofa) {
    REQUIRE(worker.set.has_value() == libmysofa.set.has_value());
    if (!worker.set) {
        CHECK(worker.kind == libmysofa.kind);
        CHECK(worker.error == libmysofa.error);
        return;
    }
    const HrirSet& a = *worker.set;
    const HrirSet& b = *libmysofa.set;
    CHECK(a.sample_rate_hz() == b.sample_rate_hz());
    CHECK(a.taps() == b.taps());
    CHECK(a.data() == b.data());  // bit for bit
    CHECK(a.delays_samples() == b.delays_samples());
    REQUIRE(a.directions().size() == b.directions().size());
    for (std::size_t m = 0; m < a.directions().size(); ++m) {
        CHECK(a.directions()[m].azimuth_deg == b.directions()[m].azimuth_deg);
        CHECK(a.directions()[m].elevation_deg == b.directions()[m].elevation_deg);
        CHECK(a.directions()[m].distance_m == b.directions()[m].distance_m);
    }
    // The same attributes; their order may differ where a file's attributes were stored
    // out of creation order: netCDF-C gives creation order (as ncdump lists them),
    // libmysofa the order of the HDF5 object header.
    auto sorted = [](std::vector<std::pair<std::string, std::string>> list) {
        std::sort(list.begin(), list.end());
        return list;
    };
    CHECK(sorted(a.metadata.attributes) == sorted(b.metadata.attributes));
    CHECK(a.metadata.source_convention == b.metadata.source_convention);
    CHECK(a.metadata.title == b.metadata.title);
}

}  // namespace

TEST_CASE("files stored in ways libmysofa reads otherwise are left to libmysofa", "[sofa]") {
    if (detail::worker_executable().empty()) {
        WARN("skipped: isolation forks here, and the forked child reads with libmysofa only");
        return;
    }
    test::TempDir dir;
    using Storage = test::FixtureVariable::Storage;
    // libmysofa 1.3.1 refuses chunked data without deflate and shuffle (and fletcher32),
    // scrambles deflated data without shuffle, reads big-endian doubles as zeros, reads M
    // as 0 when it is unlimited, and finds no values in a variable never written.
    struct Variant {
        const char* what;
        bool netcdf_reads;  // whether read_plain_sofa takes it
        void (*change)(test::FixtureFile&);
    };
    const Variant variants[] = {
        {"contiguous", true, [](test::FixtureFile&) {}},
        {"deflated and shuffled", true,
         [](test::FixtureFile& f) { f.variable("Data.IR").storage = Storage::deflate_shuffle; }},
        {"chunked, no filter", false,
         [](test::FixtureFile& f) { f.variable("Data.IR").storage = Storage::chunked_plain; }},
        {"deflated, not shuffled", false,
         [](test::FixtureFile& f) { f.variable("Data.IR").storage = Storage::deflate_only; }},
        {"fletcher32", false,
         [](test::FixtureFile& f) { f.variable("Data.IR").storage = Storage::fletcher32; }},
        {"big-endian", false,
         [](test::FixtureFile& f) { f.variable("Data.IR").big_endian = true; }},
        {"M unlimited", false,
         [](test::FixtureFile& f) {
             f.unlimited = {"M"};
             f.variable("Data.IR").storage = Storage::deflate_shuffle;
             f.variable("SourcePosition").storage = Storage::deflate_shuffle;
         }},
        // Written without fill values (as the fixtures are), a variable never written reads
        // as zeros: all-zero delays are as good as none, all-zero IRs are left to libmysofa.
        {"Data.Delay never written", true,
         [](test::FixtureFile& f) { f.variable("Data.Delay").values.clear(); }},
        {"Data.IR never written", false,
         [](test::FixtureFile& f) { f.variable("Data.IR").values.clear(); }},
    };
    for (const Variant& variant : variants) {
        INFO(variant.what);
        test::FixtureFile file = test::hrir_fixture(4, 8);
        variant.change(file);
        const std::string path = dir.file("layout.sofa");
        test::write_fixture_file(path, file);
        CHECK(plain(path) == variant.netcdf_reads);
        for (const bool apply : {true, false}) {
            CAPTURE(apply);
            require_same(read_with(path, Reader::worker, apply),
                         read_with(path, Reader::worker_libmysofa, apply));
        }
    }
}

TEST_CASE("a file pinna writes is read by netCDF-C as libmysofa reads it", "[sofa]") {
    test::TempDir dir;
    HrirSet original = test::synthetic_set(30, 64, 48000.0);
    original.delays_samples().assign(30 * kEars, 0.0);
    for (std::size_t i = 0; i < original.delays_samples().size(); ++i)
        original.delays_samples()[i] = 0.25 * static_cast<double>(i % 7);
    original.metadata.set_attribute("Comment", "netCDF and libmysofa");
    const std::string path = dir.file("plain.sofa");
    write_sofa(original, path);
    REQUIRE(plain(path));
    for (const bool apply : {true, false}) {
        CAPTURE(apply);
        require_same(read_with(path, Reader::worker, apply),
                     read_with(path, Reader::in_process, apply));
    }
}

TEST_CASE("bytes netCDF-C cannot take are left to libmysofa", "[sofa]") {
    const std::string junk = "\x89HDF\r\n\x1a\n and then nothing a reader could use";
    CHECK_FALSE(detail::read_plain_sofa(junk.data(), junk.size(), "junk.sofa").has_value());
}

TEST_CASE("the worker's reading agrees with libmysofa on real files of every kind",
          "[sofa][data]") {
    PINNA_REQUIRE_DATASETS();
    std::vector<std::string> files;
    for (const char* folder : {"sofa-zoo", "malformed"})
        for (const std::string& f : test::dataset_files(folder, ".sofa"))
            files.push_back(f);
    // The two large databases are alike file by file: two of each.
    for (const auto& [folder, suffix] :
         {std::pair<const char*, const char*>{"hutubs", "_HRIRs_measured.sofa"},
          {"sonicom", "_FreeFieldComp_44kHz.sofa"}}) {
        const auto all = test::dataset_files(folder, suffix);
        for (std::size_t i = 0; i < all.size() && i < 2; ++i)
            files.push_back(all[i]);
    }
    REQUIRE(files.size() > 10);
    for (const std::string& path : files) {
        INFO(path);
        // Against libmysofa in the worker too: in-process, LeakSanitizer would report what
        // libmysofa leaks on the corrupt files.
        require_same(read_with(path, Reader::worker, true),
                     read_with(path, Reader::worker_libmysofa, true));
    }
    // The files the fast reading is for do take it (only files known to be sound are given
    // to netCDF-C in this process).
    for (const char* name :
         {"sofa-zoo/MIT_KEMAR_normal_pinna.sofa", "sofa-zoo/CIPIC_subject_003_hrir_final.sofa",
          "sonicom/P0003_FreeFieldComp_44kHz.sofa", "hutubs/pp10_HRIRs_measured.sofa"}) {
        const std::string path = test::dataset_file(name);
        INFO(name);
        if (!path.empty())
            CHECK(plain(path));
    }
}
