// The meta.json reader (MetaReader; JsonValue itself: tests/core/test_json.cpp).
#include <catch2/catch.hpp>

#include <cmath>

#include "neural/json_value.hpp"
#include "pinna/error.hpp"

using Catch::Contains;
using pinna::ModelError;
using pinna::detail::JsonValue;
using pinna::detail::MetaReader;

TEST_CASE("MetaReader names the key and what is wrong", "[json][errors]") {
    const JsonValue v = JsonValue::parse(
        R"({"taps": 256.5, "kind": 3, "features": {"names": ["a", 2], "mean": [1, 2]}})", "");
    const MetaReader r(v, "model.pt");
    CHECK_THROWS_WITH(r.integer("taps", 1, 1000),
                      Contains("model.pt: meta.json \"taps\"") && Contains("whole number"));
    CHECK_THROWS_WITH(r.string("kind"), Contains("\"kind\" is a number, expected a string"));
    CHECK_THROWS_WITH(r.string("name"), Contains("\"name\" is missing"));
    const MetaReader f = r.object("features");
    CHECK_THROWS_WITH(f.strings("names"), Contains("\"features.names\" item 1 is a number"));
    CHECK(f.numbers("mean") == std::vector<double>{1.0, 2.0});
    CHECK_THROWS_AS(MetaReader(*v.find("kind"), "model.pt"), ModelError);
}
