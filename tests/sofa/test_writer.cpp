#include <dirent.h>
#include <mysofa.h>
#include <netcdf.h>
#include <sys/wait.h>
#include <unistd.h>
#include <catch2/catch.hpp>

#include <atomic>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <limits>
#include <map>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "pinna/delay.hpp"
#include "pinna/error.hpp"
#include "pinna/sofa.hpp"
#include "support/test_support.hpp"

using namespace pinna;

namespace {

std::vector<std::string> folder_entries(const std::string& dir) {
    std::vector<std::string> out;
    if (DIR* d = ::opendir(dir.c_str())) {
        while (dirent* e = ::readdir(d)) {
            const std::string name = e->d_name;
            if (name != "." && name != "..")
                out.push_back(name);
        }
        ::closedir(d);
    }
    return out;
}

std::string read_bytes(const std::string& path) {
    std::ifstream f(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>()};
}

// Azimuths are compared on the circle: 359.99999 and 0 are close.
double azimuth_gap_deg(double a, double b) {
    const double d = std::fmod(std::abs(a - b), 360.0);
    return std::min(d, 360.0 - d);
}

// What every file pinna writes must pass: libmysofa's whole mysofa_open chain (check,
// resample, loudness, tocartesian, lookup, neighbourhood) at the file's own rate and at
// another rate, and Debian's mysofa2json.
void require_libmysofa_accepts(const std::string& path, double fs, std::size_t taps) {
    int filter_length = 0, err = -1;
    MYSOFA_EASY* easy = mysofa_open(path.c_str(), static_cast<float>(fs), &filter_length, &err);
    INFO(path << ": mysofa_open error " << err);
    REQUIRE(err == MYSOFA_OK);
    REQUIRE(easy != nullptr);
    CHECK(filter_length == static_cast<int>(taps));
    // One lookup, to be sure the lookup and neighbourhood tables were built.
    float left[4096], right[4096], delay_l = 0, delay_r = 0;
    if (taps <= 4096) {
        mysofa_getfilter_float(easy, 1.0f, 0.0f, 0.0f, left, right, &delay_l, &delay_r);
        CHECK(std::isfinite(left[0]));
    }
    mysofa_close(easy);

    err = -1;
    easy = mysofa_open(path.c_str(), static_cast<float>(fs == 44100.0 ? 48000.0 : 44100.0),
                       &filter_length, &err);
    CHECK(err == MYSOFA_OK);
    if (easy)
        mysofa_close(easy);

    const char* tool = "/usr/bin/mysofa2json";
    if (::access(tool, X_OK) != 0) {
        WARN("mysofa2json check skipped: /usr/bin/mysofa2json is not installed (libmysofa-utils)");
        return;
    }
    const std::string command = std::string(tool) + " '" + path + "' > /dev/null 2>&1";
    const int status = std::system(command.c_str());
    INFO(command);
    REQUIRE(WIFEXITED(status));
    CHECK(WEXITSTATUS(status) == 0);
}

// The netCDF view of a written file.
struct NcReader {
    int id = -1;
    explicit NcReader(const std::string& path) {
        REQUIRE(nc_open(path.c_str(), NC_NOWRITE, &id) == NC_NOERR);
    }
    ~NcReader() { nc_close(id); }

    std::size_t dimension(const char* name) const {
        int dim;
        REQUIRE(nc_inq_dimid(id, name, &dim) == NC_NOERR);
        std::size_t len = 0;
        REQUIRE(nc_inq_dimlen(id, dim, &len) == NC_NOERR);
        return len;
    }
    int variable(const char* name) const {
        int var = -1;
        INFO("variable " << name);
        REQUIRE(nc_inq_varid(id, name, &var) == NC_NOERR);
        return var;
    }
    std::string dimensions_of(const char* name) const {
        const int var = variable(name);
        int ndims = 0, dims[NC_MAX_VAR_DIMS];
        nc_type type;
        REQUIRE(nc_inq_var(id, var, nullptr, &type, &ndims, dims, nullptr) == NC_NOERR);
        CHECK(type == NC_DOUBLE);
        std::string out;
        for (int i = 0; i < ndims; ++i) {
            char dim_name[NC_MAX_NAME + 1];
            REQUIRE(nc_inq_dimname(id, dims[i], dim_name) == NC_NOERR);
            out += (i ? "," : "") + std::string(dim_name);
        }
        return out;
    }
    // A text attribute, required to be NC_CHAR (libmysofa 1.3.1 cannot read NC_STRING).
    std::string text(int var, const char* name) const {
        nc_type type;
        std::size_t len = 0;
        INFO("attribute " << name);
        REQUIRE(nc_inq_att(id, var, name, &type, &len) == NC_NOERR);
        REQUIRE(type == NC_CHAR);
        std::string value(len, '\0');
        if (len)
            REQUIRE(nc_get_att_text(id, var, name, &value[0]) == NC_NOERR);
        return value;
    }
    std::vector<double> values(const char* name) const {
        const int var = variable(name);
        int ndims = 0, dims[NC_MAX_VAR_DIMS];
        REQUIRE(nc_inq_var(id, var, nullptr, nullptr, &ndims, dims, nullptr) == NC_NOERR);
        std::size_t count = 1;
        for (int i = 0; i < ndims; ++i) {
            std::size_t len;
            REQUIRE(nc_inq_dimlen(id, dims[i], &len) == NC_NOERR);
            count *= len;
        }
        std::vector<double> out(count);
        REQUIRE(nc_get_var_double(id, var, out.data()) == NC_NOERR);
        return out;
    }
};

void require_same_set(const HrirSet& a, const HrirSet& b, double angle_tol_deg) {
    REQUIRE(b.measurements() == a.measurements());
    REQUIRE(b.taps() == a.taps());
    CHECK(b.sample_rate_hz() == a.sample_rate_hz());
    CHECK(b.data() == a.data());  // float-exact: float -> double -> float is lossless
    double worst_az = 0, worst_el = 0, worst_r = 0;
    for (std::size_t m = 0; m < a.measurements(); ++m) {
        // At the poles the azimuth carries no information.
        if (std::abs(a.direction(m).elevation_deg) < 90.0 - 1e-6)
            worst_az = std::max(
                worst_az, azimuth_gap_deg(a.direction(m).azimuth_deg, b.direction(m).azimuth_deg));
        worst_el = std::max(worst_el,
                            std::abs(a.direction(m).elevation_deg - b.direction(m).elevation_deg));
        worst_r =
            std::max(worst_r, std::abs(a.direction(m).distance_m - b.direction(m).distance_m));
    }
    CHECK(worst_az <= angle_tol_deg);
    CHECK(worst_el <= angle_tol_deg);
    CHECK(worst_r <= 1e-6);
}

const std::set<std::string> kForced = {
    "Conventions", "Version",    "SOFAConventions", "SOFAConventionsVersion",
    "APIName",     "APIVersion", "ApplicationName", "ApplicationVersion",
    "DataType",    "RoomType",   "DateModified"};

}  // namespace

TEST_CASE("synthetic set: write, read back, same IRs, directions, rate and metadata",
          "[sofa][write]") {
    test::TempDir dir;
    HrirSet set = test::synthetic_set(64, 64, 48000.0);
    set.metadata.database_name = "pinna tests";
    set.metadata.listener_short_name = "synthetic head";
    set.metadata.license = "CC0";
    set.metadata.comment = "written by test_writer";
    set.metadata.set_attribute("RoomDescription", "room of 6.2m \xC3\x97 5.5m \xC3\x97 2.9m");
    set.metadata.set_attribute("SourceDescription", "elevations from -45\xC2\xBA to 225\xC2\xBA");
    set.metadata.set_attribute("DateCreated", "2001-02-03 04:05:06");
    // Wrong values of read-only attributes are forced to the convention's.
    set.metadata.set_attribute("DataType", "TF");
    set.metadata.set_attribute("SOFAConventions", "GeneralTF");
    set.metadata.set_attribute("RoomType", "reverberant");
    set.metadata.set_attribute("Title", "overridden by the named field");
    set.metadata.set_attribute("_Reserved", "netCDF-internal name, not written");
    const std::string path = dir.file("synthetic.sofa");
    write_sofa(set, path);

    CHECK(folder_entries(dir.path()) == std::vector<std::string>{"synthetic.sofa"});
    require_libmysofa_accepts(path, 48000.0, 64);

    const HrirSet back = read_sofa(path);
    require_same_set(set, back, 1e-4);
    CHECK_FALSE(back.has_delays());
    const Metadata& meta = back.metadata;
    CHECK(meta.source_convention == "SimpleFreeFieldHRIR");
    CHECK(meta.title == "synthetic");
    CHECK(meta.database_name == "pinna tests");
    CHECK(meta.listener_short_name == "synthetic head");
    CHECK(meta.license == "CC0");
    CHECK(meta.comment == "written by test_writer");
    CHECK(meta.attribute("RoomDescription") == "room of 6.2m \xC3\x97 5.5m \xC3\x97 2.9m");
    CHECK(meta.attribute("SourceDescription") == "elevations from -45\xC2\xBA to 225\xC2\xBA");
    CHECK(meta.attribute("DataType") == "FIR");
    CHECK(meta.attribute("SOFAConventions") == "SimpleFreeFieldHRIR");
    CHECK(meta.attribute("SOFAConventionsVersion") == "1.0");
    CHECK(meta.attribute("Version") == "2.1");
    CHECK(meta.attribute("Conventions") == "SOFA");
    CHECK(meta.attribute("RoomType") == "free field");
    CHECK(meta.attribute("APIName") == "pinna");
    CHECK(meta.attribute("ApplicationName") == "pinna");
    CHECK(meta.attribute("DateCreated") == "2001-02-03 04:05:06");
    const std::string modified = meta.attribute("DateModified");
    REQUIRE(modified.size() == 19);  // yyyy-mm-dd HH:MM:SS
    CHECK(modified.substr(0, 2) == "20");
    CHECK(modified[4] == '-');
    CHECK(modified[10] == ' ');
    CHECK(modified[13] == ':');
    CHECK(meta.attribute("_Reserved").empty());
    // Mandatory attributes the set did not have are present (empty).
    for (const char* name : {"AuthorContact", "Organization", "History", "References", "Origin"}) {
        INFO(name);
        CHECK(std::any_of(meta.attributes.begin(), meta.attributes.end(),
                          [&](const auto& kv) { return kv.first == name; }));
    }
    // The convention's attributes come first, in the order of its table.
    REQUIRE(meta.attributes.size() >= 4);
    CHECK(meta.attributes[0].first == "Conventions");
    CHECK(meta.attributes[1].first == "Version");
    CHECK(meta.attributes[2].first == "SOFAConventions");
    CHECK(meta.attributes[3].first == "SOFAConventionsVersion");
}

TEST_CASE("written file has the SimpleFreeFieldHRIR 1.0 structure", "[sofa][write]") {
    test::TempDir dir;
    const HrirSet set = test::synthetic_set(20, 32, 44100.0);
    const std::string path = dir.file("layout.sofa");
    write_sofa(set, path);
    require_libmysofa_accepts(path, 44100.0, 32);
    NcReader nc(path);

    CHECK(nc.dimension("I") == 1);
    CHECK(nc.dimension("C") == 3);
    CHECK(nc.dimension("R") == 2);
    CHECK(nc.dimension("E") == 1);
    CHECK(nc.dimension("N") == 32);
    CHECK(nc.dimension("M") == 20);
    CHECK(nc.dimension("S") == 0);

    CHECK(nc.dimensions_of("ListenerPosition") == "I,C");
    CHECK(nc.dimensions_of("ListenerUp") == "I,C");
    CHECK(nc.dimensions_of("ListenerView") == "I,C");
    CHECK(nc.dimensions_of("ReceiverPosition") == "R,C,I");
    CHECK(nc.dimensions_of("SourcePosition") == "M,C");
    CHECK(nc.dimensions_of("EmitterPosition") == "E,C,I");
    CHECK(nc.dimensions_of("Data.IR") == "M,R,N");
    CHECK(nc.dimensions_of("Data.SamplingRate") == "I");
    CHECK(nc.dimensions_of("Data.Delay") == "I,R");

    for (const char* name :
         {"ListenerPosition", "ReceiverPosition", "EmitterPosition", "ListenerView"}) {
        INFO(name);
        CHECK(nc.text(nc.variable(name), "Type") == "cartesian");
        CHECK(nc.text(nc.variable(name), "Units") == "metre");
    }
    CHECK(nc.text(nc.variable("SourcePosition"), "Type") == "spherical");
    CHECK(nc.text(nc.variable("SourcePosition"), "Units") == "degree, degree, metre");
    CHECK(nc.text(nc.variable("Data.SamplingRate"), "Units") == "hertz");

    CHECK(nc.values("ListenerPosition") == std::vector<double>{0, 0, 0});
    CHECK(nc.values("ListenerUp") == std::vector<double>{0, 0, 1});
    CHECK(nc.values("ListenerView") == std::vector<double>{1, 0, 0});
    CHECK(nc.values("EmitterPosition") == std::vector<double>{0, 0, 0});
    // Left ear (receiver 0) at +y, right ear at -y.
    CHECK(nc.values("ReceiverPosition") == std::vector<double>{0, 0.09, 0, 0, -0.09, 0});
    CHECK(nc.values("Data.SamplingRate") == std::vector<double>{44100.0});
    CHECK(nc.values("Data.Delay") == std::vector<double>{0, 0});
    const std::vector<double> pos = nc.values("SourcePosition");
    REQUIRE(pos.size() == 60);
    CHECK(pos[3 * 7] == set.direction(7).azimuth_deg);
    CHECK(pos[3 * 7 + 1] == set.direction(7).elevation_deg);
    CHECK(pos[3 * 7 + 2] == set.direction(7).distance_m);

    // Every global attribute is text (NC_CHAR); the mandatory ones are all there.
    int natts = 0;
    REQUIRE(nc_inq_natts(nc.id, &natts) == NC_NOERR);
    std::map<std::string, std::string> globals;
    for (int i = 0; i < natts; ++i) {
        char name[NC_MAX_NAME + 1];
        REQUIRE(nc_inq_attname(nc.id, NC_GLOBAL, i, name) == NC_NOERR);
        globals[name] = nc.text(NC_GLOBAL, name);
    }
    for (const char* name :
         {"Conventions", "Version", "SOFAConventions", "SOFAConventionsVersion", "APIName",
          "APIVersion", "AuthorContact", "DataType", "License", "Organization", "RoomType",
          "DateCreated", "DateModified", "Title", "DatabaseName", "ListenerShortName"}) {
        INFO(name);
        CHECK(globals.count(name) == 1);
    }
    CHECK(globals["License"] == "No license provided, ask the author for permission");
    CHECK(globals["DateCreated"] == globals["DateModified"]);  // a new set: created now

    // What libmysofa sees of the same file.
    int err = -1;
    MYSOFA_HRTF* h = mysofa_load(path.c_str(), &err);
    REQUIRE(err == MYSOFA_OK);
    CHECK(mysofa_check(h) == MYSOFA_OK);
    CHECK(std::string(mysofa_getAttribute(h->DataDelay.attributes, (char*)"DIMENSION_LIST")) ==
          "I,R");
    CHECK(std::string(mysofa_getAttribute(h->ReceiverPosition.attributes,
                                          (char*)"DIMENSION_LIST")) == "R,C,I");
    mysofa_free(h);
}

TEST_CASE("delays are written as Data.Delay M x R and read back", "[sofa][write]") {
    test::TempDir dir;
    HrirSet set = test::synthetic_set(30, 48, 48000.0);
    auto& delays = set.delays_samples();
    delays.resize(30 * 2);
    for (std::size_t i = 0; i < delays.size(); ++i)
        delays[i] = 0.25 * static_cast<double>(i % 17);  // exact in float
    const std::string path = dir.file("delays.sofa");
    write_sofa(set, path);
    require_libmysofa_accepts(path, 48000.0, 48);
    {
        NcReader nc(path);
        CHECK(nc.dimensions_of("Data.Delay") == "M,R");
        CHECK(nc.values("Data.Delay") == delays);
    }
    SofaReadOptions keep;
    keep.apply_delays = false;
    const HrirSet back = read_sofa(path, keep);
    require_same_set(set, back, 1e-4);
    CHECK(back.delays_samples() == delays);

    // Applied on reading: fractional delays grow the IRs by the largest delay (4 samples)
    // plus the fractional kernel's half length.
    const HrirSet applied = read_sofa(path);
    CHECK_FALSE(applied.has_delays());
    CHECK(applied.taps() == 48 + 4 + kFractionalDelayHalfTaps);
}

TEST_CASE("uncompressed files and sizes that do not fill the last chunk", "[sofa][write]") {
    test::TempDir dir;
    struct Case {
        std::size_t m, n;
        int level;
    };
    // 70 x 2048 taps: Data.IR chunks of 64 measurements (1 MiB) leave a partial last chunk.
    for (const Case c : {Case{70, 2048, 1}, Case{70, 2048, 0}, Case{7, 16, 9}, Case{1, 16, 1}}) {
        INFO("M = " << c.m << ", N = " << c.n << ", level " << c.level);
        const HrirSet set = test::synthetic_set(c.m, c.n, 32000.0);
        SofaWriteOptions options;
        options.compression_level = c.level;
        options.application = "test_writer";
        options.application_version = "9.9";
        const std::string path = dir.file("case.sofa");
        write_sofa(set, path, options);
        require_libmysofa_accepts(path, 32000.0, c.n);
        const HrirSet back = read_sofa(path);
        require_same_set(set, back, 1e-4);
        CHECK(back.metadata.attribute("ApplicationName") == "test_writer");
        CHECK(back.metadata.attribute("ApplicationVersion") == "9.9");
    }
    SofaWriteOptions bad;
    bad.compression_level = 10;
    CHECK_THROWS_AS(write_sofa(test::synthetic_set(4, 4), dir.file("x.sofa"), bad),
                    InvalidArgumentError);
    CHECK(folder_entries(dir.path()) == std::vector<std::string>{"case.sofa"});
}

TEST_CASE("Debian's KEMAR file round-trips through the writer", "[sofa][write][data]") {
    const std::string source = test::system_kemar();
    if (source.empty()) {
        WARN("skipped: /usr/share/libmysofa/MIT_KEMAR_normal_pinna.sofa not installed");
        return;
    }
    test::TempDir dir;
    const HrirSet set = read_sofa(source);
    const std::string path = dir.file("kemar.sofa");
    write_sofa(set, path);
    require_libmysofa_accepts(path, 44100.0, 512);
    const HrirSet back = read_sofa(path);
    require_same_set(set, back, 1e-4);

    // Every attribute of the source comes back, with its value unless the convention
    // forces one.
    for (const auto& [name, value] : set.metadata.attributes) {
        INFO(name << " = '" << value << "'");
        if (kForced.count(name))
            continue;
        CHECK(back.metadata.attribute(name) == value);
    }
    CHECK(back.metadata.attribute("DateCreated") == "1999-11-16 20:01:52");
    CHECK(back.metadata.attribute("ListenerShortName") == "KEMAR, normal pinna");
    CHECK(back.metadata.attribute("Version") == "2.1");
    CHECK(back.metadata.attributes.size() == set.metadata.attributes.size());

    // The written file read from memory is the same set as read from its path.
    const std::string bytes = read_bytes(path);
    const HrirSet from_memory = read_sofa_memory(bytes.data(), bytes.size(), path);
    require_same_set(back, from_memory, 0.0);
    CHECK(from_memory.metadata.attributes == back.metadata.attributes);
}

TEST_CASE("SONICOM file with UTF-8 attributes round-trips", "[sofa][write][data]") {
    PINNA_REQUIRE_DATASETS();
    const std::string source = test::dataset_file("sonicom/P0003_FreeFieldComp_44kHz.sofa");
    REQUIRE_FALSE(source.empty());
    test::TempDir dir;
    const HrirSet set = read_sofa(source);
    // The file's own non-ASCII text: a multiplication sign and masculine ordinals.
    REQUIRE(set.metadata.attribute("RoomDescription").find("\xC3\x97") != std::string::npos);
    REQUIRE(set.metadata.attribute("SourceDescription").find("\xC2\xBA") != std::string::npos);
    const std::string path = dir.file("sonicom.sofa");
    write_sofa(set, path);
    require_libmysofa_accepts(path, 44100.0, 256);
    const HrirSet back = read_sofa(path);
    require_same_set(set, back, 1e-4);
    for (const auto& [name, value] : set.metadata.attributes) {
        INFO(name);
        if (!kForced.count(name))
            CHECK(back.metadata.attribute(name) == value);
    }
}

TEST_CASE("global attributes libmysofa cannot read back are refused, not lost", "[sofa][write]") {
    test::TempDir dir;
    const std::string path = dir.file("attributes.sofa");
    HrirSet set = test::synthetic_set(16, 32, 48000.0);

    SECTION("a SONICOM-sized load of text is fine") {
        // 1.35 kB of extra text in 6 attributes of 100 to 350 bytes, on top of the 22
        // attributes of the convention.
        for (int i = 0; i < 6; ++i)
            set.metadata.set_attribute("Description" + std::to_string(i),
                                       std::string(100 + 50 * i, 'a' + static_cast<char>(i)));
        write_sofa(set, path);
        require_libmysofa_accepts(path, 48000.0, 32);
        const HrirSet back = read_sofa(path);
        for (int i = 0; i < 6; ++i)
            CHECK(back.metadata.attribute("Description" + std::to_string(i)) ==
                  set.metadata.attribute("Description" + std::to_string(i)));
    }
    SECTION("one attribute of 2 kB would be dropped by libmysofa") {
        set.metadata.set_attribute("Notes", std::string(2000, 'n'));
        try {
            write_sofa(set, path);
            FAIL("no error");
        } catch (const Error& e) {
            CHECK(e.kind() == ErrorKind::invalid_data);
            const std::string what = e.what();
            CHECK(what.find(path) != std::string::npos);
            CHECK(what.find("'Notes' (2000 bytes)") != std::string::npos);
            CHECK(what.find("would be lost") != std::string::npos);
        }
        CHECK(folder_entries(dir.path()).empty());
    }
    SECTION("one attribute of 5 kB makes libmysofa refuse the file") {
        set.metadata.set_attribute("Notes", std::string(5000, 'n'));
        try {
            write_sofa(set, path);
            FAIL("no error");
        } catch (const Error& e) {
            CHECK(e.kind() == ErrorKind::invalid_data);
            CHECK(std::string(e.what()).find("'Notes' (5000 bytes)") != std::string::npos);
        }
        CHECK(folder_entries(dir.path()).empty());

        // Without the check the file is written and is valid netCDF, but libmysofa refuses it.
        SofaWriteOptions unchecked;
        unchecked.verify_with_libmysofa = false;
        write_sofa(set, path, unchecked);
        NcReader nc(path);
        CHECK(nc.text(NC_GLOBAL, "Notes") == std::string(5000, 'n'));
        int err = MYSOFA_OK;
        MYSOFA_HRTF* h = mysofa_load(path.c_str(), &err);
        CHECK(err != MYSOFA_OK);
        mysofa_free(h);
    }
    SECTION("many small attributes overflow what libmysofa reads") {
        for (int i = 0; i < 100; ++i)
            set.metadata.set_attribute("Extra" + std::to_string(i), "value");
        CHECK_THROWS_AS(write_sofa(set, path), InvalidDataError);
        CHECK(folder_entries(dir.path()).empty());
    }
}

TEST_CASE("a failed write leaves neither the file nor a temporary behind", "[sofa][write]") {
    test::TempDir dir;
    const std::string path = dir.file("out.sofa");

    SECTION("NaN in the IRs is refused before anything is written") {
        HrirSet set = test::synthetic_set(8, 16);
        set.ir(3, Ear::right)[5] = std::numeric_limits<float>::quiet_NaN();
        try {
            write_sofa(set, path);
            FAIL("no error");
        } catch (const Error& e) {
            CHECK(e.kind() == ErrorKind::invalid_data);
            const std::string what = e.what();
            CHECK(what.find(path) != std::string::npos);
            CHECK(what.find("measurement 3") != std::string::npos);
            CHECK(what.find("not finite") != std::string::npos);
        }
        CHECK(folder_entries(dir.path()).empty());
    }
    SECTION("a negative source distance is refused") {
        HrirSet set = test::synthetic_set(8, 16);
        set.directions()[2].distance_m = -1.0;
        CHECK_THROWS_AS(write_sofa(set, path), InvalidDataError);
        CHECK(folder_entries(dir.path()).empty());
    }
    SECTION("a folder that does not exist") {
        const std::string missing = dir.file("no/such/folder/out.sofa");
        try {
            write_sofa(test::synthetic_set(8, 16), missing);
            FAIL("no error");
        } catch (const Error& e) {
            CHECK(e.kind() == ErrorKind::io);
            CHECK(std::string(e.what()).find(missing) != std::string::npos);
        }
        CHECK(folder_entries(dir.path()).empty());
    }
    SECTION("netCDF refuses an attribute half-way; an older file at the path is untouched") {
        {
            std::ofstream old(path);
            old << "old content";
        }
        HrirSet set = test::synthetic_set(8, 16);
        set.metadata.set_attribute("bad/name", "a '/' is not allowed in netCDF names");
        try {
            write_sofa(set, path);
            FAIL("no error");
        } catch (const Error& e) {
            CHECK(e.kind() == ErrorKind::invalid_data);
            const std::string what = e.what();
            CHECK(what.find(path) != std::string::npos);
            CHECK(what.find("bad/name") != std::string::npos);
            CHECK(what.find("NetCDF") != std::string::npos);  // nc_strerror's text
        }
        CHECK(folder_entries(dir.path()) == std::vector<std::string>{"out.sofa"});
        CHECK(read_bytes(path) == "old content");
    }
}

TEST_CASE("concurrent writes from two threads both produce valid files", "[sofa][write]") {
    test::TempDir dir;
    const HrirSet a = test::synthetic_set(50, 64, 48000.0);
    const HrirSet b = test::synthetic_set(70, 32, 44100.0);
    std::thread ta([&] { write_sofa(a, dir.file("a.sofa")); });
    std::thread tb([&] { write_sofa(b, dir.file("b.sofa")); });
    ta.join();
    tb.join();
    require_libmysofa_accepts(dir.file("a.sofa"), 48000.0, 64);
    require_libmysofa_accepts(dir.file("b.sofa"), 44100.0, 32);
    require_same_set(a, read_sofa(dir.file("a.sofa")), 1e-4);
    require_same_set(b, read_sofa(dir.file("b.sofa")), 1e-4);
}

// A fork() of a multithreaded process copies whatever locks other threads hold at that
// moment (an allocator's, a sanitizer's); the isolated process must not depend on them.
// Reads and writes from four threads while a fifth thread allocates all the time.
TEST_CASE("reads and writes from several threads while others allocate", "[sofa][concurrency]") {
    test::TempDir dir;
    std::atomic<bool> stop{false};
    std::thread churn([&] {
        std::size_t sum = 0;
        while (!stop.load()) {
            std::vector<std::string> v;
            for (int i = 0; i < 64; ++i)
                v.emplace_back(static_cast<std::size_t>(100 + i), 'x');
            sum += v.size();
        }
        CHECK(sum > 0);
    });
    constexpr int kThreads = 4, kRounds = 3;
    std::vector<std::string> failures(kThreads);
    std::vector<std::thread> workers;
    for (int t = 0; t < kThreads; ++t)
        workers.emplace_back([&, t] {
            try {
                for (int r = 0; r < kRounds; ++r) {
                    const HrirSet set = test::synthetic_set(20 + 7 * t + r, 32, 48000.0);
                    const std::string path =
                        dir.file("t" + std::to_string(t) + "_" + std::to_string(r) + ".sofa");
                    write_sofa(set, path);
                    const HrirSet back = read_sofa(path);
                    if (back.measurements() != set.measurements() || back.data() != set.data())
                        failures[t] = path + " reads back different";
                }
            } catch (const std::exception& e) {
                failures[t] = e.what();
            }
        });
    for (std::thread& w : workers)
        w.join();
    stop = true;
    churn.join();
    for (int t = 0; t < kThreads; ++t) {
        CAPTURE(t);
        CHECK(failures[t].empty());
    }
    CHECK(folder_entries(dir.path()).size() == std::size_t{kThreads * kRounds});
}
