#include "sofa_fixture.hpp"

#include <netcdf.h>

#include <stdexcept>

namespace pinna::test {
namespace {

void ok(int status, const char* what) {
    if (status != NC_NOERR)
        throw std::runtime_error(std::string(what) + ": " + nc_strerror(status));
}

void text(int nc, int var, const char* name, const std::string& value) {
    ok(nc_put_att_text(nc, var, name, value.size(), value.data()), name);
}

}  // namespace

void write_fixture(const std::string& path, const SofaFixture& spec) {
    const std::size_t M = spec.measurements ? spec.measurements : spec.positions.size();
    const std::size_t R = 2, N = spec.taps, E = spec.emitters;
    int nc = -1;
    ok(nc_create(path.c_str(), NC_NETCDF4 | NC_CLOBBER, &nc), "nc_create");
    int old_fill = 0;
    ok(nc_set_fill(nc, NC_NOFILL, &old_fill), "nc_set_fill");
    text(nc, NC_GLOBAL, "Conventions", "SOFA");
    text(nc, NC_GLOBAL, "Version", "2.1");
    text(nc, NC_GLOBAL, "SOFAConventions", spec.conventions);
    text(nc, NC_GLOBAL, "SOFAConventionsVersion", "1.0");
    text(nc, NC_GLOBAL, "DataType", spec.data_type);
    text(nc, NC_GLOBAL, "RoomType", "free field");
    // More than 8 global attributes go to HDF5's dense attribute storage. With fewer, this
    // file's object headers need 25 continuation blocks, and libmysofa 1.3.1 gives up at 25.
    for (const char* name : {"Title", "DatabaseName", "ListenerShortName", "License"})
        text(nc, NC_GLOBAL, name, "fixture");
    int I, C, Rd, Ed, Nd, Md;
    ok(nc_def_dim(nc, "I", 1, &I), "I");
    ok(nc_def_dim(nc, "C", 3, &C), "C");
    ok(nc_def_dim(nc, "R", R, &Rd), "R");
    ok(nc_def_dim(nc, "E", E, &Ed), "E");
    ok(nc_def_dim(nc, "N", N, &Nd), "N");
    ok(nc_def_dim(nc, "M", M, &Md), "M");

    auto var = [&](const char* name, std::vector<int> dims) {
        int id;
        ok(nc_def_var(nc, name, NC_DOUBLE, static_cast<int>(dims.size()), dims.data(), &id), name);
        return id;
    };
    const int listener = var("ListenerPosition", {I, C});
    text(nc, listener, "Type", "cartesian");
    text(nc, listener, "Units", "metre");
    const int receiver = var("ReceiverPosition", {Rd, C, I});
    text(nc, receiver, "Type", "cartesian");
    text(nc, receiver, "Units", "metre");
    const bool shared = spec.positions.size() == 1 && M > 1;
    const int source = shared ? var("SourcePosition", {I, C}) : var("SourcePosition", {Md, C});
    text(nc, source, "Type", spec.position_type);
    text(nc, source, "Units", spec.position_units);
    const int emitter = var("EmitterPosition", {Ed, C, I});
    text(nc, emitter, "Type", "cartesian");
    text(nc, emitter, "Units", "metre");
    int ir;
    if (spec.ir_per_emitter)
        ir = var("Data.IR", {Md, Rd, Nd, Ed});
    else if (spec.ir_order == "MNR")
        ir = var("Data.IR", {Md, Nd, Rd});
    else
        ir = var("Data.IR", {Md, Rd, Nd});
    const int rate = var("Data.SamplingRate", {I});
    text(nc, rate, "Units", "hertz");
    ok(nc_enddef(nc), "nc_enddef");

    const double zero[6] = {0, 0, 0, 0, 0, 0};
    const double ears[6] = {0, 0.09, 0, 0, -0.09, 0};
    ok(nc_put_var_double(nc, listener, zero), "ListenerPosition");
    ok(nc_put_var_double(nc, receiver, ears), "ReceiverPosition");
    std::vector<double> emitters(3 * E, 0.0);
    ok(nc_put_var_double(nc, emitter, emitters.data()), "EmitterPosition");
    std::vector<double> pos;
    for (const auto& p : spec.positions)
        pos.insert(pos.end(), p.begin(), p.end());
    ok(nc_put_var_double(nc, source, pos.data()), "SourcePosition");
    std::vector<double> data;
    for (std::size_t m = 0; m < M; ++m)
        for (std::size_t r = 0; r < R; ++r)
            for (std::size_t n = 0; n < N; ++n)
                for (std::size_t e = 0; e < (spec.ir_per_emitter ? E : 1); ++e)
                    data.push_back(fixture_sample(m, r, n) + 100.0f * static_cast<float>(e));
    ok(nc_put_var_double(nc, ir, data.data()), "Data.IR");
    ok(nc_put_var_double(nc, rate, &spec.sample_rate_hz), "Data.SamplingRate");
    ok(nc_close(nc), "nc_close");
}

}  // namespace pinna::test
