// The neural CLI commands, run through the built pinna binary.
#include <catch2/catch.hpp>

#include <sys/wait.h>

#include <cmath>
#include <cstdlib>
#include <fstream>

#include "pinna/anthropometry.hpp"
#include "pinna/grid.hpp"
#include "pinna/models.hpp"
#include "pinna/sofa.hpp"
#include "support/test_support.hpp"
#include "torch/torch_test_support.hpp"

using namespace pinna;
using Catch::Contains;

namespace {

std::string cli_path() {
#ifdef PINNA_CLI_PATH
    return PINNA_CLI_PATH;
#else
    return std::string(PINNA_BINARY_DIR) + "/src/cli/pinna";
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
                               "' --grid fibonacci:40 --method neural --model '" +
                               test::model_file("upsampler.pt") + "'");
    INFO(r.err);
    REQUIRE(r.status == 0);
    CHECK_THAT(r.out, Contains("12 -> 40 directions (neural"));
    const HrirSet dense = read_sofa(dir.file("dense.sofa"));
    CHECK(dense.measurements() == 40);
    CHECK(dense.sample_rate_hz() == 44100.0);
    CHECK(dense.taps() == 256);
    CHECK_THAT(dense.metadata.comment, Contains("neural"));
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
