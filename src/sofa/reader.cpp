// SOFA reading through libmysofa. libmysofa's types stay in this file.
#include <mysofa.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <new>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/read_file.hpp"
#include "core/vec_math.hpp"
#include "pinna/delay.hpp"
#include "pinna/error.hpp"
#include "pinna/sofa.hpp"
#include "sofa/hdf5_probe.hpp"
#include "sofa/isolation.hpp"
#include "sofa/mysofa_handle.hpp"
#include "sofa/netcdf_read.hpp"

namespace pinna {
namespace {

using detail::MysofaPtr;

std::string attribute(MYSOFA_ATTRIBUTE* list, const char* name) {
    for (MYSOFA_ATTRIBUTE* a = list; a; a = a->next)
        if (a->name && std::strcmp(a->name, name) == 0)
            return a->value ? a->value : "";
    return {};
}

const char* mysofa_error_text(int err) {
    switch (err) {
        case MYSOFA_INVALID_FORMAT:
            return "not a valid HDF5/SOFA structure";
        case MYSOFA_UNSUPPORTED_FORMAT:
            return "uses an HDF5 feature the reader does not support";
        case MYSOFA_NO_MEMORY:
            return "declares more data than can be allocated";
        case MYSOFA_READ_ERROR:
            return "ends early or cannot be read";
        case MYSOFA_INTERNAL_ERROR:
            return "could not be parsed (internal reader error)";
        default:
            return "could not be parsed";
    }
}

// A variable as the conversion sees it: libmysofa's, or netCDF-C's (netcdf_read.hpp).
struct ArrayRef {
    const float* values = nullptr;  // null where the file has no such variable
    std::size_t elements = 0;
    std::string dims, type, units;
};

// What the conversion reads of a file, from either reader.
struct Fields {
    std::vector<std::pair<std::string, std::string>> attributes;  // global, in file order
    unsigned M = 0, R = 0, N = 0, C = 0, E = 0;
    ArrayRef ir, sampling_rate, delay, source_position;

    std::string attribute(const char* name) const {
        for (const auto& [key, value] : attributes)
            if (key == name)
                return value;
        return {};
    }
};

ArrayRef array_of(const MYSOFA_ARRAY& a) {
    ArrayRef r;
    r.values = a.values;
    r.elements = a.values ? a.elements : 0;
    r.dims = attribute(a.attributes, "DIMENSION_LIST");
    r.type = attribute(a.attributes, "Type");
    r.units = attribute(a.attributes, "Units");
    return r;
}

ArrayRef array_of(const detail::PlainArray& a) {
    ArrayRef r;
    r.values = a.present ? a.values.data() : nullptr;
    r.elements = a.present ? a.values.size() : 0;
    r.dims = a.dims;
    r.type = a.type;
    r.units = a.units;
    return r;
}

// The sizes and the four variables, from libmysofa's structure or netCDF-C's.
template <typename Source, typename Array>
Fields fields_with(const Source& s, const Array& ir, const Array& sampling_rate, const Array& delay,
                   const Array& source_position) {
    Fields f;
    f.M = s.M;
    f.R = s.R;
    f.N = s.N;
    f.C = s.C;
    f.E = s.E;
    f.ir = array_of(ir);
    f.sampling_rate = array_of(sampling_rate);
    f.delay = array_of(delay);
    f.source_position = array_of(source_position);
    return f;
}

Fields fields_of(const MYSOFA_HRTF& h) {
    Fields f = fields_with(h, h.DataIR, h.DataSamplingRate, h.DataDelay, h.SourcePosition);
    for (MYSOFA_ATTRIBUTE* a = h.attributes; a; a = a->next)
        if (a->name)
            f.attributes.emplace_back(a->name, a->value ? a->value : "");
    std::reverse(f.attributes.begin(), f.attributes.end());  // libmysofa lists them reversed
    return f;
}

Fields fields_of(const detail::PlainSofa& p) {
    Fields f = fields_with(p, p.ir, p.sampling_rate, p.delay, p.source_position);
    f.attributes = p.attributes;
    return f;
}

std::string lowercase_trimmed(const std::string& text) {
    const auto first = text.find_first_not_of(" \t");
    if (first == std::string::npos)
        return {};
    const auto last = text.find_last_not_of(" \t");
    std::string out = text.substr(first, last - first + 1);
    for (char& c : out)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

std::vector<std::string> unit_list(const std::string& units) {
    std::vector<std::string> out;
    std::size_t begin = 0;
    while (begin <= units.size()) {
        const std::size_t comma = std::min(units.find(',', begin), units.size());
        out.push_back(lowercase_trimmed(units.substr(begin, comma - begin)));
        begin = comma + 1;
    }
    return out;
}

bool is_metre(const std::string& unit) {
    return unit == "metre" || unit == "meter" || unit == "metres" || unit == "meters" ||
           unit == "m";
}

// Degrees per unit of an angle unit, or 0 when it is not one.
double degrees_per(const std::string& unit) {
    if (unit == "degree" || unit == "degrees" || unit == "deg")
        return 1.0;
    if (unit == "radian" || unit == "radians" || unit == "rad")
        return 180.0 / kPi;
    return 0.0;
}

// SourcePosition as directions: spherical (azimuth, elevation, distance) or cartesian
// (x front, y left, z up), M x 3 or one shared I x 3 row for a single measurement.
std::vector<Direction> source_directions(const ArrayRef& pos, std::size_t M,
                                         const std::string& prefix) {
    const std::size_t elements = pos.elements;
    const std::string& dims = pos.dims;
    if (!dims.empty() && dims != "M,C" && dims != "I,C")
        throw MalformedFileError(prefix + "SourcePosition has dimensions '" + dims +
                                 "', expected 'M,C' or 'I,C'");
    if (elements != M * 3 && elements != 3)
        throw MalformedFileError(prefix + "SourcePosition holds " + std::to_string(elements) +
                                 " values, expected M x 3 = " + std::to_string(M * 3));
    if (elements == 3 && M > 1)
        throw UnsupportedConventionError(prefix + "all " + std::to_string(M) +
                                         " measurements share one source position; not an HRIR "
                                         "set over directions");
    for (std::size_t i = 0; i < elements; ++i)
        if (!std::isfinite(pos.values[i]))
            throw InvalidDataError(prefix + "SourcePosition of measurement " +
                                   std::to_string(i / 3) + " is not finite");

    const std::string& type = pos.type;
    const std::string& units_text = pos.units;
    const std::vector<std::string> units = unit_list(units_text);
    const bool no_units = units.size() == 1 && units[0].empty();
    auto bad_units = [&]() {
        return MalformedFileError(prefix + "SourcePosition:Units '" + units_text +
                                  "' do not fit SourcePosition:Type '" + type + "'");
    };
    std::vector<Direction> directions(M);
    if (type == "spherical") {
        double az_scale = 1.0, el_scale = 1.0;
        if (!no_units) {
            if (units.size() != 3 || !is_metre(units[2]))
                throw bad_units();
            az_scale = degrees_per(units[0]);
            el_scale = degrees_per(units[1]);
            if (az_scale == 0.0 || el_scale == 0.0)
                throw bad_units();
        }
        for (std::size_t m = 0; m < M; ++m) {
            const float* p = pos.values + 3 * m;
            Direction d{p[0] * az_scale, p[1] * el_scale, p[2]};
            // Elevations beyond the poles and negative distances name a direction too.
            if (std::abs(d.elevation_deg) > 90.0 || d.distance_m < 0.0)
                d = to_direction(to_cartesian(d));
            d.azimuth_deg = wrap_azimuth_deg(d.azimuth_deg);
            directions[m] = d;
        }
    } else if (type == "cartesian") {
        if (!no_units && !std::all_of(units.begin(), units.end(), is_metre))
            throw bad_units();
        for (std::size_t m = 0; m < M; ++m) {
            const float* p = pos.values + 3 * m;
            directions[m] = to_direction(Vec3{p[0], p[1], p[2]});
        }
    } else {
        throw MalformedFileError(prefix + "SourcePosition:Type is '" + type +
                                 "', expected 'spherical' or 'cartesian'");
    }
    return directions;
}

// Converts what a reader gave into an HrirSet, checking every size against the others.
HrirSet convert(const Fields& f, const std::string& name, const SofaReadOptions& options) {
    const std::string conventions = f.attribute("SOFAConventions");
    const std::string data_type = f.attribute("DataType");
    const std::string prefix = name + ": ";
    // FIR-E (GeneralFIR-E) stores Data.IR as M x R x N x E: with one emitter that is the
    // same layout as FIR.
    const bool per_emitter = data_type == "FIR-E";
    if (!data_type.empty() && data_type != "FIR" && !per_emitter)
        throw UnsupportedConventionError(
            prefix + "DataType is '" + data_type + "' (convention '" + conventions +
            "'); pinna reads impulse responses (DataType 'FIR', or 'FIR-E' with one emitter)");
    if (per_emitter && f.E != 1)
        throw UnsupportedConventionError(prefix + "convention '" + conventions + "' holds IRs of " +
                                         std::to_string(f.E) +
                                         " emitters; an HRIR set has one source per measurement");
    if (conventions.find("Headphone") != std::string::npos)
        throw UnsupportedConventionError(prefix + "convention '" + conventions +
                                         "' holds headphone responses, not directions of sound "
                                         "sources");
    if (f.R != 2)
        throw UnsupportedConventionError(prefix + "has " + std::to_string(f.R) +
                                         " receivers; an HRIR set needs 2 (left and right ear)");
    if (f.C != 3)
        throw MalformedFileError(prefix + "dimension C is " + std::to_string(f.C) + ", must be 3");
    if (f.M == 0)
        throw InvalidDataError(prefix + "has no measurements (M = 0)");
    if (f.N == 0)
        throw InvalidDataError(prefix + "IRs have no samples (N = 0)");
    if (f.M > options.max_measurements)
        throw InvalidDataError(prefix + "declares M = " + std::to_string(f.M) +
                               " measurements, more than the cap of " +
                               std::to_string(options.max_measurements));
    if (f.N > options.max_taps)
        throw InvalidDataError(prefix + "declares N = " + std::to_string(f.N) +
                               " taps, more than the cap of " + std::to_string(options.max_taps));
    const std::size_t M = f.M, N = f.N, R = 2;
    const std::string ir_dims = f.ir.dims;
    if (!ir_dims.empty() && ir_dims != "M,R,N" && !(per_emitter && ir_dims == "M,R,N,E"))
        throw MalformedFileError(prefix + "Data.IR has dimensions '" + ir_dims +
                                 "', expected 'M,R,N'");
    if (f.ir.values == nullptr || f.ir.elements != M * R * N)
        throw MalformedFileError(prefix + "Data.IR holds " + std::to_string(f.ir.elements) +
                                 " values, expected M x R x N = " + std::to_string(M * R * N));
    if (f.sampling_rate.values == nullptr || f.sampling_rate.elements < 1)
        throw MalformedFileError(prefix + "Data.SamplingRate is missing");
    const double fs = f.sampling_rate.values[0];
    if (!std::isfinite(fs) || fs <= 0.0)
        throw InvalidDataError(prefix + "Data.SamplingRate must be finite and positive, got " +
                               std::to_string(fs));
    for (unsigned i = 1; i < f.sampling_rate.elements; ++i)
        if (f.sampling_rate.values[i] != f.sampling_rate.values[0])
            throw UnsupportedConventionError(prefix + "has several sampling rates");

    HrirSet set(fs, N, source_directions(f.source_position, M, prefix));
    std::copy(f.ir.values, f.ir.values + M * R * N, set.data().begin());

    // Data.Delay: absent, I x R (one pair for all), or M x R.
    const std::size_t de = f.delay.elements;
    if (de != 0 && de != R && de != M * R)
        throw MalformedFileError(prefix + "Data.Delay holds " + std::to_string(de) +
                                 " values, expected 2 (I x R) or M x 2 = " + std::to_string(M * R) +
                                 " (dimensions '" + f.delay.dims + "')");
    bool any_delay = false;
    for (std::size_t i = 0; i < de; ++i) {
        const float d = f.delay.values[i];
        if (!std::isfinite(d) || d < 0.0f)
            throw InvalidDataError(prefix + "Data.Delay value " + std::to_string(i) +
                                   " is not a finite non-negative number of samples");
        any_delay = any_delay || d != 0.0f;
    }
    if (any_delay) {
        auto& delays = set.delays_samples();
        delays.resize(M * R);
        for (std::size_t i = 0; i < M * R; ++i)
            delays[i] = f.delay.values[de == R ? i % R : i];
    }

    Metadata& meta = set.metadata;
    meta.source_path = name;
    meta.source_convention = conventions;
    for (const auto& [key, value] : f.attributes) {
        if (key.empty() || key[0] == '_')
            continue;  // '_' names are netCDF's own
        if (key == "DIMENSION_LIST" || key == "NAME" || key == "CLASS" || key == "REFERENCE_LIST")
            continue;
        meta.attributes.emplace_back(key, value);
    }
    meta.title = meta.attribute("Title");
    meta.database_name = meta.attribute("DatabaseName");
    meta.listener_short_name = meta.attribute("ListenerShortName");
    meta.license = meta.attribute("License");
    meta.comment = meta.attribute("Comment");

    set.validate();
    if (options.apply_delays && set.has_delays())
        apply_delays(set);
    return set;
}

// libmysofa refuses some valid files of transfer-function conventions before pinna can
// read their attributes (a frequency variable "N" turns the dimension N into a variable,
// which its reader does not accept), so they would look corrupt. The convention name is
// stored as plain bytes in the HDF5 attribute; find it to say so. Only used once libmysofa
// has failed, so a false match can only change the kind of error, never accept a file.
const char* non_fir_convention_in(const void* bytes, std::size_t size) {
    static const char* const kNames[] = {
        "SimpleFreeFieldHRTF", "SimpleFreeFieldTF", "SimpleFreeFieldHRSOS",
        "SimpleFreeFieldSOS",  "FreeFieldHRTF",     "FreeFieldDirectivityTF",
        "GeneralTF",           "GeneralSOS"};
    const char* begin = static_cast<const char*>(bytes);
    for (const char* name : kNames) {
        const std::size_t n = std::strlen(name);
        if (size >= n && std::search(begin, begin + size, name, name + n) != begin + size)
            return name;
    }
    return nullptr;
}

[[noreturn]] void throw_load_error(int err, const std::string& name, const void* bytes,
                                   std::size_t size) {
    if (const char* convention = non_fir_convention_in(bytes, size))
        throw UnsupportedConventionError(name + ": convention '" + convention +
                                         "' stores transfer functions or filters, not impulse "
                                         "responses; convert it to SimpleFreeFieldHRIR first");
    throw MalformedFileError(name + ": " + mysofa_error_text(err) + " (libmysofa error " +
                             std::to_string(err) + ")");
}

MysofaPtr load(const void* bytes, std::size_t size, const std::string& name) {
    int err = MYSOFA_OK;
    MysofaPtr h(mysofa_load_data(static_cast<const char*>(bytes), size, &err));
    if (!h || err != MYSOFA_OK)
        throw_load_error(err, name, bytes, size);
    return h;
}

HrirSet parse_set(const char* bytes, std::size_t size, const std::string& name,
                  const SofaReadOptions& options) {
    const MysofaPtr h = load(bytes, size, name);
    return convert(fields_of(*h), name, options);
}

// One parse: what libmysofa reads, and whether (else why not) it is an HRIR set.
SofaSummary summarize(const void* bytes, std::size_t size, const std::string& name,
                      const SofaReadOptions& options) {
    const MysofaPtr h = load(bytes, size, name);
    SofaSummary s;
    s.measurements = h->M;
    s.receivers = h->R;
    s.emitters = h->E;
    s.samples = h->N;
    if (h->DataSamplingRate.values && h->DataSamplingRate.elements > 0)
        s.sample_rate_hz = h->DataSamplingRate.values[0];
    for (MYSOFA_ATTRIBUTE* a = h->attributes; a; a = a->next)
        if (a->name)
            s.attributes.emplace_back(a->name, a->value ? a->value : "");
    std::reverse(s.attributes.begin(), s.attributes.end());  // libmysofa lists them reversed
    s.convention = attribute(h->attributes, "SOFAConventions");
    s.data_type = attribute(h->attributes, "DataType");
    SofaReadOptions quick = options;
    quick.apply_delays = false;
    try {
        convert(fields_of(*h), name, quick);
        s.hrir_set = true;
    } catch (const UnsupportedConventionError& e) {
        s.why_not = e.what();
    }
    return s;
}

// The request both tasks take: which reader, the read options that matter in the isolated
// process, then the file image (or the file itself, Request::image_fd).
struct ReadPayload {
    bool netcdf_only = false;  // read with netCDF-C, or decline (read_set only)
    SofaReadOptions options;
    std::size_t offset = 0;  // of the file image
};

ReadPayload decode_read_payload(const detail::Request& request) {
    detail::WireIn in(request.payload, request.name);
    ReadPayload p;
    p.netcdf_only = in.get<std::uint8_t>() != 0;
    p.options.isolate = false;
    p.options.apply_delays = in.get<std::uint8_t>() != 0;
    p.options.max_measurements = static_cast<std::size_t>(in.get<std::uint64_t>());
    p.options.max_taps = static_cast<std::size_t>(in.get<std::uint64_t>());
    p.offset = in.position();
    return p;
}

// A request for `task` with the read options (the image is added by the caller).
detail::Request read_request(detail::Task task, const std::string& name,
                             const SofaReadOptions& options) {
    detail::Request request;
    request.task = task;
    request.name = name;
    request.limits.time_limit_s = options.time_limit_s;
    request.limits.memory_limit_bytes = options.memory_limit_bytes;
    request.limits.max_measurements = options.max_measurements;
    // The worker may lengthen IRs by applying delays; leave room for that.
    request.limits.max_taps = options.max_taps + (options.max_taps >> 1) + 64;
    detail::WireOut out;
    out.put(std::uint8_t{0})  // libmysofa; run_read_set may ask for netCDF-C
        .put(static_cast<std::uint8_t>(options.apply_delays))
        .put(static_cast<std::uint64_t>(options.max_measurements))
        .put(static_cast<std::uint64_t>(options.max_taps));
    request.payload = std::move(out.bytes());
    return request;
}

// Whether a read asks the worker for netCDF-C first. The file's size does not tell whether
// that pays: loading libnetcdf and its 45 libraries costs the worker 7 - 9 ms, and
// libmysofa's parse is slow on compressed, chunked data whatever the file's size (the
// sofa-zoo's 150 kB Pulse.sofa: 115 ms against 29; its uncompressed LISTEN file: 16
// against 18; docs/benchmarks.md, 2026-12-01). PINNA_SOFA_READER = libmysofa turns it off
// (to compare the readers, or to rule netCDF-C out).
bool netcdf_wanted() {
    const char* reader = std::getenv("PINNA_SOFA_READER");
    return reader == nullptr || std::strcmp(reader, "libmysofa") != 0;
}

// Runs a read_set request in the worker: with netCDF-C first where it is wanted, then, when
// the worker declines the file (netcdf_read.hpp) or netCDF-C crashes or hangs there, again
// with libmysofa in a fresh worker (so a file that hangs both takes twice the time limit).
// A file's error is then always libmysofa's, and a process HDF5 may have corrupted is not
// used again. Not where isolation forks: the forked child reads with libmysofa only.
std::string run_read_set(detail::Request& request) {
    if (netcdf_wanted() && !detail::worker_executable().empty()) {
        request.payload[0] = 1;
        try {
            std::string answer = detail::run_isolated(request, detail::Role::reader);
            if (!detail::is_declined(answer))
                return answer;
        } catch (const MalformedFileError&) {
            // The worker crashed, hung or ended without an answer: libmysofa decides.
        }
        request.payload[0] = 0;
    }
    return detail::run_isolated(request, detail::Role::reader);
}

[[noreturn]] void not_hdf5(const std::string& name) {
    throw MalformedFileError(name + ": not a SOFA file (no HDF5/netCDF-4 signature)");
}

// A file image checked as read_sofa checks it.
void check_image(const void* bytes, std::size_t size, const std::string& name,
                 const SofaReadOptions& options) {
    detail::check_size_cap(name, size, options.max_file_bytes);
    if (!detail::looks_like_hdf5(bytes, size))
        not_hdf5(name);
}

// The task on a file the isolated process reads itself (no copy through the socket), or
// nothing where `path` is not a regular file.
template <typename Decode>
auto run_on_file(detail::Task task, const std::string& path, const SofaReadOptions& options,
                 Decode decode)
    -> std::optional<decltype(decode(std::string(), detail::Request()))> {
    const detail::OpenedFile file(path, options.max_file_bytes);
    if (file.fd() < 0)
        return std::nullopt;
    if (!detail::looks_like_hdf5_file(file.fd(), file.size()))
        not_hdf5(path);
    detail::Request request = read_request(task, path, options);
    request.image_fd = file.fd();
    request.image_size = file.size();
    return decode(task == detail::Task::read_set
                      ? run_read_set(request)
                      : detail::run_isolated(request, detail::Role::reader),
                  request);
}

// The image the request names: its file, or the payload's tail.
template <typename Parse>
auto with_image(const detail::Request& request, Parse parse) {
    const ReadPayload p = decode_read_payload(request);
    if (request.image_fd >= 0) {
        const detail::MappedImage image(request.image_fd,
                                        static_cast<std::size_t>(request.image_size));
        return parse(image.data(), image.size(), p);
    }
    return parse(request.payload.data() + p.offset, request.payload.size() - p.offset, p);
}

}  // namespace

namespace detail {

std::string run_read_set_task(const Request& request) {
    return with_image(request, [&](const char* bytes, std::size_t size, const ReadPayload& p) {
        // netCDF-C only in the worker program: a forked child of a threaded caller could
        // inherit netCDF-C's lock held.
        if (p.netcdf_only && in_worker_program()) {
            std::optional<HrirSet> set;
            try {
                if (const auto plain = read_plain_sofa(bytes, size, request.name))
                    set = convert(fields_of(*plain), request.name, p.options);
            } catch (const std::bad_alloc&) {
                // libmysofa, which holds the values once, may still fit.
            }
            if (!set)
                return encode_declined();
            return encode_set(*set);
        }
        return encode_set(parse_set(bytes, size, request.name, p.options));
    });
}

std::string run_describe_task(const Request& request) {
    return with_image(request, [&](const char* bytes, std::size_t size, const ReadPayload& p) {
        return encode_summary(summarize(bytes, size, request.name, p.options));
    });
}

}  // namespace detail

HrirSet read_sofa_memory(const void* bytes, std::size_t size, const std::string& name,
                         const SofaReadOptions& options) {
    check_image(bytes, size, name, options);
    if (!options.isolate)
        return parse_set(static_cast<const char*>(bytes), size, name, options);
    detail::Request request = read_request(detail::Task::read_set, name, options);
    request.payload_tail = std::string_view(static_cast<const char*>(bytes), size);
    return detail::decode_set_result(run_read_set(request), name, request.limits);
}

HrirSet read_sofa(const std::string& path, const SofaReadOptions& options) {
    if (options.isolate) {
        auto set = run_on_file(detail::Task::read_set, path, options,
                               [&](const std::string& answer, const detail::Request& request) {
                                   return detail::decode_set_result(answer, path, request.limits);
                               });
        if (set)
            return std::move(*set);
    }
    const std::string bytes = detail::read_file_capped(path, options.max_file_bytes);
    return read_sofa_memory(bytes.data(), bytes.size(), path, options);
}

SofaSummary describe_sofa_memory(const void* bytes, std::size_t size, const std::string& name,
                                 const SofaReadOptions& options) {
    check_image(bytes, size, name, options);
    if (!options.isolate)
        return summarize(bytes, size, name, options);
    detail::Request request = read_request(detail::Task::describe, name, options);
    request.payload_tail = std::string_view(static_cast<const char*>(bytes), size);
    return detail::decode_summary_result(detail::run_isolated(request, detail::Role::reader), name);
}

SofaSummary describe_sofa(const std::string& path, const SofaReadOptions& options) {
    if (options.isolate) {
        auto summary = run_on_file(detail::Task::describe, path, options,
                                   [&](const std::string& answer, const detail::Request&) {
                                       return detail::decode_summary_result(answer, path);
                                   });
        if (summary)
            return std::move(*summary);
    }
    const std::string bytes = detail::read_file_capped(path, options.max_file_bytes);
    return describe_sofa_memory(bytes.data(), bytes.size(), path, options);
}

}  // namespace pinna
