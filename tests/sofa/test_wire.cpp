// The messages between pinna and its isolated SOFA process: round trips, and damaged or
// hostile messages refused with a MalformedFileError before anything is allocated.
#include <catch2/catch.hpp>

#include <cstring>

#include "pinna/error.hpp"
#include "sofa/wire.hpp"
#include "support/test_support.hpp"

using namespace pinna;
using namespace pinna::detail;

namespace {

HrirSet described_set() {
    HrirSet set = test::synthetic_set(7, 16, 44100.0);
    set.delays_samples().assign(7 * kEars, 0.0);
    set.delays_samples()[3] = 2.5;
    set.metadata.title = "title";
    set.metadata.source_path = "in.sofa";
    set.metadata.attributes = {{"Title", "title"},
                               {"Comment", std::string("tab\tnew\nline\0x", 14)}};
    return set;
}

template <typename F>
void check_damaged(F decode) {
    try {
        decode();
        FAIL("no error");
    } catch (const MalformedFileError& e) {
        CHECK(std::string(e.what()).find("damaged message") != std::string::npos);
    }
}

}  // namespace

TEST_CASE("a set survives the wire bit for bit", "[sofa][wire]") {
    const HrirSet set = described_set();
    const HrirSet back = decode_set_result(encode_set(set), "x.sofa", IsolationLimits{});
    CHECK(back.sample_rate_hz() == set.sample_rate_hz());
    CHECK(back.data() == set.data());
    CHECK(back.delays_samples() == set.delays_samples());
    REQUIRE(back.measurements() == set.measurements());
    for (std::size_t m = 0; m < set.measurements(); ++m) {
        CHECK(back.direction(m).azimuth_deg == set.direction(m).azimuth_deg);
        CHECK(back.direction(m).elevation_deg == set.direction(m).elevation_deg);
        CHECK(back.direction(m).distance_m == set.direction(m).distance_m);
    }
    CHECK(back.metadata.title == "title");
    CHECK(back.metadata.source_path == "in.sofa");
    CHECK(back.metadata.attributes == set.metadata.attributes);
}

TEST_CASE("summaries, requests, errors and done survive the wire", "[sofa][wire]") {
    SofaSummary s;
    s.convention = "SimpleHeadphoneIR";
    s.data_type = "FIR";
    s.measurements = 3;
    s.receivers = 2;
    s.emitters = 1;
    s.samples = 128;
    s.sample_rate_hz = 48000.0;
    s.attributes = {{"A", "1"}, {"B", ""}};
    s.why_not = "headphones";
    const SofaSummary back = decode_summary_result(encode_summary(s), "x");
    CHECK(back.convention == s.convention);
    CHECK(back.data_type == s.data_type);
    CHECK(back.measurements == 3);
    CHECK(back.receivers == 2);
    CHECK(back.emitters == 1);
    CHECK(back.samples == 128);
    CHECK(back.sample_rate_hz == 48000.0);
    CHECK(back.attributes == s.attributes);
    CHECK_FALSE(back.hrir_set);
    CHECK(back.why_not == "headphones");

    Request r;
    r.task = Task::describe;
    r.name = "n.sofa";
    r.limits.time_limit_s = 7;
    r.limits.max_taps = 99;
    r.payload = std::string("\0\1\2payload", 10);
    const Request rb = decode_request(encode_request(r));
    CHECK(rb.task == Task::describe);
    CHECK(rb.name == "n.sofa");
    CHECK(rb.limits.time_limit_s == 7);
    CHECK(rb.limits.max_taps == 99);
    CHECK(rb.payload == r.payload);
    // A payload tail is sent after the message, uncopied; the receiver finds it at the end
    // of the payload.
    const std::string image("\5image", 6);
    r.payload_tail = image;
    CHECK(encode_request(r) == encode_request(rb));  // the tail is not in the message
    const Request rt = decode_request(encode_request(r) + image);
    CHECK(rt.payload == r.payload + image);
    CHECK(rt.payload_tail.empty());
    CHECK(rt.image_fd == -1);
    r.image_fd = 3;
    r.image_size = 123456789;
    const Request rf = decode_request(encode_request(r));
    CHECK(rf.image_fd == 3);
    CHECK(rf.image_size == 123456789);
    CHECK(decode_request(encode_request(r, 7)).image_fd == 7);

    CHECK_NOTHROW(decode_done_result(encode_done(), "x"));
    const std::string error = encode_error(ErrorKind::unsupported_convention, "why");
    CHECK(is_error(error));
    CHECK_THROWS_AS(throw_decoded_error(error, "x"), UnsupportedConventionError);
    // An error result is thrown by every decoder, as its own kind.
    CHECK_THROWS_AS(decode_set_result(error, "x", {}), UnsupportedConventionError);
    CHECK_THROWS_AS(decode_summary_result(error, "x"), UnsupportedConventionError);
    CHECK_THROWS_AS(decode_done_result(encode_error(ErrorKind::io, "disk"), "x"), IoError);
}

TEST_CASE("damaged messages are refused, never trusted", "[sofa][wire]") {
    const std::string good = encode_set(described_set());
    // Every truncation, and anything appended, is damaged.
    for (std::size_t n = 0; n < good.size(); n += 13)
        check_damaged([&] { decode_set_result(good.substr(0, n), "x", {}); });
    check_damaged([&] { decode_set_result(good + "x", "x", {}); });
    // Sizes over the limits are refused before the data is looked for.
    IsolationLimits small;
    small.max_measurements = 6;
    check_damaged([&] { decode_set_result(good, "x", small); });
    // A huge declared size with no data behind it.
    std::string huge = good;
    const std::uint64_t m = 100000;
    std::memcpy(&huge[4 + sizeof(double)], &m, sizeof m);
    check_damaged([&] { decode_set_result(huge, "x", {}); });
    // A text longer than what follows it.
    std::string text = encode_done();
    check_damaged([&] { decode_summary_result(text, "x"); });
    // An error of an unknown kind, a request of an unknown task.
    std::string bad_kind = encode_error(ErrorKind::io, "m");
    const std::int32_t kind = 99;
    std::memcpy(&bad_kind[4], &kind, sizeof kind);
    check_damaged([&] { throw_decoded_error(bad_kind, "x"); });
    Request r;
    std::string request = encode_request(r);
    request[4] = 42;
    check_damaged([&] { decode_request(request); });
    check_damaged([&] { decode_request(std::string("PNR4")); });
}

TEST_CASE("verifications survive the wire; damaged ones are refused", "[sofa][wire]") {
    SofaVerification v;
    v.path = "ignored: the caller names the file";
    v.convention = "SimpleFreeFieldHRIR";
    v.convention_version = "1.0";
    v.sofa_version = "2.1";
    v.problems = {{Severity::error, "R003", "global:RoomType", "missing"},
                  {Severity::warning, "P006", "variable:ReceiverPosition", "0.74 m"},
                  {Severity::info, "A006", "global:Title", std::string("K\xc3\xb6ln\0x", 7)}};
    const std::string good = encode_verification(v);
    const SofaVerification back = decode_verification_result(good, "x.sofa");
    CHECK(back.path == "x.sofa");
    CHECK(back.convention == v.convention);
    CHECK(back.convention_version == v.convention_version);
    CHECK(back.sofa_version == v.sofa_version);
    REQUIRE(back.problems.size() == 3);
    for (std::size_t i = 0; i < 3; ++i) {
        CHECK(back.problems[i].severity == v.problems[i].severity);
        CHECK(back.problems[i].id == v.problems[i].id);
        CHECK(back.problems[i].element == v.problems[i].element);
        CHECK(back.problems[i].message == v.problems[i].message);
    }
    CHECK(
        decode_verification_result(encode_verification(SofaVerification{}), "x").problems.empty());

    for (std::size_t n = 0; n < good.size(); n += 5)
        check_damaged([&] { decode_verification_result(good.substr(0, n), "x"); });
    check_damaged([&] { decode_verification_result(good + "x", "x"); });
    // The count sits after the magic and three texts.
    const std::size_t count_at = 4 + 3 * sizeof(std::uint64_t) + v.convention.size() +
                                 v.convention_version.size() + v.sofa_version.size();
    std::string many = good;
    const std::uint64_t huge = std::uint64_t{1} << 40;
    std::memcpy(&many[count_at], &huge, sizeof huge);
    check_damaged([&] { decode_verification_result(many, "x"); });
    std::string bad_severity = good;
    bad_severity[count_at + sizeof(std::uint64_t)] = 7;
    check_damaged([&] { decode_verification_result(bad_severity, "x"); });
    CHECK_THROWS_AS(decode_verification_result(encode_error(ErrorKind::io, "m"), "x"), IoError);

    Request r;
    r.task = Task::verify;
    CHECK(decode_request(encode_request(r)).task == Task::verify);
}
