// PersonalizationModel on models/anthropometric.pt: the Python reference, the feature
// contract with the HUTUBS table, argument checks, warnings and the rendered set.
#include <catch2/catch.hpp>

#include <cmath>

#include "neural/neural_test_support.hpp"
#include "pinna/anthropometry.hpp"
#include "pinna/error.hpp"
#include "pinna/grid.hpp"
#include "pinna/neural/models.hpp"
#include "pinna/sofa.hpp"
#include "pinna/time_domain.hpp"
#include "support/test_support.hpp"

using namespace pinna;
using Catch::Contains;

namespace {

const PersonalizationModel& model() {
    static const PersonalizationModel m(test::model_file("anthropometric.pt"));
    return m;
}

std::vector<double> training_means() {
    std::vector<double> v;
    for (const FeatureInfo& f : model().feature_info())
        v.push_back(f.mean);
    return v;
}

std::size_t feature_index(const std::string& name) {
    const auto names = model().features();
    for (std::size_t i = 0; i < names.size(); ++i)
        if (names[i] == name)
            return i;
    FAIL("no feature " << name);
    return 0;
}

}  // namespace

TEST_CASE("PersonalizationModel reproduces the Python reference output", "[personalization]") {
    const auto ref = test::read_json(test::model_file("anthropometric.ref.json"));
    const std::vector<double> x = test::flat(*ref.find("inputs")->find("features"));
    const auto& out = *ref.find("outputs");
    const std::vector<double> indices = test::flat(*out.find("direction_indices"));
    const std::vector<double> db = test::flat(*out.find("db"));
    const std::vector<double> itd = test::flat(*out.find("itd_s"));
    const double db_sum = out.find("db_sum")->as_number();

    const MagnitudeItd p = model().predict_spectra(x);
    REQUIRE(p.db.measurements() == 440);
    REQUIRE(p.itd_s.size() == 440);
    REQUIRE(p.db.fft_size == 256);
    // Same LibTorch as the exporter and float32 inputs passed unchanged: the only possible
    // differences are float32 round-off (the reference stores float32 values); allow
    // 1e-4 dB (ref.json's own tolerance is 1e-3 dB) and 1e-9 s (4e-5 samples).
    double db_err = 0.0;
    for (std::size_t j = 0; j < indices.size(); ++j) {
        const auto m = static_cast<std::size_t>(indices[j]);
        for (std::size_t e = 0; e < 2; ++e)
            for (std::size_t k = 0; k < 129; ++k)
                db_err = std::max(db_err, std::fabs(p.db.values(m, static_cast<Ear>(e))[k] -
                                                    db[(j * 2 + e) * 129 + k]));
    }
    double itd_err = 0.0;
    for (std::size_t m = 0; m < 440; ++m)  // archive sign t_left - t_right, pinna's opposite
        itd_err = std::max(itd_err, std::fabs(p.itd_s[m] + itd[m]));
    double sum = 0.0;
    for (const double v : p.db.data)
        sum += v;
    INFO("max |dB diff| " << db_err << ", max |ITD diff| " << itd_err << " s, dB sum " << sum
                          << " vs " << db_sum);
    CHECK(db_err < 1e-4);
    CHECK(itd_err < 1e-9);
    CHECK(std::fabs(sum - db_sum) < 1e-5 * std::fabs(db_sum));
    // Sign: the grid direction nearest (90, 0) is on the left, so t_right > t_left.
    const std::size_t left = nearest_direction(model().grid(), Direction{90.0, 0.0, 1.0});
    CHECK(p.itd_s[left] > 400e-6);
}

TEST_CASE("PersonalizationModel features match the HUTUBS table", "[personalization][data]") {
    const std::vector<std::string> names = model().features();
    REQUIRE(names.size() == 37);
    CHECK(names.front() == "x1");
    CHECK(names.back() == "R_theta2");
    CHECK(model().feature_info()[0].unit == "cm");
    CHECK(model().feature_info()[0].description == "head width");
    PINNA_REQUIRE_DATASETS();
    const AnthropometryTable table =
        read_anthropometry(test::dataset_file("hutubs/anthropometry.csv"));
    // The reference input is pp1's row, selected by name from the CSV.
    const auto ref = test::read_json(test::model_file("anthropometric.ref.json"));
    const std::vector<double> x = test::flat(*ref.find("inputs")->find("features"));
    const std::vector<double> row = select_features(table, 0, names);
    REQUIRE(table.rows[0].subject == "1");
    for (std::size_t i = 0; i < row.size(); ++i)
        CHECK(static_cast<float>(row[i]) == static_cast<float>(x[i]));
    // The grid is HUTUBS's.
    const HrirSet pp1 = read_sofa(test::dataset_file("hutubs/pp1_HRIRs_measured.sofa"));
    REQUIRE(model().grid().size() == pp1.measurements());
    double worst = 0.0;
    for (std::size_t m = 0; m < pp1.measurements(); ++m)
        worst = std::max(worst, angle_between_deg(model().grid()[m], pp1.direction(m)));
    CHECK(worst < 1e-6);
}

TEST_CASE("PersonalizationModel checks its inputs", "[personalization][errors]") {
    std::vector<double> x = training_means();
    x.pop_back();
    CHECK_THROWS_AS(model().predict_spectra(x), InvalidArgumentError);
    CHECK_THROWS_WITH(model().predict(x),
                      Contains("36 anthropometric values") && Contains("expected 37"));
    x = training_means();
    x[feature_index("L_d3")] = std::nan("");
    CHECK_THROWS_AS(model().predict(x), InvalidDataError);
    CHECK_THROWS_WITH(model().predict(x), Contains("'L_d3'") && Contains("NaN"));
    x = training_means();
    x[2] = -std::numeric_limits<double>::infinity();
    CHECK_THROWS_WITH(model().warnings(x), Contains("'x3'") && Contains("infinite"));
}

TEST_CASE("PersonalizationModel warns about features outside the training population",
          "[personalization]") {
    std::vector<double> x = training_means();
    CHECK(model().warnings(x).empty());
    const FeatureInfo& width = model().feature_info()[0];
    x[0] = width.mean + 5.0 * width.std;
    const auto w = model().warnings(x);
    REQUIRE(w.size() == 1);
    CHECK_THAT(w[0], Contains("'x1'") && Contains("cm") && Contains("outside the training range") &&
                         Contains("above"));
    // Within 3 sigma but outside [min, max], and beyond 2 sigma with max_sigma = 2.
    x = training_means();
    const std::size_t i = feature_index("x14");
    const FeatureInfo& height = model().feature_info()[i];
    x[i] = height.min - 0.1;
    REQUIRE(std::fabs(x[i] - height.mean) < 3.0 * height.std);
    CHECK(model().warnings(x).size() == 1);
    x[i] = height.mean + 2.5 * height.std;
    REQUIRE(x[i] < height.max);
    CHECK(model().warnings(x).empty());
    CHECK(model().warnings(x, 2.0).size() == 1);
}

TEST_CASE("PersonalizationModel::predict renders the model's grid or given targets",
          "[personalization]") {
    const std::vector<double> x = training_means();
    const MagnitudeItd p = model().predict_spectra(x);
    const HrirSet set = model().predict(x);
    REQUIRE(set.measurements() == 440);
    CHECK(set.taps() == 256);
    CHECK(set.sample_rate_hz() == 44100.0);
    set.validate();
    const MagnitudeItd back = magnitude_itd(set);
    std::size_t itd_off = 0;
    for (std::size_t m = 0; m < 440; ++m)
        itd_off += std::fabs(back.itd_s[m] * 44100.0 - std::round(p.itd_s[m] * 44100.0)) > 0.5;
    CHECK(itd_off == 0);
    // Leading-ear onsets near the measured HUTUBS sets' (about 21.5 samples).
    double onset = 0.0;
    for (std::size_t m = 0; m < 440; ++m)
        onset += std::min(onset_samples(set.ir(m, Ear::left), 256),
                          onset_samples(set.ir(m, Ear::right), 256));
    onset /= 440.0;
    CHECK(onset > 19.0);
    CHECK(onset < 24.0);

    const std::vector<Direction> targets = fibonacci_grid(30);
    const HrirSet there = model().predict(x, &targets);
    CHECK(there.measurements() == 30);
    CHECK(there.taps() == 256);
    CHECK(angle_between_deg(there.direction(7), targets[7]) < 1e-9);
    const std::vector<Direction> none;
    CHECK_THROWS_AS(model().predict(x, &none), InvalidArgumentError);
}
