#include "sofa/netcdf_read.hpp"

#include <cstring>
#include <exception>
#include <mutex>

#include "pinna/error.hpp"
#include "sofa/netcdf_api.hpp"

namespace pinna::detail {
namespace {

// The dimensions libmysofa knows; it refuses a file without each of the first six.
constexpr const char* kDimensions = "ICRENMS";

// Closes the file on every way out.
struct OpenNetcdf {
    int id = -1;
    ~OpenNetcdf() {
        if (id >= 0)
            netcdf().close(id);
    }
};

// A text attribute: its value, or nothing when it is absent or not text.
std::optional<std::string> text_attribute(int nc, int var, const char* name) {
    nc_type type = 0;
    std::size_t length = 0;
    if (netcdf().inq_att(nc, var, name, &type, &length) != NC_NOERR || type != NC_CHAR)
        return std::nullopt;
    std::string text(length, '\0');
    if (length > 0 && netcdf().get_att_text(nc, var, name, text.data()) != NC_NOERR)
        return std::nullopt;
    // libmysofa's strings end at the first NUL, as C strings do.
    text.resize(std::strlen(text.c_str()));
    return text;
}

// An attribute that, where present, must be text; false when it is there but is not.
bool optional_text(int nc, int var, const char* name, std::string& out) {
    nc_type type = 0;
    std::size_t length = 0;
    if (netcdf().inq_att(nc, var, name, &type, &length) != NC_NOERR)
        return true;
    const auto text = text_attribute(nc, var, name);
    if (!text)
        return false;
    out = *text;
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
        auto value = text_attribute(nc, NC_GLOBAL, name);
        if (!value)
            return false;
        out.attributes.emplace_back(name, std::move(*value));
    }
    for (const auto& [key, value] : out.attributes)
        if (key == "Conventions")
            return value == "SOFA";
    return false;
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
    return out.C == 3;
}

// Every variable a double (libmysofa reads no other kind), none named like a dimension;
// the four the reader uses are read.
bool read_variables(int nc, PlainSofa& out) {
    for (const int var : ids([&](int*n, int*list) { return netcdf().inq_varids(nc, n, list); })) {
        char name[NC_MAX_NAME + 1] = {};
        nc_type type = 0;
        int ndims = 0;
        int dimids[NC_MAX_VAR_DIMS] = {};
        if (netcdf().inq_var(nc, var, name, &type, &ndims, dimids, nullptr) != NC_NOERR ||
            type != NC_DOUBLE || name[0] == '\0' || name[1] == '\0')
            return false;
        PlainArray* array = std::strcmp(name, "Data.IR") == 0             ? &out.ir
                            : std::strcmp(name, "Data.SamplingRate") == 0 ? &out.sampling_rate
                            : std::strcmp(name, "Data.Delay") == 0        ? &out.delay
                            : std::strcmp(name, "SourcePosition") == 0    ? &out.source_position
                                                                          : nullptr;
        if (array == nullptr)
            continue;
        std::size_t elements = 1;
        for (int d = 0; d < ndims; ++d) {
            char dim[NC_MAX_NAME + 1] = {};
            std::size_t length = 0;
            if (netcdf().inq_dim(nc, dimids[d], dim, &length) != NC_NOERR)
                return false;
            array->dims += (d ? "," : "") + std::string(dim);
            elements *= length;
        }
        if (!optional_text(nc, var, "Type", array->type) ||
            !optional_text(nc, var, "Units", array->units))
            return false;
        // Read as stored and narrowed here, as libmysofa does (a value beyond float's range
        // becomes an infinity); HDF5's own conversion to float is slower.
        std::vector<double> stored(elements);
        if (elements > 0 && netcdf().get_var_double(nc, var, stored.data()) != NC_NOERR)
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
    try {
        if (!read_globals(file.id, out) || !read_dimensions(file.id, out) ||
            !read_variables(file.id, out))
            return std::nullopt;
    } catch (const std::exception&) {
        return std::nullopt;  // e.g. no memory for what it declares: libmysofa decides
    }
    return out;
}

}  // namespace pinna::detail
