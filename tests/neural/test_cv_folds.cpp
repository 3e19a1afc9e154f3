// The personaliser's cross-validation fold archives (models/cv/): no subject is scored by
// a model that saw it, and the C++ runner reproduces the Python figures of folds.json.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <set>

#include "neural/neural_test_support.hpp"
#include "pinna/anthropometry.hpp"
#include "pinna/metrics.hpp"
#include "pinna/neural/models.hpp"
#include "pinna/sofa.hpp"
#include "support/test_support.hpp"

using namespace pinna;

namespace {

std::set<long long> id_set(const detail::JsonValue& array) {
    std::set<long long> out;
    for (const auto& v : array.items())
        out.insert(static_cast<long long>(v.as_number()));
    return out;
}

const detail::JsonValue& member(const detail::JsonValue& object, const std::string& key) {
    const detail::JsonValue* v = object.find(key);
    REQUIRE(v != nullptr);
    return *v;
}

}  // namespace

TEST_CASE("CV fold archives: held-out subjects partition the training population",
          "[personalization][cv]") {
    const detail::JsonValue folds = test::read_json(test::model_file("cv/folds.json"));
    const auto& list = member(folds, "folds").items();
    REQUIRE(list.size() == 10);
    const PersonalizationModel shipped(test::model_file("anthropometric.pt"));
    const detail::JsonValue shipped_meta =
        detail::JsonValue::parse(shipped.info().meta_json, "anthropometric.pt");
    const std::set<long long> everyone =
        id_set(member(member(shipped_meta, "training"), "subjects"));
    CHECK(everyone.size() == 83);
    std::set<long long> all_held;
    std::size_t held_count = 0;
    for (const auto& fold : list) {
        const std::string file = member(fold, "file").as_string();
        INFO(file);
        const PersonalizationModel m(test::model_file("cv/" + file));
        CHECK(m.features() == shipped.features());
        CHECK(m.grid().size() == shipped.grid().size());
        const detail::JsonValue meta = detail::JsonValue::parse(m.info().meta_json, file);
        const auto& training = member(meta, "training");
        const std::set<long long> train = id_set(member(training, "subjects"));
        const std::set<long long> held = id_set(member(training, "heldout_subjects"));
        CHECK(held == id_set(member(fold, "heldout_subjects")));
        for (const long long s : held)
            CHECK(train.count(s) == 0);  // never scored on a training subject
        std::set<long long> both = train;
        both.insert(held.begin(), held.end());
        CHECK(both == everyone);
        all_held.insert(held.begin(), held.end());
        held_count += held.size();
    }
    CHECK(all_held == everyone);  // every subject held out exactly once
    CHECK(held_count == everyone.size());
}

TEST_CASE("CV fold archives reproduce folds.json's held-out LSD in C++",
          "[personalization][cv][data]") {
    PINNA_REQUIRE_DATASETS();
    const detail::JsonValue folds = test::read_json(test::model_file("cv/folds.json"));
    const AnthropometryTable table =
        read_anthropometry(test::dataset_file("hutubs/anthropometry.csv"));
    // Two folds keep the test short; scripts/evaluate_personalizer.sh runs all ten.
    for (const std::size_t f : {std::size_t{0}, std::size_t{9}}) {
        const auto& fold = member(folds, "folds").items()[f];
        const std::string file = member(fold, "file").as_string();
        INFO(file);
        const PersonalizationModel m(test::model_file("cv/" + file));
        double sum = 0.0;
        std::size_t n = 0;
        for (const long long id : id_set(member(fold, "heldout_subjects"))) {
            std::size_t row = table.rows.size();
            for (std::size_t r = 0; r < table.rows.size(); ++r)
                if (table.rows[r].subject == std::to_string(id))
                    row = r;
            REQUIRE(row < table.rows.size());
            const MagnitudeItd predicted =
                m.predict_spectra(select_features(table, row, m.features()));
            const MagnitudeItd measured = magnitude_itd(read_sofa(
                test::dataset_file("hutubs/pp" + std::to_string(id) + "_HRIRs_measured.sofa")));
            REQUIRE(measured.db.measurements() == predicted.db.measurements());
            const std::vector<std::size_t> bins = metric_bins(256, 44100.0);
            double subject = 0.0;
            for (std::size_t d = 0; d < measured.db.measurements(); ++d)
                for (const Ear ear : {Ear::left, Ear::right}) {
                    double s = 0.0;
                    for (const std::size_t k : bins) {
                        const double e =
                            measured.db.values(d, ear)[k] - predicted.db.values(d, ear)[k];
                        s += e * e;
                    }
                    subject += std::sqrt(s / static_cast<double>(bins.size()));
                }
            sum += subject / (2.0 * static_cast<double>(measured.db.measurements()));
            ++n;
        }
        const double lsd = sum / static_cast<double>(n);
        CHECK(lsd == Approx(member(fold, "lsd_db_compact").as_number()).margin(1e-6));
    }
}
