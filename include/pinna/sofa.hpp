// SOFA (AES69) files in and out. Reading goes through libmysofa (in the isolated worker,
// files laid out as libmysofa expects are read with netCDF-C instead, to the same result and
// faster); writing through netCDF-C.
// No libmysofa or netCDF type appears here.
#pragma once

#include <cstddef>
#include <string>
#include <utility>
#include <vector>

#include "pinna/hrir_set.hpp"
#include "pinna/visibility.hpp"

PINNA_API_BEGIN
namespace pinna {

struct SofaReadOptions {
    /// When the file carries Data.Delay, shift every IR by its delay so that the IRs are
    /// the ear signals (the set then has no delays). Integer delays shift exactly;
    /// fractional ones with a windowed-sinc fractional delay. The IRs grow to hold the
    /// largest delay. When false, the delays are kept in HrirSet::delays_samples().
    bool apply_delays = true;
    /// Caps against hostile files: the file size is checked before parsing; M and N right
    /// after the parse (libmysofa itself refuses any variable over 256 MiB).
    std::size_t max_measurements = 200000;
    std::size_t max_taps = 1u << 20;
    std::size_t max_file_bytes = std::size_t{1} << 30;
    /// Parse in a separate process (POSIX) with a time limit and a memory cap, so that a
    /// crash or hang of the HDF5 parser on a corrupt file becomes a MalformedFileError
    /// instead of taking the caller down (libmysofa has had many such bugs). The process is
    /// the pinna-sofa-worker program (found through $PINNA_SOFA_WORKER, the build tree, or
    /// <prefix>/libexec/pinna), started with posix_spawn, which is safe from any number of
    /// threads; without it pinna forks, which can hang when other threads allocate at that
    /// moment under an allocator that is not fork-safe (e.g. GCC 12's AddressSanitizer).
    /// There, a file whose structure is exactly what libmysofa reads (netCDF-4, the SOFA
    /// dimensions, double variables stored as libmysofa decodes them, text attributes) is
    /// read with netCDF-C, whose HDF5
    /// decodes chunked data much faster than libmysofa's parse (MIT KEMAR: about 29 ms for
    /// the whole read against 46 ms in-process); the set and any error are the same as
    /// libmysofa's (tests/sofa/test_netcdf_read.cpp; only the order of global attributes
    /// can differ, netCDF-C giving their creation order); every other file, and any file
    /// netCDF-C fails or crashes on, is read again by libmysofa in a fresh process.
    /// PINNA_SOFA_READER=libmysofa in the environment turns netCDF-C off. Turn isolation
    /// off only for trusted files; in-process reads always use libmysofa (HDF5 is not
    /// thread-safe).
    bool isolate = true;
    /// With isolate; a read netCDF-C hangs on is given to libmysofa with the same limit.
    unsigned time_limit_s = 60;
    std::size_t memory_limit_bytes = std::size_t{4} << 30;  ///< with isolate (not under sanitizers)
};

/// Reads a SOFA file of convention SimpleFreeFieldHRIR, GeneralFIR, GeneralFIR-E with one
/// emitter, or any other FIR convention libmysofa reads with two receivers (receiver 0 is
/// taken as the left ear, as libmysofa does). SourcePosition, spherical (degree or radian,
/// metre) or cartesian (metre), becomes directions with azimuth in [0, 360) and elevation in
/// [-90, 90]; it is taken as relative to the listener (ListenerPosition/View are not
/// applied). Metadata::attributes lists the global attributes in file order, without
/// netCDF's own ('_' names). Throws IoError (missing/unreadable), MalformedFileError (not
/// HDF5/SOFA, corrupt, inconsistent sizes or units), UnsupportedConventionError (e.g.
/// SimpleFreeFieldTF, headphone IRs, several emitters, one receiver), InvalidDataError (NaN,
/// zero rate, over a cap); each message names the file.
HrirSet read_sofa(const std::string& path, const SofaReadOptions& options = {});

/// Same as read_sofa, from a file image in memory. `name` is used in messages.
HrirSet read_sofa_memory(const void* bytes, std::size_t size, const std::string& name,
                         const SofaReadOptions& options = {});

/// What a SOFA file holds as libmysofa reads it, whether or not pinna can use it as an
/// HRIR set (e.g. headphone IRs, several emitters).
struct SofaSummary {
    std::string convention;  ///< SOFAConventions
    std::string data_type;   ///< DataType
    std::size_t measurements = 0, receivers = 0, emitters = 0, samples = 0;
    double sample_rate_hz = 0.0;
    std::vector<std::pair<std::string, std::string>> attributes;  ///< global, file order
    bool hrir_set = false;                                        ///< read_sofa accepts it
    std::string why_not;  ///< when not: the UnsupportedConventionError message
};

/// Describes any SOFA file libmysofa reads (isolated like read_sofa). Throws as read_sofa
/// does, except that an unsupported convention is described rather than refused.
SofaSummary describe_sofa(const std::string& path, const SofaReadOptions& options = {});
/// Same as describe_sofa, from a file image in memory. `name` is used in messages.
SofaSummary describe_sofa_memory(const void* bytes, std::size_t size, const std::string& name,
                                 const SofaReadOptions& options = {});

struct SofaWriteOptions {
    /// Written to ApplicationName.
    std::string application = "pinna";
    /// Written to ApplicationVersion; empty: pinna's version.
    std::string application_version;
    /// Deflate level 1..9 (with the shuffle filter, as the SOFA Toolbox writes by default), or
    /// 0 for uncompressed contiguous variables. Anything else is an InvalidArgumentError.
    int compression_level = 1;
    /// Read the finished file back with libmysofa before it replaces `path`, and refuse it
    /// (InvalidDataError, nothing written) unless every global attribute, position and
    /// sample comes back as written. libmysofa 1.3.1 reads only about 4 kB of global
    /// attributes (each under about 1 kB) and refuses files with one over 4 kB; without the
    /// check such a file is written and libmysofa-based readers (pinna's too) drop text.
    bool verify_with_libmysofa = true;
    /// Write in a separate process (as SofaReadOptions::isolate): netCDF-C/HDF5 can crash
    /// when a write fails (a full disk); isolated, that becomes an IoError and no file is
    /// left. Not isolated, writes are serialised (netCDF-C is not thread-safe).
    bool isolate = true;
};

/// Writes `set` as a SimpleFreeFieldHRIR 1.0 file (SOFA 2.1, AES69-2022; netCDF-4/HDF5)
/// that libmysofa's mysofa_open accepts:
///  - SourcePosition M x 3 spherical (degree, degree, metre) as in the set; Data.IR M x 2 x N
///    (receiver 0 = left ear at +y, receiver 1 = right ear at -y, +/-0.09 m); Data.Delay
///    M x 2 when the set has delays, else I x 2 zeros; listener at the origin looking
///    along +x with +z up; one emitter at the source position.
///  - Global attributes: the set's Metadata::attributes in order (names starting with '_'
///    are netCDF-internal and skipped), a non-empty named Metadata field (title,
///    database_name, listener_short_name, license, comment) overriding its attribute, and
///    the convention's read-only values forced (Conventions, Version, SOFAConventions,
///    SOFAConventionsVersion, DataType FIR, RoomType free field, APIName/APIVersion pinna,
///    ApplicationName/Version from `options`). DateModified is now (UTC); DateCreated is
///    kept from the attributes, else now. Missing mandatory attributes get the convention's
///    defaults. Text is written as NC_CHAR (UTF-8 bytes), never as NC_STRING.
/// The set is validated first (InvalidDataError naming `path`, e.g. for NaN samples); the
/// finished file is read back with libmysofa (see verify_with_libmysofa). The file is
/// written atomically: on any failure nothing is left at `path` (an old file there stays
/// as it was). Throws InvalidDataError, InvalidArgumentError or IoError (with the
/// netCDF message). Safe to call from several threads (netCDF calls are serialised).
void write_sofa(const HrirSet& set, const std::string& path, const SofaWriteOptions& options = {});

}  // namespace pinna
PINNA_API_END
