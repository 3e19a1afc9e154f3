// Gathering the facts `pinna verify` judges. netCDF-C and libmysofa types stay in this file.
#include "sofa/verify_inspect.hpp"

#include <mysofa.h>

#include <algorithm>
#include <cstring>
#include <vector>

#include "pinna/error.hpp"
#include "pinna/sofa.hpp"
#include "sofa/mysofa_handle.hpp"
#include "sofa/netcdf_api.hpp"

namespace pinna::detail {
namespace {

// Numeric variables with more values than this are not read for the value checks (512 MiB
// of doubles); their structure is still checked.
constexpr std::size_t kMaxCheckedValues = std::size_t{1} << 26;
// Attributes longer than this are not read in full (their length is still known).
constexpr std::size_t kMaxAttributeValues = std::size_t{1} << 24;
// The rate a renderer typically opens files at; files at a plausible rate of their own are
// opened at that one instead, which skips resampling (its only failure modes, a rate
// speex cannot handle or too little memory, cannot happen there) and saves most of the time.
constexpr float kRendererRateHz = 48000.0f;
constexpr float kMinNativeRateHz = 8000.0f, kMaxNativeRateHz = 384000.0f;
// mysofa_open's neighbourhood search (for its interpolation) has no failure path; a coarse
// step makes it cheap without changing the verdict.
constexpr float kNeighbourAngleStepDeg = 45.0f, kNeighbourRadiusStepM = 10.0f;

bool numeric_type(int type) {
    switch (type) {
        case NC_BYTE:
        case NC_UBYTE:
        case NC_SHORT:
        case NC_USHORT:
        case NC_INT:
        case NC_UINT:
        case NC_INT64:
        case NC_UINT64:
        case NC_FLOAT:
        case NC_DOUBLE:
            return true;
        default:
            return false;
    }
}

std::uint64_t little_endian(const unsigned char* p, int bytes) {
    std::uint64_t v = 0;
    for (int i = bytes - 1; i >= 0; --i)
        v = (v << 8) | p[i];
    return v;
}

// The signature, superblock version and (for v2/v3, the versions libmysofa checks the end
// address of) the end-of-file address, from the bytes.
void inspect_bytes(const char* bytes, std::size_t size, SofaFacts& f) {
    static const unsigned char kSignature[8] = {0x89, 'H', 'D', 'F', '\r', '\n', 0x1a, '\n'};
    const auto* p = reinterpret_cast<const unsigned char*>(bytes);
    f.file_bytes = size;
    f.netcdf3 = size >= 4 && std::memcmp(bytes, "CDF", 3) == 0;
    for (std::size_t offset = 0; offset + sizeof kSignature <= size;
         offset = offset == 0 ? 512 : offset * 2) {
        if (std::memcmp(p + offset, kSignature, sizeof kSignature) == 0) {
            f.hdf5_offset = static_cast<long long>(offset);
            break;
        }
    }
    if (f.hdf5_offset < 0)
        return;
    const std::size_t base = static_cast<std::size_t>(f.hdf5_offset);
    if (base + 12 > size)
        return;
    f.superblock_version = p[base + 8];
    if (f.superblock_version == 2 || f.superblock_version == 3) {
        const int offsets = p[base + 9];
        const std::size_t at = base + 12 + 2 * static_cast<std::size_t>(offsets);
        if ((offsets == 2 || offsets == 4 || offsets == 8) && at + offsets <= size) {
            f.eof_known = true;
            f.eof_address = little_endian(p + at, offsets);
        }
    }
}

std::vector<NcAttribute> read_attributes(int nc, int var, int count) {
    std::vector<NcAttribute> out;
    for (int i = 0; i < count; ++i) {
        char name[NC_MAX_NAME + 1] = {};
        NcAttribute a;
        nc_type type = 0;
        std::size_t length = 0;
        if (netcdf().inq_attname(nc, var, i, name) != NC_NOERR ||
            netcdf().inq_att(nc, var, name, &type, &length) != NC_NOERR)
            continue;
        a.name = name;
        a.type = type;
        a.length = length;
        if (type == NC_CHAR && length <= kMaxAttributeValues) {
            a.text.resize(length);
            if (netcdf().get_att_text(nc, var, name, a.text.data()) != NC_NOERR)
                a.text.clear();
        } else if (type == NC_STRING && length <= kMaxAttributeValues) {
            std::vector<char*> values(length, nullptr);
            if (netcdf().get_att_string(nc, var, name, values.data()) == NC_NOERR) {
                for (std::size_t k = 0; k < length; ++k)
                    a.text += (k ? ", " : "") + std::string(values[k] ? values[k] : "");
                netcdf().free_string(length, values.data());
            }
        } else if (numeric_type(type) && length <= kMaxAttributeValues) {
            a.numbers.resize(length);
            if (netcdf().get_att_double(nc, var, name, a.numbers.data()) != NC_NOERR)
                a.numbers.clear();
        }
        out.push_back(std::move(a));
    }
    return out;
}

NcVariable read_variable(int nc, int var) {
    NcVariable v;
    char name[NC_MAX_NAME + 1] = {};
    nc_type type = 0;
    int ndims = 0, natts = 0;
    int dimids[NC_MAX_VAR_DIMS] = {};
    if (netcdf().inq_var(nc, var, name, &type, &ndims, dimids, &natts) != NC_NOERR)
        return v;
    v.name = name;
    v.type = type;
    for (int d = 0; d < ndims; ++d) {
        char dim_name[NC_MAX_NAME + 1] = {};
        std::size_t length = 0;
        netcdf().inq_dim(nc, dimids[d], dim_name, &length);
        v.dims.push_back(dim_name);
        v.shape.push_back(length);
    }
    v.attributes = read_attributes(nc, var, natts);

    std::vector<std::size_t> chunks(static_cast<std::size_t>(std::max(ndims, 1)), 0);
    if (netcdf().inq_var_chunking(nc, var, &v.storage, chunks.data()) == NC_NOERR &&
        v.storage == NC_CHUNKED)
        v.chunks.assign(chunks.begin(), chunks.begin() + ndims);
    int shuffle = 0, deflate = 0, level = 0, fletcher = 0;
    if (netcdf().inq_var_deflate(nc, var, &shuffle, &deflate, &level) == NC_NOERR) {
        v.shuffle = shuffle != 0;
        v.deflate = deflate != 0;
    }
    if (netcdf().inq_var_fletcher32(nc, var, &fletcher) == NC_NOERR)
        v.fletcher32 = fletcher != 0;
    std::size_t nfilters = 0;
    if (netcdf().inq_var_filter_ids(nc, var, &nfilters, nullptr) == NC_NOERR && nfilters > 0) {
        std::vector<unsigned> filters(nfilters);
        if (netcdf().inq_var_filter_ids(nc, var, &nfilters, filters.data()) == NC_NOERR)
            for (const unsigned id : filters)
                if (id != H5Z_FILTER_DEFLATE && id != H5Z_FILTER_SHUFFLE &&
                    id != H5Z_FILTER_FLETCHER32)
                    v.other_filters.push_back(id);
    }

    if (v.is_numeric() && v.size() <= kMaxCheckedValues) {
        v.values.resize(v.size());
        v.values_read =
            v.values.empty() || netcdf().get_var_double(nc, var, v.values.data()) == NC_NOERR;
        if (!v.values_read) {
            v.values.clear();
            v.values_unreadable = true;
        }
    }
    return v;
}

void inspect_netcdf(const char* bytes, std::size_t size, SofaFacts& f) {
    // netCDF-C reads the image in place without changing it, but takes a non-const
    // pointer; it gets its own copy.
    std::vector<char> image(bytes, bytes + size);
    const NetcdfApi& api = netcdf();  // throws when libnetcdf is missing
    std::lock_guard<std::mutex> lock(netcdf_mutex());
    int nc = -1;
    const int status = api.open_mem(f.name.c_str(), NC_NOWRITE, size, image.data(), &nc);
    if (status != NC_NOERR) {
        f.netcdf_error = netcdf().strerror(status);
        return;
    }
    f.netcdf_opened = true;
    std::vector<int> unlimited =
        ids([&](int* n, int* out) { return netcdf().inq_unlimdims(nc, n, out); });
    for (const int d : ids([&](int*n, int*out) { return netcdf().inq_dimids(nc, n, out, 0); })) {
        char name[NC_MAX_NAME + 1] = {};
        NcDimension dim;
        if (netcdf().inq_dim(nc, d, name, &dim.length) != NC_NOERR)
            continue;
        dim.name = name;
        dim.unlimited = std::find(unlimited.begin(), unlimited.end(), d) != unlimited.end();
        f.dimensions.push_back(dim);
    }
    int natts = 0;
    if (netcdf().inq_natts(nc, &natts) == NC_NOERR)
        f.globals = read_attributes(nc, NC_GLOBAL, natts);
    for (const int var : ids([&](int*n, int*out) { return netcdf().inq_varids(nc, n, out); }))
        f.variables.push_back(read_variable(nc, var));
    netcdf().close(nc);
}

void probe_libmysofa(const char* bytes, std::size_t size, MysofaFacts& m) {
    m.ran = true;
    int err = MYSOFA_OK;
    MysofaPtr h(mysofa_load_data(bytes, size, &err));
    if (!h || err != MYSOFA_OK) {
        m.load = err != MYSOFA_OK ? err : MYSOFA_INTERNAL_ERROR;
        return;
    }
    for (MYSOFA_ATTRIBUTE* a = h->attributes; a; a = a->next)
        if (a->name)
            m.attributes.emplace_back(a->name, a->value ? a->value : "");
    std::reverse(m.attributes.begin(), m.attributes.end());  // libmysofa lists them reversed
    m.M = h->M;
    m.R = h->R;
    m.N = h->N;
    m.E = h->E;
    m.ir_values = h->DataIR.values ? h->DataIR.elements : 0;
    m.check = mysofa_check(h.get());
    if (m.check != MYSOFA_OK)
        return;
    float rate = kRendererRateHz;
    if (h->DataSamplingRate.values && h->DataSamplingRate.elements == 1 &&
        h->DataSamplingRate.values[0] >= kMinNativeRateHz &&
        h->DataSamplingRate.values[0] <= kMaxNativeRateHz)
        rate = h->DataSamplingRate.values[0];
    h.reset();
    int filter_length = 0;
    err = MYSOFA_OK;
    MYSOFA_EASY* easy =
        mysofa_open_data_advanced(bytes, static_cast<long>(size), rate, &filter_length, &err, false,
                                  kNeighbourAngleStepDeg, kNeighbourRadiusStepM);
    m.open = easy ? MYSOFA_OK : (err != MYSOFA_OK ? err : MYSOFA_INTERNAL_ERROR);
    if (easy)
        mysofa_close(easy);
}

void probe_pinna(const char* bytes, std::size_t size, SofaFacts& f) {
    f.pinna_ran = true;
    SofaReadOptions options;
    options.isolate = false;  // this already is the isolated process
    options.apply_delays = false;
    try {
        read_sofa_memory(bytes, size, f.name, options);
        f.pinna_reads = true;
    } catch (const Error& e) {
        std::string message = e.what();
        const std::string prefix = f.name + ": ";
        if (message.compare(0, prefix.size(), prefix) == 0)
            message.erase(0, prefix.size());
        f.pinna_error = message;
    }
}

}  // namespace

bool NcAttribute::is_char() const {
    return type == NC_CHAR;
}

bool NcAttribute::is_string() const {
    return type == NC_STRING;
}

const NcAttribute* NcVariable::attribute(const std::string& attribute_name) const {
    for (const NcAttribute& a : attributes)
        if (a.name == attribute_name)
            return &a;
    return nullptr;
}

std::string NcVariable::text(const std::string& attribute_name, bool* found) const {
    const NcAttribute* a = attribute(attribute_name);
    if (found)
        *found = a != nullptr;
    return a ? a->text : std::string();
}

std::size_t NcVariable::size() const {
    std::size_t n = 1;
    for (const std::size_t s : shape)
        n *= s;
    return n;
}

std::string NcVariable::dims_text() const {
    std::string out;
    for (const std::string& d : dims)
        out += (out.empty() ? "" : ",") + d;
    return out;
}

bool NcVariable::is_numeric() const {
    return numeric_type(type);
}

bool NcVariable::is_double() const {
    return type == NC_DOUBLE;
}

const NcVariable* SofaFacts::variable(const std::string& variable_name) const {
    for (const NcVariable& v : variables)
        if (v.name == variable_name)
            return &v;
    return nullptr;
}

const NcAttribute* SofaFacts::global(const std::string& attribute_name) const {
    for (const NcAttribute& a : globals)
        if (a.name == attribute_name)
            return &a;
    return nullptr;
}

std::string SofaFacts::global_text(const std::string& attribute_name, bool* found) const {
    const NcAttribute* a = global(attribute_name);
    if (found)
        *found = a != nullptr;
    return a ? a->text : std::string();
}

const NcDimension* SofaFacts::dimension(const std::string& dimension_name) const {
    for (const NcDimension& d : dimensions)
        if (d.name == dimension_name)
            return &d;
    return nullptr;
}

std::size_t SofaFacts::dimension_length(const std::string& dimension_name,
                                        std::size_t missing) const {
    const NcDimension* d = dimension(dimension_name);
    return d ? d->length : missing;
}

SofaFacts inspect_sofa(const char* bytes, std::size_t size, const std::string& name,
                       bool probe_libmysofa_too) {
    SofaFacts f;
    f.name = name;
    inspect_bytes(bytes, size, f);
    if (f.hdf5_offset < 0)
        return f;  // nothing else can read it
    inspect_netcdf(bytes, size, f);
    if (probe_libmysofa_too) {
        probe_libmysofa(bytes, size, f.mysofa);
        probe_pinna(bytes, size, f);
    }
    return f;
}

std::string mysofa_code_name(int code) {
    const char* name = nullptr;
    switch (code) {
        case MYSOFA_OK:
            name = "MYSOFA_OK";
            break;
        case MYSOFA_INTERNAL_ERROR:
            name = "MYSOFA_INTERNAL_ERROR";
            break;
        case MYSOFA_INVALID_FORMAT:
            name = "MYSOFA_INVALID_FORMAT";
            break;
        case MYSOFA_UNSUPPORTED_FORMAT:
            name = "MYSOFA_UNSUPPORTED_FORMAT";
            break;
        case MYSOFA_NO_MEMORY:
            name = "MYSOFA_NO_MEMORY";
            break;
        case MYSOFA_READ_ERROR:
            name = "MYSOFA_READ_ERROR";
            break;
        case MYSOFA_INVALID_ATTRIBUTES:
            name = "MYSOFA_INVALID_ATTRIBUTES";
            break;
        case MYSOFA_INVALID_DIMENSIONS:
            name = "MYSOFA_INVALID_DIMENSIONS";
            break;
        case MYSOFA_INVALID_DIMENSION_LIST:
            name = "MYSOFA_INVALID_DIMENSION_LIST";
            break;
        case MYSOFA_INVALID_COORDINATE_TYPE:
            name = "MYSOFA_INVALID_COORDINATE_TYPE";
            break;
        case MYSOFA_ONLY_EMITTER_WITH_ECI_SUPPORTED:
            name = "MYSOFA_ONLY_EMITTER_WITH_ECI_SUPPORTED";
            break;
        case MYSOFA_ONLY_DELAYS_WITH_IR_OR_MR_SUPPORTED:
            name = "MYSOFA_ONLY_DELAYS_WITH_IR_OR_MR_SUPPORTED";
            break;
        case MYSOFA_ONLY_THE_SAME_SAMPLING_RATE_SUPPORTED:
            name = "MYSOFA_ONLY_THE_SAME_SAMPLING_RATE_SUPPORTED";
            break;
        case MYSOFA_RECEIVERS_WITH_RCI_SUPPORTED:
            name = "MYSOFA_RECEIVERS_WITH_RCI_SUPPORTED";
            break;
        case MYSOFA_RECEIVERS_WITH_CARTESIAN_SUPPORTED:
            name = "MYSOFA_RECEIVERS_WITH_CARTESIAN_SUPPORTED";
            break;
        case MYSOFA_INVALID_RECEIVER_POSITIONS:
            name = "MYSOFA_INVALID_RECEIVER_POSITIONS";
            break;
        case MYSOFA_ONLY_SOURCES_WITH_MC_SUPPORTED:
            name = "MYSOFA_ONLY_SOURCES_WITH_MC_SUPPORTED";
            break;
        default:
            // Other codes leak out of libmysofa's helpers: errno values, or the speex
            // resampler's (3 = RESAMPLER_ERR_INVALID_ARG, e.g. for a sampling rate of 0).
            return "error " + std::to_string(code);
    }
    return std::string(name) + " (" + std::to_string(code) + ")";
}

std::string nc_type_name(int type) {
    switch (type) {
        case NC_BYTE:
            return "byte";
        case NC_UBYTE:
            return "ubyte";
        case NC_CHAR:
            return "char";
        case NC_SHORT:
            return "short";
        case NC_USHORT:
            return "ushort";
        case NC_INT:
            return "int";
        case NC_UINT:
            return "uint";
        case NC_INT64:
            return "int64";
        case NC_UINT64:
            return "uint64";
        case NC_FLOAT:
            return "float";
        case NC_DOUBLE:
            return "double";
        case NC_STRING:
            return "string";
        default:
            return "user-defined type " + std::to_string(type);
    }
}

}  // namespace pinna::detail
