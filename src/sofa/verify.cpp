// pinna verify: the public API, and the isolated task that inspects a file and judges it.
//
// netCDF-C and libmysofa both crash on some corrupt files, so both run in pinna's isolated
// worker (isolation.hpp). A crash costs one more run: the task is repeated without
// libmysofa, so that a crash of libmysofa is told apart from one of netCDF-C/HDF5 and the
// netCDF-level findings are still listed; when netCDF-C crashes too, the file gets a single
// error problem.
#include <cstdint>
#include <string>

#include "core/read_file.hpp"
#include "pinna/error.hpp"
#include "pinna/verify.hpp"
#include "sofa/hdf5_probe.hpp"
#include "sofa/isolation.hpp"
#include "sofa/verify_inspect.hpp"
#include "sofa/verify_rules.hpp"

namespace pinna {
namespace {

// More problems than this are summarised in one last line (a hostile file can hold many
// thousands of attributes or variables).
constexpr std::size_t kMaxListedProblems = 10000;

struct VerifyPayload {
    SofaVerifyProfile profile = SofaVerifyProfile::renderer;
    bool probe_libmysofa = true;
    std::string libmysofa_crash;  // how the run with libmysofa ended, when it crashed
    std::size_t offset = 0;       // of the file image
};

std::string encode_payload(const VerifyPayload& p, const void* bytes, std::size_t size) {
    detail::WireOut out;
    out.put(static_cast<std::uint8_t>(p.profile))
        .put(static_cast<std::uint8_t>(p.probe_libmysofa))
        .text(p.libmysofa_crash)
        .raw(bytes, size);
    return std::move(out.bytes());
}

VerifyPayload decode_payload(const detail::Request& request) {
    detail::WireIn in(request.payload, request.name);
    VerifyPayload p;
    const auto profile = in.get<std::uint8_t>();
    if (profile > static_cast<std::uint8_t>(SofaVerifyProfile::convention))
        in.damaged();
    p.profile = static_cast<SofaVerifyProfile>(profile);
    p.probe_libmysofa = in.get<std::uint8_t>() != 0;
    p.libmysofa_crash = in.text();
    p.offset = in.position();
    return p;
}

SofaVerification verification_of(const detail::SofaFacts& facts, SofaVerifyProfile profile) {
    SofaVerification v;
    v.path = facts.name;
    v.convention = facts.global_text("SOFAConventions");
    v.convention_version = facts.global_text("SOFAConventionsVersion");
    v.sofa_version = facts.global_text("Version");
    v.problems = detail::judge_sofa(facts, profile);
    if (v.problems.size() > kMaxListedProblems) {
        const std::size_t more = v.problems.size() - kMaxListedProblems;
        v.problems.resize(kMaxListedProblems);
        v.problems.push_back({Severity::info, "X000", "file",
                              std::to_string(more) + " more problems are not listed"});
    }
    return v;
}

// The message of an isolation failure without the leading "name: ".
std::string without_name(const std::string& message, const std::string& name) {
    const std::string prefix = name + ": ";
    return message.compare(0, prefix.size(), prefix) == 0 ? message.substr(prefix.size()) : message;
}

// Runs the task; a failure of the isolated process itself (crash, hang, silence) comes back
// as `failure` instead of a result.
bool run(const detail::Request& request, std::string& result, std::string& failure) {
    try {
        result = detail::run_isolated(request, detail::Role::reader);
        return true;
    } catch (const MalformedFileError& e) {
        failure = without_name(e.what(), request.name);
        return false;
    }
}

SofaVerification decode(const std::string& result, const std::string& name) {
    if (detail::is_error(result)) {
        // The inspection itself failed in the worker (e.g. over the memory cap): a problem of
        // the file, unless the worker could not do I/O at all.
        try {
            detail::throw_decoded_error(result, name);
        } catch (const IoError&) {
            throw;
        } catch (const Error& e) {
            SofaVerification v;
            v.path = name;
            v.problems.push_back(detail::inspection_failed_problem(without_name(e.what(), name)));
            return v;
        }
    }
    return detail::decode_verification_result(result, name);
}

}  // namespace

const char* to_string(Severity severity) noexcept {
    switch (severity) {
        case Severity::error:
            return "error";
        case Severity::warning:
            return "warning";
        case Severity::info:
            return "info";
    }
    return "error";
}

std::size_t SofaVerification::count(Severity severity) const noexcept {
    std::size_t n = 0;
    for (const SofaProblem& p : problems)
        n += p.severity == severity ? 1 : 0;
    return n;
}

bool SofaVerification::clean() const noexcept {
    return count(Severity::error) == 0 && count(Severity::warning) == 0;
}

namespace detail {

std::string run_verify_task(const Request& request) {
    const VerifyPayload p = decode_payload(request);
    const char* image = request.payload.data() + p.offset;
    const std::size_t size = request.payload.size() - p.offset;
    SofaFacts facts = inspect_sofa(image, size, request.name, p.probe_libmysofa);
    facts.mysofa.crash = p.libmysofa_crash;
    return encode_verification(verification_of(facts, p.profile));
}

}  // namespace detail

SofaVerification verify_sofa_memory(const void* bytes, std::size_t size, const std::string& name,
                                    const SofaVerifyOptions& options) {
    detail::check_size_cap(name, size, options.max_file_bytes);
    // Without an HDF5 signature no parser is needed to say what the file is not.
    if (!detail::looks_like_hdf5(bytes, size))
        return verification_of(
            detail::inspect_sofa(static_cast<const char*>(bytes), size, name, false),
            options.profile);

    detail::Request request;
    request.task = detail::Task::verify;
    request.name = name;
    request.limits.time_limit_s = options.time_limit_s;
    request.limits.memory_limit_bytes = options.memory_limit_bytes;
    VerifyPayload payload;
    payload.profile = options.profile;
    request.payload = encode_payload(payload, bytes, size);
    std::string result, failure;
    if (run(request, result, failure))
        return decode(result, name);

    // Once more without libmysofa (and pinna's reader, which uses it): if that succeeds,
    // libmysofa was what failed.
    payload.probe_libmysofa = false;
    payload.libmysofa_crash = failure;
    request.payload = encode_payload(payload, bytes, size);
    std::string second_failure;
    if (run(request, result, second_failure))
        return decode(result, name);
    SofaVerification v;
    v.path = name;
    v.problems.push_back(detail::inspection_failed_problem(second_failure));
    return v;
}

SofaVerification verify_sofa(const std::string& path, const SofaVerifyOptions& options) {
    const std::string bytes = detail::read_file_capped(path, options.max_file_bytes);
    return verify_sofa_memory(bytes.data(), bytes.size(), path, options);
}

}  // namespace pinna
