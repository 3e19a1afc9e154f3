// pinna verify (the library): files pinna writes are clean; hand-made files with one defect
// each get exactly the problem that defect is, with its severity in both profiles; the
// shared datasets get the findings the research notes established for them.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <functional>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "pinna/error.hpp"
#include "pinna/sofa.hpp"
#include "pinna/verify.hpp"
#include "support/test_support.hpp"
#include "verify_fixture.hpp"

using namespace pinna;
using test::FixtureAttribute;
using test::FixtureFile;
using test::FixtureVariable;

namespace {

constexpr Severity E = Severity::error, W = Severity::warning, I = Severity::info;

// One expected problem: rule id, element, severity in the renderer and the convention
// profile.
struct Expect {
    std::string id;
    std::string element;
    Severity renderer;
    Severity convention;
};

std::string listing(const SofaVerification& v) {
    std::ostringstream out;
    for (const SofaProblem& p : v.problems)
        out << to_string(p.severity) << " " << p.id << " " << p.element << ": " << p.message
            << "\n";
    return out.str();
}

// The problems as sorted "id element severity" lines, to compare with expectations.
std::vector<std::string> summary(const SofaVerification& v) {
    std::vector<std::string> out;
    for (const SofaProblem& p : v.problems)
        out.push_back(p.id + " " + p.element + " " + to_string(p.severity));
    std::sort(out.begin(), out.end());
    return out;
}

std::vector<std::string> expected(const std::vector<Expect>& list, bool renderer) {
    std::vector<std::string> out;
    for (const Expect& e : list)
        out.push_back(e.id + " " + e.element + " " +
                      to_string(renderer ? e.renderer : e.convention));
    std::sort(out.begin(), out.end());
    return out;
}

const SofaProblem* find(const SofaVerification& v, const std::string& id,
                        const std::string& element = "") {
    for (const SofaProblem& p : v.problems)
        if (p.id == id && (element.empty() || p.element == element))
            return &p;
    return nullptr;
}

SofaVerification verify(const std::string& path,
                        SofaVerifyProfile profile = SofaVerifyProfile::renderer) {
    SofaVerifyOptions options;
    options.profile = profile;
    return verify_sofa(path, options);
}

std::string bytes_of(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
}

// Sets ReceiverPosition to (0, y0, 0) and (0, y1, 0).
void ears_at(FixtureFile& f, double y0, double y1) {
    f.variable("ReceiverPosition").values = {0, y0, 0, 0, y1, 0};
}

struct Case {
    const char* what;
    std::function<void(FixtureFile&)> mutate;
    std::vector<Expect> problems;
};

// Each case breaks one thing of a conformant SimpleFreeFieldHRIR file. The expected lists
// are complete: nothing else may be reported.
const std::vector<Case>& cases() {
    static const std::vector<Case> list = {
        // Global attributes and the convention.
        {"RoomType missing",
         [](FixtureFile& f) { f.remove_global("RoomType"); },
         {{"R003", "global:RoomType", E, W}}},
        {"RoomType in the wrong case",
         [](FixtureFile& f) { f.set_global("RoomType", "Free Field"); },
         {{"R003", "global:RoomType", E, I}}},
        {"RoomType reverberant",
         [](FixtureFile& f) { f.set_global("RoomType", "reverberant"); },
         {{"G006", "global:RoomType", W, W}}},
        {"RoomType unknown to libmysofa 1.3.1 and the convention",
         [](FixtureFile& f) { f.set_global("RoomType", "hemi-anechoic"); },
         {{"R003", "global:RoomType", E, I}, {"G006", "global:RoomType", W, W}}},
        {"Conventions wrong",
         [](FixtureFile& f) { f.set_global("Conventions", "SOFA-1"); },
         {{"G001", "global:Conventions", E, E}}},
        {"Conventions missing",
         [](FixtureFile& f) { f.remove_global("Conventions"); },
         {{"G001", "global:Conventions", E, E}}},
        {"GeneralFIR, which renderers refuse and pinna converts",
         [](FixtureFile& f) { f.set_global("SOFAConventions", "GeneralFIR"); },
         {{"R001", "global:SOFAConventions", E, I}, {"M001", "global:Comment", W, W}}},
        {"convention name in the wrong case",
         [](FixtureFile& f) { f.set_global("SOFAConventions", "simplefreefieldhrir"); },
         {{"C001", "global:SOFAConventions", W, W}, {"R001", "global:SOFAConventions", E, I}}},
        {"unknown convention",
         [](FixtureFile& f) { f.set_global("SOFAConventions", "MyConvention"); },
         {{"C001", "global:SOFAConventions", I, I}, {"R001", "global:SOFAConventions", E, I}}},
        {"DataType TF",
         [](FixtureFile& f) { f.set_global("DataType", "TF"); },
         {{"G005", "global:DataType", E, E}}},
        {"convention version 0.4",
         [](FixtureFile& f) {
             f.set_global("SOFAConventionsVersion", "0.4");
             f.set_global("Version", "1.0");
         },
         {{"C003", "global:SOFAConventionsVersion", I, I}}},
        {"convention version newer than the tables",
         [](FixtureFile& f) { f.set_global("SOFAConventionsVersion", "1.1"); },
         {{"G003", "global:SOFAConventionsVersion", I, I}}},
        {"convention version that never existed",
         [](FixtureFile& f) { f.set_global("SOFAConventionsVersion", "0.7"); },
         {{"G003", "global:SOFAConventionsVersion", W, W}}},
        {"SOFA version missing",
         [](FixtureFile& f) { f.remove_global("Version"); },
         {{"G004", "global:Version", W, W}}},
        {"pre-standard SOFA version",
         [](FixtureFile& f) { f.set_global("Version", "0.6"); },
         {{"G004", "global:Version", I, I}}},
        {"License missing",
         [](FixtureFile& f) { f.remove_global("License"); },
         {{"M001", "global:License", W, W}}},
        {"date not in the SOFA format",
         [](FixtureFile& f) { f.set_global("DateCreated", "yesterday"); },
         {{"G008", "global:DateCreated", I, I}}},
        {"global attribute named like a variable attribute",
         [](FixtureFile& f) { f.set_global("Data.SamplingRate.Units", "hertz"); },
         {{"G010", "global:Data.SamplingRate.Units", W, W}}},
        // Attribute types and text.
        {"NC_STRING global attribute",
         [](FixtureFile& f) { f.global("Title")->kind = FixtureAttribute::Kind::string; },
         {{"A001", "global:Title", E, I}}},
        {"numeric global attribute",
         [](FixtureFile& f) {
             f.globals.push_back({"Rating", "", FixtureAttribute::Kind::number, 3.0});
         },
         {{"A003", "global:Rating", E, I}}},
        {"NC_STRING variable attribute",
         [](FixtureFile& f) {
             f.variable("SourcePosition").attribute("Units")->kind = FixtureAttribute::Kind::string;
         },
         {{"A001", "variable:SourcePosition:Units", E, I}}},
        {"variable attribute over 64 bytes",
         [](FixtureFile& f) { f.variable("Data.IR").set("Comment", std::string(100, 'x')); },
         {{"A004", "variable:Data.IR:Comment", E, I}}},
        {"Latin-1 text",
         [](FixtureFile& f) { f.set_global("Organization", "K\xf6ln"); },
         {{"A009", "global:Organization", W, W}}},
        {"UTF-8 text",
         [](FixtureFile& f) { f.set_global("Organization", "K\xc3\xb6ln"); },
         {{"A006", "global:Organization", I, I}}},
        // Units and coordinate types.
        {"spherical positions in metres",
         [](FixtureFile& f) { f.variable("SourcePosition").set("Units", "metre"); },
         {{"U002", "variable:SourcePosition:Units", W, W}, {"L004", "file", E, I}}},
        {"unit aliases",
         [](FixtureFile& f) {
             f.variable("SourcePosition").set("Units", "degrees, degrees, meters");
         },
         {{"U003", "variable:SourcePosition:Units", I, I}}},
        {"sampling rate in Hz",
         [](FixtureFile& f) { f.variable("Data.SamplingRate").set("Units", "Hz"); },
         {{"U004", "variable:Data.SamplingRate:Units", W, W}}},
        {"sampling rate without units",
         [](FixtureFile& f) { f.variable("Data.SamplingRate").remove("Units"); },
         {{"U004", "variable:Data.SamplingRate:Units", W, W}}},
        {"source positions without units",
         [](FixtureFile& f) { f.variable("SourcePosition").remove("Units"); },
         {{"U001", "variable:SourcePosition:Units", W, W}}},
        {"source type in the wrong case",
         [](FixtureFile& f) { f.variable("SourcePosition").set("Type", "Spherical"); },
         {{"T003", "variable:SourcePosition:Type", E, W}}},
        {"listener view without a type",
         [](FixtureFile& f) { f.variable("ListenerView").remove("Type"); },
         {{"T001", "variable:ListenerView:Type", E, W}}},
        {"spherical receivers",
         [](FixtureFile& f) {
             FixtureVariable& r = f.variable("ReceiverPosition");
             r.set("Type", "spherical");
             r.set("Units", "degree, degree, metre");
             r.values = {90, 0, 0.09, 270, 0, 0.09};
         },
         {{"R012", "variable:ReceiverPosition:Type", E, I}}},
        // Dimensions and variables.
        {"Data.IR as (M,N,R)",
         [](FixtureFile& f) {
             f.variable("Data.IR").dims = {"M", "N", "R"};
         },
         {{"S005", "variable:Data.IR", E, E}}},
        {"one sampling rate per measurement (SOFA 2.1)",
         [](FixtureFile& f) {
             FixtureVariable& fs = f.variable("Data.SamplingRate");
             fs.dims = {"M"};
             fs.values.assign(f.dim("M"), 48000.0);
         },
         {{"R010", "variable:Data.SamplingRate", E, I}}},
        {"one sampling rate per measurement (SOFA 1.0)",
         [](FixtureFile& f) {
             f.set_global("Version", "1.0");
             FixtureVariable& fs = f.variable("Data.SamplingRate");
             fs.dims = {"M"};
             fs.values.assign(f.dim("M"), 48000.0);
         },
         {{"R010", "variable:Data.SamplingRate", E, W}}},
        {"one source position for all (I,C)",
         [](FixtureFile& f) {
             f.set_dim("M", 1);
             f.variable("SourcePosition").dims = {"I", "C"};
             f.variable("SourcePosition").values = {0, 0, 1.5};
             f.variable("Data.IR").values.resize(2 * f.dim("N"));
         },
         {{"R014", "variable:SourcePosition", E, I}}},
        {"EmitterPosition missing",
         [](FixtureFile& f) { f.remove_variable("EmitterPosition"); },
         {{"M004", "variable:EmitterPosition", E, W}}},
        {"ListenerView missing",
         [](FixtureFile& f) { f.remove_variable("ListenerView"); },
         {{"M004", "variable:ListenerView", W, W}, {"V004", "variable:ListenerUp", W, W}}},
        {"Data.Delay missing",
         [](FixtureFile& f) { f.remove_variable("Data.Delay"); },
         {{"M004", "variable:Data.Delay", W, W}}},
        {"Data.SamplingRate missing",
         [](FixtureFile& f) { f.remove_variable("Data.SamplingRate"); },
         {{"M004", "variable:Data.SamplingRate", E, E}}},
        {"Data.IR missing",
         [](FixtureFile& f) { f.remove_variable("Data.IR"); },
         {{"M004", "variable:Data.IR", E, E}}},
        {"dimension E missing",
         [](FixtureFile& f) {
             f.remove_variable("EmitterPosition");
             f.remove_dim("E");
         },
         {{"D001", "dimension:E", E, E}, {"M004", "variable:EmitterPosition", E, W}}},
        {"two emitters",
         [](FixtureFile& f) {
             f.set_dim("E", 2);
             f.variable("EmitterPosition").values.assign(6, 0.0);
         },
         {{"R004", "dimension:E", E, W}}},
        {"no samples",
         [](FixtureFile& f) {
             f.set_dim("N", 0);
             f.variable("Data.IR").values.clear();
             // netCDF-C stores an empty variable only in chunks.
             f.variable("Data.IR").storage = FixtureVariable::Storage::deflate_shuffle;
         },
         {{"D005", "dimension:N", E, E}}},
        {"Data.IR as float",
         [](FixtureFile& f) { f.variable("Data.IR").float32 = true; },
         {{"V002", "variable:Data.IR", E, W}}},
        {"custom variable",
         [](FixtureFile& f) {
             FixtureVariable v;
             v.name = "MeasurementDistance";
             v.dims = {"M"};
             v.values.assign(f.dim("M"), 1.5);
             f.variables.push_back(v);
         },
         {{"X001", "variable:MeasurementDistance", I, I}}},
        // Geometry libmysofa checks.
        {"listener looking to the left",
         [](FixtureFile& f) {
             f.variable("ListenerView").values = {0, 1, 0};
         },
         {{"R006", "variable:ListenerView", E, I}}},
        {"emitter off the origin",
         [](FixtureFile& f) {
             f.variable("EmitterPosition").values = {0.1, 0, 0};
         },
         {{"R008", "variable:EmitterPosition", E, I}}},
        {"right ear first",
         [](FixtureFile& f) { ears_at(f, -0.09, 0.09); },
         {{"R013", "variable:ReceiverPosition", E, I}}},
        {"right ear first, written by an old ARI API",
         [](FixtureFile& f) {
             ears_at(f, -0.09, 0.09);
             f.set_global("APIName", "ARI SOFA API for Matlab/Octave");
             f.set_global("APIVersion", "0.4.0");
         },
         {{"R013", "variable:ReceiverPosition", W, I}}},
        {"ears 0.74 m from the centre",
         [](FixtureFile& f) { ears_at(f, 0.74, -0.74); },
         {{"P006", "variable:ReceiverPosition", W, W}}},
        {"listener up along the view",
         [](FixtureFile& f) {
             f.variable("ListenerUp").values = {1, 0, 0};
         },
         {{"P005", "variable:ListenerUp", W, W}}},
        // Values.
        {"NaN sample",
         [](FixtureFile& f) {
             const std::size_t N = f.dim("N");
             f.variable("Data.IR").values[(2 * 2 + 1) * N + 3] = std::nan("");
         },
         {{"S006", "variable:Data.IR", E, E}}},
        {"sampling rate 0",
         [](FixtureFile& f) { f.variable("Data.SamplingRate").values = {0}; },
         {{"S001", "variable:Data.SamplingRate", E, E}}},
        {"sampling rate 4 kHz",
         [](FixtureFile& f) { f.variable("Data.SamplingRate").values = {4000}; },
         {{"S003", "variable:Data.SamplingRate", W, W}}},
        {"negative delay",
         [](FixtureFile& f) {
             f.variable("Data.Delay").values = {-1, 0};
         },
         {{"S004", "variable:Data.Delay", E, E}}},
        {"a silent measurement",
         [](FixtureFile& f) {
             const std::size_t N = f.dim("N");
             auto& ir = f.variable("Data.IR").values;
             std::fill(ir.begin() + 3 * 2 * N, ir.begin() + 4 * 2 * N, 0.0);
         },
         {{"S007", "variable:Data.IR", W, W}}},
        {"repeated direction",
         [](FixtureFile& f) {
             auto& p = f.variable("SourcePosition").values;
             std::copy(p.begin(), p.begin() + 3, p.begin() + 3);
         },
         {{"P004", "variable:SourcePosition", W, W}}},
        {"elevation beyond the pole",
         [](FixtureFile& f) { f.variable("SourcePosition").values[1] = 95.0; },
         {{"P001", "variable:SourcePosition", W, W}}},
        {"radians labelled degrees",
         [](FixtureFile& f) {
             auto& p = f.variable("SourcePosition").values;
             for (std::size_t m = 0; m < p.size() / 3; ++m)
                 p[3 * m] = 6.0 * static_cast<double>(m) / static_cast<double>(p.size() / 3);
         },
         {{"P002", "variable:SourcePosition", W, W}}},
        // HDF5 storage libmysofa cannot decode.
        {"chunked without compression",
         [](FixtureFile& f) {
             f.variable("Data.IR").storage = FixtureVariable::Storage::chunked_plain;
         },
         {{"H001", "variable:Data.IR", E, I}}},
        {"deflate without shuffle",
         [](FixtureFile& f) {
             f.variable("Data.IR").storage = FixtureVariable::Storage::deflate_only;
         },
         {{"H002", "variable:Data.IR", E, I}}},
        {"fletcher32 checksums",
         [](FixtureFile& f) {
             f.variable("Data.IR").storage = FixtureVariable::Storage::fletcher32;
         },
         {{"H003", "variable:Data.IR", E, I}}},
    };
    return list;
}

}  // namespace

TEST_CASE("the conformant fixture has no problem at all", "[sofa][verify]") {
    test::TempDir dir;
    const std::string path = dir.file("good.sofa");
    test::write_fixture_file(path, test::hrir_fixture(16, 16));
    const SofaVerification v = verify(path);
    INFO(listing(v));
    CHECK(v.problems.empty());
    CHECK(v.clean());
    CHECK(v.path == path);
    CHECK(v.convention == "SimpleFreeFieldHRIR");
    CHECK(v.convention_version == "1.0");
    CHECK(v.sofa_version == "2.1");
    // Deflated with shuffle, as the SOFA APIs write: just as clean.
    test::FixtureFile deflated = test::hrir_fixture(16, 16);
    for (FixtureVariable& var : deflated.variables)
        var.storage = FixtureVariable::Storage::deflate_shuffle;
    test::write_fixture_file(path, deflated);
    CHECK(verify(path).problems.empty());
}

TEST_CASE("each defect is reported as itself, with its severity in both profiles",
          "[sofa][verify]") {
    test::TempDir dir;
    for (const Case& c : cases()) {
        CAPTURE(c.what);
        FixtureFile f = test::hrir_fixture(16, 16);
        c.mutate(f);
        const std::string path = dir.file("case.sofa");
        test::write_fixture_file(path, f);
        const SofaVerification renderer = verify(path);
        INFO(listing(renderer));
        CHECK(summary(renderer) == expected(c.problems, true));
        const SofaVerification convention = verify(path, SofaVerifyProfile::convention);
        INFO(listing(convention));
        CHECK(summary(convention) == expected(c.problems, false));
        for (const SofaProblem& p : renderer.problems) {
            CHECK_FALSE(p.message.empty());
            CHECK(p.message.find('\n') == std::string::npos);
        }
    }
}

TEST_CASE("messages name the element, the values and the fix", "[sofa][verify]") {
    test::TempDir dir;
    const std::string path = dir.file("m.sofa");

    FixtureFile no_room = test::hrir_fixture();
    no_room.remove_global("RoomType");
    test::write_fixture_file(path, no_room);
    const SofaVerification room_file = verify(path);
    const SofaProblem* room = find(room_file, "R003");
    REQUIRE(room);
    INFO(room->message);
    CHECK(room->message.find("RoomType is missing") != std::string::npos);
    CHECK(room->message.find("\"free field\"") != std::string::npos);
    CHECK(room->message.find("MYSOFA_INVALID_ATTRIBUTES (10004)") != std::string::npos);
    // pinna reads the file (its reader does not need RoomType), so its writer is the fix.
    CHECK(room->message.find("`pinna convert`") != std::string::npos);

    FixtureFile nan = test::hrir_fixture();
    nan.variable("Data.IR").values[(2 * 2 + 1) * nan.dim("N") + 3] = std::nan("");
    test::write_fixture_file(path, nan);
    const SofaVerification s006_file = verify(path);
    const SofaProblem* s006 = find(s006_file, "S006");
    REQUIRE(s006);
    INFO(s006->message);
    CHECK(s006->message.find("measurement 2, receiver 1, sample 3") != std::string::npos);
    // pinna refuses NaN, so it cannot be the fix.
    CHECK(s006->message.find("pinna convert") == std::string::npos);

    FixtureFile latin1 = test::hrir_fixture();
    latin1.set_global("Organization", "K\xf6ln");
    test::write_fixture_file(path, latin1);
    const SofaVerification a009_file = verify(path);
    const SofaProblem* a009 = find(a009_file, "A009");
    REQUIRE(a009);
    INFO(a009->message);
    CHECK(a009->message.find("\"K\\xf6ln\"") != std::string::npos);

    FixtureFile general = test::hrir_fixture();
    general.set_global("SOFAConventions", "GeneralFIR");
    test::write_fixture_file(path, general);
    const SofaVerification r001_file = verify(path);
    const SofaProblem* r001 = find(r001_file, "R001");
    REQUIRE(r001);
    INFO(r001->message);
    CHECK(r001->message.find("\"GeneralFIR\"") != std::string::npos);
    CHECK(r001->message.find("`pinna convert` re-writes it as SimpleFreeFieldHRIR") !=
          std::string::npos);
}

TEST_CASE("files pinna writes verify clean, whatever the write options", "[sofa][verify]") {
    test::TempDir dir;
    HrirSet plain = test::synthetic_set(50, 32, 48000.0);
    HrirSet delayed = test::synthetic_set(30, 64, 44100.0);
    delayed.delays_samples().assign(30 * kEars, 0.0);
    for (std::size_t i = 0; i < delayed.delays_samples().size(); ++i)
        delayed.delays_samples()[i] = 0.25 * static_cast<double>(i % 7);
    HrirSet described = test::synthetic_set(1, 16, 96000.0);
    described.metadata.title = "one direction";
    described.metadata.attributes = {{"DateCreated", "2020-02-02 02:02:02"},
                                     {"History", "made by a test"},
                                     {"MyAttribute", "kept"}};
    for (const HrirSet* set : {&plain, &delayed, &described}) {
        for (const int level : {0, 1, 9}) {
            CAPTURE(set->measurements(), level);
            SofaWriteOptions options;
            options.compression_level = level;
            const std::string path = dir.file("w.sofa");
            write_sofa(*set, path, options);
            const SofaVerification v = verify(path);
            INFO(listing(v));
            CHECK(v.problems.empty());
            CHECK(v.convention == "SimpleFreeFieldHRIR");
            CHECK(v.sofa_version == "2.1");
        }
    }
}

TEST_CASE("what is not a SOFA file, and files cut short or padded", "[sofa][verify]") {
    test::TempDir dir;
    const std::string text = "just some text, not a SOFA file";
    const SofaVerification t = verify_sofa_memory(text.data(), text.size(), "t.sofa");
    REQUIRE(t.problems.size() == 1);
    CHECK(t.problems[0].id == "F002");
    CHECK(t.problems[0].severity == E);
    CHECK(t.problems[0].element == "file");
    CHECK(t.path == "t.sofa");

    const std::string classic = std::string("CDF\x01", 4) + std::string(100, '\0');
    const SofaVerification c = verify_sofa_memory(classic.data(), classic.size(), "c.sofa");
    REQUIRE(c.problems.size() == 1);
    CHECK(c.problems[0].id == "F003");

    // pinna writes HDF5 superblock version 2, whose end-of-file address libmysofa checks.
    const std::string path = dir.file("w.sofa");
    write_sofa(test::synthetic_set(20, 16), path);
    const std::string good = bytes_of(path);
    const std::string padded = good + "12345678";
    const SofaVerification p = verify_sofa_memory(padded.data(), padded.size(), "p.sofa");
    INFO(listing(p));
    REQUIRE(p.problems.size() == 1);
    CHECK(p.problems[0].id == "F005");
    CHECK(p.problems[0].severity == E);
    CHECK(p.problems[0].message.find("truncate -s " + std::to_string(good.size())) !=
          std::string::npos);
    const SofaVerification padded_convention = verify_sofa_memory(
        padded.data(), padded.size(), "p.sofa", SofaVerifyOptions{SofaVerifyProfile::convention});
    CHECK(padded_convention.clean());

    const std::string cut = good.substr(0, good.size() / 2);
    const SofaVerification k = verify_sofa_memory(cut.data(), cut.size(), "k.sofa");
    INFO(listing(k));
    CHECK(find(k, "F005"));
    CHECK(find(k, "F004"));
    CHECK_FALSE(k.clean());
}

TEST_CASE("libmysofa's view of attributes edited in place", "[sofa][verify]") {
    test::TempDir dir;
    const std::string path = dir.file("edited.sofa");
    test::write_fixture_file(path, test::hrir_fixture());
    test::rewrite_global_in_place(path, "Title", "a much longer title than the one before");
    const SofaVerification v = verify(path);
    INFO(listing(v));
    REQUIRE(v.problems.size() == 1);
    CHECK(v.problems[0].id == "A008");
    CHECK(v.problems[0].element == "global:Title");
    CHECK(v.problems[0].severity == W);
    CHECK(v.problems[0].message.find("\"verify fixture\"") != std::string::npos);
}

TEST_CASE("a RoomType deleted in place still passes libmysofa 1.3.1", "[sofa][verify]") {
    // libmysofa walks HDF5's attribute heap and still finds the deleted "free field", so
    // its RoomType check passes: the convention is broken, renderers do not mind.
    test::TempDir dir;
    const std::string path = dir.file("deleted.sofa");
    test::write_fixture_file(path, test::hrir_fixture());
    test::delete_global_in_place(path, "RoomType");
    const SofaVerification v = verify(path);
    INFO(listing(v));
    CHECK(summary(v) ==
          std::vector<std::string>{"A008 global:RoomType warning", "M001 global:RoomType warning"});
    CHECK(find(v, "A008")->message.find("\"free field\", which netCDF says was deleted") !=
          std::string::npos);
}

TEST_CASE("unreadable files are errors, not problems", "[sofa][verify]") {
    CHECK_THROWS_AS(verify_sofa("/nonexistent/folder/x.sofa"), IoError);
    test::TempDir dir;
    const std::string path = dir.file("big.sofa");
    write_sofa(test::synthetic_set(20, 16), path);
    SofaVerifyOptions small;
    small.max_file_bytes = 100;
    CHECK_THROWS_AS(verify_sofa(path, small), InvalidDataError);
}

TEST_CASE("severity names and counts", "[sofa][verify]") {
    CHECK(std::string(to_string(Severity::error)) == "error");
    CHECK(std::string(to_string(Severity::warning)) == "warning");
    CHECK(std::string(to_string(Severity::info)) == "info");
    SofaVerification v;
    CHECK(v.clean());
    v.problems = {{I, "U003", "file", "x"}};
    CHECK(v.clean());
    v.problems.push_back({W, "P006", "file", "y"});
    CHECK_FALSE(v.clean());
    CHECK(v.count(W) == 1);
    CHECK(v.count(I) == 1);
    CHECK(v.count(E) == 0);
}

// ---- the shared datasets (docs: the research notes' section 6) ---------------------------

namespace {

struct Known {
    const char* file;
    bool clean;
    std::vector<Expect> must;  // at least these (renderer profile; convention unused)
};

}  // namespace

TEST_CASE("every sofa-zoo file gets its known findings", "[sofa][verify][data]") {
    PINNA_REQUIRE_DATASETS();
    const std::vector<Known> known = {
        {"ARI_NH4_4_freqs.sofa",
         false,
         {{"D004", "variable:N", E, I},
          {"R001", "global:SOFAConventions", E, I},
          {"C002", "global:SOFAConventions", W, W},
          {"C003", "global:SOFAConventionsVersion", I, I},
          {"G004", "global:Version", I, I},
          {"M001", "global:ListenerShortName", W, W},
          {"T001", "variable:ListenerView:Type", W, W},
          {"U001", "variable:ListenerView:Units", W, W},
          {"U003", "variable:SourcePosition:Units", I, I}}},
        {"ARI_NH4_hrtf_M_dtf_256.sofa",
         true,
         {{"R013", "variable:ReceiverPosition", W, I},
          {"C003", "global:SOFAConventionsVersion", I, I},
          {"G004", "global:Version", I, I},
          {"X001", "variable:MeasurementSourceAudioChannel", I, I},
          {"X001", "variable:MeasurementAudioLatency", I, I}}},
        {"CIPIC_subject_003_hrir_final.sofa",
         true,
         {{"R013", "variable:ReceiverPosition", W, I},
          {"C003", "global:SOFAConventionsVersion", I, I},
          {"U003", "variable:ListenerPosition:Units", I, I}}},
        {"CIPIC_subject_003_hrir_final_itdInDelayField.sofa",
         true,
         {{"R013", "variable:ReceiverPosition", W, I}}},
        {"FHK_HRIR_L2354.sofa",
         true,
         {{"A009", "global:Organization", W, W},
          {"A009", "global:References", W, W},
          {"A009", "global:Author", W, W},
          {"R013", "variable:ReceiverPosition", W, I},
          {"C003", "global:SOFAConventionsVersion", I, I}}},
        {"LISTEN_1002_IRC_1002_C_HRIR.sofa", true, {{"R013", "variable:ReceiverPosition", W, I}}},
        {"MIT_KEMAR_large_pinna.sofa", true, {{"R013", "variable:ReceiverPosition", W, I}}},
        {"MIT_KEMAR_normal_pinna.sofa", true, {}},
        {"Pulse.sofa", true, {{"R013", "variable:ReceiverPosition", W, I}}},
        {"dtf_nh2.sofa",
         true,
         {{"A006", "global:SourceDescription", I, I},
          {"A006", "global:RoomDescription", I, I},
          {"X001", "variable:MeasurementSourceAudioChannel", I, I}}},
        {"hpir_nh5.sofa",
         false,
         {{"R001", "global:SOFAConventions", E, I},
          {"A009", "global:RoomDescription", W, W},
          {"U003", "variable:Data.SamplingRate:Units", I, I},
          {"C003", "global:SOFAConventionsVersion", I, I}}},
        {"hrtf_c_nh898.sofa", true, {{"A006", "global:RoomDescription", I, I}}},
        {"tester.sofa", true, {{"R013", "variable:ReceiverPosition", W, I}}},
        {"testfile.sofa",
         false,
         {{"H004", "variable:Data.IR", E, I},
          {"R001", "global:SOFAConventions", E, I},
          {"S007", "variable:Data.IR", W, W}}},
    };
    for (const Known& k : known) {
        CAPTURE(k.file);
        const std::string path = test::dataset_file(std::string("sofa-zoo/") + k.file);
        REQUIRE_FALSE(path.empty());
        const SofaVerification v = verify(path);
        INFO(listing(v));
        // "clean" means no error and no warning; the R013 files carry a warning.
        const bool no_errors = v.count(E) == 0;
        CHECK(no_errors == k.clean);
        for (const Expect& e : k.must) {
            CAPTURE(e.id, e.element);
            const SofaProblem* p = find(v, e.id, e.element);
            REQUIRE(p);
            CHECK(p->severity == e.renderer);
        }
    }
    // The one reference file of the zoo is clean through and through.
    CHECK(verify(test::dataset_file("sofa-zoo/MIT_KEMAR_normal_pinna.sofa")).problems.empty());
}

TEST_CASE("every malformed file is one error naming the corrupt structure, never a crash",
          "[sofa][verify][data]") {
    PINNA_REQUIRE_DATASETS();
    const std::vector<std::string> files = test::dataset_files("malformed", ".sofa");
    REQUIRE(files.size() == 11);
    // What libmysofa 1.3.1 makes of each (the notes' table 6.2).
    const std::map<std::string, std::string> libmysofa = {
        {"fail-issue-76.sofa", "mysofa_load fails with MYSOFA_INVALID_FORMAT (10000)"},
        {"fail-issue-84.sofa", "mysofa_load fails with MYSOFA_INVALID_FORMAT (10000)"},
        {"fail-issue-96.sofa", "mysofa_load fails with MYSOFA_INVALID_FORMAT (10000)"},
        {"fail-issue-130.sofa", "mysofa_load fails with MYSOFA_INVALID_FORMAT (10000)"},
        {"fail-issue-132.sofa", "mysofa_load fails with MYSOFA_INVALID_FORMAT (10000)"},
        {"fail-issue-135.sofa", "mysofa_check fails with MYSOFA_INVALID_RECEIVER_POSITIONS"},
        {"fail-issue-137.sofa", "mysofa_open fails with MYSOFA_INVALID_FORMAT (10000)"},
        {"fail-issue-138.sofa", "mysofa_check fails with MYSOFA_INVALID_DIMENSIONS (10005)"},
        {"fail-issue-156.sofa", "mysofa_load fails with MYSOFA_READ_ERROR (10003)"},
        {"fail-issue-163.sofa", "mysofa_load fails with MYSOFA_READ_ERROR (10003)"},
        {"fail-issue-173.sofa", "even mysofa_open accepts it"},
    };
    for (const std::string& path : files) {
        CAPTURE(path);
        const SofaVerification v = verify(path);
        INFO(listing(v));
        REQUIRE(v.problems.size() == 1);
        CHECK(v.problems[0].id == "F004");
        CHECK(v.problems[0].severity == E);
        CHECK(v.problems[0].element == "file");
        // netCDF-C/HDF5 1.10 free()s a wild pointer on 96, 132 and 138: under
        // AddressSanitizer (or a stricter allocator) that kills the inspection, and the
        // message says so instead of quoting libmysofa.
        const std::string name = path.substr(path.rfind('/') + 1);
        const std::string& message = v.problems[0].message;
        if (message.find("inspection (the SOFA/HDF5 reader crashed") == std::string::npos)
            CHECK(message.find(libmysofa.at(name)) != std::string::npos);
    }
}

TEST_CASE("HUTUBS: every file has its ears 0.7 to 0.85 m apart, nothing else",
          "[sofa][verify][data]") {
    PINNA_REQUIRE_DATASETS();
    const std::vector<std::string> files = test::dataset_files("hutubs", ".sofa");
    REQUIRE(files.size() == 86);
    for (const std::string& path : files) {
        CAPTURE(path);
        const SofaVerification v = verify(path);
        INFO(listing(v));
        REQUIRE(v.problems.size() == 1);
        CHECK(v.problems[0].id == "P006");
        CHECK(v.problems[0].severity == W);
        CHECK(v.problems[0].element == "variable:ReceiverPosition");
        CHECK(v.convention == "SimpleFreeFieldHRIR");
        CHECK(v.sofa_version == "1.0");
    }
}

TEST_CASE("SONICOM: every file is clean, with UTF-8 notes and one custom variable",
          "[sofa][verify][data]") {
    PINNA_REQUIRE_DATASETS();
    const std::vector<std::string> files = test::dataset_files("sonicom", ".sofa");
    REQUIRE(files.size() == 36);
    const std::vector<std::string> expected_summary = {
        "A006 global:RoomDescription info", "A006 global:SourceDescription info",
        "X001 variable:MeasurementSourceAudioChannel info"};
    for (const std::string& path : files) {
        CAPTURE(path);
        const SofaVerification v = verify(path);
        INFO(listing(v));
        CHECK(v.clean());
        CHECK(summary(v) == expected_summary);
    }
}
