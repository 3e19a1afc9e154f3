// The JSON reader shared by anthropometry tables and model meta.json files.
#include <catch2/catch.hpp>

#include <cmath>
#include <string>

#include "json/json.hpp"
#include "pinna/error.hpp"

using Catch::Contains;
using namespace pinna;
using pinna::detail::JsonOptions;
using pinna::detail::JsonValue;

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
                      Contains("m.pt: meta.json") && Contains("line 1 (byte 7)"));
    CHECK_THROWS_WITH(JsonValue::parse("[1,\n 2,\n]", "t.json"), Contains("line 3"));
    CHECK_THROWS_AS(JsonValue::parse("[1, 2,]", "x"), MalformedFileError);
    CHECK_THROWS_AS(JsonValue::parse("{\"a\": nan}", "x"), MalformedFileError);
    CHECK_THROWS_AS(JsonValue::parse("{\"a\": 0x10}", "x"), MalformedFileError);
    CHECK_THROWS_AS(JsonValue::parse("{\"a\": 1} 2", "x"), MalformedFileError);
    CHECK_THROWS_AS(JsonValue::parse("\"tab\there\"", "x"), MalformedFileError);
    CHECK_THROWS_AS(JsonValue::parse("1e999", "x"), MalformedFileError);
    CHECK_THROWS_AS(JsonValue::parse(std::string(100, '['), "x"), MalformedFileError);
    // The caps, and the kind of error a caller asks for.
    JsonOptions options;
    options.max_depth = 2;
    CHECK_NOTHROW(JsonValue::parse("[[1]]", "x", options));
    CHECK_THROWS_WITH(JsonValue::parse("[[[1]]]", "x", options), Contains("deeper than 2"));
    options.max_items = 3;
    CHECK_NOTHROW(JsonValue::parse("[1, 2, 3]", "x", options));
    CHECK_THROWS_WITH(JsonValue::parse("[1, 2, 3, 4]", "x", options), Contains("more than 3"));
    CHECK_THROWS_WITH(JsonValue::parse(R"({"a": 1, "b": 2, "c": 3, "d": 4})", "x", options),
                      Contains("more than 3 members"));
    options.error_kind = ErrorKind::model;
    CHECK_THROWS_AS(JsonValue::parse("[1, 2,]", "x", options), ModelError);
}
