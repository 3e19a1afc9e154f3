// The neural CLI commands, run through the built pinna binary.
#include <catch2/catch.hpp>

#include <sys/wait.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <fstream>

#include "neural/neural_test_support.hpp"
#include "pinna/anthropometry.hpp"
#include "pinna/grid.hpp"
#include "pinna/metrics.hpp"
#include "pinna/neural/models.hpp"
#include "pinna/sofa.hpp"
#include "support/test_support.hpp"

using namespace pinna;
using Catch::Contains;

namespace {

std::string cli_path() {
#ifdef PINNA_CLI_PATH
    return PINNA_CLI_PATH;
#else
    return std::string(PINNA_BINARY_DIR) + "/bin/pinna";
#endif
}

struct Run {
    int status = -1;
    std::string out, err;
};

Run run(const test::TempDir& dir, const std::string& args) {
    const std::string out = dir.file("stdout.txt"), err = dir.file("stderr.txt");
    const std::string cmd = "'" + cli_path() + "' " + args + " >'" + out + "' 2>'" + err + "'";
    const int raw = std::system(cmd.c_str());
    Run r;
    r.status = WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
    r.out = test::read_text(out);
    r.err = test::read_text(err);
    return r;
}

#define PINNA_REQUIRE_CLI()                                                          \
    do {                                                                             \
        if (!test::file_exists(cli_path())) {                                        \
            WARN("skipped: " << cli_path() << " not built (ninja pinna_cli first)"); \
            return;                                                                  \
        }                                                                            \
    } while (0)

}  // namespace

TEST_CASE("pinna upsample --method neural writes the target grid", "[cli]") {
    PINNA_REQUIRE_CLI();
    test::TempDir dir;
    const std::string sparse = dir.file("sparse.sofa");
    write_sofa(test::synthetic_set(12, 128, 48000.0), sparse);
    const Run r = run(dir, "upsample '" + sparse + "' -o '" + dir.file("dense.sofa") +
                               "' --grid fibonacci:40 --method neural --threads 1 --model '" +
                               test::model_file("upsampler.pt") + "'");
    INFO(r.err);
    REQUIRE(r.status == 0);
    CHECK_THAT(r.out, Contains("12 -> 40 directions (neural"));
    const HrirSet dense = read_sofa(dir.file("dense.sofa"));
    CHECK(dense.measurements() == 40);
    CHECK(dense.sample_rate_hz() == 48000.0);  // the input's rate and length
    CHECK(dense.taps() == 128);
    CHECK_THAT(dense.metadata.comment, Contains("neural"));
    const Run bad_threads = run(dir, "upsample '" + sparse + "' -o '" + dir.file("x.sofa") +
                                         "' --grid fibonacci:40 --method neural --threads 0");
    CHECK(bad_threads.status == 2);
    CHECK_THAT(bad_threads.err, Contains("--threads"));
    // The yaw the model assumed is on the line; a given one is said to be given.
    CHECK_THAT(r.out, Contains("head yaw"));
    const Run given =
        run(dir, "upsample '" + sparse + "' -o '" + dir.file("y.sofa") +
                     "' --grid fibonacci:40 --method neural --head-yaw -7.5 --model '" +
                     test::model_file("upsampler.pt") + "'");
    INFO(given.err);
    CHECK(given.status == 0);
    CHECK_THAT(given.out, Contains("head yaw -7.5 deg, given"));
    for (const std::string bad : {"400", "abc"}) {
        const Run r_bad = run(dir, "upsample '" + sparse + "' -o '" + dir.file("z.sofa") +
                                       "' --grid fibonacci:40 --method neural --head-yaw " + bad);
        CHECK(r_bad.status == 2);
        CHECK_THAT(r_bad.err, Contains("--head-yaw"));
    }
}

TEST_CASE("pinna upsample --method neural reports model errors", "[cli][errors]") {
    PINNA_REQUIRE_CLI();
    test::TempDir dir;
    const std::string sparse = dir.file("sparse.sofa");
    write_sofa(test::synthetic_set(6, 64, 44100.0), sparse);
    const std::string base = "upsample '" + sparse + "' -o '" + dir.file("dense.sofa") +
                             "' --grid fibonacci:10 --method neural --model ";
    Run r = run(dir, base + "/nonexistent/upsampler.pt");
    CHECK(r.status == 1);
    CHECK_THAT(r.err, Contains("/nonexistent/upsampler.pt") && Contains("(i/o error)"));
    std::ofstream(dir.file("text.pt")) << "not a model\n";
    r = run(dir, base + "'" + dir.file("text.pt") + "'");
    CHECK(r.status == 1);
    CHECK_THAT(r.err, Contains("is not a TorchScript model archive") && Contains("(model error)"));
    CHECK(!test::file_exists(dir.file("dense.sofa")));
    r = run(dir, base + "'" + test::model_file("upsampler.pt") + "' --sh-order 3");
    CHECK(r.status == 2);
    CHECK_THAT(r.err, Contains("--sh-order does not apply to --method neural"));
}

namespace {
// A CSV in the model's feature order: each row the training means, with overrides.
std::string predict_csv(const std::vector<std::pair<std::string, std::vector<std::string>>>& rows) {
    const PersonalizationModel model(test::model_file("anthropometric.pt"));
    std::string csv = "SubjectID";
    for (const std::string& f : model.features())
        csv += "," + f;
    csv += "\n";
    for (const auto& row : rows) {
        csv += row.first;
        for (std::size_t i = 0; i < model.features().size(); ++i) {
            std::string cell = std::to_string(model.feature_info()[i].mean);
            for (std::size_t k = 0; k + 1 < row.second.size(); k += 2)
                if (row.second[k] == model.features()[i])
                    cell = row.second[k + 1];
            csv += "," + cell;
        }
        csv += "\n";
    }
    return csv;
}
}  // namespace

TEST_CASE("pinna predict writes one SOFA file per subject and keeps going past bad rows",
          "[cli][personalization]") {
    PINNA_REQUIRE_CLI();
    test::TempDir dir;
    const PersonalizationModel model(test::model_file("anthropometric.pt"));
    const FeatureInfo& width = model.feature_info()[0];
    std::ofstream(dir.file("people.csv"))
        << predict_csv({{"alice", {}},
                        {"bob", {"x1", std::to_string(width.mean + 6.0 * width.std)}},
                        {"carol", {"L_d1", ""}},
                        {"../evil", {}}});
    const std::string out_dir = dir.file("out/nested");
    const Run r =
        run(dir, "predict --anthropometry '" + dir.file("people.csv") + "' -o '" + out_dir +
                     "' --threads 1 --model '" + test::model_file("anthropometric.pt") + "'");
    INFO("stdout: " << r.out << "\nstderr: " << r.err);
    CHECK(r.status == 1);  // carol failed
    CHECK_THAT(r.out, Contains("predicted 3 of 4 subjects") && Contains("1 failed"));
    CHECK_THAT(r.err, Contains("subject carol") && Contains("L_d1"));
    CHECK_THAT(r.err, Contains("warning: subject bob") && Contains("'x1'"));
    CHECK(!test::file_exists(out_dir + "/carol.sofa"));
    CHECK(test::file_exists(out_dir + "/.._evil.sofa"));
    CHECK(!test::file_exists(dir.file("out/evil.sofa")));
    const HrirSet alice = read_sofa(out_dir + "/alice.sofa");
    CHECK(alice.measurements() == 440);
    CHECK(alice.taps() == 256);
    CHECK(alice.metadata.listener_short_name == "alice");
    // The file holds what the library predicts for the same values.
    const HrirSet direct = model.predict(select_features(
        parse_anthropometry(predict_csv({{"alice", {}}}), "x"), 0, model.features()));
    REQUIRE(direct.data().size() == alice.data().size());
    double worst = 0.0;
    for (std::size_t i = 0; i < direct.data().size(); ++i)
        worst = std::max(worst, static_cast<double>(std::fabs(direct.data()[i] - alice.data()[i])));
    CHECK(worst < 1e-6);
}

TEST_CASE("pinna predict on another grid, and its refusals", "[cli][personalization][errors]") {
    PINNA_REQUIRE_CLI();
    test::TempDir dir;
    std::ofstream(dir.file("one.csv")) << predict_csv({{"P1", {}}});
    const std::string model = " --model '" + test::model_file("anthropometric.pt") + "'";
    Run r = run(dir, "predict --anthropometry '" + dir.file("one.csv") + "' -o '" + dir.file("o") +
                         "' --grid fibonacci:25" + model);
    INFO(r.err);
    REQUIRE(r.status == 0);
    CHECK(read_sofa(dir.file("o/P1.sofa")).measurements() == 25);

    // A column the model needs is absent: one clear error, nothing written.
    std::ofstream(dir.file("short.csv")) << "SubjectID,x1,x2\nP1,15,21\n";
    r = run(dir, "predict --anthropometry '" + dir.file("short.csv") + "' -o '" + dir.file("s") +
                     "'" + model);
    CHECK(r.status == 1);
    CHECK_THAT(r.err, Contains("short.csv") && Contains("x3") && Contains("R_theta2"));
    CHECK(!test::file_exists(dir.file("s")));

    r = run(dir, "predict --anthropometry '" + dir.file("one.csv") + "' -o '" + dir.file("t") +
                     "' --threads 0" + model);
    CHECK(r.status == 2);
    r = run(dir, "predict -o '" + dir.file("t") + "'" + model);
    CHECK(r.status == 2);
    CHECK_THAT(r.err, Contains("--anthropometry"));
    r = run(dir, "predict --anthropometry '" + dir.file("one.csv") + "' -o '" + dir.file("t") +
                     "' --model '" + test::model_file("upsampler.pt") + "'");
    CHECK(r.status == 1);
    CHECK_THAT(r.err, Contains("'personalizer'"));
}

TEST_CASE("pinna encode: codes and decoded set agree with the LatentCodec API", "[cli][codec]") {
    PINNA_REQUIRE_CLI();
    if (!test::file_exists(test::model_file("autoencoder.pt"))) {
        WARN("skipped: models/autoencoder.pt not found");
        return;
    }
    test::TempDir dir;
    const HrirSet set = test::synthetic_set(30, 256, 44100.0);
    const std::string in = dir.file("in.sofa");
    write_sofa(set, in);
    const std::string model = test::model_file("autoencoder.pt");
    const Run r = run(dir, "encode '" + in + "' -o '" + dir.file("out.sofa") + "' --codes '" +
                               dir.file("codes.csv") + "' --model '" + model + "' --json");
    INFO(r.err);
    REQUIRE(r.status == 0);

    const LatentCodec codec(model);
    const HrirSet stored = read_sofa(in);
    const LatentCodes codes = codec.encode(stored);
    // The printed LSD is the magnitude reconstruction error of the same codes.
    const MagnitudeItd original = magnitude_itd(stored), decoded = codec.decode_spectra(codes);
    const std::vector<std::size_t> bins = metric_bins(256, 44100.0);
    double sum = 0.0;
    for (std::size_t m = 0; m < 30; ++m)
        for (const Ear ear : {Ear::left, Ear::right}) {
            double s = 0.0;
            for (const std::size_t k : bins) {
                const double d = original.db.values(m, ear)[k] - decoded.db.values(m, ear)[k];
                s += d * d;
            }
            sum += std::sqrt(s / static_cast<double>(bins.size()));
        }
    const double lsd = sum / 60.0;
    const auto at = r.out.find("\"lsd_db\": ");
    REQUIRE(at != std::string::npos);
    CHECK(std::stod(r.out.substr(at + 10)) == Approx(lsd).epsilon(1e-6));
    CHECK_THAT(r.out, Contains("\"latent_size\": 24"));

    // The CSV: a header, then one row per direction and ear with the codes.
    std::ifstream csv(dir.file("codes.csv"));
    std::string line;
    REQUIRE(std::getline(csv, line));
    CHECK(line.rfind("azimuth_deg,elevation_deg,distance_m,ear,itd_s,z0,z1,", 0) == 0);
    std::size_t rows = 0;
    double max_diff = 0.0;
    while (std::getline(csv, line)) {
        std::vector<std::string> cells;
        std::size_t pos = 0, comma;
        while ((comma = line.find(',', pos)) != std::string::npos) {
            cells.push_back(line.substr(pos, comma - pos));
            pos = comma + 1;
        }
        cells.push_back(line.substr(pos));
        REQUIRE(cells.size() == 5 + 24);
        const std::size_t m = rows / 2;
        const Ear ear = rows % 2 == 0 ? Ear::left : Ear::right;
        CHECK(cells[3] == (ear == Ear::left ? "left" : "right"));
        for (std::size_t i = 0; i < 24; ++i)
            max_diff =
                std::max(max_diff, std::fabs(std::stod(cells[5 + i]) - codes.code(m, ear)[i]));
        ++rows;
    }
    CHECK(rows == 60);
    CHECK(max_diff < 1e-5);

    const HrirSet out = read_sofa(dir.file("out.sofa"));
    CHECK(out.measurements() == 30);
    CHECK(out.taps() == 256);
    CHECK_THAT(out.metadata.comment, Contains("latent codes"));
    const HrirSet api = codec.decode(codes);
    double max_ir = 0.0;
    for (std::size_t i = 0; i < api.data().size(); ++i)
        max_ir = std::max(max_ir, static_cast<double>(std::fabs(api.data()[i] - out.data()[i])));
    CHECK(max_ir < 1e-6);
}

TEST_CASE("pinna encode refusals", "[cli][codec][errors]") {
    PINNA_REQUIRE_CLI();
    test::TempDir dir;
    CHECK(run(dir, "encode").status == 2);
    const Run missing = run(dir, "encode '" + dir.file("none.sofa") + "'");
    CHECK(missing.status == 1);
    CHECK_THAT(missing.err, Contains("none.sofa"));
    const std::string in = dir.file("in.sofa");
    write_sofa(test::synthetic_set(8, 64, 48000.0), in);
    const Run wrong_kind =
        run(dir, "encode '" + in + "' --model '" + test::model_file("upsampler.pt") + "'");
    CHECK(wrong_kind.status == 1);
    CHECK_THAT(wrong_kind.err, Contains("upsampler.pt"));
    CHECK(run(dir, "encode '" + in + "' --threads 0").status == 2);
}

TEST_CASE("pinna predict: every kind of bad row is reported with its line and skipped",
          "[cli][personalization][errors]") {
    PINNA_REQUIRE_CLI();
    test::TempDir dir;
    std::string csv = predict_csv({{"good1", {}},
                                   {"neg", {"x1", "-14.5"}},
                                   {"angle", {"L_theta1", "400"}},
                                   {"nan", {"x3", "abc"}},
                                   {"inf", {"x2", "inf"}},
                                   {"good1", {}},
                                   {"good2", {}}});
    csv += "short,1,2,3,4,5\n";                    // line 9
    csv += "long" + std::string(40, ',') + "1\n";  // line 10
    std::ofstream(dir.file("bad.csv")) << csv;
    const Run r = run(dir, "predict --anthropometry '" + dir.file("bad.csv") + "' -o '" +
                               dir.file("out") + "' --grid fibonacci:20 --model '" +
                               test::model_file("anthropometric.pt") + "'");
    INFO("stdout: " << r.out << "\nstderr: " << r.err);
    CHECK(r.status == 1);
    CHECK_THAT(r.out, Contains("predicted 2 of 9 subjects") && Contains("7 failed"));
    const std::string table = dir.file("bad.csv");
    CHECK_THAT(r.err, Contains(table + ":3: subject neg") && Contains("'x1'") &&
                          Contains("cannot be negative"));
    CHECK_THAT(r.err, Contains(table + ":4: subject angle") && Contains("'L_theta1'"));
    CHECK_THAT(r.err, Contains(table + ":5: column 'x3' holds 'abc', not a number"));
    CHECK_THAT(r.err, Contains(table + ":6: column 'x2' is not finite"));
    CHECK_THAT(r.err, Contains(table + ":7: subject 'good1' appears again (first on line 2)"));
    CHECK_THAT(r.err, Contains(table + ":9: 6 cells, the header has 38 columns"));
    CHECK_THAT(r.err, Contains(table + ":10: 41 cells"));
    CHECK(test::file_exists(dir.file("out/good1.sofa")));
    CHECK(test::file_exists(dir.file("out/good2.sofa")));
    for (const char* skipped : {"neg", "angle", "nan", "inf", "short", "long"})
        CHECK(!test::file_exists(dir.file(std::string("out/") + skipped + ".sofa")));
}

TEST_CASE("pinna predict: 1000 rows with 10 bad ones scattered: 990 written, 10 reported",
          "[cli][personalization][batch]") {
    PINNA_REQUIRE_CLI();
    test::TempDir dir;
    std::vector<std::pair<std::string, std::vector<std::string>>> rows;
    std::vector<std::string> bad;
    for (int i = 0; i < 1000; ++i) {
        const std::string id = "s" + std::to_string(i);
        if (i % 100 == 37) {  // 37, 137, ..., 937: a negative head width
            rows.push_back({id, {"x1", "-1"}});
            bad.push_back(id);
        } else {
            rows.push_back({id, {}});
        }
    }
    std::ofstream(dir.file("batch.csv")) << predict_csv(rows);
    const Run r = run(dir, "predict --anthropometry '" + dir.file("batch.csv") + "' -o '" +
                               dir.file("out") + "' --grid fibonacci:12 --model '" +
                               test::model_file("anthropometric.pt") + "'");
    INFO("stdout: " << r.out);
    CHECK(r.status == 1);
    CHECK_THAT(r.out, Contains("predicted 990 of 1000 subjects") && Contains("10 failed"));
    std::size_t written = 0;
    for (int i = 0; i < 1000; ++i)
        written += test::file_exists(dir.file("out/s" + std::to_string(i) + ".sofa"));
    CHECK(written == 990);
    for (const std::string& id : bad) {
        CHECK(!test::file_exists(dir.file("out/" + id + ".sofa")));
        CHECK_THAT(r.err, Contains("subject " + id + ":"));
    }
}
