// Loading archives: typed errors for every way a file can fail to be a usable model, the
// thread count, and where default models are found.
#include <catch2/catch.hpp>

#include <cstdlib>
#include <fstream>

#include "neural/neural_test_support.hpp"
#include "pinna/error.hpp"
#include "pinna/grid.hpp"
#include "pinna/neural/models.hpp"
#include "support/test_support.hpp"

using namespace pinna;
using Catch::Contains;

namespace {
template <typename Fn>
std::string model_error_of(Fn fn) {
    try {
        fn();
    } catch (const ModelError& e) {
        return e.what();
    }
    FAIL("no ModelError thrown");
    return {};
}
}  // namespace

TEST_CASE("A missing model file is an IoError naming the path", "[loading][errors]") {
    const std::string path = "/nonexistent/folder/upsampler.pt";
    CHECK_THROWS_AS(Upsampler(path), IoError);
    CHECK_THROWS_WITH(Upsampler(path), Contains(path));
}

TEST_CASE("A file that is not TorchScript is a ModelError", "[loading][errors]") {
    test::TempDir dir;
    const std::string path = dir.file("notes.pt");
    std::ofstream(path) << "this is a text file, not a model\n";
    const std::string msg = model_error_of([&] { Upsampler u(path); });
    CHECK_THAT(msg, Contains(path) && Contains("is not a TorchScript model archive"));
    // An empty file too.
    const std::string empty = dir.file("empty.pt");
    std::ofstream{empty};
    CHECK_THAT(model_error_of([&] { Upsampler u(empty); }),
               Contains("is not a TorchScript model archive"));
}

TEST_CASE("Archives without usable meta.json are refused", "[loading][errors]") {
    CHECK_THAT(model_error_of([] { Upsampler u(test::fixture("no_meta.pt")); }),
               Contains("no_meta.pt") && Contains("no meta.json"));
    CHECK_THAT(model_error_of([] { Upsampler u(test::fixture("bad_meta.pt")); }),
               Contains("bad_meta.pt") && Contains("invalid JSON"));
    // An ITD input the runner does not know how to measure.
    CHECK_THAT(model_error_of([] { Upsampler u(test::fixture("bad_itd_input.pt")); }),
               Contains("bad_itd_input.pt") && Contains("itd_input") && Contains("subsample"));
}

TEST_CASE("An archive of another kind is refused, naming both kinds", "[loading][errors]") {
    const std::string msg =
        model_error_of([] { PersonalizationModel p(test::model_file("upsampler.pt")); });
    CHECK_THAT(msg,
               Contains("upsampler.pt") && Contains("'upsampler'") && Contains("'personalizer'"));
    CHECK_THAT(model_error_of([] { LatentCodec c(test::model_file("upsampler.pt")); }),
               Contains("'autoencoder'"));
}

TEST_CASE("Missing methods and mismatched signatures are refused", "[loading][errors]") {
    CHECK_THAT(model_error_of([] { Upsampler u(test::fixture("no_forward.pt")); }),
               Contains("no method 'forward'"));
    CHECK_THAT(model_error_of([] { Upsampler u(test::fixture("wrong_arity.pt")); }),
               Contains("'forward' takes 3 arguments") && Contains("lists 4"));
}

TEST_CASE("Outputs of unexpected shape are a ModelError naming both shapes", "[loading][errors]") {
    const Upsampler model(test::fixture("wrong_shape.pt"));
    const HrirSet measured = test::synthetic_set(6, 256, 44100.0);
    const std::string msg = model_error_of([&] { model.upsample(measured, fibonacci_grid(5)); });
    CHECK_THAT(
        msg, Contains("output 'db'") && Contains("[5, 2, 64]") && Contains("expected [5, 2, 129]"));
}

TEST_CASE("Errors raised inside the model become ModelError", "[loading][errors]") {
    const Upsampler model(test::fixture("raises.pt"));
    const HrirSet measured = test::synthetic_set(4, 256, 44100.0);
    CHECK_THAT(model_error_of([&] { model.upsample(measured, fibonacci_grid(3)); }),
               Contains("raises.pt: forward() failed") && Contains("fixture: deliberate failure"));
}

TEST_CASE("Model thread count can be set", "[loading]") {
    set_model_threads(2);
    CHECK(model_threads() == 2);
    set_model_threads(1);
    CHECK(model_threads() == 1);
    CHECK_THROWS_AS(set_model_threads(0), InvalidArgumentError);
    // A model still runs with one thread.
    const Upsampler model(test::model_file("upsampler.pt"));
    CHECK(model.population(fibonacci_grid(3)).itd_s.size() == 3);
}

TEST_CASE("Default model paths: $PINNA_MODEL_DIR, else <prefix>/share/pinna/models", "[loading]") {
    const char* old = std::getenv("PINNA_MODEL_DIR");
    const std::string saved = old ? old : "";
    ::unsetenv("PINNA_MODEL_DIR");
    // The test program is in <build>/bin, laid out like a prefix; the build tree's
    // share/pinna/models links to the source tree's models/.
    CHECK(model_directory() == std::string(PINNA_BINARY_DIR) + "/share/pinna/models");
    CHECK(default_model_path(kUpsamplerModelFile) ==
          std::string(PINNA_BINARY_DIR) + "/share/pinna/models/upsampler.pt");
    CHECK_NOTHROW(Upsampler());
    ::setenv("PINNA_MODEL_DIR", "/somewhere/else", 1);
    CHECK(default_model_path("x.pt") == "/somewhere/else/x.pt");
    CHECK_THROWS_AS(Upsampler(default_model_path(kUpsamplerModelFile)), IoError);
    if (old)
        ::setenv("PINNA_MODEL_DIR", saved.c_str(), 1);
    else
        ::unsetenv("PINNA_MODEL_DIR");
}
