// SOFA writing through netCDF-C. netCDF's types and calls stay in this file.
//
// The layout follows the SimpleFreeFieldHRIR 1.0 convention table of the SOFA Toolbox
// (conventions/SimpleFreeFieldHRIR_1.0.csv, SOFA 2.1) and what libmysofa's mysofa_check
// demands of a file:
//   - global Conventions "SOFA", SOFAConventions "SimpleFreeFieldHRIR", DataType "FIR",
//     RoomType "free field" (1.3.1 also accepts "reverberant" and "shoebox");
//   - dimensions I = 1, C = 3, R = 2, E = 1 (plus N, M; S is skipped by the reader);
//   - every variable a 64-bit float, with DIMENSION_LIST ListenerView "I,C",
//     EmitterPosition "E,C,I" (all zero), ReceiverPosition "R,C,I" cartesian (x and z near 0,
//     y of the two ears opposite, receiver 0 at y >= 0), SourcePosition "M,C",
//     Data.SamplingRate "I", Data.Delay "I,R" or "M,R";
//   - ListenerView cartesian (1, 0, 0).
// libmysofa 1.3.1 cannot read variable-length strings, so text attributes are NC_CHAR. Its
// chunk reader always inflates and un-shuffles, so a chunked variable must carry both the
// deflate and the shuffle filter; uncompressed variables are contiguous. It also gives up
// after 25 object-header continuation blocks in a whole file: with the 22 or more global
// attributes written here (HDF5 keeps more than 8 in dense storage) netCDF-4.9 needs one per
// variable and dimension, 16 in all; so no extra variables are written.
#include <mysofa.h>

#include <algorithm>
#include <cstdint>
#include <ctime>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "core/text.hpp"
#include "pinna/atomic_file.hpp"
#include "pinna/error.hpp"
#include "pinna/sofa.hpp"
#include "sofa/isolation.hpp"
#include "sofa/mysofa_handle.hpp"
#include "sofa/netcdf_api.hpp"

#ifndef PINNA_VERSION
#define PINNA_VERSION "0.1.0"
#endif

namespace pinna {
namespace {

constexpr const char* kSofaVersion = "2.1";
constexpr const char* kConventionVersion = "1.0";
constexpr const char* kDefaultLicense = "No license provided, ask the author for permission";
constexpr double kEarOffsetM = 0.09;
// Data.IR chunks hold whole IRs of one ear over as many measurements as fit this size.
constexpr std::size_t kIrChunkBytes = std::size_t{1} << 20;

using Attributes = std::vector<std::pair<std::string, std::string>>;

std::string utc_now() {
    const std::time_t t = std::time(nullptr);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char text[32];
    std::strftime(text, sizeof text, "%Y-%m-%d %H:%M:%S", &tm);
    return text;
}

// The global attributes in the order they are written: the convention's own (in the order
// of its table), then every other attribute of the set in its order.
Attributes global_attributes(const HrirSet& set, const SofaWriteOptions& options) {
    const Metadata& meta = set.metadata;
    auto carried = [&](const std::string& name, const std::string& named_field,
                       const std::string& fallback) {
        if (!named_field.empty())
            return named_field;
        for (const auto& [key, value] : meta.attributes)
            if (key == name)
                return value;
        return fallback;
    };
    const std::string now = utc_now();
    const std::string created = carried("DateCreated", {}, {});
    const std::string version = PINNA_VERSION;

    Attributes out = {
        {"Conventions", "SOFA"},
        {"Version", kSofaVersion},
        {"SOFAConventions", "SimpleFreeFieldHRIR"},
        {"SOFAConventionsVersion", kConventionVersion},
        {"APIName", "pinna"},
        {"APIVersion", version},
        {"ApplicationName", options.application},
        {"ApplicationVersion",
         options.application_version.empty() ? version : options.application_version},
        {"AuthorContact", carried("AuthorContact", {}, {})},
        {"Comment", carried("Comment", meta.comment, {})},
        {"DataType", "FIR"},
        {"History", carried("History", {}, {})},
        {"License", carried("License", meta.license, kDefaultLicense)},
        {"Organization", carried("Organization", {}, {})},
        {"References", carried("References", {}, {})},
        {"RoomType", "free field"},
        {"Origin", carried("Origin", {}, {})},
        {"DateCreated", created.empty() ? now : created},
        {"DateModified", now},
        {"Title", carried("Title", meta.title, {})},
        {"DatabaseName", carried("DatabaseName", meta.database_name, {})},
        {"ListenerShortName", carried("ListenerShortName", meta.listener_short_name, {})},
    };
    for (const auto& [key, value] : meta.attributes) {
        if (key.empty() || key[0] == '_')
            continue;  // reserved for netCDF itself
        const bool seen = std::any_of(out.begin(), out.end(),
                                      [&name = key](const auto& kv) { return kv.first == name; });
        if (!seen)
            out.emplace_back(key, value);
    }
    // SOFA text is UTF-8: Latin-1 carried over from older files is converted.
    for (auto& [key, value] : out)
        value = detail::to_utf8(value);
    return out;
}

// One netCDF file open for writing; closed (without checking) if left by an exception.
class NcFile {
  public:
    explicit NcFile(std::string target) : target_(std::move(target)) {}
    NcFile(const NcFile&) = delete;
    NcFile& operator=(const NcFile&) = delete;
    ~NcFile() {
        if (id_ >= 0)
            detail::netcdf().close(id_);
    }

    void create(const std::string& temporary_path) {
        check(detail::netcdf().create(temporary_path.c_str(), NC_NETCDF4 | NC_NOCLOBBER, &id_),
              "creating the file");
        int old_mode = 0;
        check(detail::netcdf().set_fill(id_, NC_NOFILL, &old_mode), "switching off fill values");
    }

    void close() {
        const int id = id_;
        id_ = -1;
        check(detail::netcdf().close(id), "finishing the file");
    }

    int define_dimension(const char* name, std::size_t length) {
        int dim = -1;
        check(detail::netcdf().def_dim(id_, name, length, &dim),
              std::string("defining dimension ") + name);
        return dim;
    }

    // A 64-bit float variable over `dims`; compressed in chunks of `chunk` when level > 0.
    int define_variable(const std::string& name, const std::vector<int>& dims,
                        const std::vector<std::size_t>& chunk, int level) {
        int var = -1;
        const std::string what = "defining variable '" + name + "'";
        check(detail::netcdf().def_var(id_, name.c_str(), NC_DOUBLE, static_cast<int>(dims.size()),
                                       dims.data(), &var),
              what);
        if (level > 0) {
            check(detail::netcdf().def_var_chunking(id_, var, NC_CHUNKED, chunk.data()), what);
            check(detail::netcdf().def_var_deflate(id_, var, 1, 1, level), what);
        } else {
            check(detail::netcdf().def_var_chunking(id_, var, NC_CONTIGUOUS, nullptr), what);
        }
        return var;
    }

    void put_text(int var, const std::string& name, const std::string& value) {
        check(detail::netcdf().put_att_text(id_, var, name.c_str(), value.size(), value.data()),
              "writing attribute '" + name + "'");
    }

    void end_definitions() { check(detail::netcdf().enddef(id_), "finishing the header"); }

    void put(int var, const std::string& name, const double* values) {
        check(detail::netcdf().put_var_double(id_, var, values), "writing variable '" + name + "'");
    }
    void put(int var, const std::string& name, const float* values) {
        check(detail::netcdf().put_var_float(id_, var, values), "writing variable '" + name + "'");
    }

  private:
    void check(int status, const std::string& what) const {
        if (status == NC_NOERR)
            return;
        const std::string message = target_ + ": cannot write SOFA file: " + what + ": " +
                                    detail::netcdf().strerror(status);
        switch (status) {
            case NC_EBADNAME:
            case NC_EMAXNAME:
            case NC_ENAMEINUSE:
                throw InvalidDataError(message);
            default:
                throw IoError(message);
        }
    }

    std::string target_;
    int id_ = -1;
};

void write_file(const HrirSet& set, const Attributes& globals, const std::string& target,
                const std::string& temporary, int level) {
    const std::size_t M = set.measurements(), N = set.taps(), R = kEars;

    NcFile nc(target);
    nc.create(temporary);
    for (const auto& [name, value] : globals)
        nc.put_text(NC_GLOBAL, name, value);

    const int I = nc.define_dimension("I", 1);
    const int C = nc.define_dimension("C", 3);
    const int Rd = nc.define_dimension("R", R);
    const int E = nc.define_dimension("E", 1);
    const int Nd = nc.define_dimension("N", N);
    const int Md = nc.define_dimension("M", M);
    nc.define_dimension("S", NC_UNLIMITED);  // string length; no string variables here

    auto cartesian = [&](const std::string& name, const std::vector<int>& dims,
                         const std::vector<std::size_t>& chunk, bool typed) {
        const int var = nc.define_variable(name, dims, chunk, level);
        if (typed) {
            nc.put_text(var, "Type", "cartesian");
            nc.put_text(var, "Units", "metre");
        }
        return var;
    };
    const int listener_position = cartesian("ListenerPosition", {I, C}, {1, 3}, true);
    const int receiver_position = cartesian("ReceiverPosition", {Rd, C, I}, {R, 3, 1}, true);
    const int source_position = nc.define_variable("SourcePosition", {Md, C}, {M, 3}, level);
    nc.put_text(source_position, "Type", "spherical");
    nc.put_text(source_position, "Units", "degree, degree, metre");
    const int emitter_position = cartesian("EmitterPosition", {E, C, I}, {1, 3, 1}, true);
    // The convention gives ListenerUp no Type/Units of its own: it shares ListenerView's.
    const int listener_up = cartesian("ListenerUp", {I, C}, {1, 3}, false);
    const int listener_view = cartesian("ListenerView", {I, C}, {1, 3}, true);
    const std::size_t chunk_m = std::clamp<std::size_t>(kIrChunkBytes / (N * sizeof(double)), 1, M);
    const int data_ir = nc.define_variable("Data.IR", {Md, Rd, Nd}, {chunk_m, 1, N}, level);
    const int sampling_rate = nc.define_variable("Data.SamplingRate", {I}, {1}, level);
    nc.put_text(sampling_rate, "Units", "hertz");
    const int delay = set.has_delays() ? nc.define_variable("Data.Delay", {Md, Rd}, {M, R}, level)
                                       : nc.define_variable("Data.Delay", {I, Rd}, {1, R}, level);
    nc.end_definitions();

    const double origin[3] = {0.0, 0.0, 0.0};
    const double up[3] = {0.0, 0.0, 1.0};
    const double view[3] = {1.0, 0.0, 0.0};
    const double ears[6] = {0.0, kEarOffsetM, 0.0, 0.0, -kEarOffsetM, 0.0};
    nc.put(listener_position, "ListenerPosition", origin);
    nc.put(receiver_position, "ReceiverPosition", ears);
    nc.put(emitter_position, "EmitterPosition", origin);
    nc.put(listener_up, "ListenerUp", up);
    nc.put(listener_view, "ListenerView", view);

    std::vector<double> positions(M * 3);
    for (std::size_t m = 0; m < M; ++m) {
        const Direction& d = set.direction(m);
        positions[3 * m] = d.azimuth_deg;
        positions[3 * m + 1] = d.elevation_deg;
        positions[3 * m + 2] = d.distance_m;
    }
    nc.put(source_position, "SourcePosition", positions.data());
    nc.put(data_ir, "Data.IR", set.data().data());
    const double fs = set.sample_rate_hz();
    nc.put(sampling_rate, "Data.SamplingRate", &fs);
    const std::vector<double> no_delay(R, 0.0);
    nc.put(delay, "Data.Delay", set.has_delays() ? set.delays_samples().data() : no_delay.data());
    nc.close();
}

// Size of a global attribute in HDF5's dense attribute heap as netCDF-4.9 writes NC_CHAR
// text: 21 bytes of message header, datatype and scalar dataspace, the name with its NUL,
// the value.
std::size_t heap_object_bytes(const std::string& name, const std::string& value) {
    return 21 + name.size() + 1 + value.size();
}

std::string attribute_of(MYSOFA_ATTRIBUTE* list, const std::string& name, bool* found) {
    for (MYSOFA_ATTRIBUTE* a = list; a; a = a->next) {
        if (a->name && name == a->name) {
            *found = true;
            return a->value ? a->value : "";
        }
    }
    *found = false;
    return {};
}

[[noreturn]] void throw_unreadable(const std::string& target, const std::string& what) {
    throw InvalidDataError(
        target + ": cannot write SOFA file: libmysofa would not read it back: " + what +
        ". libmysofa 1.3.1 reads global attributes from the first 4 blocks of HDF5's attribute "
        "heap only (about 4 kB in all, under about 1 kB each) and refuses files with one over 4 "
        "kB; shorten or drop them, or set SofaWriteOptions::verify_with_libmysofa = false");
}

// Reads the finished file back with libmysofa and requires every global attribute, the
// positions and the samples to come back as written.
void verify_with_libmysofa(const HrirSet& set, const Attributes& globals, const std::string& target,
                           const std::string& temporary) {
    int err = MYSOFA_OK;
    detail::MysofaPtr h(mysofa_load(temporary.c_str(), &err));
    if (!h || err != MYSOFA_OK) {
        std::string large;
        for (const auto& [name, value] : globals)
            if (heap_object_bytes(name, value) > 1000)
                large += (large.empty() ? "" : ", ") +
                         ("'" + name + "' (" + std::to_string(value.size()) + " bytes)");
        throw_unreadable(target,
                         "it refuses the file (libmysofa error " + std::to_string(err) + ")" +
                             (large.empty() ? std::string() : "; long attributes: " + large));
    }
    std::string lost;
    for (const auto& [name, value] : globals) {
        bool found = false;
        const std::string back = attribute_of(h->attributes, name, &found);
        if (!found || back != value)
            lost += (lost.empty() ? "" : ", ") +
                    ("'" + name + "' (" + std::to_string(value.size()) + " bytes)");
    }
    if (!lost.empty())
        throw_unreadable(target, "global attributes " + lost + " would be lost");
    const int check = mysofa_check(h.get());
    if (check != MYSOFA_OK)
        throw IoError(target + ": written SOFA file fails libmysofa's check (error " +
                      std::to_string(check) + "); this is a bug in pinna's writer");

    const std::size_t M = set.measurements(), N = set.taps();
    bool same = h->M == M && h->N == N && h->R == kEars && h->DataIR.values &&
                h->DataIR.elements == M * kEars * N && h->SourcePosition.values &&
                h->SourcePosition.elements == M * 3;
    for (std::size_t i = 0; same && i < M * kEars * N; ++i)
        same = h->DataIR.values[i] == set.data()[i];
    for (std::size_t m = 0; same && m < M; ++m) {
        const Direction& d = set.direction(m);
        const float* p = h->SourcePosition.values + 3 * m;
        same = p[0] == static_cast<float>(d.azimuth_deg) &&
               p[1] == static_cast<float>(d.elevation_deg) &&
               p[2] == static_cast<float>(d.distance_m);
    }
    if (!same)
        throw IoError(target +
                      ": written SOFA file reads back different from the set (libmysofa); "
                      "this is a bug in pinna's writer");
}

void write_and_check(const HrirSet& set, const Attributes& globals, const std::string& path,
                     const std::string& temporary, int compression_level, bool verify) {
    write_file(set, globals, path, temporary, compression_level);
    if (verify)
        verify_with_libmysofa(set, globals, path, temporary);
}

}  // namespace

void write_sofa(const HrirSet& set, const std::string& path, const SofaWriteOptions& options) {
    if (options.compression_level < 0 || options.compression_level > 9)
        throw InvalidArgumentError(path + ": SOFA compression level must be 0..9, got " +
                                   std::to_string(options.compression_level));
    try {
        set.validate();
    } catch (const InvalidDataError& e) {
        throw InvalidDataError(path + ": cannot write SOFA file: " + e.what());
    }
    for (std::size_t m = 0; m < set.measurements(); ++m)
        if (set.direction(m).distance_m < 0.0)
            throw InvalidDataError(path +
                                   ": cannot write SOFA file: source distance of measurement " +
                                   std::to_string(m) + " is negative");

    const Attributes globals = global_attributes(set, options);
    write_atomically(path, [&](const std::string& temporary) {
        if (!options.isolate) {
            std::lock_guard<std::mutex> lock(detail::netcdf_mutex());
            write_and_check(set, globals, path, temporary, options.compression_level,
                            options.verify_with_libmysofa);
            return;
        }
        // netCDF-C 4.9 crashes when HDF5 fails to write (a full disk) and the file is then
        // closed; in a separate process that crash becomes an IoError and the atomic
        // writer removes the temporary file.
        detail::Request request;
        request.task = detail::Task::write;
        request.name = path;
        request.limits.time_limit_s = 600;
        request.limits.memory_limit_bytes = 0;
        detail::WireOut payload;
        payload.bytes() = detail::encode_set(set);
        payload.put(static_cast<std::uint64_t>(globals.size()));
        for (const auto& [key, value] : globals)
            payload.text(key).text(value);
        payload.text(temporary)
            .put(static_cast<std::int32_t>(options.compression_level))
            .put(static_cast<std::uint8_t>(options.verify_with_libmysofa));
        request.payload = std::move(payload.bytes());
        detail::decode_done_result(detail::run_isolated(request, detail::Role::writer), path);
    });
}

namespace detail {

std::string run_write_task(const Request& request) {
    WireIn in(request.payload, request.name);
    IsolationLimits any;  // the set comes from pinna itself, not from a file
    any.max_measurements = std::size_t{1} << 30;
    any.max_taps = std::size_t{1} << 30;
    const HrirSet set = decode_set(in, any);
    Attributes globals(static_cast<std::size_t>(in.get<std::uint64_t>()));
    for (auto& [key, value] : globals) {
        key = in.text();
        value = in.text();
    }
    const std::string temporary = in.text();
    const int level = in.get<std::int32_t>();
    const bool verify = in.get<std::uint8_t>() != 0;
    in.expect_end();
    write_and_check(set, globals, request.name, temporary, level, verify);
    return encode_done();
}

}  // namespace detail

}  // namespace pinna
