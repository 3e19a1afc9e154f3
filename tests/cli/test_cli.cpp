// The pinna binary as a user runs it: exit codes, messages, outputs.
#include <catch2/catch.hpp>

#include <sys/stat.h>
#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <vector>

#include "pinna/metrics.hpp"
#include "pinna/sofa.hpp"
#include "support/test_support.hpp"

using namespace pinna;

namespace {
using Run = test::CommandRun;

// `env`: variable assignments put before the command, e.g. "PINNA_SOFA_WORKER=fork".
Run pinna_cli(const std::string& args, const std::string& env = "") {
    return test::run_command(env + " " + std::string(PINNA_CLI_PATH) + " " + args);
}

std::string fixture(const test::TempDir& dir) {
    const std::string path = dir.file("in.sofa");
    write_sofa(test::synthetic_set(120, 64, 48000.0), path);
    return path;
}
}  // namespace

TEST_CASE("version, help and bad usage", "[cli]") {
    CHECK(pinna_cli("--version").code == 0);
    const Run help = pinna_cli("--help");
    CHECK(help.code == 0);
    CHECK(help.out.find("upsample") != std::string::npos);
    for (const char* c : {"info", "convert", "sparsify", "upsample", "evaluate", "predict"}) {
        CAPTURE(c);
        const Run r = pinna_cli(std::string(c) + " --help");
        CHECK(r.code == 0);
        CHECK(r.out.find("usage: pinna") != std::string::npos);
    }
    CHECK(pinna_cli("").code == 2);
    CHECK(pinna_cli("frobnicate").code == 2);
    const Run missing = pinna_cli("info");
    CHECK(missing.code == 2);
    CHECK(missing.out.find("pinna: error:") == 0);
    CHECK(pinna_cli("info a.sofa --bogus").code == 2);
    CHECK(pinna_cli("sparsify a.sofa --lap 7 -o b.sofa").code == 2);
}

TEST_CASE("bad input: exit 1 with one line naming the file", "[cli]") {
    test::TempDir dir;
    const Run r = pinna_cli(dir.file("missing.sofa"));
    CHECK(r.code == 2);  // an unknown command
    const Run info = pinna_cli("info " + dir.file("missing.sofa"));
    CHECK(info.code == 1);
    CHECK(info.out.rfind("pinna: error: ", 0) == 0);
    CHECK(info.out.find("missing.sofa") != std::string::npos);
    std::ofstream(dir.file("text.sofa")) << "not a sofa file";
    const Run text = pinna_cli("info " + dir.file("text.sofa"));
    CHECK(text.code == 1);
    CHECK(text.out.find("malformed file") != std::string::npos);
}

TEST_CASE("the isolated worker: found in the build tree, overridable, fork fallback", "[cli]") {
    test::TempDir dir;
    const std::string in = fixture(dir);
    const std::string out = dir.file("out.sofa");
    // Default (the build tree's pinna-sofa-worker), and the fork() fallback: same output.
    REQUIRE(pinna_cli("convert " + in + " " + out).code == 0);
    const HrirSet by_worker = read_sofa(out);
    REQUIRE(pinna_cli("convert " + in + " " + out, "PINNA_SOFA_WORKER=fork").code == 0);
    const HrirSet by_fork = read_sofa(out);
    CHECK(by_fork.data() == by_worker.data());
    // A worker that does not exist: a clear error naming it and the variable, no output.
    const Run missing = pinna_cli("convert " + in + " " + dir.file("x.sofa"),
                                  "PINNA_SOFA_WORKER=/nonexistent/worker");
    CHECK(missing.code == 1);
    CHECK(missing.out.find("/nonexistent/worker") != std::string::npos);
    CHECK(missing.out.find("PINNA_SOFA_WORKER") != std::string::npos);
    std::size_t entries = 0;
    for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator(dir.path()))
        ++entries;
    CHECK(entries == 2);  // in.sofa and out.sofa: no x.sofa, no temporary file
    // A worker that dies without answering is a failed read, not a hang or a crash.
    const Run dead = pinna_cli("info " + in, "PINNA_SOFA_WORKER=/bin/false");
    CHECK(dead.code == 1);
    CHECK(dead.out.find("returned nothing") != std::string::npos);
    // A worker that refuses the request, as one of another pinna build does: the error says so.
    const std::string refusing = dir.file("refusing.sh");
    std::ofstream(refusing) << "#!/bin/sh\ncat > /dev/null\nexit 2\n";
    ::chmod(refusing.c_str(), 0755);
    const Run refused = pinna_cli("info " + in, "PINNA_SOFA_WORKER=" + refusing);
    CHECK(refused.code == 1);
    CHECK(refused.out.find("another pinna build") != std::string::npos);
    // Workers that lie about the answer's length: one announces 1 TiB and sends 4 bytes,
    // one sends a real answer and more after it. Both are damaged messages (and the first
    // must not make pinna commit a terabyte).
    const std::string worker = std::string(PINNA_BINARY_DIR) + "/libexec/pinna/pinna-sofa-worker";
    const std::string huge = dir.file("huge.sh"), longer = dir.file("longer.sh");
    std::ofstream(huge) << "#!/bin/sh\ncat > /dev/null\n"
                           "printf '\\000\\000\\000\\000\\000\\001\\000\\000abcd'\n";
    std::ofstream(longer) << "#!/bin/sh\n'" << worker << "' \"$@\"\nprintf 'tail'\n";
    ::chmod(huge.c_str(), 0755);
    ::chmod(longer.c_str(), 0755);
    for (const std::string& liar : {huge, longer}) {
        const Run lied = pinna_cli("info " + in, "PINNA_SOFA_WORKER=" + liar);
        INFO(liar << ": " << lied.out);
        CHECK(lied.code == 1);
        CHECK(lied.out.find("damaged message") != std::string::npos);
    }
}

TEST_CASE("convert, sparsify, upsample and evaluate chain", "[cli]") {
    test::TempDir dir;
    const std::string in = fixture(dir);
    const Run info = pinna_cli("info --json " + in);
    REQUIRE(info.code == 0);
    CHECK(info.out.find("\"measurements\": 120") != std::string::npos);
    CHECK(info.out.find("\"sample_rate_hz\": 48000") != std::string::npos);

    REQUIRE(
        pinna_cli("convert " + in + " " + dir.file("c.sofa") + " --rate 44100 --taps 80").code ==
        0);
    const HrirSet converted = read_sofa(dir.file("c.sofa"));
    CHECK(converted.sample_rate_hz() == 44100.0);
    CHECK(converted.taps() == 80);

    REQUIRE(pinna_cli("sparsify " + in + " --lap 19 -o " + dir.file("s.sofa")).code == 0);
    // Model options belong to the neural method only.
    const Run model_option = pinna_cli("upsample " + dir.file("s.sofa") + " --grid " + in + " -o " +
                                       dir.file("u.sofa") + " --model x.pt");
    CHECK(model_option.code == 2);
    CHECK(model_option.out.find("--model applies only to --method neural") != std::string::npos);
    CHECK(pinna_cli("upsample " + dir.file("s.sofa") + " --grid " + in + " -o " +
                    dir.file("u.sofa") + " --head-yaw 5")
              .code == 2);
    CHECK(pinna_cli("upsample " + dir.file("s.sofa") + " --grid " + in + " -o " +
                    dir.file("u.sofa") + " --threads 2")
              .code == 2);
    CHECK(read_sofa(dir.file("s.sofa")).measurements() == 19);
    REQUIRE(pinna_cli("upsample " + dir.file("s.sofa") + " --grid " + in +
                      " --method barycentric --time-aligned -o " + dir.file("u.sofa"))
                .code == 0);
    CHECK(read_sofa(dir.file("u.sofa")).measurements() == 120);
    REQUIRE(pinna_cli("upsample " + dir.file("s.sofa") + " --grid fibonacci:200 -o " +
                      dir.file("f.sofa"))
                .code == 0);
    CHECK(read_sofa(dir.file("f.sofa")).measurements() == 200);

    // evaluate agrees with the library's compare, and identical sets score zero.
    const Run same = pinna_cli("evaluate " + in + " " + in + " --json");
    REQUIRE(same.code == 0);
    CHECK(same.out.find("\"lsd_db\": 0,") != std::string::npos);
    const Run ev = pinna_cli("evaluate " + in + " " + dir.file("u.sofa") + " --exclude " +
                             dir.file("s.sofa") + " --json");
    REQUIRE(ev.code == 0);
    CompareOptions o;
    o.exclude = read_sofa(dir.file("s.sofa")).directions();
    const Comparison c = compare(read_sofa(in), read_sofa(dir.file("u.sofa")), o);
    CHECK(c.excluded == 19);
    char expected[64];
    std::snprintf(expected, sizeof expected, "\"lsd_db\": %.10g,", c.lsd_db);
    CHECK(ev.out.find(expected) != std::string::npos);
    CHECK(ev.out.find("\"excluded\": 19") != std::string::npos);
}

TEST_CASE("evaluate over folders: one row per pair, the mean, and past a bad pair", "[cli]") {
    test::TempDir dir;
    const std::string refs = dir.file("refs"), ests = dir.file("ests");
    std::filesystem::create_directory(refs);
    std::filesystem::create_directory(ests);
    std::vector<double> lsd;
    for (int i = 0; i < 3; ++i) {
        const HrirSet ref = test::synthetic_set(60, 64, 48000.0);
        HrirSet est = ref;
        for (std::size_t k = 0; k < est.data().size(); ++k)  // a different error per pair
            est.data()[k] *= 1.0f + 0.1f * static_cast<float>(i + 1) *
                                        static_cast<float>((k * 7919) % 13) / 13.0f;
        write_sofa(ref, refs + "/ref_s" + std::to_string(i) + ".sofa");
        write_sofa(est, ests + "/s" + std::to_string(i) + ".sofa");
        lsd.push_back(compare(ref, est).lsd_db);
    }
    const Run r =
        pinna_cli("evaluate " + refs + " " + ests + " --reference-name 'ref_{}.sofa' --json");
    REQUIRE(r.code == 0);
    CHECK(r.out.find("\"pairs_scored\": 3") != std::string::npos);
    const double mean = (lsd[0] + lsd[1] + lsd[2]) / 3.0;
    const auto at = r.out.find("\"mean\": {");
    REQUIRE(at != std::string::npos);
    const auto lsd_at = r.out.find("\"lsd_db\": ", at);
    CHECK(std::stod(r.out.substr(lsd_at + 10)) == Approx(mean).epsilon(1e-6));
    CHECK(lsd[2] > lsd[0]);  // the pairs really differ

    // A corrupt estimate and one without a reference: reported, the rest still scored.
    std::ofstream(ests + "/s3.sofa") << "not a sofa file";
    write_sofa(test::synthetic_set(60, 64, 48000.0), ests + "/orphan.sofa");
    const Run bad = pinna_cli("evaluate " + refs + " " + ests + " --reference-name 'ref_{}.sofa'");
    CHECK(bad.code == 1);
    CHECK(bad.out.find("mean of 3 pairs") != std::string::npos);
    CHECK(bad.out.find("2 of 5 pairs failed") != std::string::npos);
    CHECK(bad.out.find("s3.sofa") != std::string::npos);
    CHECK(bad.out.find("ref_orphan.sofa") != std::string::npos);
    // Usage errors.
    CHECK(pinna_cli("evaluate " + refs + " " + ests + " --reference-name x.sofa").code == 2);
    CHECK(pinna_cli("evaluate " + refs + " " + ests + " --exclude a.sofa").code == 2);
    CHECK(pinna_cli("evaluate " + refs + "/ref_s0.sofa " + ests).code == 2);
}

TEST_CASE("outputs are atomic: a full disk leaves no file", "[cli][atomic]") {
    test::TempDir dir;
    const std::string in = fixture(dir);
    // 8 KiB file size limit: the SOFA file cannot be written.
    const std::string cmd = "bash -c 'ulimit -f 8; exec " + std::string(PINNA_CLI_PATH) +
                            " convert " + in + " " + dir.file("out.sofa") + "' 2>&1";
    std::FILE* p = ::popen(cmd.c_str(), "r");
    REQUIRE(p != nullptr);
    char buf[4096];
    std::string out;
    std::size_t n;
    while ((n = std::fread(buf, 1, sizeof buf, p)) > 0)
        out.append(buf, n);
    const int status = ::pclose(p);
    CHECK(WEXITSTATUS(status) == 1);
    CHECK(out.find("pinna: error:") != std::string::npos);
    std::ifstream f(dir.file("out.sofa"));
    CHECK_FALSE(f.good());
}

TEST_CASE("every malformed file gives exit 1 and a message, never a crash", "[cli][data]") {
    PINNA_REQUIRE_DATASETS();
    for (const std::string& f : test::dataset_files("malformed", ".sofa")) {
        CAPTURE(f);
        const Run r = pinna_cli("info " + f);
        CHECK(r.code == 1);
        CHECK(r.out.find("pinna: error:") != std::string::npos);
        CHECK(r.out.find(f.substr(f.find_last_of('/') + 1)) != std::string::npos);
    }
}

TEST_CASE("info works on every file libmysofa reads, JSON in valid UTF-8", "[cli][data]") {
    PINNA_REQUIRE_DATASETS();
    // GeneralFIR-E with two emitters: described, but not an HRIR set.
    const Run other = pinna_cli("info --json " + test::dataset_file("sofa-zoo/testfile.sofa"));
    CHECK(other.code == 0);
    CHECK(other.out.find("\"hrir_set\": false") != std::string::npos);
    CHECK(other.out.find("\"emitters\": 2") != std::string::npos);
    // FHK's Organization is Latin-1 text ("K\xf6ln"); the JSON carries it as UTF-8.
    const Run fhk = pinna_cli("info --json " + test::dataset_file("sofa-zoo/FHK_HRIR_L2354.sofa"));
    CHECK(fhk.code == 0);
    CHECK(fhk.out.find("K\xc3\xb6ln") != std::string::npos);
    CHECK(fhk.out.find("K\xf6ln") == std::string::npos);
    // A transfer-function file libmysofa cannot read: exit 1, unsupported convention.
    const Run tf = pinna_cli("info " + test::dataset_file("sofa-zoo/ARI_NH4_4_freqs.sofa"));
    CHECK(tf.code == 1);
    CHECK(tf.out.find("unsupported convention") != std::string::npos);
}
