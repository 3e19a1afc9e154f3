// HrirSet and its metadata, SOFA files, grids and directions, anthropometry tables.
#include <cstring>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "common.hpp"
#include "pinna/anthropometry.hpp"
#include "pinna/error.hpp"
#include "pinna/grid.hpp"
#include "pinna/perception.hpp"
#include "pinna/sofa.hpp"
#include "pinna/verify.hpp"

namespace pinna::python {

namespace {

// ---------------------------------------------------------------------------------------
// HrirSet

HrirSet make_set(const py::array& irs_in, py::handle directions_in, double sample_rate_hz,
                 py::object delays_in, const Metadata* metadata) {
    FloatArray irs = FloatArray::ensure(irs_in);
    if (!irs)
        throw py::error_already_set();
    check_shape(irs, {-1, 2, -1}, "HrirSet: irs");
    std::vector<Direction> directions = to_directions(directions_in, "HrirSet: directions");
    const auto m = static_cast<std::size_t>(irs.shape(0));
    const auto n = static_cast<std::size_t>(irs.shape(2));
    if (directions.size() != m)
        throw InvalidArgumentError("HrirSet: " + std::to_string(m) + " IR pairs but " +
                                   std::to_string(directions.size()) + " directions");
    HrirSet set(sample_rate_hz, n, std::move(directions));
    std::memcpy(set.data().data(), irs.data(), set.data().size() * sizeof(float));
    if (!delays_in.is_none()) {
        DoubleArray delays = DoubleArray::ensure(delays_in);
        if (!delays)
            throw py::error_already_set();
        check_shape(delays, {static_cast<py::ssize_t>(m), 2}, "HrirSet: delays");
        set.delays_samples().assign(delays.data(), delays.data() + delays.size());
    }
    if (metadata)
        set.metadata = *metadata;
    return set;
}

// Copies `values` into `target` (the set's own buffer: views of it stay valid).
template <typename T>
void assign_in_place(std::vector<T>& target, const py::array& values,
                     std::vector<py::ssize_t> shape, const char* what) {
    auto a = py::array_t<T, py::array::c_style | py::array::forcecast>::ensure(values);
    if (!a)
        throw py::error_already_set();
    check_shape(a, std::move(shape), what);
    std::copy(a.data(), a.data() + a.size(), target.begin());
}

std::string repr(const HrirSet& s) {
    std::string r = "<pinna.HrirSet " + std::to_string(s.measurements()) +
                    " directions x 2 ears x " + std::to_string(s.taps()) + " taps at " +
                    std::to_string(static_cast<long long>(s.sample_rate_hz())) + " Hz";
    if (s.has_delays())
        r += ", with delays";
    if (!s.metadata.source_path.empty())
        r += ", from '" + s.metadata.source_path + "'";
    return r + ">";
}

py::tuple metadata_state(const Metadata& md) {
    return py::make_tuple(md.title, md.database_name, md.listener_short_name, md.license,
                          md.comment, md.source_convention, md.source_path, md.attributes);
}

Metadata metadata_from_state(const py::tuple& t) {
    if (t.size() != 8)
        throw InvalidArgumentError("Metadata: bad pickled state");
    Metadata md;
    md.title = t[0].cast<std::string>();
    md.database_name = t[1].cast<std::string>();
    md.listener_short_name = t[2].cast<std::string>();
    md.license = t[3].cast<std::string>();
    md.comment = t[4].cast<std::string>();
    md.source_convention = t[5].cast<std::string>();
    md.source_path = t[6].cast<std::string>();
    md.attributes = t[7].cast<std::vector<std::pair<std::string, std::string>>>();
    return md;
}

void bind_metadata(py::module_& m) {
    py::class_<Metadata>(m, "Metadata",
                         "Descriptive metadata of a set, mostly SOFA global attributes.")
        .def(py::init<>())
        .def_readwrite("title", &Metadata::title)
        .def_readwrite("database_name", &Metadata::database_name)
        .def_readwrite("listener_short_name", &Metadata::listener_short_name)
        .def_readwrite("license", &Metadata::license)
        .def_readwrite("comment", &Metadata::comment)
        .def_readwrite("source_convention", &Metadata::source_convention,
                       "SOFAConventions of the file the set came from, if any.")
        .def_readwrite("source_path", &Metadata::source_path,
                       "The file the set was read from, if any.")
        .def_property(
            "attributes", [](const Metadata& md) { return md.attributes; },
            [](Metadata& md, std::vector<std::pair<std::string, std::string>> a) {
                md.attributes = std::move(a);
            },
            "Every global attribute of the source file in file order, as a list of (name, "
            "value) pairs (a copy: assign a new list, or use set_attribute, to change it). "
            "Carried over by write_sofa.")
        .def("attribute", &Metadata::attribute, py::arg("name"),
             "The value of a global attribute, or '' when absent.")
        .def("set_attribute", &Metadata::set_attribute, py::arg("name"), py::arg("value"),
             "Sets or adds a global attribute (the named fields are not updated).")
        .def("__repr__",
             [](const Metadata& md) {
                 return "<pinna.Metadata title='" + md.title + "', " +
                        std::to_string(md.attributes.size()) + " attributes>";
             })
        .def(py::pickle([](const Metadata& md) { return metadata_state(md); },
                        [](const py::tuple& t) { return metadata_from_state(t); }));
}

void bind_hrir_set(py::module_& m) {
    py::class_<HrirSet>(m, "HrirSet", R"(A set of head-related impulse responses in memory.

M directions x 2 ears (0 = left, 1 = right) x N taps at one sample rate. `irs`,
`directions` and `delays` are NumPy views of the set's own buffers (no copy): writing
into them changes the set, and they keep the set alive. Assigning an array of the same
shape to one of them copies the values in. Directions are [M, 3] float64 (azimuth_deg,
elevation_deg, distance_m) in the SOFA convention: azimuth counter-clockwise from the
front (90 = left), elevation up.)")
        .def(py::init([](const py::array& irs, py::handle directions, double sample_rate_hz,
                         py::object delays, const Metadata* metadata) {
                 return make_set(irs, directions, sample_rate_hz, std::move(delays), metadata);
             }),
             py::arg("irs"), py::arg("directions"), py::arg("sample_rate_hz"),
             py::arg("delays") = py::none(), py::arg("metadata") = nullptr,
             R"(A set from arrays (copied): irs [M, 2, N] (converted to float32), directions
[M, 2] or [M, 3] (azimuth_deg, elevation_deg[, distance_m]; distance 1 m when absent),
delays [M, 2] in samples (SOFA Data.Delay) or None. Not validated: call validate().)")
        .def_property(
            "irs",
            [](py::object self) {
                auto& s = self.cast<HrirSet&>();
                return view(s.data().data(),
                            {static_cast<py::ssize_t>(s.measurements()), 2,
                             static_cast<py::ssize_t>(s.taps())},
                            self);
            },
            [](HrirSet& s, const py::array& a) {
                assign_in_place(s.data(), a,
                                {static_cast<py::ssize_t>(s.measurements()), 2,
                                 static_cast<py::ssize_t>(s.taps())},
                                "HrirSet.irs");
            },
            "The IRs, float32 [M, 2, N], a view of the set's buffer.")
        .def_property(
            "directions",
            [](py::object self) {
                return directions_view(self.cast<HrirSet&>().directions(), self);
            },
            [](HrirSet& s, py::handle a) {
                std::vector<Direction> d = to_directions(a, "HrirSet.directions");
                if (d.size() != s.measurements())
                    throw InvalidArgumentError("HrirSet.directions: expected " +
                                               std::to_string(s.measurements()) +
                                               " directions, got " + std::to_string(d.size()));
                std::copy(d.begin(), d.end(), s.directions().begin());
            },
            "The directions, float64 [M, 3] (azimuth_deg, elevation_deg, distance_m), a view.")
        .def_property(
            "delays",
            [](py::object self) -> py::object {
                auto& s = self.cast<HrirSet&>();
                if (!s.has_delays())
                    return py::none();
                return view(s.delays_samples().data(),
                            {static_cast<py::ssize_t>(s.measurements()), 2}, self);
            },
            [](HrirSet& s, py::object a) {
                if (a.is_none()) {
                    s.delays_samples().clear();  // keeps the capacity: old views stay valid
                    return;
                }
                auto d = DoubleArray::ensure(a);
                if (!d)
                    throw py::error_already_set();
                check_shape(d, {static_cast<py::ssize_t>(s.measurements()), 2}, "HrirSet.delays");
                s.delays_samples().assign(d.data(), d.data() + d.size());
            },
            "Broadband delays in samples (SOFA Data.Delay), float64 [M, 2] view, or None when "
            "the IRs carry their whole delay (read_sofa applies Data.Delay by default).")
        .def_property("sample_rate_hz", &HrirSet::sample_rate_hz, &HrirSet::set_sample_rate_hz)
        .def_property_readonly("taps", &HrirSet::taps, "N, the IR length in samples.")
        .def_property_readonly("measurements", &HrirSet::measurements,
                               "M, the number of directions.")
        .def_property_readonly("has_delays", &HrirSet::has_delays)
        .def_readwrite("metadata", &HrirSet::metadata)
        .def("__len__", &HrirSet::measurements)
        .def("__repr__", &repr)
        .def("subset", &HrirSet::subset, py::arg("indices"),
             "A new set of the listed measurements, in that order.")
        .def(
            "with_taps",
            [](const HrirSet& s, std::size_t taps, std::size_t fade_taps) {
                HrirSet out = s;
                out.resize_taps(taps, fade_taps);
                return out;
            },
            py::arg("taps"), py::arg("fade_taps") = 0,
            "A copy cut or zero-padded to `taps`; when cutting, the last `fade_taps` samples "
            "kept are faded out with a half Hann window.")
        .def("validate", &HrirSet::validate,
             "Raises InvalidDataError naming the first problem (no measurements, bad rate, "
             "NaN/Inf, negative delays, wrong sizes).")
        .def(
            "copy", [](const HrirSet& s) { return s; }, "A deep copy.")
        .def("__copy__", [](const HrirSet& s) { return s; })
        .def(
            "__deepcopy__", [](const HrirSet& s, py::handle) { return s; }, py::arg("memo"))
        .def(py::pickle(
            [](py::object self) {
                const auto& s = self.cast<const HrirSet&>();
                return py::make_tuple(
                    self.attr("irs").attr("copy")(), directions_array(s.directions()),
                    s.sample_rate_hz(),
                    s.has_delays() ? self.attr("delays").attr("copy")() : py::none(),
                    metadata_state(s.metadata));
            },
            [](const py::tuple& t) {
                if (t.size() != 5)
                    throw InvalidArgumentError("HrirSet: bad pickled state");
                const Metadata md = metadata_from_state(t[4].cast<py::tuple>());
                return make_set(t[0].cast<py::array>(), t[1], t[2].cast<double>(),
                                t[3].cast<py::object>(), &md);
            }));
}

// ---------------------------------------------------------------------------------------
// SOFA files

SofaReadOptions read_options(bool apply_delays, bool isolate, std::size_t max_measurements,
                             std::size_t max_taps, std::size_t max_file_bytes,
                             unsigned time_limit_s) {
    SofaReadOptions o;
    o.apply_delays = apply_delays;
    o.isolate = isolate;
    o.max_measurements = max_measurements;
    o.max_taps = max_taps;
    o.max_file_bytes = max_file_bytes;
    o.time_limit_s = time_limit_s;
    return o;
}

template <typename Result, typename FromFile, typename FromMemory>
Result from_path_or_bytes(py::handle source, const py::object& name, const char* what,
                          FromFile from_file, FromMemory from_memory) {
    PathOrBytes in = path_or_bytes(source, what);
    const std::string label = name.is_none() ? std::string("<bytes>") : to_path(name);
    py::gil_scoped_release release;
    if (in.is_bytes)
        return from_memory(in.bytes.ptr,
                           static_cast<std::size_t>(in.bytes.size * in.bytes.itemsize), label);
    return from_file(in.path);
}

void bind_sofa(py::module_& m) {
    m.def(
        "read_sofa",
        [](py::handle source, bool apply_delays, bool isolate, const py::object& name,
           std::size_t max_measurements, std::size_t max_taps, std::size_t max_file_bytes,
           unsigned time_limit_s) {
            const SofaReadOptions o = read_options(apply_delays, isolate, max_measurements,
                                                   max_taps, max_file_bytes, time_limit_s);
            return from_path_or_bytes<HrirSet>(
                source, name, "read_sofa",
                [&](const std::string& path) { return read_sofa(path, o); },
                [&](const void* p, std::size_t n, const std::string& label) {
                    return read_sofa_memory(p, n, label, o);
                });
        },
        py::arg("source"), py::kw_only(), py::arg("apply_delays") = true, py::arg("isolate") = true,
        py::arg("name") = py::none(),
        py::arg("max_measurements") = SofaReadOptions{}.max_measurements,
        py::arg("max_taps") = SofaReadOptions{}.max_taps,
        py::arg("max_file_bytes") = SofaReadOptions{}.max_file_bytes,
        py::arg("time_limit_s") = SofaReadOptions{}.time_limit_s,
        R"(Reads a SOFA file (SimpleFreeFieldHRIR, GeneralFIR, ...: FIR data of two receivers).

`source` is a path (str or os.PathLike) or the file's bytes (bytes, bytearray,
memoryview; `name` is then used in messages). Data.Delay is applied to the IRs unless
apply_delays is False (then it is kept in `delays`). The file is parsed in pinna's
isolated worker process (docs/robustness.md) unless isolate is False. Releases the GIL.
Raises IoError, MalformedFileError, UnsupportedConventionError or InvalidDataError, each
message naming the file.)");

    m.def(
        "write_sofa",
        [](const HrirSet& set, py::handle path, int compression_level,
           const std::string& application, const std::string& application_version,
           bool verify_with_libmysofa, bool isolate) {
            SofaWriteOptions o;
            o.compression_level = compression_level;
            o.application = application;
            o.application_version = application_version;
            o.verify_with_libmysofa = verify_with_libmysofa;
            o.isolate = isolate;
            const std::string p = to_path(path);
            py::gil_scoped_release release;
            write_sofa(set, p, o);
        },
        py::arg("set"), py::arg("path"), py::kw_only(), py::arg("compression_level") = 1,
        py::arg("application") = "pinna", py::arg("application_version") = "",
        py::arg("verify_with_libmysofa") = true, py::arg("isolate") = true,
        R"(Writes `set` as a SimpleFreeFieldHRIR 1.0 file (SOFA 2.1, netCDF-4) atomically: on
failure nothing is left at `path`. The finished file is read back with libmysofa before it
replaces `path` (verify_with_libmysofa). Releases the GIL. Raises InvalidDataError,
InvalidArgumentError or IoError.)");

    py::class_<SofaSummary>(m, "SofaSummary", "What a SOFA file holds, as libmysofa reads it.")
        .def_readonly("convention", &SofaSummary::convention)
        .def_readonly("data_type", &SofaSummary::data_type)
        .def_readonly("measurements", &SofaSummary::measurements)
        .def_readonly("receivers", &SofaSummary::receivers)
        .def_readonly("emitters", &SofaSummary::emitters)
        .def_readonly("samples", &SofaSummary::samples)
        .def_readonly("sample_rate_hz", &SofaSummary::sample_rate_hz)
        .def_readonly("attributes", &SofaSummary::attributes)
        .def_readonly("hrir_set", &SofaSummary::hrir_set, "True when read_sofa accepts it.")
        .def_readonly("why_not", &SofaSummary::why_not)
        .def("__repr__", [](const SofaSummary& s) {
            return "<pinna.SofaSummary " + s.convention + ", M=" + std::to_string(s.measurements) +
                   ", R=" + std::to_string(s.receivers) + ", N=" + std::to_string(s.samples) + ">";
        });

    m.def(
        "describe_sofa",
        [](py::handle source, const py::object& name) {
            const SofaReadOptions o;
            return from_path_or_bytes<SofaSummary>(
                source, name, "describe_sofa",
                [&](const std::string& path) { return describe_sofa(path, o); },
                [&](const void* p, std::size_t n, const std::string& label) {
                    return describe_sofa_memory(p, n, label, o);
                });
        },
        py::arg("source"), py::kw_only(), py::arg("name") = py::none(),
        "Describes any SOFA file libmysofa reads (path or bytes), whether or not it is an HRIR "
        "set. Releases the GIL.");

    py::class_<SofaProblem>(m, "SofaProblem", "One problem verify_sofa found.")
        .def_property_readonly(
            "severity", [](const SofaProblem& p) { return to_string(p.severity); },
            "'error', 'warning' or 'info'.")
        .def_readonly("id", &SofaProblem::id, "Stable rule id, e.g. 'R003' (docs/verify.md).")
        .def_readonly("element", &SofaProblem::element)
        .def_readonly("message", &SofaProblem::message)
        .def("__repr__", [](const SofaProblem& p) {
            return std::string("<pinna.SofaProblem ") + to_string(p.severity) + " " + p.id + " " +
                   p.element + ": " + p.message + ">";
        });
    py::class_<SofaVerification>(m, "SofaVerification", "Every problem of a SOFA file.")
        .def_readonly("path", &SofaVerification::path)
        .def_readonly("convention", &SofaVerification::convention)
        .def_readonly("convention_version", &SofaVerification::convention_version)
        .def_readonly("sofa_version", &SofaVerification::sofa_version)
        .def_readonly("problems", &SofaVerification::problems)
        .def_property_readonly("clean", &SofaVerification::clean,
                               "True when there is no error and no warning.")
        .def(
            "count",
            [](const SofaVerification& v, const std::string& severity) {
                for (Severity s : {Severity::error, Severity::warning, Severity::info})
                    if (severity == to_string(s))
                        return v.count(s);
                throw InvalidArgumentError(
                    "count: severity must be 'error', 'warning' or 'info', got '" + severity + "'");
            },
            py::arg("severity"));

    m.def(
        "verify_sofa",
        [](py::handle source, const std::string& profile, const py::object& name) {
            SofaVerifyOptions o;
            if (profile == "renderer")
                o.profile = SofaVerifyProfile::renderer;
            else if (profile == "convention")
                o.profile = SofaVerifyProfile::convention;
            else
                throw InvalidArgumentError(
                    "verify_sofa: profile must be 'renderer' or "
                    "'convention', got '" +
                    profile + "'");
            return from_path_or_bytes<SofaVerification>(
                source, name, "verify_sofa",
                [&](const std::string& path) { return verify_sofa(path, o); },
                [&](const void* p, std::size_t n, const std::string& label) {
                    return verify_sofa_memory(p, n, label, o);
                });
        },
        py::arg("source"), py::arg("profile") = "renderer", py::kw_only(),
        py::arg("name") = py::none(),
        "Checks a SOFA file (path or bytes) against its convention and libmysofa's rules, "
        "listing every problem (docs/verify.md). Releases the GIL.");
}

// ---------------------------------------------------------------------------------------
// Grids and directions

py::array_t<std::int64_t> index_array(const std::vector<std::size_t>& indices) {
    py::array_t<std::int64_t> out(static_cast<py::ssize_t>(indices.size()));
    auto* w = out.mutable_data();
    for (std::size_t i = 0; i < indices.size(); ++i)
        w[i] = indices[i] == kUnmatched ? -1 : static_cast<std::int64_t>(indices[i]);
    return out;
}

// Applies `f(Direction) -> row of `width` doubles` to every direction: [M, width].
template <typename F>
py::array_t<double> per_direction(const std::vector<Direction>& dirs, py::ssize_t width, F f) {
    py::array_t<double> out({static_cast<py::ssize_t>(dirs.size()), width});
    double* w = out.mutable_data();
    for (std::size_t i = 0; i < dirs.size(); ++i)
        f(dirs[i], w + static_cast<py::ssize_t>(i) * width);
    return out;
}

void bind_grids(py::module_& m) {
    m.def(
        "fibonacci_grid", [](std::size_t n) { return directions_array(fibonacci_grid(n)); },
        py::arg("n"), "`n` near-uniform directions on a Fibonacci spiral, [n, 3] (distance 1 m).");

    py::class_<QuadratureGrid>(m, "QuadratureGrid", "Directions with quadrature weights.")
        .def_property_readonly(
            "directions", [](const QuadratureGrid& g) { return directions_array(g.directions); })
        .def_property_readonly(
            "weights_sr", [](const QuadratureGrid& g) { return copy_array(g.weights_sr); },
            "One weight per direction, summing to 4 pi steradians.")
        .def_readonly("degree", &QuadratureGrid::degree,
                      "Spherical polynomials up to this degree are integrated exactly.");
    m.def("lebedev_grid", &lebedev_grid, py::arg("n"),
          "The Lebedev-Laikov rule of `n` points (n in lebedev_sizes()).");
    m.def("lebedev_sizes", &lebedev_sizes, "The point counts lebedev_grid accepts.");
    m.def(
        "grid_from_spec",
        [](const std::string& spec) { return directions_array(grid_from_spec(spec)); },
        py::arg("spec"), "A grid from 'fibonacci:N' or 'lebedev:N', [N, 3].");

    m.def(
        "lap_sparse_indices",
        [](py::handle directions, int level) {
            return index_array(
                lap_sparse_indices(to_directions(directions, "lap_sparse_indices"), level));
        },
        py::arg("directions"), py::arg("level"),
        R"(Indices of the LAP challenge's sparse subset of `level` 100, 19, 5 or 3 of
`directions` (an [M, 2|3] array or an HrirSet), as `pinna sparsify --lap` keeps them.)");

    m.def(
        "grid_statistics",
        [](py::handle directions) {
            const GridStatistics s = grid_statistics(to_directions(directions, "grid_statistics"));
            py::dict d;
            d["elevation_min_deg"] = s.elevation_min_deg;
            d["elevation_max_deg"] = s.elevation_max_deg;
            d["distinct_elevations"] = s.distinct_elevations;
            d["distance_min_m"] = s.distance_min_m;
            d["distance_max_m"] = s.distance_max_m;
            d["distinct_distances"] = s.distinct_distances;
            d["mean_nearest_neighbour_deg"] = s.mean_nearest_neighbour_deg;
            d["max_nearest_neighbour_deg"] = s.max_nearest_neighbour_deg;
            return d;
        },
        py::arg("directions"),
        "Elevation range, distances and nearest-neighbour spacing of a grid.");

    m.def(
        "match_directions",
        [](py::handle reference, py::handle estimate, double tolerance_deg) {
            return index_array(match_directions(to_directions(reference, "match_directions"),
                                                to_directions(estimate, "match_directions"),
                                                tolerance_deg));
        },
        py::arg("reference"), py::arg("estimate"), py::arg("tolerance_deg") = 0.5,
        "For each reference direction, the index of the nearest estimate direction, or -1 when "
        "it is further than tolerance_deg.");

    py::class_<SphericalIndex>(m, "SphericalIndex",
                               "A k-d tree over a grid for exact nearest-direction queries.")
        .def(py::init(
                 [](py::handle d) { return SphericalIndex(to_directions(d, "SphericalIndex")); }),
             py::arg("directions"))
        .def("__len__", &SphericalIndex::size)
        .def(
            "nearest",
            [](const SphericalIndex& index, py::handle directions) {
                const std::vector<Direction> d =
                    to_directions(directions, "SphericalIndex.nearest");
                std::vector<std::size_t> out(d.size());
                for (std::size_t i = 0; i < d.size(); ++i)
                    out[i] = index.nearest(d[i]);
                return index_array(out);
            },
            py::arg("directions"), "Index of the nearest grid direction of each of `directions`.")
        .def(
            "nearest_k",
            [](const SphericalIndex& index, py::handle direction, std::size_t k) {
                std::vector<std::size_t> idx(SphericalIndex::kMaxNeighbours);
                std::vector<double> cos(SphericalIndex::kMaxNeighbours);
                const std::size_t n = index.nearest_k(
                    unit_vector(to_direction(direction, "SphericalIndex.nearest_k")), k, idx.data(),
                    cos.data());
                idx.resize(n);
                cos.resize(n);
                return py::make_tuple(index_array(idx), copy_array(cos));
            },
            py::arg("direction"), py::arg("k"),
            "The k nearest grid directions (at most 64), nearest first: (indices, cosines).");

    m.def(
        "unit_vectors",
        [](py::handle directions) {
            return per_direction(to_directions(directions, "unit_vectors"), 3,
                                 [](const Direction& d, double* row) {
                                     const Vec3 v = unit_vector(d);
                                     row[0] = v.x, row[1] = v.y, row[2] = v.z;
                                 });
        },
        py::arg("directions"), "Unit vectors [M, 3] (x front, y left, z up).");
    m.def(
        "cartesian_to_directions",
        [](const py::array& xyz) {
            auto a = DoubleArray::ensure(xyz);
            if (!a)
                throw py::error_already_set();
            check_shape(a, {-1, 3}, "cartesian_to_directions");
            std::vector<Direction> out(static_cast<std::size_t>(a.shape(0)));
            for (std::size_t i = 0; i < out.size(); ++i) {
                const double* p = a.data() + 3 * i;
                out[i] = to_direction(Vec3{p[0], p[1], p[2]});
            }
            return directions_array(out);
        },
        py::arg("xyz"), "Directions [M, 3] of cartesian points [M, 3] (metres).");
    m.def(
        "angle_between_deg",
        [](py::handle a, py::handle b) {
            const std::vector<Direction> da = to_directions(a, "angle_between_deg");
            const std::vector<Direction> db = to_directions(b, "angle_between_deg");
            if (da.size() != db.size() && da.size() != 1 && db.size() != 1)
                throw InvalidArgumentError("angle_between_deg: " + std::to_string(da.size()) +
                                           " directions against " + std::to_string(db.size()));
            const std::size_t n = std::max(da.size(), db.size());
            std::vector<double> out(n);
            for (std::size_t i = 0; i < n; ++i)
                out[i] = angle_between_deg(da[da.size() == 1 ? 0 : i], db[db.size() == 1 ? 0 : i]);
            return copy_array(out);
        },
        py::arg("a"), py::arg("b"),
        "Great-circle angles in degrees between directions (one against many, or pairwise).");
    m.def(
        "to_horizontal_polar",
        [](py::handle directions) {
            return per_direction(to_directions(directions, "to_horizontal_polar"), 2,
                                 [](const Direction& d, double* row) {
                                     const HorizontalPolar h = to_horizontal_polar(d);
                                     row[0] = h.lateral_deg, row[1] = h.polar_deg;
                                 });
        },
        py::arg("directions"),
        "Horizontal-polar coordinates [M, 2]: lateral angle in [-90, 90] (positive = left) and "
        "polar angle in [-90, 270) (0 front, 90 above, 180 behind).");
}

// ---------------------------------------------------------------------------------------
// Anthropometry

void bind_anthropometry(py::module_& m) {
    py::class_<AnthropometryTable>(m, "AnthropometryTable",
                                   "Head and ear measurements of subjects (CSV or JSON).")
        .def_readonly("source", &AnthropometryTable::source)
        .def_readonly("features", &AnthropometryTable::features, "Column names in file order.")
        .def_property_readonly("subjects",
                               [](const AnthropometryTable& t) {
                                   std::vector<std::string> s;
                                   for (const auto& r : t.rows)
                                       s.push_back(r.subject);
                                   return s;
                               })
        .def_property_readonly(
            "values",
            [](const AnthropometryTable& t) {
                py::array_t<double> out({static_cast<py::ssize_t>(t.rows.size()),
                                         static_cast<py::ssize_t>(t.features.size())});
                double* w = out.mutable_data();
                for (const auto& r : t.rows)
                    w = std::copy(r.values.begin(), r.values.end(), w);
                return out;
            },
            "[subjects, features] float64, NaN where missing.")
        .def_property_readonly(
            "rejected",
            [](const AnthropometryTable& t) {
                py::list out;
                for (const auto& r : t.rejected)
                    out.append(py::make_tuple(r.line, r.subject, r.message));
                return out;
            },
            "Rows that could not be read: (line, subject, message).")
        .def(
            "row",
            [](const AnthropometryTable& t, const std::string& subject) {
                for (std::size_t i = 0; i < t.rows.size(); ++i)
                    if (t.rows[i].subject == subject)
                        return i;
                throw InvalidArgumentError(t.source + ": no subject '" + subject + "'");
            },
            py::arg("subject"), "The row index of a subject id.")
        .def("select", &select_features, py::arg("row"), py::arg("features"),
             "The values of row `row` for `features`, in that order (InvalidDataError when one "
             "is absent or missing).");
    m.def(
        "read_anthropometry", [](py::handle path) { return read_anthropometry(to_path(path)); },
        py::arg("path"), "Reads an anthropometry table (CSV or JSON, by its first character).");
    m.def(
        "parse_anthropometry",
        [](const std::string& text, const std::string& source) {
            return parse_anthropometry(text, source);
        },
        py::arg("text"), py::arg("source") = "<text>", "Parses an anthropometry table from text.");
}

}  // namespace

void bind_core(py::module_& m) {
    bind_metadata(m);
    bind_hrir_set(m);
    bind_sofa(m);
    bind_grids(m);
    bind_anthropometry(m);
}

}  // namespace pinna::python
