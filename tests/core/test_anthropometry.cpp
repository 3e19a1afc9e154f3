#include <catch2/catch.hpp>

#include <cmath>
#include <functional>

#include "pinna/anthropometry.hpp"
#include "pinna/error.hpp"
#include "support/test_support.hpp"

using namespace pinna;

namespace {
ErrorKind kind_of(const std::function<void()>& f, std::string* message = nullptr) {
    try {
        f();
    } catch (const Error& e) {
        if (message)
            *message = e.what();
        return e.kind();
    }
    FAIL("no error thrown");
    return ErrorKind::io;
}
}  // namespace

TEST_CASE("CSV: header, subject ids, values and missing cells", "[core][anthropometry]") {
    const std::string csv =
        "SubjectID,x1,x3,L_d1\n"
        "7,14.5,18.25,1.7\n"
        "\n"
        "9, 15 ,NaN,\n";
    const AnthropometryTable t = parse_anthropometry_csv(csv, "a.csv");
    REQUIRE(t.features == std::vector<std::string>{"x1", "x3", "L_d1"});
    REQUIRE(t.rows.size() == 2);
    CHECK(t.rows[0].subject == "7");
    CHECK(t.rows[0].values[1] == 18.25);
    CHECK(t.rows[1].subject == "9");
    CHECK(t.rows[1].line == 4);
    CHECK(t.rows[1].values[0] == 15.0);
    CHECK(std::isnan(t.rows[1].values[1]));
    CHECK(std::isnan(t.rows[1].values[2]));
    // Selecting in another order, and the refusal of a missing value naming where.
    CHECK(select_features(t, 0, {"L_d1", "x1"}) == std::vector<double>{1.7, 14.5});
    std::string msg;
    CHECK(kind_of([&] { select_features(t, 1, {"x1", "x3"}); }, &msg) == ErrorKind::invalid_data);
    CHECK(msg.find("subject 9") != std::string::npos);
    CHECK(msg.find("'x3'") != std::string::npos);
    CHECK(kind_of([&] { select_features(t, 0, {"x2"}); }, &msg) == ErrorKind::invalid_data);
    CHECK(msg.find("'x2'") != std::string::npos);
}

TEST_CASE("CSV: only a missing or invalid header fails the whole file", "[core][anthropometry]") {
    CHECK(kind_of([&] { parse_anthropometry_csv("", "d.csv"); }) == ErrorKind::malformed_file);
    CHECK(kind_of([&] { parse_anthropometry_csv("SubjectID,x1\n", "e.csv"); }) ==
          ErrorKind::malformed_file);
    CHECK(kind_of([&] { parse_anthropometry_csv("SubjectID,x1,x1\n1,2,3\n", "f.csv"); }) ==
          ErrorKind::malformed_file);
    CHECK(kind_of([&] { parse_anthropometry_csv("SubjectID,,x2\n1,2,3\n", "f.csv"); }) ==
          ErrorKind::malformed_file);
    CHECK(kind_of([&] { parse_anthropometry_csv("\"SubjectID,x1\n1,2\n", "f.csv"); }) ==
          ErrorKind::malformed_file);
    AnthropometryLimits small;
    small.max_rows = 2;
    CHECK(kind_of([&] { parse_anthropometry_csv("id,x\n1,1\n2,2\n3,3\n", "h.csv", small); }) ==
          ErrorKind::malformed_file);
}

TEST_CASE("CSV: a bad row is set aside with its line and why; the rest is read",
          "[core][anthropometry]") {
    const std::string csv =
        "SubjectID,x1,x2\n"
        "a,1,2\n"    // good
        "b,1\n"      // too few cells
        "c,1,2,3\n"  // too many
        "d,1,abc\n"  // not a number
        "e,inf,2\n"  // not finite
        "a,3,4\n"    // duplicate id
        "\"f,1,2\n"  // unterminated quote
        "g,5,6\n";   // good
    const AnthropometryTable t = parse_anthropometry_csv(csv, "b.csv");
    REQUIRE(t.rows.size() == 2);
    CHECK(t.rows[0].subject == "a");
    CHECK(t.rows[1].subject == "g");
    CHECK(t.rows[1].line == 9);
    REQUIRE(t.rejected.size() == 6);
    const std::vector<std::size_t> lines = {3, 4, 5, 6, 7, 8};
    const std::vector<std::string> why = {"2 cells, the header has 3",
                                          "4 cells",
                                          "'x2' holds 'abc', not a number",
                                          "'x1' is not finite",
                                          "subject 'a' appears again (first on line 2)",
                                          "unterminated quote"};
    for (std::size_t i = 0; i < 6; ++i) {
        CAPTURE(i, t.rejected[i].message);
        CHECK(t.rejected[i].line == lines[i]);
        CHECK(t.rejected[i].message.find("b.csv:" + std::to_string(lines[i])) == 0);
        CHECK(t.rejected[i].message.find(why[i]) != std::string::npos);
    }
    CHECK(t.rejected[0].subject == "b");
    CHECK(t.rejected[4].subject == "a");
    // Every row bad is still a table (the caller reports them), not a broken file.
    const AnthropometryTable none = parse_anthropometry_csv("id,x\n1\n", "n.csv");
    CHECK(none.rows.empty());
    CHECK(none.rejected.size() == 1);
}

TEST_CASE("JSON: one subject, a list, and {subjects: [...]}", "[core][anthropometry]") {
    const AnthropometryTable one =
        parse_anthropometry(R"( {"SubjectID": "ann", "x1": 14.8, "x3": null} )", "o.json");
    REQUIRE(one.rows.size() == 1);
    CHECK(one.rows[0].subject == "ann");
    CHECK(one.rows[0].values[0] == 14.8);
    CHECK(std::isnan(one.rows[0].values[1]));
    const AnthropometryTable list =
        parse_anthropometry(R"([{"SubjectID": 3, "x1": 1e1}, {"x3": -2.5, "x1": 3}])", "l.json");
    REQUIRE(list.rows.size() == 2);
    CHECK(list.features == std::vector<std::string>{"x1", "x3"});
    CHECK(list.rows[0].subject == "3");
    CHECK(list.rows[0].values[0] == 10.0);
    CHECK(std::isnan(list.rows[0].values[1]));
    CHECK(list.rows[1].values[1] == -2.5);
    const AnthropometryTable wrapped =
        parse_anthropometry(R"({"subjects": [{"x1": 1}]})", "w.json");
    CHECK(wrapped.rows.size() == 1);
}

TEST_CASE("JSON: Python's NaN is a missing value", "[core][anthropometry]") {
    const AnthropometryTable t = parse_anthropometry(R"({"x1": NaN, "x2": 3})", "n.json");
    REQUIRE(t.rows.size() == 1);
    CHECK(std::isnan(t.rows[0].values[0]));
    CHECK(t.rows[0].values[1] == 3.0);
}

TEST_CASE("JSON errors: syntax, nesting and no subjects fail the file", "[core][anthropometry]") {
    for (const char* bad :
         {"{", "[1,", R"({"x1": 1} x)", R"({"x1": 1e999})",
          "[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]", R"({"x1": tru})", "[]", "{}"}) {
        CAPTURE(bad);
        CHECK(kind_of([&] { parse_anthropometry(bad, "bad.json"); }) == ErrorKind::malformed_file);
    }
}

TEST_CASE("JSON: a bad subject is set aside; the rest is read", "[core][anthropometry]") {
    const AnthropometryTable t = parse_anthropometry(
        R"([{"id": "a", "x1": 1}, {"id": "b", "x1": "tall"}, 7, {"id": "c", "x1": -Infinity},
            {"id": "a", "x1": 2}, {"id": "d", "x1": 3}])",
        "r.json");
    REQUIRE(t.rows.size() == 2);
    CHECK(t.rows[0].subject == "a");
    CHECK(t.rows[1].subject == "d");
    REQUIRE(t.rejected.size() == 4);
    CHECK(t.rejected[0].line == 2);
    CHECK(t.rejected[0].message.find("'x1' must be a number or null") != std::string::npos);
    CHECK(t.rejected[1].line == 3);
    CHECK(t.rejected[1].message.find("not a JSON object") != std::string::npos);
    CHECK(t.rejected[2].message.find("'x1' is not finite") != std::string::npos);
    CHECK(t.rejected[3].message.find("appears again") != std::string::npos);
}

TEST_CASE("HUTUBS anthropometry: 86 subjects, 37 parameters, NaN rows refused by name",
          "[core][anthropometry][data]") {
    PINNA_REQUIRE_DATASETS();
    const std::string path = test::dataset_file("hutubs/anthropometry.csv");
    REQUIRE_FALSE(path.empty());
    const AnthropometryTable t = read_anthropometry(path);
    CHECK(t.rows.size() == 86);
    CHECK(t.features.size() == 37);
    CHECK(t.features.front() == "x1");
    CHECK(t.features.back() == "R_theta2");
    CHECK(t.rows[0].subject == "1");
    CHECK(t.rows[0].values[0] == 14.81);
    std::size_t nan_rows = 0;
    for (std::size_t r = 0; r < t.rows.size(); ++r) {
        try {
            select_features(t, r, t.features);
        } catch (const InvalidDataError& e) {
            ++nan_rows;
            const std::string s = t.rows[r].subject;
            CHECK((s == "18" || s == "79" || s == "92"));
            CHECK(std::string(e.what()).find("subject " + s) != std::string::npos);
        }
    }
    CHECK(nan_rows == 3);
}
