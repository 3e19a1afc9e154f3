#include "sofa/wire.hpp"

#include <cstring>
#include <utility>

namespace pinna::detail {
namespace {

constexpr char kMagicRequest[4] = {'P', 'N', 'R', '4'};
constexpr char kMagicSet[4] = {'P', 'N', 'S', '1'};
constexpr char kMagicSummary[4] = {'P', 'N', 'M', '1'};
constexpr char kMagicDone[4] = {'P', 'N', 'D', '1'};
constexpr char kMagicVerification[4] = {'P', 'N', 'V', '1'};
constexpr char kMagicError[4] = {'P', 'N', 'E', '1'};
constexpr char kMagicDeclined[4] = {'P', 'N', 'X', '1'};
constexpr std::size_t kMaxText = 1u << 20;  // one metadata string
constexpr std::size_t kMaxAttributes = 10000;
constexpr std::size_t kMaxProblems = 100000;

void expect_magic(WireIn& in, const char (&magic)[4]) {
    char got[4];
    in.raw(got, 4);
    if (std::memcmp(got, magic, 4) != 0)
        in.damaged();
}

void put_attributes(WireOut& out, const std::vector<std::pair<std::string, std::string>>& list) {
    out.put(static_cast<std::uint64_t>(list.size()));
    for (const auto& [key, value] : list)
        out.text(key).text(value);
}

std::vector<std::pair<std::string, std::string>> get_attributes(WireIn& in) {
    const auto count = in.get<std::uint64_t>();
    if (count > kMaxAttributes)
        in.damaged();
    std::vector<std::pair<std::string, std::string>> list;
    for (std::uint64_t i = 0; i < count; ++i) {
        std::string key = in.text();
        list.emplace_back(std::move(key), in.text());
    }
    return list;
}

// Reads the magic of a result; an error result is thrown.
void open_result(WireIn& in, const std::string& bytes, const std::string& name,
                 const char (&magic)[4]) {
    if (is_error(bytes))
        throw_decoded_error(bytes, name);
    expect_magic(in, magic);
}

}  // namespace

WireOut& WireOut::text(const std::string& s) {
    put(static_cast<std::uint64_t>(s.size()));
    bytes_ += s;
    return *this;
}

std::string WireIn::text() {
    const auto n = get<std::uint64_t>();
    if (n > kMaxText || n > remaining())
        damaged();
    std::string s = b_.substr(pos_, static_cast<std::size_t>(n));
    pos_ += static_cast<std::size_t>(n);
    return s;
}

void WireIn::raw(void* dst, std::size_t n) {
    if (n > remaining())
        damaged();
    std::memcpy(dst, b_.data() + pos_, n);
    pos_ += n;
}

void WireIn::expect_end() const {
    if (remaining() != 0)
        damaged();
}

void WireIn::damaged() const {
    throw MalformedFileError(name_ + ": the isolated process returned a damaged message");
}

std::string encode_request(const Request& request, int image_fd) {
    WireOut out;
    out.raw(kMagicRequest, 4)
        .put(static_cast<std::uint8_t>(request.task))
        .put(static_cast<std::uint32_t>(request.limits.time_limit_s))
        .put(static_cast<std::uint64_t>(request.limits.memory_limit_bytes))
        .put(static_cast<std::uint64_t>(request.limits.max_measurements))
        .put(static_cast<std::uint64_t>(request.limits.max_taps))
        .put(static_cast<std::int32_t>(image_fd))
        .put(request.image_size)
        .text(request.name)
        .raw(request.payload.data(), request.payload.size());
    return std::move(out.bytes());
}

Request decode_request(std::string bytes) {
    WireIn in(bytes, "pinna-sofa-worker request");
    expect_magic(in, kMagicRequest);
    Request r;
    const auto task = in.get<std::uint8_t>();
    if (task < static_cast<std::uint8_t>(Task::read_set) ||
        task > static_cast<std::uint8_t>(Task::verify))
        in.damaged();
    r.task = static_cast<Task>(task);
    r.limits.time_limit_s = in.get<std::uint32_t>();
    r.limits.memory_limit_bytes = static_cast<std::size_t>(in.get<std::uint64_t>());
    r.limits.max_measurements = static_cast<std::size_t>(in.get<std::uint64_t>());
    r.limits.max_taps = static_cast<std::size_t>(in.get<std::uint64_t>());
    r.image_fd = in.get<std::int32_t>();
    r.image_size = in.get<std::uint64_t>();
    if (r.image_fd < -1)
        in.damaged();
    r.name = in.text();
    const std::size_t header = in.position();
    r.payload = std::move(bytes);
    r.payload.erase(0, header);
    return r;
}

std::string encode_set(const HrirSet& set) {
    WireOut out;
    out.raw(kMagicSet, 4)
        .put(set.sample_rate_hz())
        .put(static_cast<std::uint64_t>(set.measurements()))
        .put(static_cast<std::uint64_t>(set.taps()))
        .put(static_cast<std::uint8_t>(set.has_delays()));
    for (const Direction& d : set.directions())
        out.put(d.azimuth_deg).put(d.elevation_deg).put(d.distance_m);
    out.raw(set.data().data(), set.data().size() * sizeof(float));
    if (set.has_delays())
        out.raw(set.delays_samples().data(), set.delays_samples().size() * sizeof(double));
    const Metadata& m = set.metadata;
    for (const std::string* s : {&m.title, &m.database_name, &m.listener_short_name, &m.license,
                                 &m.comment, &m.source_convention, &m.source_path})
        out.text(*s);
    put_attributes(out, m.attributes);
    return std::move(out.bytes());
}

HrirSet decode_set(WireIn& in, const IsolationLimits& limits) {
    expect_magic(in, kMagicSet);
    const double fs = in.get<double>();
    const auto m = in.get<std::uint64_t>();
    const auto n = in.get<std::uint64_t>();
    const bool has_delays = in.get<std::uint8_t>() != 0;
    if (m == 0 || n == 0 || m > limits.max_measurements || n > limits.max_taps)
        in.damaged();
    // The payload must really be there before anything of that size is allocated.
    const std::uint64_t payload = m * 3 * sizeof(double) + m * kEars * n * sizeof(float) +
                                  (has_delays ? m * kEars * sizeof(double) : 0);
    if (payload > in.remaining())
        in.damaged();
    std::vector<Direction> dirs(static_cast<std::size_t>(m));
    for (Direction& d : dirs) {
        d.azimuth_deg = in.get<double>();
        d.elevation_deg = in.get<double>();
        d.distance_m = in.get<double>();
    }
    HrirSet set(fs, static_cast<std::size_t>(n), std::move(dirs));
    in.raw(set.data().data(), set.data().size() * sizeof(float));
    if (has_delays) {
        set.delays_samples().resize(static_cast<std::size_t>(m) * kEars);
        in.raw(set.delays_samples().data(), set.delays_samples().size() * sizeof(double));
    }
    Metadata& meta = set.metadata;
    for (std::string* s :
         {&meta.title, &meta.database_name, &meta.listener_short_name, &meta.license, &meta.comment,
          &meta.source_convention, &meta.source_path})
        *s = in.text();
    meta.attributes = get_attributes(in);
    return set;
}

std::string encode_summary(const SofaSummary& s) {
    WireOut out;
    out.raw(kMagicSummary, 4).text(s.convention).text(s.data_type);
    for (const std::size_t v : {s.measurements, s.receivers, s.emitters, s.samples})
        out.put(static_cast<std::uint64_t>(v));
    out.put(s.sample_rate_hz);
    put_attributes(out, s.attributes);
    out.put(static_cast<std::uint8_t>(s.hrir_set)).text(s.why_not);
    return std::move(out.bytes());
}

SofaSummary decode_summary_result(const std::string& bytes, const std::string& name) {
    WireIn in(bytes, name);
    open_result(in, bytes, name, kMagicSummary);
    SofaSummary s;
    s.convention = in.text();
    s.data_type = in.text();
    for (std::size_t* v : {&s.measurements, &s.receivers, &s.emitters, &s.samples})
        *v = static_cast<std::size_t>(in.get<std::uint64_t>());
    s.sample_rate_hz = in.get<double>();
    s.attributes = get_attributes(in);
    s.hrir_set = in.get<std::uint8_t>() != 0;
    s.why_not = in.text();
    in.expect_end();
    return s;
}

std::string encode_done() {
    return std::string(kMagicDone, 4);
}

std::string encode_declined() {
    return std::string(kMagicDeclined, 4);
}

bool is_declined(const std::string& bytes) noexcept {
    return bytes.size() == 4 && std::memcmp(bytes.data(), kMagicDeclined, 4) == 0;
}

void decode_done_result(const std::string& bytes, const std::string& name) {
    WireIn in(bytes, name);
    open_result(in, bytes, name, kMagicDone);
    in.expect_end();
}

std::string encode_verification(const SofaVerification& v) {
    WireOut out;
    out.raw(kMagicVerification, 4)
        .text(v.convention)
        .text(v.convention_version)
        .text(v.sofa_version);
    out.put(static_cast<std::uint64_t>(v.problems.size()));
    for (const SofaProblem& p : v.problems)
        out.put(static_cast<std::uint8_t>(p.severity)).text(p.id).text(p.element).text(p.message);
    return std::move(out.bytes());
}

SofaVerification decode_verification_result(const std::string& bytes, const std::string& name) {
    WireIn in(bytes, name);
    open_result(in, bytes, name, kMagicVerification);
    SofaVerification v;
    v.path = name;
    v.convention = in.text();
    v.convention_version = in.text();
    v.sofa_version = in.text();
    const auto count = in.get<std::uint64_t>();
    // Each problem takes at least a severity byte and three length prefixes.
    if (count > kMaxProblems || count * (1 + 3 * sizeof(std::uint64_t)) > in.remaining())
        in.damaged();
    v.problems.resize(static_cast<std::size_t>(count));
    for (SofaProblem& p : v.problems) {
        const auto severity = in.get<std::uint8_t>();
        if (severity > static_cast<std::uint8_t>(Severity::info))
            in.damaged();
        p.severity = static_cast<Severity>(severity);
        p.id = in.text();
        p.element = in.text();
        p.message = in.text();
    }
    in.expect_end();
    return v;
}

std::string encode_error(ErrorKind kind, const std::string& message) {
    WireOut out;
    out.raw(kMagicError, 4).put(static_cast<std::int32_t>(kind)).text(message.substr(0, kMaxText));
    return std::move(out.bytes());
}

bool is_error(const std::string& bytes) noexcept {
    return bytes.size() >= 4 && std::memcmp(bytes.data(), kMagicError, 4) == 0;
}

void throw_decoded_error(const std::string& bytes, const std::string& name) {
    WireIn in(bytes, name);
    expect_magic(in, kMagicError);
    const auto kind = in.get<std::int32_t>();
    const std::string message = in.text();
    in.expect_end();
    if (kind < static_cast<std::int32_t>(ErrorKind::io) ||
        kind > static_cast<std::int32_t>(ErrorKind::model))
        in.damaged();
    throw_error(static_cast<ErrorKind>(kind), message);
}

HrirSet decode_set_result(const std::string& bytes, const std::string& name,
                          const IsolationLimits& limits) {
    WireIn in(bytes, name);
    if (is_error(bytes))
        throw_decoded_error(bytes, name);
    HrirSet set = decode_set(in, limits);
    in.expect_end();
    return set;
}

}  // namespace pinna::detail
