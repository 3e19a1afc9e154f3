// Spherical harmonics: basis, regularised fits, evaluation, a whole set in SH.
#include <string>
#include <vector>

#include "common.hpp"
#include "pinna/error.hpp"
#include "pinna/sh.hpp"

namespace pinna::python {

namespace {

ShRegularisation parse_regularisation(const std::string& name) {
    if (name == "tikhonov")
        return ShRegularisation::tikhonov;
    if (name == "order_weighted")
        return ShRegularisation::order_weighted;
    throw InvalidArgumentError("regularisation must be 'tikhonov' or 'order_weighted', got '" +
                               name + "'");
}

const char* to_name(ShRegularisation r) {
    return r == ShRegularisation::tikhonov ? "tikhonov" : "order_weighted";
}

ShDomain parse_domain(const std::string& name) {
    if (name == "complex_spectrum")
        return ShDomain::complex_spectrum;
    if (name == "magnitude_db")
        return ShDomain::magnitude_db;
    throw InvalidArgumentError("domain must be 'complex_spectrum' or 'magnitude_db', got '" + name +
                               "'");
}

ShFitOptions fit_options(int order, double lambda, const std::string& regularisation) {
    ShFitOptions o;
    o.order = order;
    o.lambda = lambda;
    o.regularisation = parse_regularisation(regularisation);
    return o;
}

bool is_complex(const py::array& a) {
    return a.dtype().kind() == 'c';
}

// Fields as a 2-D [rows, columns] array; `flat` is set when the input was 1-D.
template <typename T>
py::array_t<T, py::array::c_style | py::array::forcecast> as_matrix(const py::array& in,
                                                                    std::size_t rows,
                                                                    const char* what, bool& flat) {
    auto a = py::array_t<T, py::array::c_style | py::array::forcecast>::ensure(in);
    if (!a)
        throw py::error_already_set();
    flat = a.ndim() == 1;
    if (flat)
        a = decltype(a)::ensure(a.reshape({a.shape(0), py::ssize_t{1}}));
    check_shape(a, {static_cast<py::ssize_t>(rows), -1}, what);
    return a;
}

template <typename T>
py::array result(std::vector<T> values, std::size_t rows, std::size_t columns, bool flat) {
    if (flat)
        return copy_array(values, {static_cast<py::ssize_t>(rows)});
    return copy_array(values, {static_cast<py::ssize_t>(rows), static_cast<py::ssize_t>(columns)});
}

template <typename T>
py::array fit_fields(const ShFitter& f, const py::array& in) {
    bool flat = false;
    const auto a =
        as_matrix<T>(in, f.directions(), "ShFitter.fit: values [M] or [M, columns]", flat);
    const auto columns = static_cast<std::size_t>(a.shape(1));
    std::vector<T> c(f.channels() * columns);
    {
        py::gil_scoped_release release;
        f.fit(a.data(), columns, c.data());
    }
    return result(std::move(c), f.channels(), columns, flat);
}

template <typename T>
py::array evaluate_fields(int order, const py::array& in, py::handle directions) {
    bool flat = false;
    const auto a =
        as_matrix<T>(in, sh_channels(order),
                     "sh_evaluate: coefficients [(order+1)^2] or [(order+1)^2, columns]", flat);
    const std::vector<Direction> d = to_directions(directions, "sh_evaluate");
    const auto columns = static_cast<std::size_t>(a.shape(1));
    std::vector<T> v(d.size() * columns);
    {
        py::gil_scoped_release release;
        sh_evaluate(order, a.data(), columns, d, v.data());
    }
    return result(std::move(v), d.size(), columns, flat);
}

void check_order(int order) {
    if (order < 0 || order > kMaxShOrder)
        throw InvalidArgumentError("SH order must be in 0.." + std::to_string(kMaxShOrder) +
                                   ", got " + std::to_string(order));
}

}  // namespace

void bind_sh(py::module_& m) {
    m.attr("MAX_SH_ORDER") = kMaxShOrder;
    m.def("sh_channels", &sh_channels, py::arg("order"), "(order + 1)^2.");
    m.def("sh_acn", &sh_acn, py::arg("n"), py::arg("m"), "ACN index n^2 + n + m.");
    m.def("sh_degree", &sh_degree, py::arg("acn"));
    m.def("sh_order_m", &sh_order_m, py::arg("acn"));
    m.def("default_sh_order", &default_sh_order, py::arg("directions"),
          "The order chosen for a grid of that many directions: largest N with (N+1)^2 <= M/2.");
    m.def(
        "sh_matrix",
        [](int order, py::handle directions) {
            check_order(order);
            const std::vector<Direction> d = to_directions(directions, "sh_matrix");
            return copy_array(sh_matrix(order, d), {static_cast<py::ssize_t>(d.size()),
                                                    static_cast<py::ssize_t>(sh_channels(order))});
        },
        py::arg("order"), py::arg("directions"),
        R"(The real orthonormal (N3D) SH basis [M, (order+1)^2] at `directions`, ACN order, no
Condon-Shortley phase: Y_1,-1, Y_1,0, Y_1,1 = sqrt(3 / 4 pi) (y, z, x) (pinna/sh.hpp).)");
    m.def(
        "sh_evaluate",
        [](int order, const py::array& coefficients, py::handle directions) {
            check_order(order);
            return is_complex(coefficients)
                       ? evaluate_fields<std::complex<double>>(order, coefficients, directions)
                       : evaluate_fields<double>(order, coefficients, directions);
        },
        py::arg("order"), py::arg("coefficients"), py::arg("directions"),
        "Values [M] or [M, columns] at `directions` of fields with SH coefficients "
        "[(order+1)^2] or [(order+1)^2, columns] (float64 or complex128).");

    py::class_<ShFitter>(m, "ShFitter", R"(A regularised least-squares SH fit over one grid,
set up once (SVD at construction); each fit is one matrix product. Thread-safe.)")
        .def(py::init([](py::handle directions, int order, double lambda, const std::string& reg) {
                 const std::vector<Direction> d = to_directions(directions, "ShFitter");
                 const ShFitOptions o = fit_options(order, lambda, reg);
                 py::gil_scoped_release release;
                 return ShFitter(d, o);
             }),
             py::arg("directions"), py::arg("order") = -1, py::arg("lambda_") = 1e-3,
             py::arg("regularisation") = "tikhonov",
             "order -1: default_sh_order(M); lambda_: relative Tikhonov weight (0: plain least "
             "squares); regularisation 'tikhonov' or 'order_weighted' (1 + n(n+1)).")
        .def_property_readonly("order", &ShFitter::order)
        .def_property_readonly("channels", &ShFitter::channels)
        .def_property_readonly("grid_size", &ShFitter::directions,
                               "M, the number of grid directions.")
        .def_property_readonly("lambda_", &ShFitter::lambda)
        .def_property_readonly("regularisation",
                               [](const ShFitter& f) { return to_name(f.regularisation()); })
        .def_property_readonly("grid", [](const ShFitter& f) { return directions_array(f.grid()); })
        .def_property_readonly("condition_number", &ShFitter::condition_number)
        .def(
            "fit",
            [](const ShFitter& f, const py::array& values) {
                return is_complex(values) ? fit_fields<std::complex<double>>(f, values)
                                          : fit_fields<double>(f, values);
            },
            py::arg("values"),
            "Coefficients [(order+1)^2] or [(order+1)^2, columns] of fields sampled on the grid "
            "(values [M] or [M, columns], float64 or complex128).")
        .def(
            "solve_matrix",
            [](const ShFitter& f) {
                return copy_array(f.solve_matrix(), {static_cast<py::ssize_t>(f.channels()),
                                                     static_cast<py::ssize_t>(f.directions())});
            },
            "[(order+1)^2, M]: coefficients = solve_matrix @ values.")
        .def(
            "interpolation_matrix",
            [](const ShFitter& f, py::handle targets) {
                const std::vector<Direction> t = to_directions(targets, "interpolation_matrix");
                return copy_array(
                    f.interpolation_matrix(t),
                    {static_cast<py::ssize_t>(t.size()), static_cast<py::ssize_t>(f.directions())});
            },
            py::arg("targets"), "[T, M]: maps values on the grid to the fitted field at targets.");

    py::class_<ShHrtf>(m, "ShHrtf", R"(An HRIR set as SH coefficients of one domain:
'complex_spectrum' (the taps, equivalently every bin's complex spectrum; phase kept) or
'magnitude_db' (dB magnitudes and per-ear delays; smooth at low orders).)")
        .def_static(
            "fit",
            [](const HrirSet& set, int order, double lambda, const std::string& reg,
               const std::string& domain) {
                ShHrtfOptions o;
                o.fit = fit_options(order, lambda, reg);
                o.domain = parse_domain(domain);
                py::gil_scoped_release release;
                return ShHrtf::fit(set, o);
            },
            py::arg("set"), py::arg("order") = -1, py::arg("lambda_") = 1e-3,
            py::arg("regularisation") = "tikhonov", py::arg("domain") = "complex_spectrum",
            "Fits a set (validated first). Releases the GIL.")
        .def(
            "evaluate",
            [](const ShHrtf& h, py::handle directions) {
                const std::vector<Direction> d = to_directions(directions, "ShHrtf.evaluate");
                py::gil_scoped_release release;
                return h.evaluate(d);
            },
            py::arg("directions"), "The fitted HRIRs at `directions` (an HrirSet).")
        .def_property_readonly("order", &ShHrtf::order)
        .def_property_readonly("domain",
                               [](const ShHrtf& h) {
                                   return h.domain() == ShDomain::complex_spectrum
                                              ? "complex_spectrum"
                                              : "magnitude_db";
                               })
        .def_property_readonly("sample_rate_hz", &ShHrtf::sample_rate_hz)
        .def_property_readonly("taps", &ShHrtf::taps)
        .def_property_readonly("values_per_ear", &ShHrtf::values_per_ear,
                               "taps (complex_spectrum) or taps // 2 + 1 bins (magnitude_db).")
        .def_property_readonly(
            "coefficients",
            [](py::object self) {
                const auto& h = self.cast<const ShHrtf&>();
                return view(const_cast<double*>(h.coefficients().data()),
                            {static_cast<py::ssize_t>(sh_channels(h.order())), 2,
                             static_cast<py::ssize_t>(h.values_per_ear())},
                            self);
            },
            "[(order+1)^2, 2, values_per_ear] float64, a view ([channel][ear][tap or bin]).")
        .def_property_readonly("has_delays", &ShHrtf::has_delays)
        .def_property_readonly(
            "delay_coefficients",
            [](const ShHrtf& h) -> py::object {
                if (!h.has_delays())
                    return py::none();
                return copy_array(h.delay_coefficients(),
                                  {static_cast<py::ssize_t>(sh_channels(h.order())), 2});
            },
            "[(order+1)^2, 2] coefficients of the delays in samples, or None.")
        .def_readwrite("metadata", &ShHrtf::metadata);
}

}  // namespace pinna::python
