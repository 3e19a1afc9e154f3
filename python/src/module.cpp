// pinna._pinna: the Python extension over libpinna (pinna::pinna). The Python package
// `pinna` (python/pinna/__init__.py) re-exports it; the LibTorch runners live in a second
// extension, pinna._neural, so that `import pinna` loads no LibTorch.
#include <Python.h>

#include <string>

#include "common.hpp"
#include "pinna/error.hpp"
#include "pinna/perception.hpp"

namespace pinna::python {

namespace {

// Python classes of pinna's errors, created once at import (new references, kept for the
// life of the process: the translator runs until the interpreter ends).
struct ErrorClasses {
    PyObject* base = nullptr;
    PyObject* io = nullptr;
    PyObject* malformed_file = nullptr;
    PyObject* unsupported_convention = nullptr;
    PyObject* invalid_data = nullptr;
    PyObject* invalid_argument = nullptr;
    PyObject* model = nullptr;
    PyObject* too_few_directions = nullptr;
};
ErrorClasses errors;

PyObject* new_error_class(py::module_& m, const char* name, const char* doc, py::tuple bases) {
    const std::string qualified = std::string("pinna.") + name;
    PyObject* cls = PyErr_NewExceptionWithDoc(qualified.c_str(), doc, bases.ptr(), nullptr);
    if (!cls)
        throw py::error_already_set();
    m.add_object(name, py::handle(cls));  // the module keeps a reference of its own
    return cls;
}

PyObject* class_of(ErrorKind kind) {
    switch (kind) {
        case ErrorKind::io:
            return errors.io;
        case ErrorKind::malformed_file:
            return errors.malformed_file;
        case ErrorKind::unsupported_convention:
            return errors.unsupported_convention;
        case ErrorKind::invalid_data:
            return errors.invalid_data;
        case ErrorKind::invalid_argument:
            return errors.invalid_argument;
        case ErrorKind::model:
            return errors.model;
    }
    return errors.base;
}

// The ErrorKind's identifier, a stable name for programs (to_string's text is for people).
const char* kind_name(ErrorKind kind) {
    switch (kind) {
        case ErrorKind::io:
            return "io";
        case ErrorKind::malformed_file:
            return "malformed_file";
        case ErrorKind::unsupported_convention:
            return "unsupported_convention";
        case ErrorKind::invalid_data:
            return "invalid_data";
        case ErrorKind::invalid_argument:
            return "invalid_argument";
        case ErrorKind::model:
            return "model";
    }
    return "unknown";
}

// Raises the Python class of `e` with its message, and the attribute `kind` (the
// ErrorKind's name); TooFewDirectionsError also carries lateral_deg, found and needed.
void raise(const Error& e) {
    PyObject* cls = class_of(e.kind());
    py::dict extra;
    extra["kind"] = kind_name(e.kind());
    if (const auto* few = dynamic_cast<const TooFewDirectionsError*>(&e)) {
        cls = errors.too_few_directions;
        extra["lateral_deg"] = few->lateral_deg();
        extra["found"] = few->found();
        extra["needed"] = few->needed();
    }
    PyObject* instance = PyObject_CallFunction(cls, "s", e.what());
    if (!instance)
        return;  // the constructor's own error stands
    for (auto item : extra)
        PyObject_SetAttr(instance, item.first.ptr(), item.second.ptr());
    PyErr_SetObject(cls, instance);
    Py_DECREF(instance);
}

}  // namespace

void bind_errors(py::module_& m) {
    py::handle exception(PyExc_Exception), value_error(PyExc_ValueError), os_error(PyExc_OSError),
        runtime_error(PyExc_RuntimeError);
    errors.base = new_error_class(
        m, "Error",
        "Base class of every error pinna raises. `kind` names the category (pinna::ErrorKind:\n"
        "'io', 'malformed_file', 'unsupported_convention', 'invalid_data', 'invalid_argument',\n"
        "'model'); the message names the file, variable or value.",
        py::make_tuple(exception));
    py::handle base(errors.base);
    errors.io = new_error_class(
        m, "IoError",
        "The file system refused: missing file, permission, full disk. Also an OSError.",
        py::make_tuple(base, os_error));
    errors.malformed_file =
        new_error_class(m, "MalformedFileError",
                        "The bytes are not a valid SOFA/HDF5/CSV/model file. Also a ValueError.",
                        py::make_tuple(base, value_error));
    errors.unsupported_convention = new_error_class(
        m, "UnsupportedConventionError",
        "A valid SOFA file of a convention pinna cannot use as HRIRs (e.g. SimpleFreeFieldTF,\n"
        "headphone IRs). Also a ValueError.",
        py::make_tuple(base, value_error));
    errors.invalid_data = new_error_class(
        m, "InvalidDataError",
        "Well-formed but unusable data: NaN, zero sample rate, wrong sizes. Also a ValueError.",
        py::make_tuple(base, value_error));
    errors.invalid_argument = new_error_class(
        m, "InvalidArgumentError",
        "A caller passed a bad option, parameter or array shape. Also a ValueError.",
        py::make_tuple(base, value_error));
    errors.model = new_error_class(
        m, "ModelError",
        "A neural model file does not fit its runner, or the model failed. Also a RuntimeError.",
        py::make_tuple(base, runtime_error));
    errors.too_few_directions = new_error_class(
        m, "TooFewDirectionsError",
        "A sagittal plane holds too few directions for the Baumgartner 2014 model; carries\n"
        "lateral_deg, found and needed. An InvalidDataError.",
        py::make_tuple(py::handle(errors.invalid_data)));

    // Registered globally: pinna._neural's calls are translated by the same function.
    py::register_exception_translator([](std::exception_ptr p) {
        try {
            if (p)
                std::rethrow_exception(p);
        } catch (const Error& e) {
            raise(e);
        }
    });
}

}  // namespace pinna::python

PYBIND11_MODULE(_pinna, m) {
    using namespace pinna::python;
    m.doc() =
        "pinna's C++ core (libpinna): SOFA files, HRIR sets, spectra, spherical harmonics,\n"
        "interpolation, real-time queries, metrics. Import it through the `pinna` package.";
#ifdef PINNA_VERSION
    m.attr("__version__") = PINNA_VERSION;
#endif
    bind_errors(m);
    bind_core(m);
    bind_dsp(m);
    bind_sh(m);
    bind_interp(m);
    bind_metrics(m);
}
