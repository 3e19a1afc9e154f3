// The part of a SOFA file pinna's reader needs, read with netCDF-C where the file is as
// libmysofa expects it. libmysofa's parse copies chunked data one byte at a time (four
// integer divisions per byte: about 70 % of its load of MIT KEMAR), netCDF-C's HDF5 does not;
// the isolated worker therefore reads plain files this way and leaves everything else to
// libmysofa. Not used in the caller's process: the HDF5 library under netCDF-C is neither
// thread-safe nor hardened against hostile files.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace pinna::detail {

/// One of the variables the reader uses, its values narrowed to float as libmysofa does.
struct PlainArray {
    bool present = false;
    std::vector<float> values;
    std::string dims;   // the dimension names, comma-separated ("M,R,N")
    std::string type;   // the Type attribute, or empty
    std::string units;  // the Units attribute, or empty
};

/// What libmysofa's mysofa_load gives for a file, the parts pinna reads.
struct PlainSofa {
    std::vector<std::pair<std::string, std::string>> attributes;  // global, in file order
    unsigned M = 0, R = 0, N = 0, C = 0, E = 0;
    PlainArray ir, sampling_rate, delay, source_position;
};

/// The file image read with netCDF-C, or nothing when the file is not one whose reading
/// is sure to match libmysofa 1.3.1's: not netCDF-4 (or not readable by netCDF-C), HDF5
/// superblock version 3 or later, a subgroup, no global attribute Conventions = "SOFA", a
/// global attribute that is not text, a dimension other than I, C, R, E, N, M, S or one of
/// those missing (I must be 1, C 3, none but S unlimited), a variable named by one letter,
/// a variable that is not 64-bit floating point or not stored as libmysofa decodes it
/// (contiguous, or chunked with deflate and shuffle in chunks under 2^20 values and under
/// four dimensions; no other filter; little-endian; at most 256 MiB), or one of the
/// variables read holding netCDF-C's fill value or only zeros (never written; zeros only
/// in Data.Delay pass where its count is R or M x R); nothing as well where libnetcdf
/// cannot be loaded or memory runs out.
std::optional<PlainSofa> read_plain_sofa(const char* bytes, std::size_t size,
                                         const std::string& name);

}  // namespace pinna::detail
