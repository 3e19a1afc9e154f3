// The meta.json reader.
#include <catch2/catch.hpp>

#include <cmath>

#include "pinna/error.hpp"
#include "torch/json_value.hpp"

using Catch::Contains;
using pinna::ModelError;
using pinna::detail::JsonValue;
using pinna::detail::MetaReader;

TEST_CASE("JsonValue parses documents with Python's non-finite numbers", "[json]") {
    const JsonValue v = JsonValue::parse(
        R"({"kind": "upsampler", "taps": 256, "x": [1.5, -2e-3, NaN, Infinity, -Infinity],
            "ok": true, "no": false, "nothing": null, "s": "a\"b\\c\u00e9\ud83d\ude00\n",
            "nested": {"list": [[1, 2], []]}})",
        "test");
    REQUIRE(v.is_object());
    CHECK(v.find("kind")->as_string() == "upsampler");
    CHECK(v.find("taps")->as_number() == 256.0);
    const auto& x = v.find("x")->items();
    REQUIRE(x.size() == 5);
    CHECK(x[0].as_number() == 1.5);
    CHECK(x[1].as_number() == -2e-3);
    CHECK(std::isnan(x[2].as_number()));
    CHECK(x[3].as_number() == INFINITY);
    CHECK(x[4].as_number() == -INFINITY);
    CHECK(v.find("ok")->as_bool());
    CHECK(!v.find("no")->as_bool());
    CHECK(v.find("nothing")->is_null());
    CHECK(v.find("s")->as_string() == "a\"b\\c\xc3\xa9\xf0\x9f\x98\x80\n");
    CHECK(v.find("nested")->find("list")->items()[0].items()[1].as_number() == 2.0);
    CHECK(v.find("missing") == nullptr);
}

TEST_CASE("JsonValue reports where a document is broken", "[json][errors]") {
    CHECK_THROWS_WITH(JsonValue::parse("{\"a\": 1", "m.pt: meta.json"),
                      Contains("m.pt: meta.json") && Contains("byte 7"));
    CHECK_THROWS_AS(JsonValue::parse("[1, 2,]", "x"), ModelError);
    CHECK_THROWS_AS(JsonValue::parse("{\"a\": nan}", "x"), ModelError);
    CHECK_THROWS_AS(JsonValue::parse("{\"a\": 0x10}", "x"), ModelError);
    CHECK_THROWS_AS(JsonValue::parse("{\"a\": 1} 2", "x"), ModelError);
    CHECK_THROWS_AS(JsonValue::parse("\"tab\there\"", "x"), ModelError);
    CHECK_THROWS_AS(JsonValue::parse("1e999", "x"), ModelError);
    CHECK_THROWS_AS(JsonValue::parse(std::string(100, '['), "x"), ModelError);
}

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
