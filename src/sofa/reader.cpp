// SOFA reading through libmysofa. libmysofa's types stay in this file.
#include <mysofa.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "pinna/delay.hpp"
#include "pinna/error.hpp"
#include "pinna/sofa.hpp"
#include "sofa/hdf5_probe.hpp"
#include "sofa/isolation.hpp"

namespace pinna {
namespace {

struct MysofaDeleter {
    void operator()(MYSOFA_HRTF* h) const noexcept { mysofa_free(h); }
};
using MysofaPtr = std::unique_ptr<MYSOFA_HRTF, MysofaDeleter>;

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

std::string dims_of(const MYSOFA_ARRAY& array) {
    return attribute(array.attributes, "DIMENSION_LIST");
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
std::vector<Direction> source_directions(const MYSOFA_ARRAY& pos, std::size_t M,
                                         const std::string& prefix) {
    const std::size_t elements = pos.values ? pos.elements : 0;
    const std::string dims = dims_of(pos);
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

    const std::string type = attribute(pos.attributes, "Type");
    const std::string units_text = attribute(pos.attributes, "Units");
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

// Converts libmysofa's structure into an HrirSet, checking every size against the others.
HrirSet convert(MYSOFA_HRTF* h, const std::string& name, const SofaReadOptions& options) {
    const std::string conventions = attribute(h->attributes, "SOFAConventions");
    const std::string data_type = attribute(h->attributes, "DataType");
    const std::string prefix = name + ": ";
    // FIR-E (GeneralFIR-E) stores Data.IR as M x R x N x E: with one emitter that is the
    // same layout as FIR.
    const bool per_emitter = data_type == "FIR-E";
    if (!data_type.empty() && data_type != "FIR" && !per_emitter)
        throw UnsupportedConventionError(
            prefix + "DataType is '" + data_type + "' (convention '" + conventions +
            "'); pinna reads impulse responses (DataType 'FIR', or 'FIR-E' with one emitter)");
    if (per_emitter && h->E != 1)
        throw UnsupportedConventionError(prefix + "convention '" + conventions + "' holds IRs of " +
                                         std::to_string(h->E) +
                                         " emitters; an HRIR set has one source per measurement");
    if (conventions.find("Headphone") != std::string::npos)
        throw UnsupportedConventionError(prefix + "convention '" + conventions +
                                         "' holds headphone responses, not directions of sound "
                                         "sources");
    if (h->R != 2)
        throw UnsupportedConventionError(prefix + "has " + std::to_string(h->R) +
                                         " receivers; an HRIR set needs 2 (left and right ear)");
    if (h->C != 3)
        throw MalformedFileError(prefix + "dimension C is " + std::to_string(h->C) + ", must be 3");
    if (h->M == 0)
        throw InvalidDataError(prefix + "has no measurements (M = 0)");
    if (h->N == 0)
        throw InvalidDataError(prefix + "IRs have no samples (N = 0)");
    if (h->M > options.max_measurements)
        throw InvalidDataError(prefix + "declares M = " + std::to_string(h->M) +
                               " measurements, more than the cap of " +
                               std::to_string(options.max_measurements));
    if (h->N > options.max_taps)
        throw InvalidDataError(prefix + "declares N = " + std::to_string(h->N) +
                               " taps, more than the cap of " + std::to_string(options.max_taps));
    const std::size_t M = h->M, N = h->N, R = 2;
    const std::string ir_dims = dims_of(h->DataIR);
    if (!ir_dims.empty() && ir_dims != "M,R,N" && !(per_emitter && ir_dims == "M,R,N,E"))
        throw MalformedFileError(prefix + "Data.IR has dimensions '" + ir_dims +
                                 "', expected 'M,R,N'");
    if (h->DataIR.values == nullptr || h->DataIR.elements != M * R * N)
        throw MalformedFileError(prefix + "Data.IR holds " + std::to_string(h->DataIR.elements) +
                                 " values, expected M x R x N = " + std::to_string(M * R * N));
    if (h->DataSamplingRate.values == nullptr || h->DataSamplingRate.elements < 1)
        throw MalformedFileError(prefix + "Data.SamplingRate is missing");
    const double fs = h->DataSamplingRate.values[0];
    if (!std::isfinite(fs) || fs <= 0.0)
        throw InvalidDataError(prefix + "Data.SamplingRate must be finite and positive, got " +
                               std::to_string(fs));
    for (unsigned i = 1; i < h->DataSamplingRate.elements; ++i)
        if (h->DataSamplingRate.values[i] != h->DataSamplingRate.values[0])
            throw UnsupportedConventionError(prefix + "has several sampling rates");

    HrirSet set(fs, N, source_directions(h->SourcePosition, M, prefix));
    std::copy(h->DataIR.values, h->DataIR.values + M * R * N, set.data().begin());

    // Data.Delay: absent, I x R (one pair for all), or M x R.
    const unsigned de = h->DataDelay.values ? h->DataDelay.elements : 0;
    if (de != 0 && de != R && de != M * R)
        throw MalformedFileError(prefix + "Data.Delay holds " + std::to_string(de) +
                                 " values, expected 2 (I x R) or M x 2 = " + std::to_string(M * R) +
                                 " (dimensions '" + dims_of(h->DataDelay) + "')");
    bool any_delay = false;
    for (unsigned i = 0; i < de; ++i) {
        const float d = h->DataDelay.values[i];
        if (!std::isfinite(d) || d < 0.0f)
            throw InvalidDataError(prefix + "Data.Delay value " + std::to_string(i) +
                                   " is not a finite non-negative number of samples");
        any_delay = any_delay || d != 0.0f;
    }
    if (any_delay) {
        auto& delays = set.delays_samples();
        delays.resize(M * R);
        for (std::size_t i = 0; i < M * R; ++i)
            delays[i] = h->DataDelay.values[de == R ? i % R : i];
    }

    Metadata& meta = set.metadata;
    meta.source_path = name;
    meta.source_convention = conventions;
    // libmysofa lists the attributes last-read first; reversed they are in file order.
    for (MYSOFA_ATTRIBUTE* a = h->attributes; a; a = a->next) {
        if (!a->name || a->name[0] == '_')
            continue;  // '_' names are netCDF's own
        const std::string key = a->name;
        if (key == "DIMENSION_LIST" || key == "NAME" || key == "CLASS" || key == "REFERENCE_LIST")
            continue;
        meta.attributes.emplace_back(key, a->value ? a->value : "");
    }
    std::reverse(meta.attributes.begin(), meta.attributes.end());
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

HrirSet parse_set(const void* bytes, std::size_t size, const std::string& name,
                  const SofaReadOptions& options) {
    int err = MYSOFA_OK;
    MysofaPtr h(mysofa_load_data(static_cast<const char*>(bytes), size, &err));
    if (!h || err != MYSOFA_OK)
        throw_load_error(err, name, bytes, size);
    return convert(h.get(), name, options);
}

}  // namespace

namespace detail {

std::string run_read_set_task(const std::string& payload) {
    WireIn in(payload, "read request");
    const std::string name = in.text();
    SofaReadOptions options;
    options.isolate = false;
    options.apply_delays = in.get<std::uint8_t>() != 0;
    options.max_measurements = static_cast<std::size_t>(in.get<std::uint64_t>());
    options.max_taps = static_cast<std::size_t>(in.get<std::uint64_t>());
    return encode_set(parse_set(payload.data() + in.position(), in.remaining(), name, options));
}

}  // namespace detail

HrirSet read_sofa_memory(const void* bytes, std::size_t size, const std::string& name,
                         const SofaReadOptions& options) {
    if (size > options.max_file_bytes)
        throw InvalidDataError(name + ": file of " + std::to_string(size) +
                               " bytes is larger than the cap of " +
                               std::to_string(options.max_file_bytes));
    if (!detail::looks_like_hdf5(bytes, size))
        throw MalformedFileError(name + ": not a SOFA file (no HDF5/netCDF-4 signature)");
    if (!options.isolate)
        return parse_set(bytes, size, name, options);
    detail::IsolationLimits limits;
    limits.time_limit_s = options.time_limit_s;
    limits.memory_limit_bytes = options.memory_limit_bytes;
    limits.max_measurements = options.max_measurements;
    // The worker may lengthen IRs by applying delays; leave room for that.
    limits.max_taps = options.max_taps + (options.max_taps >> 1) + 64;
    detail::WireOut request;
    request.text(name)
        .put(static_cast<std::uint8_t>(options.apply_delays))
        .put(static_cast<std::uint64_t>(options.max_measurements))
        .put(static_cast<std::uint64_t>(options.max_taps))
        .raw(bytes, size);
    const std::string result =
        detail::run_isolated(detail::Task::read_set, request.bytes(), name, limits, "reader");
    return detail::decode_result(result, name, limits);
}

HrirSet read_sofa(const std::string& path, const SofaReadOptions& options) {
    const std::string bytes = detail::read_whole_file(path, options.max_file_bytes);
    return read_sofa_memory(bytes.data(), bytes.size(), path, options);
}

}  // namespace pinna

namespace pinna {
namespace {

// The summary travels from the isolated child as lines "key\tvalue" (tabs and newlines in
// values escaped), attributes as "attr\tname\tvalue".
std::string escape(const std::string& s) {
    std::string o;
    for (char c : s) {
        if (c == '\\')
            o += "\\\\";
        else if (c == '\t')
            o += "\\t";
        else if (c == '\n')
            o += "\\n";
        else
            o += c;
    }
    return o;
}

std::string unescape(const std::string& s) {
    std::string o;
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '\\' && i + 1 < s.size()) {
            const char n = s[++i];
            o += n == 't' ? '\t' : n == 'n' ? '\n' : n;
        } else {
            o += s[i];
        }
    }
    return o;
}

std::string encode_summary(MYSOFA_HRTF* h) {
    std::string o = "PNSUM\n";
    o += "M\t" + std::to_string(h->M) + "\nR\t" + std::to_string(h->R) + "\nE\t" +
         std::to_string(h->E) + "\nN\t" + std::to_string(h->N) + "\n";
    if (h->DataSamplingRate.values && h->DataSamplingRate.elements > 0)
        o += "fs\t" + std::to_string(h->DataSamplingRate.values[0]) + "\n";
    std::vector<std::string> lines;
    for (MYSOFA_ATTRIBUTE* a = h->attributes; a; a = a->next)
        if (a->name)
            lines.push_back("attr\t" + escape(a->name) + "\t" + escape(a->value ? a->value : "") +
                            "\n");
    for (auto it = lines.rbegin(); it != lines.rend(); ++it)  // libmysofa lists them reversed
        o += *it;
    return o;
}

std::string summarize(const void* bytes, std::size_t size, const std::string& path) {
    int err = MYSOFA_OK;
    MysofaPtr h(mysofa_load_data(static_cast<const char*>(bytes), size, &err));
    if (!h || err != MYSOFA_OK)
        throw_load_error(err, path, bytes, size);
    return encode_summary(h.get());
}

}  // namespace

namespace detail {

std::string run_describe_task(const std::string& payload) {
    WireIn in(payload, "describe request");
    const std::string path = in.text();
    return summarize(payload.data() + in.position(), in.remaining(), path);
}

}  // namespace detail

SofaSummary describe_sofa(const std::string& path, const SofaReadOptions& options) {
    const std::string bytes = detail::read_whole_file(path, options.max_file_bytes);
    if (!detail::looks_like_hdf5(bytes.data(), bytes.size()))
        throw MalformedFileError(path + ": not a SOFA file (no HDF5/netCDF-4 signature)");
    detail::IsolationLimits limits;
    limits.time_limit_s = options.time_limit_s;
    limits.memory_limit_bytes = options.memory_limit_bytes;
    std::string text;
    if (options.isolate) {
        detail::WireOut request;
        request.text(path).raw(bytes.data(), bytes.size());
        text =
            detail::run_isolated(detail::Task::describe, request.bytes(), path, limits, "reader");
    } else {
        text = summarize(bytes.data(), bytes.size(), path);
    }
    if (text.rfind("PNSUM\n", 0) != 0)
        throw MalformedFileError(path + ": the isolated reader returned a damaged summary");
    SofaSummary s;
    std::size_t pos = 6;
    while (pos < text.size()) {
        std::size_t end = text.find('\n', pos);
        if (end == std::string::npos)
            end = text.size();
        const std::string line = text.substr(pos, end - pos);
        pos = end + 1;
        const auto tab = line.find('\t');
        if (tab == std::string::npos)
            continue;
        const std::string key = line.substr(0, tab), value = line.substr(tab + 1);
        if (key == "M")
            s.measurements = std::stoul(value);
        else if (key == "R")
            s.receivers = std::stoul(value);
        else if (key == "E")
            s.emitters = std::stoul(value);
        else if (key == "N")
            s.samples = std::stoul(value);
        else if (key == "fs")
            s.sample_rate_hz = std::stod(value);
        else if (key == "attr") {
            const auto tab2 = value.find('\t');
            if (tab2 != std::string::npos)
                s.attributes.emplace_back(unescape(value.substr(0, tab2)),
                                          unescape(value.substr(tab2 + 1)));
        }
    }
    for (const auto& [k, v] : s.attributes) {
        if (k == "SOFAConventions")
            s.convention = v;
        if (k == "DataType")
            s.data_type = v;
    }
    try {
        SofaReadOptions quick = options;
        quick.apply_delays = false;
        read_sofa_memory(bytes.data(), bytes.size(), path, quick);
        s.hrir_set = true;
    } catch (const UnsupportedConventionError& e) {
        s.hrir_set = false;
        s.why_not = e.what();
    }
    return s;
}

}  // namespace pinna
