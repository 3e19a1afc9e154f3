#include "sofa/netcdf_read.hpp"

#include <algorithm>
#include <cstring>
#include <exception>
#include <mutex>

#include "pinna/error.hpp"
#include "sofa/hdf5_probe.hpp"
#include "sofa/netcdf_api.hpp"

namespace pinna::detail {
namespace {

// The dimensions libmysofa knows; it refuses a file without each of the first six.
constexpr const char* kDimensions = "ICRENMS";
// libmysofa 1.3.1 refuses chunks of this many values or more, and variables over 256 MiB
// (as `pinna verify` says, rules H005 and H006).
constexpr std::size_t kMaxChunkValues = std::size_t{1} << 20;
constexpr std::size_t kMaxVariableBytes = std::size_t{256} << 20;

// Closes the file on every way out.
struct OpenNetcdf {
    int id = -1;
    ~OpenNetcdf() {
        if (id >= 0)
            netcdf().close(id);
    }
};

// Reads attribute `name` into `out` when it is text: true then, and where it is absent and
// `absent_ok` (`out` left as is); false where it is not text or cannot be read.
bool text_attribute(int nc, int var, const char* name, std::string& out, bool absent_ok) {
    nc_type type = 0;
    std::size_t length = 0;
    if (netcdf().inq_att(nc, var, name, &type, &length) != NC_NOERR)
        return absent_ok;
    if (type != NC_CHAR)
        return false;
    std::string text(length, '\0');
    if (length > 0 && netcdf().get_att_text(nc, var, name, text.data()) != NC_NOERR)
        return false;
    // libmysofa's strings end at the first NUL, as C strings do.
    text.resize(std::strlen(text.c_str()));
    out = std::move(text);
    return true;
}

bool read_globals(int nc, PlainSofa& out) {
    int count = 0;
    if (netcdf().inq_natts(nc, &count) != NC_NOERR)
        return false;
    for (int i = 0; i < count; ++i) {
        char name[NC_MAX_NAME + 1] = {};
        if (netcdf().inq_attname(nc, NC_GLOBAL, i, name) != NC_NOERR)
            return false;
        std::string value;
        if (!text_attribute(nc, NC_GLOBAL, name, value, false))
            return false;
        out.attributes.emplace_back(name, std::move(value));
    }
    for (const auto& [key, value] : out.attributes)
        if (key == "Conventions")
            return value == "SOFA";
    return false;
}

// Whether libmysofa decodes a variable's storage as netCDF-C does (`pinna verify`'s rules
// H001 - H007 say what it refuses or misreads): contiguous, or chunked with deflate and
// shuffle, in chunks of fewer than 2^20 values and fewer than four dimensions; no other
// filter; little-endian; at most 256 MiB.
bool stored_as_libmysofa_reads(int nc, int var, int ndims, std::size_t elements) {
    int storage = 0;
    std::size_t chunks[NC_MAX_VAR_DIMS] = {};
    if (netcdf().inq_var_chunking(nc, var, &storage, chunks) != NC_NOERR)
        return false;
    if (storage == NC_CHUNKED) {
        int shuffle = 0, deflate = 0, level = 0;
        if (netcdf().inq_var_deflate(nc, var, &shuffle, &deflate, &level) != NC_NOERR || !shuffle ||
            !deflate || ndims >= 4)
            return false;  // H001, H002 (values scrambled), H004 (no values)
        std::size_t values = 1;
        for (int d = 0; d < ndims; ++d)
            values *= chunks[d];
        if (values >= kMaxChunkValues)
            return false;  // H005
    } else if (storage != NC_CONTIGUOUS) {
        return false;  // H007: compact
    }
    int fletcher = 0, endian = 0;
    std::size_t count = 0;
    if (netcdf().inq_var_fletcher32(nc, var, &fletcher) != NC_NOERR || fletcher != 0 ||
        netcdf().inq_var_filter_ids(nc, var, &count, nullptr) != NC_NOERR || count > 8 ||
        netcdf().inq_var_endian(nc, var, &endian) != NC_NOERR || endian == NC_ENDIAN_BIG)
        return false;  // H003; libmysofa reads big-endian doubles as zeros
    unsigned filters[8] = {};
    if (count > 0 && netcdf().inq_var_filter_ids(nc, var, &count, filters) != NC_NOERR)
        return false;
    for (std::size_t i = 0; i < count; ++i)
        if (filters[i] != H5Z_FILTER_DEFLATE && filters[i] != H5Z_FILTER_SHUFFLE)
            return false;                                   // H003
    return elements <= kMaxVariableBytes / sizeof(double);  // H006
}

bool read_dimensions(int nc, PlainSofa& out) {
    bool seen[7] = {};
    for (const int d : ids([&](int*n, int*list) { return netcdf().inq_dimids(nc, n, list, 0); })) {
        char name[NC_MAX_NAME + 1] = {};
        std::size_t length = 0;
        if (netcdf().inq_dim(nc, d, name, &length) != NC_NOERR || name[0] == '\0' ||
            name[1] != '\0')
            return false;
        const char* at = std::strchr(kDimensions, name[0]);
        if (at == nullptr || length > 0xffffffffu)
            return false;
        seen[at - kDimensions] = true;
        const auto n = static_cast<unsigned>(length);
        switch (name[0]) {
            case 'I':
                if (n != 1)
                    return false;
                break;
            case 'C':
                out.C = n;
                break;
            case 'R':
                out.R = n;
                break;
            case 'E':
                out.E = n;
                break;
            case 'N':
                out.N = n;
                break;
            case 'M':
                out.M = n;
                break;
            default:
                break;
        }
    }
    for (int i = 0; i < 6; ++i)
        if (!seen[i])
            return false;
    // libmysofa takes a dimension's length from its NAME attribute, which netCDF-C does not
    // update as an unlimited dimension grows (M would read as 0). S may be unlimited.
    for (const int d : ids([&](int*n, int*list) { return netcdf().inq_unlimdims(nc, n, list); })) {
        char name[NC_MAX_NAME + 1] = {};
        if (netcdf().inq_dim(nc, d, name, nullptr) != NC_NOERR || std::strcmp(name, "S") != 0)
            return false;
    }
    return out.C == 3;
}

// Every variable a double (libmysofa reads no other kind) stored as libmysofa reads it,
// none named like a dimension; the four the reader uses are read.
bool read_variables(int nc, PlainSofa& out) {
    for (const int var : ids([&](int*n, int*list) { return netcdf().inq_varids(nc, n, list); })) {
        char name[NC_MAX_NAME + 1] = {};
        nc_type type = 0;
        int ndims = 0;
        int dimids[NC_MAX_VAR_DIMS] = {};
        if (netcdf().inq_var(nc, var, name, &type, &ndims, dimids, nullptr) != NC_NOERR ||
            type != NC_DOUBLE || name[0] == '\0' || name[1] == '\0')
            return false;
        std::string dims;
        std::size_t elements = 1;
        for (int d = 0; d < ndims; ++d) {
            char dim[NC_MAX_NAME + 1] = {};
            std::size_t length = 0;
            if (netcdf().inq_dim(nc, dimids[d], dim, &length) != NC_NOERR)
                return false;
            dims += (d ? "," : "") + std::string(dim);
            elements *= length;
        }
        if (!stored_as_libmysofa_reads(nc, var, ndims, elements))
            return false;
        PlainArray* array = std::strcmp(name, "Data.IR") == 0             ? &out.ir
                            : std::strcmp(name, "Data.SamplingRate") == 0 ? &out.sampling_rate
                            : std::strcmp(name, "Data.Delay") == 0        ? &out.delay
                            : std::strcmp(name, "SourcePosition") == 0    ? &out.source_position
                                                                          : nullptr;
        if (array == nullptr)
            continue;
        array->dims = std::move(dims);
        if (!text_attribute(nc, var, "Type", array->type, true) ||
            !text_attribute(nc, var, "Units", array->units, true))
            return false;
        // Read as stored and narrowed here, as libmysofa does (a value beyond float's range
        // becomes an infinity); HDF5's own conversion to float is slower.
        std::vector<double> stored(elements);
        if (elements > 0 && netcdf().get_var_double(nc, var, stored.data()) != NC_NOERR)
            return false;
        // A variable never written holds netCDF-C's fill value, or zeros in a file written
        // without fill values, where libmysofa finds no values at all. All-zero IRs,
        // positions or rates make no HRIR set either way (libmysofa says why); all-zero
        // delays read as none, as absent ones do, where their count is one the reader takes.
        int no_fill = 0;
        double fill = NC_FILL_DOUBLE;
        if (netcdf().inq_var_fill(nc, var, &no_fill, &fill) != NC_NOERR ||
            (!no_fill && std::find(stored.begin(), stored.end(), fill) != stored.end()))
            return false;
        const bool zeros =
            std::all_of(stored.begin(), stored.end(), [](double v) { return v == 0.0; });
        const std::size_t pairs = std::size_t{out.M} * out.R;
        if (zeros && (array != &out.delay || (elements != out.R && elements != pairs)))
            return false;
        array->values.resize(elements);
        for (std::size_t i = 0; i < elements; ++i)
            array->values[i] = static_cast<float>(stored[i]);
        array->present = true;
    }
    return true;
}

}  // namespace

std::optional<PlainSofa> read_plain_sofa(const char* bytes, std::size_t size,
                                         const std::string& name) {
    try {
        netcdf();
    } catch (const IoError&) {
        return std::nullopt;
    }
    // Superblock version 3 (HDF5's newest format) allows the data layout message version 4,
    // which libmysofa refuses.
    if (hdf5_superblock_version(bytes, size) >= 3)
        return std::nullopt;
    // netCDF-C reads the image in place without changing it, but takes a non-const
    // pointer; it gets its own copy.
    std::vector<char> image(bytes, bytes + size);
    std::lock_guard<std::mutex> lock(netcdf_mutex());
    OpenNetcdf file;
    if (netcdf().open_mem(name.c_str(), NC_NOWRITE, size, image.data(), &file.id) != NC_NOERR) {
        file.id = -1;
        return std::nullopt;
    }
    PlainSofa out;
    int groups = 0;
    try {
        // libmysofa reads the root group only.
        if (netcdf().inq_grps(file.id, &groups, nullptr) != NC_NOERR || groups != 0 ||
            !read_globals(file.id, out) || !read_dimensions(file.id, out) ||
            !read_variables(file.id, out))
            return std::nullopt;
    } catch (const std::exception&) {
        return std::nullopt;  // e.g. no memory for what it declares: libmysofa decides
    }
    return out;
}

}  // namespace pinna::detail
