// Checking SOFA (AES69) files against the convention they declare and against what
// libmysofa-based renderers accept, listing every problem (as sofar's verify() does).
// No libmysofa or netCDF type appears here.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "pinna/visibility.hpp"

PINNA_API_BEGIN
namespace pinna {

enum class Severity {
    error,  ///< renderers (libmysofa 1.3.1's mysofa_open) or the convention's hard rules refuse it
    warning,  ///< violates the declared convention, but readers can use the file
    info,     ///< worth knowing: old versions, unit aliases, custom data; not a defect
};

/// "error", "warning" or "info".
const char* to_string(Severity severity) noexcept;

/// One problem of a file.
struct SofaProblem {
    Severity severity = Severity::error;
    /// A stable rule id, e.g. "R003" (docs/verify.md lists them all).
    std::string id;
    /// What it concerns: "file", "global:RoomType", "dimension:R", "variable:Data.IR" or
    /// "variable:SourcePosition:Units" (an attribute of a variable).
    std::string element;
    /// Expected against actual, and the fix where there is one.
    std::string message;
};

/// Whose rules decide what an error is.
enum class SofaVerifyProfile {
    /// Default. The file must work in renderers built on libmysofa 1.3.1 (Debian 12):
    /// what mysofa_load, mysofa_check and mysofa_open refuse is an error, even where the
    /// convention allows it (SimpleFreeFieldHRIR only, Data.SamplingRate over I, RoomType
    /// values, NC_STRING attributes, ...).
    renderer,
    /// The file is checked for the convention alone (e.g. for an archive): what only
    /// libmysofa refuses is reported as info.
    convention,
};

struct SofaVerifyOptions {
    SofaVerifyProfile profile = SofaVerifyProfile::renderer;
    /// Files over this size are refused (InvalidDataError) before they are read.
    std::size_t max_file_bytes = std::size_t{1} << 30;
    /// Limits of the isolated process that inspects the file (as SofaReadOptions).
    unsigned time_limit_s = 60;
    std::size_t memory_limit_bytes = std::size_t{4} << 30;
};

struct SofaVerification {
    std::string path;
    /// As the file declares them (GLOBAL:SOFAConventions, SOFAConventionsVersion, Version);
    /// empty when absent or unreadable.
    std::string convention;
    std::string convention_version;
    std::string sofa_version;
    /// In the order the checks found them.
    std::vector<SofaProblem> problems;

    std::size_t count(Severity severity) const noexcept;
    /// True when there is no error and no warning (info does not count).
    bool clean() const noexcept;
};

/// Checks a SOFA file: the container (HDF5/netCDF-4, attribute types and sizes, storage
/// filters), the dimensions, global attributes, variables, their attributes, units and
/// values against its declared convention (SimpleFreeFieldHRIR in full; other conventions'
/// mandatory elements), and runs libmysofa's mysofa_load, mysofa_check and mysofa_open on
/// it, as renderers do. The inspection runs in pinna's isolated worker process
/// (docs/robustness.md): a file that crashes or hangs netCDF-C or libmysofa is reported as
/// an error problem, not thrown. Throws IoError when the file cannot be read and
/// InvalidDataError when it is larger than options.max_file_bytes; IoError as well when the
/// worker cannot be started.
SofaVerification verify_sofa(const std::string& path, const SofaVerifyOptions& options = {});

/// Same as verify_sofa, from a file image in memory. `name` is the result's path and is
/// used in messages.
SofaVerification verify_sofa_memory(const void* bytes, std::size_t size, const std::string& name,
                                    const SofaVerifyOptions& options = {});

}  // namespace pinna
PINNA_API_END
