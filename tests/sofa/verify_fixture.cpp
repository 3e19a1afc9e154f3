#include "verify_fixture.hpp"

#include <netcdf.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace pinna::test {
namespace {

void ok(int status, const std::string& what) {
    if (status != NC_NOERR)
        throw std::runtime_error(what + ": " + nc_strerror(status));
}

void put_attribute(int nc, int var, const FixtureAttribute& a) {
    switch (a.kind) {
        case FixtureAttribute::Kind::text:
            ok(nc_put_att_text(nc, var, a.name.c_str(), a.text.size(), a.text.data()), a.name);
            break;
        case FixtureAttribute::Kind::string: {
            const char* value = a.text.c_str();
            ok(nc_put_att_string(nc, var, a.name.c_str(), 1, &value), a.name);
            break;
        }
        case FixtureAttribute::Kind::number:
            ok(nc_put_att_double(nc, var, a.name.c_str(), NC_DOUBLE, 1, &a.number), a.name);
            break;
    }
}

template <typename List>
auto find_named(List& list, const std::string& name) {
    return std::find_if(list.begin(), list.end(), [&](const auto& x) { return x.name == name; });
}

FixtureVariable variable(const std::string& name, std::vector<std::string> dims,
                         std::vector<double> values, const std::string& type = "",
                         const std::string& units = "") {
    FixtureVariable v;
    v.name = name;
    v.dims = std::move(dims);
    v.values = std::move(values);
    if (!type.empty())
        v.set("Type", type);
    if (!units.empty())
        v.set("Units", units);
    return v;
}

}  // namespace

void FixtureVariable::set(const std::string& attribute_name, const std::string& text) {
    if (FixtureAttribute* a = attribute(attribute_name)) {
        a->text = text;
        a->kind = FixtureAttribute::Kind::text;
    } else {
        attributes.push_back({attribute_name, text});
    }
}

void FixtureVariable::remove(const std::string& attribute_name) {
    attributes.erase(find_named(attributes, attribute_name));
}

FixtureAttribute* FixtureVariable::attribute(const std::string& attribute_name) {
    const auto it = find_named(attributes, attribute_name);
    return it == attributes.end() ? nullptr : &*it;
}

std::size_t FixtureFile::dim(const std::string& name) const {
    for (const auto& [n, length] : dims)
        if (n == name)
            return length;
    throw std::runtime_error("fixture has no dimension " + name);
}

void FixtureFile::set_dim(const std::string& name, std::size_t length) {
    for (auto& [n, l] : dims)
        if (n == name) {
            l = length;
            return;
        }
    dims.emplace_back(name, length);
}

void FixtureFile::remove_dim(const std::string& name) {
    dims.erase(
        std::find_if(dims.begin(), dims.end(), [&](const auto& d) { return d.first == name; }));
}

void FixtureFile::set_global(const std::string& name, const std::string& text) {
    if (FixtureAttribute* a = global(name)) {
        a->text = text;
        a->kind = FixtureAttribute::Kind::text;
    } else {
        globals.push_back({name, text});
    }
}

void FixtureFile::remove_global(const std::string& name) {
    globals.erase(find_named(globals, name));
}

FixtureAttribute* FixtureFile::global(const std::string& name) {
    const auto it = find_named(globals, name);
    return it == globals.end() ? nullptr : &*it;
}

FixtureVariable& FixtureFile::variable(const std::string& name) {
    const auto it = find_named(variables, name);
    if (it == variables.end())
        throw std::runtime_error("fixture has no variable " + name);
    return *it;
}

void FixtureFile::remove_variable(const std::string& name) {
    variables.erase(find_named(variables, name));
}

FixtureFile hrir_fixture(std::size_t m, std::size_t n) {
    FixtureFile f;
    f.dims = {{"I", 1}, {"C", 3}, {"R", 2}, {"E", 1}, {"N", n}, {"M", m}};
    for (const auto& [name, value] : std::vector<std::pair<std::string, std::string>>{
             {"Conventions", "SOFA"},
             {"Version", "2.1"},
             {"SOFAConventions", "SimpleFreeFieldHRIR"},
             {"SOFAConventionsVersion", "1.0"},
             {"APIName", "pinna tests"},
             {"APIVersion", "1.0.0"},
             {"AuthorContact", "tests@example.org"},
             {"DataType", "FIR"},
             {"License", "No license provided, ask the author for permission"},
             {"Organization", "pinna"},
             {"RoomType", "free field"},
             {"DateCreated", "2026-01-01 12:00:00"},
             {"DateModified", "2026-01-01 12:00:00"},
             {"Title", "verify fixture"},
             {"DatabaseName", "fixtures"},
             {"ListenerShortName", "F1"}})
        f.globals.push_back({name, value});

    std::vector<double> sources;
    for (std::size_t i = 0; i < m; ++i)
        sources.insert(sources.end(),
                       {360.0 * static_cast<double>(i) / static_cast<double>(m), 0.0, 1.5});
    std::vector<double> ir;
    for (std::size_t i = 0; i < m; ++i)
        for (std::size_t r = 0; r < 2; ++r)
            for (std::size_t k = 0; k < n; ++k)
                ir.push_back(std::exp(-0.3 * static_cast<double>(k)) *
                             std::cos(0.5 * static_cast<double>(k + i + r)));
    f.variables = {
        variable("ListenerPosition", {"I", "C"}, {0, 0, 0}, "cartesian", "metre"),
        variable("ReceiverPosition", {"R", "C", "I"}, {0, 0.09, 0, 0, -0.09, 0}, "cartesian",
                 "metre"),
        variable("SourcePosition", {"M", "C"}, sources, "spherical", "degree, degree, metre"),
        variable("EmitterPosition", {"E", "C", "I"}, {0, 0, 0}, "cartesian", "metre"),
        variable("ListenerUp", {"I", "C"}, {0, 0, 1}),
        variable("ListenerView", {"I", "C"}, {1, 0, 0}, "cartesian", "metre"),
        variable("Data.IR", {"M", "R", "N"}, ir),
        variable("Data.SamplingRate", {"I"}, {48000.0}, "", "hertz"),
        variable("Data.Delay", {"I", "R"}, {0, 0}),
    };
    return f;
}

void write_fixture_file(const std::string& path, const FixtureFile& file) {
    int nc = -1;
    ok(nc_create(path.c_str(), NC_NETCDF4 | NC_CLOBBER, &nc), "nc_create " + path);
    int old_fill = 0;
    ok(nc_set_fill(nc, NC_NOFILL, &old_fill), "nc_set_fill");
    for (const FixtureAttribute& a : file.globals)
        put_attribute(nc, NC_GLOBAL, a);
    for (const auto& [name, length] : file.dims) {
        const bool unlimited =
            std::find(file.unlimited.begin(), file.unlimited.end(), name) != file.unlimited.end();
        int id = -1;
        ok(nc_def_dim(nc, name.c_str(), unlimited ? NC_UNLIMITED : length, &id),
           "dimension " + name);
    }
    std::vector<int> ids;
    for (const FixtureVariable& v : file.variables) {
        std::vector<int> dims;
        std::vector<std::size_t> chunks;
        for (const std::string& d : v.dims) {
            int id = -1;
            ok(nc_inq_dimid(nc, d.c_str(), &id), v.name + " dimension " + d);
            dims.push_back(id);
            chunks.push_back(std::max<std::size_t>(file.dim(d), 1));
        }
        int var = -1;
        ok(nc_def_var(nc, v.name.c_str(), v.float32 ? NC_FLOAT : NC_DOUBLE,
                      static_cast<int>(dims.size()), dims.data(), &var),
           v.name);
        using S = FixtureVariable::Storage;
        if (v.storage == S::contiguous) {
            ok(nc_def_var_chunking(nc, var, NC_CONTIGUOUS, nullptr), v.name);
        } else {
            ok(nc_def_var_chunking(nc, var, NC_CHUNKED, chunks.data()), v.name);
            if (v.storage == S::deflate_shuffle || v.storage == S::deflate_only)
                ok(nc_def_var_deflate(nc, var, v.storage == S::deflate_shuffle, 1, 4), v.name);
            if (v.storage == S::fletcher32) {
                ok(nc_def_var_deflate(nc, var, 1, 1, 4), v.name);
                ok(nc_def_var_fletcher32(nc, var, NC_FLETCHER32), v.name);
            }
        }
        if (v.big_endian)
            ok(nc_def_var_endian(nc, var, NC_ENDIAN_BIG), v.name);
        for (const FixtureAttribute& a : v.attributes)
            put_attribute(nc, var, a);
        ids.push_back(var);
    }
    ok(nc_enddef(nc), "nc_enddef");
    for (std::size_t i = 0; i < file.variables.size(); ++i) {
        const FixtureVariable& v = file.variables[i];
        if (v.values.empty())
            continue;
        // The extent of every dimension, unlimited ones too.
        std::vector<std::size_t> start(v.dims.size(), 0), count;
        for (const std::string& d : v.dims)
            count.push_back(file.dim(d));
        ok(nc_put_vara_double(nc, ids[i], start.data(), count.data(), v.values.data()),
           "values of " + v.name);
    }
    ok(nc_close(nc), "nc_close");
}

void rewrite_global_in_place(const std::string& path, const std::string& name,
                             const std::string& text) {
    int nc = -1;
    ok(nc_open(path.c_str(), NC_WRITE, &nc), "nc_open " + path);
    ok(nc_redef(nc), "nc_redef");
    ok(nc_put_att_text(nc, NC_GLOBAL, name.c_str(), text.size(), text.data()), name);
    ok(nc_close(nc), "nc_close");
}

void delete_global_in_place(const std::string& path, const std::string& name) {
    int nc = -1;
    ok(nc_open(path.c_str(), NC_WRITE, &nc), "nc_open " + path);
    ok(nc_redef(nc), "nc_redef");
    ok(nc_del_att(nc, NC_GLOBAL, name.c_str()), name);
    ok(nc_close(nc), "nc_close");
}

}  // namespace pinna::test
