// The conversions of common.hpp, compiled into both extensions (_pinna and _neural).
#include <Python.h>

#include <string>

#include "common.hpp"
#include "pinna/error.hpp"

namespace pinna::python {

void check_shape(const py::array& array, std::vector<py::ssize_t> shape, const char* what) {
    bool ok = array.ndim() == static_cast<py::ssize_t>(shape.size());
    for (std::size_t i = 0; ok && i < shape.size(); ++i)
        ok = shape[i] < 0 || array.shape(static_cast<py::ssize_t>(i)) == shape[i];
    if (ok)
        return;
    std::string want = "[", got = "[";
    for (std::size_t i = 0; i < shape.size(); ++i)
        want += (i ? ", " : "") + (shape[i] < 0 ? std::string("*") : std::to_string(shape[i]));
    for (py::ssize_t i = 0; i < array.ndim(); ++i)
        got += (i ? ", " : "") + std::to_string(array.shape(i));
    throw InvalidArgumentError(std::string(what) + ": expected an array of shape " + want +
                               "], got " + got + "]");
}

std::vector<Direction> to_directions(py::handle object, const char* what) {
    if (py::isinstance<HrirSet>(object))
        return object.cast<const HrirSet&>().directions();
    DoubleArray a;
    try {
        a = DoubleArray::ensure(object);
    } catch (const py::error_already_set&) {
    }
    if (!a)
        throw InvalidArgumentError(std::string(what) +
                                   ": expected directions as numbers [M, 2] or [M, 3] "
                                   "(azimuth_deg, elevation_deg[, distance_m]) or an HrirSet");
    if (a.ndim() == 1 && (a.shape(0) == 2 || a.shape(0) == 3))
        a = DoubleArray::ensure(a.reshape({py::ssize_t{1}, a.shape(0)}));
    if (a.ndim() != 2 || (a.shape(1) != 2 && a.shape(1) != 3)) {
        std::string got = "[";
        for (py::ssize_t i = 0; i < a.ndim(); ++i)
            got += (i ? ", " : "") + std::to_string(a.shape(i));
        throw InvalidArgumentError(std::string(what) +
                                   ": expected directions of shape [M, 2] or [M, 3] "
                                   "(azimuth_deg, elevation_deg[, distance_m]), got " +
                                   got + "]");
    }
    const auto r = a.unchecked<2>();
    std::vector<Direction> out(static_cast<std::size_t>(a.shape(0)));
    for (py::ssize_t i = 0; i < a.shape(0); ++i) {
        Direction& d = out[static_cast<std::size_t>(i)];
        d.azimuth_deg = r(i, 0);
        d.elevation_deg = r(i, 1);
        d.distance_m = a.shape(1) == 3 ? r(i, 2) : 1.0;
    }
    return out;
}

Direction to_direction(py::handle object, const char* what) {
    const std::vector<Direction> d = to_directions(object, what);
    if (d.size() != 1)
        throw InvalidArgumentError(std::string(what) +
                                   ": expected one direction (azimuth_deg, elevation_deg[, "
                                   "distance_m]), got " +
                                   std::to_string(d.size()));
    return d[0];
}

py::array_t<double> directions_array(const std::vector<Direction>& directions) {
    py::array_t<double> out({static_cast<py::ssize_t>(directions.size()), py::ssize_t{3}});
    auto w = out.mutable_unchecked<2>();
    for (std::size_t i = 0; i < directions.size(); ++i) {
        const auto r = static_cast<py::ssize_t>(i);
        w(r, 0) = directions[i].azimuth_deg;
        w(r, 1) = directions[i].elevation_deg;
        w(r, 2) = directions[i].distance_m;
    }
    return out;
}

py::array directions_view(std::vector<Direction>& directions, py::handle owner) {
    return view(reinterpret_cast<double*>(directions.data()),
                {static_cast<py::ssize_t>(directions.size()), 3}, owner);
}

std::string to_path(py::handle object) {
    py::object path = py::module_::import("os").attr("fspath")(object);
    if (py::isinstance<py::bytes>(path))
        path = py::module_::import("os").attr("fsdecode")(path);
    return path.cast<std::string>();
}

PathOrBytes path_or_bytes(py::handle object, const char* what) {
    PathOrBytes out;
    if (py::isinstance<py::bytes>(object) || PyByteArray_Check(object.ptr()) ||
        PyMemoryView_Check(object.ptr())) {
        out.bytes = py::reinterpret_borrow<py::buffer>(object).request();
        if (out.bytes.ndim > 1 && out.bytes.strides.back() != out.bytes.itemsize)
            throw InvalidArgumentError(std::string(what) + ": the buffer must be contiguous");
        out.is_bytes = true;
        return out;
    }
    try {
        out.path = to_path(object);
    } catch (const py::error_already_set&) {
        throw InvalidArgumentError(std::string(what) +
                                   ": expected a path (str or os.PathLike) or the file's bytes");
    }
    return out;
}

}  // namespace pinna::python
