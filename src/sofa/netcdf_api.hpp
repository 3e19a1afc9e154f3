// libnetcdf, loaded when it is first needed (writing or inspecting a SOFA file) rather than
// linked: it brings 45 shared libraries with it (HDF5, curl, TLS, Kerberos, ICU), whose
// loading is most of the start-up of a program that only reads SOFA files (libmysofa
// reads them) or never touches one. netcdf.h is used for its types and declarations only.
#pragma once

#include <netcdf.h>
#include <netcdf_filter.h>
#include <netcdf_mem.h>

#include <mutex>
#include <vector>

namespace pinna::detail {

/// The netCDF-C functions pinna calls, by their names without the nc_ prefix.
struct NetcdfApi {
    decltype(&::nc_close) close = nullptr;
    decltype(&::nc_create) create = nullptr;
    decltype(&::nc_def_dim) def_dim = nullptr;
    decltype(&::nc_def_var) def_var = nullptr;
    decltype(&::nc_def_var_chunking) def_var_chunking = nullptr;
    decltype(&::nc_def_var_deflate) def_var_deflate = nullptr;
    decltype(&::nc_enddef) enddef = nullptr;
    decltype(&::nc_free_string) free_string = nullptr;
    decltype(&::nc_get_att_double) get_att_double = nullptr;
    decltype(&::nc_get_att_string) get_att_string = nullptr;
    decltype(&::nc_get_att_text) get_att_text = nullptr;
    decltype(&::nc_get_var_double) get_var_double = nullptr;
    decltype(&::nc_inq_att) inq_att = nullptr;
    decltype(&::nc_inq_attname) inq_attname = nullptr;
    decltype(&::nc_inq_dim) inq_dim = nullptr;
    decltype(&::nc_inq_dimids) inq_dimids = nullptr;
    decltype(&::nc_inq_grps) inq_grps = nullptr;
    decltype(&::nc_inq_natts) inq_natts = nullptr;
    decltype(&::nc_inq_unlimdims) inq_unlimdims = nullptr;
    decltype(&::nc_inq_var) inq_var = nullptr;
    decltype(&::nc_inq_var_chunking) inq_var_chunking = nullptr;
    decltype(&::nc_inq_var_deflate) inq_var_deflate = nullptr;
    decltype(&::nc_inq_var_endian) inq_var_endian = nullptr;
    decltype(&::nc_inq_var_fill) inq_var_fill = nullptr;
    decltype(&::nc_inq_var_filter_ids) inq_var_filter_ids = nullptr;
    decltype(&::nc_inq_var_fletcher32) inq_var_fletcher32 = nullptr;
    decltype(&::nc_inq_varids) inq_varids = nullptr;
    decltype(&::nc_open_mem) open_mem = nullptr;
    decltype(&::nc_put_att_text) put_att_text = nullptr;
    decltype(&::nc_put_var_double) put_var_double = nullptr;
    decltype(&::nc_put_var_float) put_var_float = nullptr;
    decltype(&::nc_set_fill) set_fill = nullptr;
    decltype(&::nc_strerror) strerror = nullptr;
};

/// The loaded library (dlopen of PINNA_NETCDF_SONAME, once per process; thread-safe).
/// Throws IoError naming the library and the loader's message when it cannot be loaded.
const NetcdfApi& netcdf();

/// netCDF-C is not thread-safe: every use holds this lock.
std::mutex& netcdf_mutex();

/// netCDF ids of the dimensions, variables or whatever `inquire(int* count, int* ids)`
/// lists; empty when it fails.
template <typename Inquire>
std::vector<int> ids(Inquire inquire) {
    int n = 0;
    if (inquire(&n, nullptr) != NC_NOERR || n <= 0)
        return {};
    std::vector<int> out(static_cast<std::size_t>(n));
    if (inquire(&n, out.data()) != NC_NOERR)
        return {};
    out.resize(static_cast<std::size_t>(n));
    return out;
}

}  // namespace pinna::detail
