// Shared pieces of pinna's Python bindings: the conversions between NumPy arrays and
// pinna's types, written once. Directions cross the boundary as float64 arrays [M, 3] of
// (azimuth_deg, elevation_deg, distance_m) in the SOFA convention (pinna/geometry.hpp),
// the layout of a SOFA file's SourcePosition; [M, 2] (distance 1 m) is accepted as input.
#pragma once

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <complex>
#include <cstddef>
#include <string>
#include <type_traits>
#include <vector>

#include "pinna/geometry.hpp"
#include "pinna/hrir_set.hpp"

namespace pinna::python {

namespace py = pybind11;

// Direction is three doubles, so a std::vector<Direction> is an [M, 3] float64 array.
static_assert(sizeof(Direction) == 3 * sizeof(double) && std::is_standard_layout_v<Direction>,
              "pinna::Direction must be three packed doubles");

using FloatArray = py::array_t<float, py::array::c_style | py::array::forcecast>;
using DoubleArray = py::array_t<double, py::array::c_style | py::array::forcecast>;
using ComplexArray = py::array_t<std::complex<double>, py::array::c_style | py::array::forcecast>;

/// Directions from an array-like [M, 2] or [M, 3] (or one direction [2] / [3]), or from an
/// HrirSet (its directions). Throws InvalidArgumentError naming `what` otherwise.
std::vector<Direction> to_directions(py::handle object, const char* what);
/// One direction from a sequence of 2 or 3 numbers (azimuth, elevation[, distance]).
Direction to_direction(py::handle object, const char* what);

/// An [M, 3] float64 copy.
py::array_t<double> directions_array(const std::vector<Direction>& directions);
/// An [M, 3] float64 view of `directions`, kept alive by `owner`.
py::array directions_view(std::vector<Direction>& directions, py::handle owner);

/// A C-ordered view of `size` values at `data` with `shape`, kept alive by `owner`.
template <typename T>
py::array view(T* data, std::vector<py::ssize_t> shape, py::handle owner) {
    std::vector<py::ssize_t> strides(shape.size());
    py::ssize_t stride = sizeof(T);
    for (std::size_t i = shape.size(); i-- > 0;) {
        strides[i] = stride;
        stride *= shape[i];
    }
    return py::array_t<T>(std::move(shape), std::move(strides), data, owner);
}

/// A C-ordered copy of `values` with `shape`.
template <typename T>
py::array_t<T> copy_array(const std::vector<T>& values, std::vector<py::ssize_t> shape) {
    py::array_t<T> out(std::move(shape));
    std::copy(values.begin(), values.end(), out.mutable_data());
    return out;
}

/// A 1-D copy.
template <typename T>
py::array_t<T> copy_array(const std::vector<T>& values) {
    return copy_array(values, {static_cast<py::ssize_t>(values.size())});
}

/// Checks that `array` has `ndim` dimensions and, where `shape` is not -1, those sizes;
/// InvalidArgumentError naming `what` otherwise.
void check_shape(const py::array& array, std::vector<py::ssize_t> shape, const char* what);

/// The file image of a bytes-like object, or nothing for a str / os.PathLike, whose path is
/// returned in `path`.
struct PathOrBytes {
    std::string path;
    py::buffer_info bytes;
    bool is_bytes = false;
};
PathOrBytes path_or_bytes(py::handle object, const char* what);

/// The text of str / os.PathLike.
std::string to_path(py::handle object);

// The parts of the module, one translation unit each (pybind11 compiles slowly).
void bind_errors(py::module_& m);
void bind_core(py::module_& m);
void bind_dsp(py::module_& m);
void bind_sh(py::module_& m);
void bind_interp(py::module_& m);
void bind_metrics(py::module_& m);

}  // namespace pinna::python
