// SOFA reading through libmysofa. libmysofa's types stay in this file.
#include <mysofa.h>

#include <algorithm>
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

namespace pinna {
namespace {

struct MysofaDeleter {
    void operator()(MYSOFA_HRTF* h) const noexcept { mysofa_free(h); }
};
using MysofaPtr = std::unique_ptr<MYSOFA_HRTF, MysofaDeleter>;

std::string attribute(MYSOFA_ATTRIBUTE* list, const char* name) {
    for (MYSOFA_ATTRIBUTE* a = list; a; a = a->next)
        if (a->name && std::strcmp(a->name, name) == 0) return a->value ? a->value : "";
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

std::string dims_of(const MYSOFA_ARRAY& array) { return attribute(array.attributes, "DIMENSION_LIST"); }

// Converts libmysofa's structure into an HrirSet, checking every size against the others.
HrirSet convert(MYSOFA_HRTF* h, const std::string& name, const SofaReadOptions& options) {
    const std::string conventions = attribute(h->attributes, "SOFAConventions");
    const std::string data_type = attribute(h->attributes, "DataType");
    const std::string prefix = name + ": ";
    if (!data_type.empty() && data_type != "FIR")
        throw UnsupportedConventionError(
            prefix + "DataType is '" + data_type + "' (convention '" + conventions +
            "'); pinna reads impulse responses (DataType 'FIR') with one emitter");
    if (conventions.find("Headphone") != std::string::npos)
        throw UnsupportedConventionError(prefix + "convention '" + conventions +
                                         "' holds headphone responses, not directions of sound "
                                         "sources");
    if (h->R != 2)
        throw UnsupportedConventionError(prefix + "has " + std::to_string(h->R) +
                                         " receivers; an HRIR set needs 2 (left and right ear)");
    if (h->C != 3) throw MalformedFileError(prefix + "dimension C is " + std::to_string(h->C) + ", must be 3");
    if (h->M == 0) throw InvalidDataError(prefix + "has no measurements (M = 0)");
    if (h->N == 0) throw InvalidDataError(prefix + "IRs have no samples (N = 0)");
    if (h->M > options.max_measurements)
        throw InvalidDataError(prefix + "declares M = " + std::to_string(h->M) +
                               " measurements, more than the cap of " +
                               std::to_string(options.max_measurements));
    if (h->N > options.max_taps)
        throw InvalidDataError(prefix + "declares N = " + std::to_string(h->N) +
                               " taps, more than the cap of " + std::to_string(options.max_taps));
    const std::size_t M = h->M, N = h->N, R = 2;
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

    // Source positions: M x 3 (or one shared I x 3), spherical after mysofa_tospherical.
    const unsigned pos_elements = h->SourcePosition.elements;
    if (h->SourcePosition.values == nullptr || (pos_elements != M * 3 && pos_elements != 3))
        throw MalformedFileError(prefix + "SourcePosition holds " + std::to_string(pos_elements) +
                                 " values, expected M x 3 = " + std::to_string(M * 3));
    if (pos_elements == 3 && M > 1)
        throw UnsupportedConventionError(prefix + "all " + std::to_string(M) +
                                         " measurements share one source position; not an HRIR "
                                         "set over directions");
    const std::string pos_type = attribute(h->SourcePosition.attributes, "Type");
    if (pos_type != "spherical" && pos_type != "cartesian")
        throw MalformedFileError(prefix + "SourcePosition:Type is '" + pos_type +
                                 "', expected 'spherical' or 'cartesian'");
    for (unsigned i = 0; i < pos_elements; ++i)
        if (!std::isfinite(h->SourcePosition.values[i]))
            throw InvalidDataError(prefix + "SourcePosition of measurement " + std::to_string(i / 3) +
                                   " is not finite");
    const std::string pos_units = attribute(h->SourcePosition.attributes, "Units");
    mysofa_tospherical(h);  // cartesian -> (azimuth deg, elevation deg, radius)

    std::vector<Direction> directions(M);
    for (std::size_t m = 0; m < M; ++m) {
        const float* p = h->SourcePosition.values + 3 * m;
        directions[m] = {wrap_azimuth_deg(p[0]), p[1], p[2]};
    }

    HrirSet set(fs, N, std::move(directions));
    float* dst = set.data().data();
    for (std::size_t i = 0; i < M * R * N; ++i) dst[i] = h->DataIR.values[i];

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
    for (MYSOFA_ATTRIBUTE* a = h->attributes; a; a = a->next) {
        if (!a->name) continue;
        const std::string key = a->name;
        if (key == "DIMENSION_LIST" || key == "NAME" || key == "CLASS" || key == "REFERENCE_LIST" ||
            key == "_NCProperties")
            continue;
        meta.attributes.emplace_back(key, a->value ? a->value : "");
    }
    meta.title = meta.attribute("Title");
    meta.database_name = meta.attribute("DatabaseName");
    meta.listener_short_name = meta.attribute("ListenerShortName");
    meta.license = meta.attribute("License");
    meta.comment = meta.attribute("Comment");
    (void)pos_units;

    set.validate();
    if (options.apply_delays && set.has_delays()) apply_delays(set);
    return set;
}

// libmysofa refuses files without Data.IR before pinna can read their attributes, so a
// valid file of a transfer-function or other non-FIR convention would look corrupt. The
// convention name is stored as plain bytes in the HDF5 attribute; find it to say so.
const char* non_fir_convention_in(const void* bytes, std::size_t size) {
    static const char* const kNames[] = {"SimpleFreeFieldTF", "SimpleFreeFieldSOS", "GeneralTF-E",
                                         "GeneralTF", "FreeFieldDirectivityTF", "GeneralSOS"};
    const char* begin = static_cast<const char*>(bytes);
    for (const char* name : kNames) {
        const std::size_t n = std::strlen(name);
        if (size >= n && std::search(begin, begin + size, name, name + n) != begin + size) return name;
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

}  // namespace

HrirSet read_sofa_memory(const void* bytes, std::size_t size, const std::string& name,
                         const SofaReadOptions& options) {
    if (size > options.max_file_bytes)
        throw InvalidDataError(name + ": file of " + std::to_string(size) +
                               " bytes is larger than the cap of " + std::to_string(options.max_file_bytes));
    if (!detail::looks_like_hdf5(bytes, size))
        throw MalformedFileError(name + ": not a SOFA file (no HDF5/netCDF-4 signature)");
    int err = MYSOFA_OK;
    MysofaPtr h(mysofa_load_data(static_cast<const char*>(bytes), size, &err));
    if (!h || err != MYSOFA_OK) throw_load_error(err, name, bytes, size);
    return convert(h.get(), name, options);
}

HrirSet read_sofa(const std::string& path, const SofaReadOptions& options) {
    const std::string bytes = detail::read_whole_file(path, options.max_file_bytes);
    return read_sofa_memory(bytes.data(), bytes.size(), path, options);
}

}  // namespace pinna
