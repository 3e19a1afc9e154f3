#include "sofa/netcdf_api.hpp"

#include <dlfcn.h>

#include <string>
#include <type_traits>

#include "pinna/error.hpp"

#ifndef PINNA_NETCDF_SONAME
#define PINNA_NETCDF_SONAME "libnetcdf.so"
#endif

namespace pinna::detail {
namespace {

struct Loaded {
    NetcdfApi api;
    std::string error;  // empty when every function was found
};

Loaded load_netcdf() {
    Loaded out;
    // Lazy binding: of the functions of libnetcdf's 45 libraries only the few pinna reaches
    // get resolved (0.5 - 1 ms less than RTLD_NOW on a SOFA read in the worker); every
    // function pinna calls is looked up below.
    void* lib = ::dlopen(PINNA_NETCDF_SONAME, RTLD_LAZY | RTLD_LOCAL);
    if (lib == nullptr) {
        const char* why = ::dlerror();
        out.error = std::string("cannot load ") + PINNA_NETCDF_SONAME + " (netCDF-C, needed to " +
                    "write and inspect SOFA files; Debian: apt-get install libnetcdf19): " +
                    (why != nullptr ? why : "unknown error");
        return out;
    }
    NetcdfApi& a = out.api;
    auto load = [&](auto& slot, const char* name) {
        void* f = ::dlsym(lib, name);
        if (f == nullptr && out.error.empty())
            out.error = std::string(PINNA_NETCDF_SONAME) + " has no function " + name;
        slot = reinterpret_cast<std::remove_reference_t<decltype(slot)>>(f);
    };
    load(a.close, "nc_close");
    load(a.create, "nc_create");
    load(a.def_dim, "nc_def_dim");
    load(a.def_var, "nc_def_var");
    load(a.def_var_chunking, "nc_def_var_chunking");
    load(a.def_var_deflate, "nc_def_var_deflate");
    load(a.enddef, "nc_enddef");
    load(a.free_string, "nc_free_string");
    load(a.get_att_double, "nc_get_att_double");
    load(a.get_att_string, "nc_get_att_string");
    load(a.get_att_text, "nc_get_att_text");
    load(a.get_var_double, "nc_get_var_double");
    load(a.inq_att, "nc_inq_att");
    load(a.inq_attname, "nc_inq_attname");
    load(a.inq_dim, "nc_inq_dim");
    load(a.inq_dimids, "nc_inq_dimids");
    load(a.inq_grps, "nc_inq_grps");
    load(a.inq_natts, "nc_inq_natts");
    load(a.inq_unlimdims, "nc_inq_unlimdims");
    load(a.inq_var, "nc_inq_var");
    load(a.inq_var_chunking, "nc_inq_var_chunking");
    load(a.inq_var_deflate, "nc_inq_var_deflate");
    load(a.inq_var_endian, "nc_inq_var_endian");
    load(a.inq_var_fill, "nc_inq_var_fill");
    load(a.inq_var_filter_ids, "nc_inq_var_filter_ids");
    load(a.inq_var_fletcher32, "nc_inq_var_fletcher32");
    load(a.inq_varids, "nc_inq_varids");
    load(a.open_mem, "nc_open_mem");
    load(a.put_att_text, "nc_put_att_text");
    load(a.put_var_double, "nc_put_var_double");
    load(a.put_var_float, "nc_put_var_float");
    load(a.set_fill, "nc_set_fill");
    load(a.strerror, "nc_strerror");
    return out;  // the library stays loaded for the life of the process
}

}  // namespace

const NetcdfApi& netcdf() {
    static const Loaded loaded = load_netcdf();
    if (!loaded.error.empty())
        throw IoError(loaded.error);
    return loaded.api;
}

std::mutex& netcdf_mutex() {
    static std::mutex m;
    return m;
}

}  // namespace pinna::detail
