// `pinna verify` as a user runs it: lines and exit codes, JSON, crashes of the inspection,
// and every file pinna's writers produce verifying clean.
#include <catch2/catch.hpp>

#include <sys/stat.h>
#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "json/json.hpp"
#include "pinna/sofa.hpp"
#include "support/test_support.hpp"

using namespace pinna;
using detail::JsonValue;

namespace {

using Run = test::CommandRun;

// `env`: variable assignments put before the command, e.g. "PINNA_SOFA_WORKER=fork".
Run pinna_cli(const std::string& args, const std::string& env = "") {
    return test::run_command(env + " " + std::string(PINNA_CLI_PATH) + " " + args);
}

std::vector<std::string> lines(const std::string& text) {
    std::vector<std::string> out;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);)
        out.push_back(line);
    return out;
}

// A pinna-written file, and the same bytes with 8 more at the end: libmysofa refuses that
// (the HDF5 superblock's end-of-file address no longer matches).
struct Files {
    test::TempDir dir;
    std::string clean = dir.file("clean.sofa");
    std::string padded = dir.file("padded.sofa");
    Files() {
        write_sofa(test::synthetic_set(40, 32, 48000.0), clean);
        std::ifstream in(clean, std::ios::binary);
        std::ofstream out(padded, std::ios::binary);
        out << in.rdbuf() << "12345678";
    }
};

bool neural_available() {
    return pinna_cli("--version").out.find("neural models: LibTorch") != std::string::npos;
}

// Verifies `files` in one run; every one must be clean (no error, no warning).
void require_clean(const std::vector<std::string>& files) {
    std::string args = "verify";
    for (const std::string& f : files)
        args += " '" + f + "'";
    const Run r = pinna_cli(args);
    INFO(r.out);
    CHECK(r.code == 0);
    CHECK(r.out.find(": error: ") == std::string::npos);
    CHECK(r.out.find(": warning: ") == std::string::npos);
}

}  // namespace

TEST_CASE("pinna verify: help and bad usage", "[cli][verify]") {
    const Run help = pinna_cli("verify --help");
    CHECK(help.code == 0);
    CHECK(help.out.find("usage: pinna verify FILE...") != std::string::npos);
    CHECK(pinna_cli("--help").out.find("verify") != std::string::npos);
    CHECK(pinna_cli("verify").code == 2);
    CHECK(pinna_cli("verify --json").code == 2);
    const Run profile = pinna_cli("verify --profile strict a.sofa");
    CHECK(profile.code == 2);
    CHECK(profile.out.find("--profile must be 'renderer' or 'convention'") != std::string::npos);
    CHECK(pinna_cli("verify --bogus a.sofa").code == 2);
}

TEST_CASE("pinna verify: one line per problem and a summary per file", "[cli][verify]") {
    Files f;
    const Run clean = pinna_cli("verify " + f.clean);
    CHECK(clean.code == 0);
    CHECK(clean.out == f.clean + ": clean (SimpleFreeFieldHRIR 1.0, SOFA 2.1)\n");

    std::ofstream(f.dir.file("text.sofa")) << "not a SOFA file";
    const std::string missing = f.dir.file("missing.sofa"), text = f.dir.file("text.sofa");
    const Run r = pinna_cli("verify " + f.clean + " " + f.padded + " " + missing + " " + text);
    INFO(r.out);
    CHECK(r.code == 1);
    const std::vector<std::string> expected_prefixes = {
        f.clean + ": clean (SimpleFreeFieldHRIR 1.0, SOFA 2.1)",
        f.padded + ": error: file: the file is ",
        f.padded + ": 1 error, 0 warnings, 0 info (SimpleFreeFieldHRIR 1.0, SOFA 2.1)",
        missing + ": error: file: cannot check the file: ",
        missing + ": not checked",
        text + ": error: file: not a SOFA file: no HDF5/netCDF-4 signature",
        text + ": 1 error, 0 warnings, 0 info",
    };
    const std::vector<std::string> got = lines(r.out);
    REQUIRE(got.size() == expected_prefixes.size());
    for (std::size_t i = 0; i < got.size(); ++i) {
        CAPTURE(i);
        CHECK(got[i].rfind(expected_prefixes[i], 0) == 0);
    }
    // Problem lines: FILE: SEVERITY: ELEMENT: MESSAGE [ID]
    const std::regex problem("^[^:]+: (error|warning|info): [A-Za-z.:_]+: .+ \\[[A-Z][0-9]{3}\\]$");
    CHECK(std::regex_match(got[1], problem));
    CHECK(got[1].find("[F005]") != std::string::npos);
    CHECK(got[3].find("[F001]") != std::string::npos);
    CHECK(got[5].find("[F002]") != std::string::npos);

    // What only libmysofa refuses is a note for the convention alone.
    const Run convention = pinna_cli("verify --profile convention " + f.padded);
    INFO(convention.out);
    CHECK(convention.code == 0);
    CHECK(convention.out.find(f.padded + ": info: file: ") == 0);
    CHECK(convention.out.find(f.padded + ": clean, 1 info (SimpleFreeFieldHRIR 1.0, SOFA 2.1)") !=
          std::string::npos);
}

TEST_CASE("pinna verify --json parses and says the same", "[cli][verify]") {
    Files f;
    const std::string missing = f.dir.file("missing.sofa");
    const Run r = pinna_cli("verify --json " + f.clean + " " + f.padded + " " + missing);
    INFO(r.out);
    CHECK(r.code == 1);
    const JsonValue doc = JsonValue::parse(r.out, "verify --json");
    REQUIRE(doc.is_object());
    CHECK(doc.find("profile")->as_string() == "renderer");
    CHECK_FALSE(doc.find("clean")->as_bool());
    const JsonValue* files = doc.find("files");
    REQUIRE(files);
    REQUIRE(files->items().size() == 3);

    const JsonValue& clean = files->items()[0];
    CHECK(clean.find("file")->as_string() == f.clean);
    CHECK(clean.find("checked")->as_bool());
    CHECK(clean.find("clean")->as_bool());
    CHECK(clean.find("convention")->as_string() == "SimpleFreeFieldHRIR");
    CHECK(clean.find("convention_version")->as_string() == "1.0");
    CHECK(clean.find("sofa_version")->as_string() == "2.1");
    CHECK(clean.find("problems")->items().empty());

    const JsonValue& padded = files->items()[1];
    CHECK_FALSE(padded.find("clean")->as_bool());
    CHECK(padded.find("errors")->as_number() == 1);
    CHECK(padded.find("warnings")->as_number() == 0);
    REQUIRE(padded.find("problems")->items().size() == 1);
    const JsonValue& problem = padded.find("problems")->items()[0];
    CHECK(problem.find("severity")->as_string() == "error");
    CHECK(problem.find("id")->as_string() == "F005");
    CHECK(problem.find("element")->as_string() == "file");
    CHECK(problem.find("message")->as_string().find("appended") != std::string::npos);

    const JsonValue& unreadable = files->items()[2];
    CHECK_FALSE(unreadable.find("checked")->as_bool());
    CHECK(unreadable.find("problems")->items()[0].find("id")->as_string() == "F001");

    const Run all_clean = pinna_cli("verify --json " + f.clean);
    CHECK(all_clean.code == 0);
    CHECK(JsonValue::parse(all_clean.out, "verify --json").find("clean")->as_bool());
}

TEST_CASE("pinna verify: a crash in the inspection is an error line, not a crash of pinna",
          "[cli][verify]") {
    Files f;
    const std::string worker = std::string(PINNA_BINARY_DIR) + "/libexec/pinna/pinna-sofa-worker";
    if (!std::filesystem::exists(worker)) {
        WARN("skipped: " << worker << " not built");
        return;
    }
    // A "worker" that dies of SIGSEGV every time: netCDF-C's side crashed.
    const std::string always = f.dir.file("always-crash.sh");
    std::ofstream(always) << "#!/bin/sh\nkill -SEGV $$\n";
    ::chmod(always.c_str(), 0755);
    const Run crashed = pinna_cli("verify " + f.clean, "PINNA_SOFA_WORKER=" + always);
    INFO(crashed.out);
    CHECK(crashed.code == 1);
    CHECK(crashed.out.find(f.clean + ": error: file: ") == 0);
    CHECK(crashed.out.find("signal 11") != std::string::npos);
    CHECK(crashed.out.find("[F004]") != std::string::npos);

    // One that dies only the first time: libmysofa (run only the first time) crashed, and
    // the second run, without it, still lists what netCDF-C shows.
    const std::string once = f.dir.file("crash-once.sh"), mark = f.dir.file("crashed");
    std::ofstream(once) << "#!/bin/sh\nif [ ! -e '" << mark << "' ]; then : > '" << mark
                        << "'; kill -SEGV $$; fi\nexec '" << worker << "' \"$@\"\n";
    ::chmod(once.c_str(), 0755);
    const Run libmysofa = pinna_cli("verify " + f.padded, "PINNA_SOFA_WORKER=" + once);
    INFO(libmysofa.out);
    CHECK(libmysofa.code == 1);
    CHECK(libmysofa.out.find("[L000]") != std::string::npos);
    CHECK(libmysofa.out.find("libmysofa 1.3.1 crashed") != std::string::npos);
    CHECK(libmysofa.out.find("[F005]") != std::string::npos);
}

TEST_CASE("every file pinna writes verifies clean: convert sparsify upsample", "[cli][verify]") {
    test::TempDir dir;
    const std::string in = dir.file("in.sofa");
    HrirSet set = test::synthetic_set(120, 64, 48000.0);
    set.metadata.title = "verify me";
    write_sofa(set, in);
    std::vector<std::string> written = {in};
    auto run_ok = [&](const std::string& args, const std::string& out) {
        const Run r = pinna_cli(args);
        INFO(args << "\n" << r.out);
        REQUIRE(r.code == 0);
        written.push_back(out);
    };
    run_ok("convert " + in + " " + dir.file("c.sofa"), dir.file("c.sofa"));
    run_ok("convert " + in + " " + dir.file("c44.sofa") + " --rate 44100 --taps 80",
           dir.file("c44.sofa"));
    for (const char* lap : {"100", "19", "5", "3"})
        run_ok("sparsify " + in + " --lap " + lap + " -o " +
                   dir.file(std::string("s") + lap + ".sofa"),
               dir.file(std::string("s") + lap + ".sofa"));
    const std::string sparse = dir.file("s19.sofa");
    for (const char* method : {"nearest", "barycentric", "sh"})
        for (const char* grid : {"fibonacci:200", "lebedev:50"}) {
            const std::string out = dir.file(std::string("u_") + method + "_" + grid[0] + ".sofa");
            run_ok("upsample " + sparse + " --grid " + grid + " --method " + method + " -o " + out,
                   out);
        }
    run_ok("upsample " + sparse + " --grid " + in + " --method barycentric --time-aligned -o " +
               dir.file("u_ref.sofa"),
           dir.file("u_ref.sofa"));
    require_clean(written);
}

TEST_CASE("every file pinna writes verifies clean: the neural writers", "[cli][verify]") {
    if (!neural_available()) {
        WARN(
            "skipped: pinna-neural is not built (LibTorch); predict, encode and upsample "
            "--method neural are not checked");
        return;
    }
    test::TempDir dir;
    const std::string models = std::string(PINNA_SOURCE_DIR) + "/models/";
    std::vector<std::string> written;
    const std::string out_dir = dir.file("predicted");
    const Run predict = pinna_cli("predict --anthropometry " + std::string(PINNA_SOURCE_DIR) +
                                  "/data/example_anthropometry.csv -o " + out_dir +
                                  " --grid fibonacci:64 --model " + models + "anthropometric.pt");
    INFO(predict.out);
    // The example's fourth subject lacks x1 on purpose: it is reported, the rest written.
    REQUIRE(predict.code == 1);
    REQUIRE(predict.out.find("predicted 3 of 4 subjects") != std::string::npos);
    for (const auto& e : std::filesystem::directory_iterator(out_dir))
        written.push_back(e.path().string());
    REQUIRE_FALSE(written.empty());

    const std::string sparse = dir.file("sparse.sofa");
    write_sofa(test::synthetic_set(12, 128, 48000.0), sparse);
    const Run upsample =
        pinna_cli("upsample " + sparse + " -o " + dir.file("dense.sofa") +
                  " --grid fibonacci:40 --method neural --model " + models + "upsampler.pt");
    INFO(upsample.out);
    REQUIRE(upsample.code == 0);
    written.push_back(dir.file("dense.sofa"));

    if (std::filesystem::exists(models + "autoencoder.pt")) {
        const std::string in = dir.file("in.sofa");
        write_sofa(test::synthetic_set(30, 256, 44100.0), in);
        const Run encode = pinna_cli("encode " + in + " -o " + dir.file("encoded.sofa") +
                                     " --model " + models + "autoencoder.pt");
        INFO(encode.out);
        REQUIRE(encode.code == 0);
        written.push_back(dir.file("encoded.sofa"));
    }
    require_clean(written);
}

TEST_CASE("pinna convert makes every readable shared file verify clean", "[cli][verify][data]") {
    PINNA_REQUIRE_DATASETS();
    test::TempDir dir;
    std::vector<std::string> inputs = test::dataset_files("sofa-zoo", ".sofa");
    inputs.push_back(test::dataset_file("hutubs/pp1_HRIRs_measured.sofa"));
    inputs.push_back(test::dataset_file("sonicom/P0003_FreeFieldComp_44kHz.sofa"));
    std::vector<std::string> written;
    for (const std::string& in : inputs) {
        const std::string name = in.substr(in.rfind('/') + 1);
        // FHK carries Latin-1 text that pinna's writer copies as it is: checked apart.
        if (name == "FHK_HRIR_L2354.sofa")
            continue;
        const std::string out = dir.file(name);
        const Run r = pinna_cli("convert " + in + " " + out);
        // The files pinna cannot read as HRIR sets (TF, headphones, two emitters) fail.
        if (r.code == 0)
            written.push_back(out);
    }
    CHECK(written.size() == inputs.size() - 4);
    require_clean(written);
    // HUTUBS's ears at 0.74 m (a P006 warning) are written at 0.09 m: the convert fixes it.
    const Run hutubs = pinna_cli("verify " + test::dataset_file("hutubs/pp1_HRIRs_measured.sofa"));
    CHECK(hutubs.code == 1);
    CHECK(hutubs.out.find("[P006]") != std::string::npos);
}

// Known gap: pinna's writer copies the Latin-1 bytes of FHK's Organization, References and
// Author attributes as they are, so the converted file still has the A009 warnings. It
// passes once the writer re-encodes text that is not UTF-8 (as `pinna info --json` does).
TEST_CASE("pinna convert re-encodes Latin-1 metadata as UTF-8", "[cli][verify][data]") {
    PINNA_REQUIRE_DATASETS();
    test::TempDir dir;
    const std::string out = dir.file("fhk.sofa");
    REQUIRE(pinna_cli("convert " + test::dataset_file("sofa-zoo/FHK_HRIR_L2354.sofa") + " " + out)
                .code == 0);
    require_clean({out});
}
