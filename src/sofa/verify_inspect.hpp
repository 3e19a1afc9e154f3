// What `pinna verify` learns about a SOFA file before judging it: the bytes (signature,
// HDF5 superblock), the netCDF-4 view (dimensions, variables with their types, shapes,
// storage and attributes, global attributes with their netCDF types), what libmysofa 1.3.1
// makes of it (mysofa_load, mysofa_check, mysofa_open as renderers call them) and whether
// pinna's own reader takes it. Runs in the isolated worker: netCDF-C and libmysofa both
// crash on some corrupt files.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace pinna::detail {

struct NcAttribute {
    std::string name;
    int type = 0;                 ///< nc_type
    std::size_t length = 0;       ///< values (bytes for NC_CHAR)
    std::string text;             ///< NC_CHAR bytes; NC_STRING values joined by ", "
    std::vector<double> numbers;  ///< numeric attributes

    bool is_char() const;
    bool is_string() const;  ///< NC_STRING (variable-length)
};

struct NcVariable {
    std::string name;
    int type = 0;  ///< nc_type
    std::vector<std::string> dims;
    std::vector<std::size_t> shape;
    std::vector<NcAttribute> attributes;
    int storage = 0;  ///< NC_CHUNKED, NC_CONTIGUOUS or NC_COMPACT
    std::vector<std::size_t> chunks;
    bool shuffle = false, deflate = false, fletcher32 = false;
    std::vector<unsigned> other_filters;  ///< HDF5 filter ids besides deflate, shuffle, fletcher32
    /// The values as doubles, when numeric and not too large to check.
    std::vector<double> values;
    bool values_read = false;
    bool values_unreadable = false;  ///< netCDF-C failed to read them (corrupt data)

    const NcAttribute* attribute(const std::string& attribute_name) const;
    /// The attribute's text, or empty; `found` says whether it is there.
    std::string text(const std::string& attribute_name, bool* found = nullptr) const;
    std::size_t size() const;       ///< product of the shape
    std::string dims_text() const;  ///< e.g. "M,R,N"
    bool is_numeric() const;
    bool is_double() const;
};

struct NcDimension {
    std::string name;
    std::size_t length = 0;
    bool unlimited = false;
};

/// Results of libmysofa 1.3.1, as a renderer would meet them.
struct MysofaFacts {
    bool ran = false;   ///< false when skipped (an earlier run crashed in it)
    std::string crash;  ///< when skipped: how the earlier run ended
    int load = 0;       ///< mysofa_load_data's error code (0: loaded)
    int check = 0;      ///< mysofa_check's, when loaded
    int open = 0;       ///< mysofa_open's (no normalisation), when checked
    /// The global attributes as libmysofa sees them, in file order.
    std::vector<std::pair<std::string, std::string>> attributes;
    unsigned M = 0, R = 0, N = 0, E = 0;
    unsigned ir_values = 0;
};

struct SofaFacts {
    std::string name;
    std::size_t file_bytes = 0;
    /// HDF5 signature offset, or -1 when none was found (at 0, 512, 1024, ...).
    long long hdf5_offset = -1;
    bool netcdf3 = false;  ///< starts with "CDF"
    int superblock_version = -1;
    bool eof_known = false;  ///< superblock v2/v3 with a readable end-of-file address
    std::uint64_t eof_address = 0;

    bool netcdf_opened = false;
    std::string netcdf_error;  ///< why netCDF-C could not open it
    std::vector<NcDimension> dimensions;
    std::vector<NcAttribute> globals;
    std::vector<NcVariable> variables;

    MysofaFacts mysofa;
    bool pinna_ran = false;    ///< pinna's reader was tried (it uses libmysofa)
    bool pinna_reads = false;  ///< and read_sofa accepts the file
    std::string pinna_error;   ///< else its message (without the file name)

    const NcVariable* variable(const std::string& variable_name) const;
    const NcAttribute* global(const std::string& attribute_name) const;
    /// The global attribute's text (NC_CHAR or NC_STRING), or empty; `found` says whether
    /// it is there.
    std::string global_text(const std::string& attribute_name, bool* found = nullptr) const;
    const NcDimension* dimension(const std::string& dimension_name) const;
    /// Length of a dimension, or `missing` when absent.
    std::size_t dimension_length(const std::string& dimension_name, std::size_t missing) const;
};

/// Gathers the facts about a file image. `probe_libmysofa` false skips libmysofa and
/// pinna's reader (after they crashed on this file). Never throws for bad content; a
/// failure of netCDF-C to open the image is recorded in netcdf_error.
SofaFacts inspect_sofa(const char* bytes, std::size_t size, const std::string& name,
                       bool probe_libmysofa);

/// The name of a libmysofa error code ("MYSOFA_INVALID_FORMAT (10000)").
std::string mysofa_code_name(int code);

/// The name of a netCDF type ("double", "float", "string", ...).
std::string nc_type_name(int type);

}  // namespace pinna::detail
