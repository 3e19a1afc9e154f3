// Interpolation and upsampling, and the real-time QueryEngine.
#include <string>
#include <vector>

#include "common.hpp"
#include "pinna/error.hpp"
#include "pinna/interpolate.hpp"
#include "pinna/query.hpp"

namespace pinna::python {

namespace {

InterpolationOptions interpolation_options(const std::string& method, bool time_aligned,
                                           int sh_order, double sh_regularisation,
                                           bool head_model_delays) {
    InterpolationOptions o;
    o.method = parse_interpolation_method(method);
    o.time_aligned = time_aligned;
    o.sh_order = sh_order;
    o.sh_regularisation = sh_regularisation;
    o.head_model_delays = head_model_delays;
    return o;
}

const char* const kMethodDoc =
    R"(method: 'nearest', 'barycentric' (spherical Delaunay triangle, the default) or 'sh'
(regularised SH fit plus barycentric residuals); time_aligned: mix dB magnitudes and
delays apart and rebuild minimum-phase IRs (no comb filtering); sh_order (-1: from the
grid) and sh_regularisation for 'sh'; head_model_delays: time-aligned delays from a
fitted spherical head (docs/interpolation.md).)";

// [K, 2, N] IRs and [K, 2] delays for K directions.
py::tuple query_many(const QueryEngine& e, const std::vector<Direction>& d) {
    const auto k = static_cast<py::ssize_t>(d.size());
    const auto n = static_cast<py::ssize_t>(e.taps());
    py::array_t<float> irs({k, py::ssize_t{2}, n});
    py::array_t<float> delays({k, py::ssize_t{2}});
    float* ir = irs.mutable_data();
    float* delay = delays.mutable_data();
    {
        py::gil_scoped_release release;
        for (std::size_t i = 0; i < d.size(); ++i) {
            EarDelays ed;
            float* left = ir + 2 * i * e.taps();
            e.query(d[i], left, left + e.taps(), ed);
            delay[2 * i] = ed.left_samples;
            delay[2 * i + 1] = ed.right_samples;
        }
    }
    return py::make_tuple(std::move(irs), std::move(delays));
}

}  // namespace

void bind_interp(py::module_& m) {
    m.def("interpolation_methods", [] {
        return std::vector<std::string>{"nearest", "barycentric", "sh"};
    });

    py::class_<Interpolator>(
        m, "Interpolator",
        (std::string("Interpolates a measured set to any directions.\n\n") + kMethodDoc).c_str())
        .def(py::init([](const HrirSet& measured, const std::string& method, bool time_aligned,
                         int sh_order, double sh_regularisation, bool head_model_delays) {
                 const InterpolationOptions o = interpolation_options(
                     method, time_aligned, sh_order, sh_regularisation, head_model_delays);
                 py::gil_scoped_release release;
                 return Interpolator(measured, o);
             }),
             py::arg("measured"), py::arg("method") = "barycentric",
             py::arg("time_aligned") = false, py::arg("sh_order") = -1,
             py::arg("sh_regularisation") = 1e-2, py::arg("head_model_delays") = true,
             "Prepares the measured set (a copy; Data.Delay applied). Releases the GIL.")
        .def_property_readonly("method",
                               [](const Interpolator& i) { return to_string(i.options().method); })
        .def_property_readonly("time_aligned",
                               [](const Interpolator& i) { return i.options().time_aligned; })
        .def(
            "interpolate",
            [](const Interpolator& i, py::handle targets) {
                const std::vector<Direction> t = to_directions(targets, "Interpolator.interpolate");
                py::gil_scoped_release release;
                return i.interpolate(t);
            },
            py::arg("targets"),
            "The set at `targets` ([K, 2|3] or an HrirSet's directions). Releases the GIL.")
        .def(
            "weights",
            [](const Interpolator& i, py::handle target) {
                const auto w = i.weights(to_direction(target, "Interpolator.weights"));
                py::array_t<std::int64_t> index(static_cast<py::ssize_t>(w.size()));
                py::array_t<double> weight(static_cast<py::ssize_t>(w.size()));
                for (std::size_t k = 0; k < w.size(); ++k) {
                    index.mutable_data()[k] = static_cast<std::int64_t>(w[k].first);
                    weight.mutable_data()[k] = w[k].second;
                }
                return py::make_tuple(index, weight);
            },
            py::arg("target"), "(indices, weights) of the measurements one target mixes.");

    m.def(
        "upsample",
        [](const HrirSet& measured, py::handle targets, const std::string& method,
           bool time_aligned, int sh_order, double sh_regularisation, bool head_model_delays) {
            const InterpolationOptions o = interpolation_options(
                method, time_aligned, sh_order, sh_regularisation, head_model_delays);
            const std::vector<Direction> t = to_directions(targets, "upsample");
            py::gil_scoped_release release;
            return upsample(measured, t, o);
        },
        py::arg("measured"), py::arg("targets"), py::arg("method") = "barycentric",
        py::arg("time_aligned") = false, py::arg("sh_order") = -1,
        py::arg("sh_regularisation") = 1e-2, py::arg("head_model_delays") = true,
        (std::string("Interpolator(measured, ...).interpolate(targets), as `pinna upsample` does. "
                     "Releases the GIL.\n\n") +
         kMethodDoc)
            .c_str());

    py::class_<QueryEngine>(m, "QueryEngine", R"(HRIRs for arbitrary directions, as an audio
thread gets them: minimum-phase IRs plus a broadband delay per ear (samples at the engine's
rate), mixed from the nearest measurement or the three of the surrounding triangle.)")
        .def(py::init([](const HrirSet& set, const std::string& interpolation,
                         double sample_rate_hz, std::size_t taps, unsigned build_threads) {
                 QueryEngineOptions o;
                 o.interpolation = parse_interpolation_method(interpolation);
                 o.sample_rate_hz = sample_rate_hz;
                 o.taps = taps;
                 o.build_threads = build_threads;
                 py::gil_scoped_release release;
                 return std::make_unique<QueryEngine>(set, o);
             }),
             py::arg("set"), py::arg("interpolation") = "barycentric",
             py::arg("sample_rate_hz") = 0.0, py::arg("taps") = 0, py::arg("build_threads") = 1,
             "Builds from a set: interpolation 'nearest' or 'barycentric'; sample_rate_hz and taps "
             "0 keep the set's; build_threads 0: one per core. Releases the GIL.")
        .def_property_readonly("taps", &QueryEngine::taps)
        .def_property_readonly("sample_rate_hz", &QueryEngine::sample_rate_hz)
        .def_property_readonly("measurements", &QueryEngine::measurements)
        .def_property_readonly("memory_bytes", &QueryEngine::memory_bytes)
        .def(
            "query",
            [](const QueryEngine& e, py::handle directions) {
                const py::array a = py::array::ensure(directions);
                const bool one = a && a.ndim() == 1;
                py::tuple r = query_many(e, to_directions(directions, "QueryEngine.query"));
                if (!one)
                    return r;
                return py::make_tuple(r[0].attr("__getitem__")(0), r[1].attr("__getitem__")(0));
            },
            py::arg("directions"),
            R"((irs, delays) for one direction (azimuth_deg, elevation_deg[, distance_m]): irs
float32 [2, taps], delays float32 [2] (left, right, samples); or for [K, 2|3] directions:
irs [K, 2, taps], delays [K, 2]. Apply the delays with your own delay lines.)")
        .def(
            "query_vector",
            [](const QueryEngine& e, double x, double y, double z) {
                py::array_t<float> irs({py::ssize_t{2}, static_cast<py::ssize_t>(e.taps())});
                EarDelays d;
                e.query(Vec3{x, y, z}, irs.mutable_data(), irs.mutable_data() + e.taps(), d);
                py::array_t<float> delays(2);
                delays.mutable_data()[0] = d.left_samples;
                delays.mutable_data()[1] = d.right_samples;
                return py::make_tuple(irs, delays);
            },
            py::arg("x"), py::arg("y"), py::arg("z"),
            "query() for the direction of a cartesian vector (x front, y left, z up).")
        .def(
            "weights",
            [](const QueryEngine& e, py::handle direction) {
                QueryWeights w;
                e.weights(unit_vector(to_direction(direction, "QueryEngine.weights")), w);
                py::array_t<std::int64_t> index(w.count);
                py::array_t<float> weight(w.count);
                for (int k = 0; k < w.count; ++k) {
                    index.mutable_data()[k] = w.index[k];
                    weight.mutable_data()[k] = w.weight[k];
                }
                return py::make_tuple(index, weight);
            },
            py::arg("direction"), "(indices, weights) of the measurements a query mixes (1 or 3).")
        .def(
            "measurement_irs",
            [](const QueryEngine& e) {
                const auto mm = static_cast<py::ssize_t>(e.measurements());
                const auto n = static_cast<py::ssize_t>(e.taps());
                py::array_t<float> out({mm, py::ssize_t{2}, n});
                float* w = out.mutable_data();
                for (std::size_t i = 0; i < e.measurements(); ++i)
                    for (Ear ear : {Ear::left, Ear::right})
                        w = std::copy(e.measurement_ir(i, ear), e.measurement_ir(i, ear) + e.taps(),
                                      w);
                return out;
            },
            "The engine's minimum-phase IRs of every measurement, float32 [M, 2, taps] (a copy).")
        .def(
            "measurement_delays",
            [](const QueryEngine& e) {
                py::array_t<float> out(
                    {static_cast<py::ssize_t>(e.measurements()), py::ssize_t{2}});
                float* w = out.mutable_data();
                for (std::size_t i = 0; i < e.measurements(); ++i)
                    for (Ear ear : {Ear::left, Ear::right})
                        *w++ = e.measurement_delay_samples(i, ear);
                return out;
            },
            "The delays that go with measurement_irs(), samples [M, 2].")
        .def(
            "measurement_directions",
            [](const QueryEngine& e) {
                std::vector<Direction> d(e.measurements());
                for (std::size_t i = 0; i < d.size(); ++i)
                    d[i] = e.measurement_direction(i);
                return directions_array(d);
            },
            "The measured directions [M, 3].");
}

}  // namespace pinna::python
