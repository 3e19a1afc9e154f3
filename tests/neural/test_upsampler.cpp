// Upsampler: C++ output against the Python output stored at export time, the preprocessing
// against the Python training data, and the whole upsample() path on a real subject.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <thread>

#include "neural/neural_test_support.hpp"
#include "pinna/error.hpp"
#include "pinna/grid.hpp"
#include "pinna/neural/models.hpp"
#include "pinna/sofa.hpp"
#include "pinna/time_domain.hpp"
#include "support/test_support.hpp"

using namespace pinna;
using pinna::test::flat;

namespace {

struct Reference {
    std::vector<Direction> measured, targets;
    std::vector<double> meas_db, meas_itd_s, db, itd_s, pop_db, pop_itd_s;
};

Reference load_reference() {
    const auto ref = test::read_json(test::model_file("upsampler.ref.json"));
    const auto& in = *ref.find("inputs");
    const auto& out = *ref.find("outputs");
    const auto& pop = *ref.find("population_outputs");
    Reference r;
    r.measured = test::directions_of(*in.find("meas_dirs"));
    r.targets = test::directions_of(*in.find("target_dirs"));
    r.meas_db = flat(*in.find("meas_db"));
    r.meas_itd_s = flat(*in.find("meas_itd_s"));
    r.db = flat(*out.find("db"));
    r.itd_s = flat(*out.find("itd_s"));
    r.pop_db = flat(*pop.find("db"));
    r.pop_itd_s = flat(*pop.find("itd_s"));
    return r;
}

double max_abs_diff(const std::vector<double>& a, const std::vector<double>& b) {
    REQUIRE(a.size() == b.size());
    double d = 0.0;
    for (std::size_t i = 0; i < a.size(); ++i)
        d = std::max(d, std::fabs(a[i] - b[i]));
    return d;
}

// The archives' ITD sign is t_left - t_right; pinna's is t_right - t_left.
std::vector<double> negated(std::vector<double> v) {
    for (double& x : v)
        x = -x;
    return v;
}

}  // namespace

TEST_CASE("Upsampler reproduces the Python reference output", "[upsampler]") {
    const Upsampler model(test::model_file("upsampler.pt"));
    CHECK(model.info().kind == "upsampler");
    CHECK(model.info().sample_rate_hz == 44100.0);
    CHECK(model.info().taps == 256);
    CHECK(model.info().bins == 129);

    const Reference r = load_reference();
    REQUIRE(r.measured.size() == 5);
    REQUIRE(r.targets.size() == 7);
    MagnitudeItd measured;
    measured.db.sample_rate_hz = 44100.0;
    measured.db.fft_size = 256;
    measured.db.directions = r.measured;
    measured.db.data = r.meas_db;
    measured.itd_s = negated(r.meas_itd_s);

    const MagnitudeItd out = model.predict(measured, r.targets);
    REQUIRE(out.db.measurements() == 7);
    REQUIRE(out.db.fft_size == 256);
    // Same LibTorch build as the exporting Python, float32 inputs that round-trip through
    // Direction to within one float ulp: differences are float32 round-off of dB values
    // around +-30 dB (ulp ~ 2e-6 dB), far below 1e-4 dB.
    const double db_err = max_abs_diff(out.db.data, r.db);
    const double itd_err = max_abs_diff(out.itd_s, negated(r.itd_s));
    INFO("max |dB diff| " << db_err << " dB, max |ITD diff| " << itd_err << " s");
    CHECK(db_err < 1e-4);
    CHECK(itd_err < 1e-9);
    // The sign made it through: target 2 is (90, 0), on the left, so t_right > t_left.
    CHECK(out.itd_s[2] > 300e-6);

    const MagnitudeItd pop = model.population(r.targets);
    CHECK(max_abs_diff(pop.db.data, r.pop_db) < 1e-4);
    CHECK(max_abs_diff(pop.itd_s, negated(r.pop_itd_s)) < 1e-9);
}

TEST_CASE("magnitude_itd matches the Python training features on SONICOM P0004",
          "[upsampler][data]") {
    PINNA_REQUIRE_DATASETS();
    const std::string path = test::dataset_file("sonicom/P0004_FreeFieldComp_44kHz.sofa");
    REQUIRE(!path.empty());
    const HrirSet full = read_sofa(path);
    const HrirSet sparse = full.subset(lap_sparse_indices(full.directions(), 5));
    const MagnitudeItd features = magnitude_itd(sparse);
    const Reference r = load_reference();
    // The reference's measured inputs are P0004's LAP-5 directions as the Python loader
    // computed them (float32 dB of float32 IRs, metric ITD t_left - t_right).
    CHECK(max_abs_diff(features.db.data, r.meas_db) < 1e-3);
    CHECK(max_abs_diff(features.itd_s, negated(r.meas_itd_s)) < 1e-9);  // float32 ref
    for (std::size_t m = 0; m < 5; ++m)
        CHECK(angle_between_deg(features.db.directions[m], r.measured[m]) < 1e-4);
}

TEST_CASE("Upsampler::upsample renders what the model predicts", "[upsampler][data]") {
    PINNA_REQUIRE_DATASETS();
    const HrirSet full = read_sofa(test::dataset_file("sonicom/P0004_FreeFieldComp_44kHz.sofa"));
    const HrirSet sparse = full.subset(lap_sparse_indices(full.directions(), 19));
    const Upsampler model(test::model_file("upsampler.pt"));
    std::vector<Direction> targets;
    for (std::size_t m = 0; m < full.measurements(); m += 7)
        targets.push_back(full.direction(m));

    NeuralUpsampleOptions model_only;  // measured directions rendered from the model too
    model_only.keep_measured_within_deg = -1.0;
    const HrirSet dense = model.upsample(sparse, targets, model_only);
    REQUIRE(dense.measurements() == targets.size());
    CHECK(dense.taps() == 256);
    CHECK(dense.sample_rate_hz() == 44100.0);
    CHECK(!dense.has_delays());
    CHECK(dense.metadata.listener_short_name == full.metadata.listener_short_name);
    CHECK(dense.direction(3).azimuth_deg == targets[3].azimuth_deg);

    // Rendering keeps the predicted magnitudes (minimum phase, cut at 256 taps) and the
    // predicted ITD in whole samples.
    const MagnitudeItd predicted = model.predict(magnitude_itd(sparse), targets);
    const MagnitudeItd rendered = magnitude_itd(dense);
    double lsd_sum = 0.0;
    std::size_t itd_off = 0;
    for (std::size_t m = 0; m < targets.size(); ++m) {
        for (std::size_t e = 0; e < 2; ++e) {
            const double* a = predicted.db.values(m, static_cast<Ear>(e));
            const double* b = rendered.db.values(m, static_cast<Ear>(e));
            double s = 0.0;
            for (std::size_t k = 1; k < 117; ++k)  // 172 Hz .. 20 kHz
                s += (a[k] - b[k]) * (a[k] - b[k]);
            lsd_sum += std::sqrt(s / 116.0);
        }
        const double want = std::round(predicted.itd_s[m] * 44100.0);
        const double got = rendered.itd_s[m] * 44100.0;
        itd_off += std::fabs(want - got) > 0.5;
    }
    const double lsd = lsd_sum / (2.0 * targets.size());
    INFO("LSD rendered vs predicted " << lsd << " dB; " << itd_off << " of " << targets.size()
                                      << " ITDs off");
    CHECK(lsd < 0.3);
    CHECK(itd_off == 0);

    // The base delay keeps onsets where the measured ones are (SONICOM: about 20 samples).
    const OnsetOptions onset;
    double measured_onset = 0.0, rendered_onset = 0.0;
    for (std::size_t m = 0; m < sparse.measurements(); ++m)
        measured_onset += std::min(onset_samples(sparse.ir(m, Ear::left), 256, onset),
                                   onset_samples(sparse.ir(m, Ear::right), 256, onset));
    for (std::size_t m = 0; m < dense.measurements(); ++m)
        rendered_onset += std::min(onset_samples(dense.ir(m, Ear::left), 256, onset),
                                   onset_samples(dense.ir(m, Ear::right), 256, onset));
    measured_onset /= static_cast<double>(sparse.measurements());
    rendered_onset /= static_cast<double>(dense.measurements());
    INFO("mean leading-ear onset: measured " << measured_onset << ", rendered " << rendered_onset);
    CHECK(std::fabs(measured_onset - rendered_onset) < 1.5);
}

TEST_CASE("Upsampler keeps measured directions unless told not to", "[upsampler][data]") {
    PINNA_REQUIRE_DATASETS();
    const HrirSet full = read_sofa(test::dataset_file("sonicom/P0004_FreeFieldComp_44kHz.sofa"));
    const std::vector<std::size_t> lap = lap_sparse_indices(full.directions(), 5);
    const HrirSet sparse = full.subset(lap);
    const Upsampler model(test::model_file("upsampler.pt"));
    // Targets: measured direction 2 exactly, measured direction 4 moved by 0.3 degrees, and
    // a direction 10 degrees away from any measurement.
    Direction moved = sparse.direction(4);
    moved.elevation_deg += 0.3;
    const std::vector<Direction> targets = {sparse.direction(2), moved, Direction{180.0, 0.0, 1.5}};
    const HrirSet kept = model.upsample(sparse, targets);
    NeuralUpsampleOptions never;
    never.keep_measured_within_deg = -1.0;
    const HrirSet modelled = model.upsample(sparse, targets, never);
    const auto same_ir = [](const float* a, const float* b) { return std::equal(a, a + 256, b); };
    for (const Ear ear : {Ear::left, Ear::right}) {
        CHECK(same_ir(kept.ir(0, ear), sparse.ir(2, ear)));
        CHECK(same_ir(kept.ir(1, ear), sparse.ir(4, ear)));
        CHECK(!same_ir(modelled.ir(0, ear), sparse.ir(2, ear)));
        CHECK(same_ir(kept.ir(2, ear), modelled.ir(2, ear)));
    }
    CHECK(kept.direction(1).elevation_deg == moved.elevation_deg);
    CHECK(kept.direction(2).distance_m == 1.5);
}

TEST_CASE("Upsampler conforms other rates and lengths to the model", "[upsampler]") {
    const Upsampler model(test::model_file("upsampler.pt"));
    // 48 kHz, 64 taps, 32 directions: resampled to 44.1 kHz and zero-padded to 256 taps.
    const HrirSet measured = test::synthetic_set(32, 64, 48000.0);
    const std::vector<Direction> targets = fibonacci_grid(10);
    const HrirSet out = model.upsample(measured, targets);
    CHECK(out.sample_rate_hz() == 44100.0);
    CHECK(out.taps() == 256);
    CHECK(out.measurements() == 10);
    out.validate();
}

TEST_CASE("Upsampler refuses bad inputs with typed errors", "[upsampler][errors]") {
    const Upsampler model(test::model_file("upsampler.pt"));
    const HrirSet measured = test::synthetic_set(8, 256, 44100.0);
    CHECK_THROWS_AS(model.upsample(measured, {}), InvalidArgumentError);
    CHECK_THROWS_AS(model.upsample(measured, {Direction{std::nan(""), 0.0, 1.0}}),
                    InvalidArgumentError);
    HrirSet bad = measured;
    bad.ir(3, Ear::right)[10] = std::nanf("");
    CHECK_THROWS_AS(model.upsample(bad, fibonacci_grid(4)), InvalidDataError);

    MagnitudeItd spectra = magnitude_itd(measured);
    spectra.db.fft_size = 128;
    CHECK_THROWS_WITH(model.predict(spectra, fibonacci_grid(4)),
                      Catch::Contains("128-point") && Catch::Contains("expects 256"));
    spectra = magnitude_itd(measured);
    spectra.itd_s[2] = std::numeric_limits<double>::infinity();
    CHECK_THROWS_AS(model.predict(spectra, fibonacci_grid(4)), InvalidDataError);
}

TEST_CASE("Upsampler::upsample is safe to call from several threads", "[upsampler][concurrency]") {
    const Upsampler model(test::model_file("upsampler.pt"));
    const HrirSet measured = test::synthetic_set(19, 256, 44100.0);
    const std::vector<Direction> targets = fibonacci_grid(60);
    const HrirSet serial = model.upsample(measured, targets);
    std::vector<HrirSet> results(3);
    std::vector<std::thread> threads;
    for (std::size_t i = 0; i < results.size(); ++i)
        threads.emplace_back([&, i] { results[i] = model.upsample(measured, targets); });
    for (auto& t : threads)
        t.join();
    for (const HrirSet& r : results)
        CHECK(r.data() == serial.data());
}
