// Vector arithmetic on Vec3 for pinna's own code. Not part of the public API: users pass
// directions (pinna/geometry.hpp) and never need pinna's small linear algebra.
#pragma once

#include <cmath>

#include "pinna/geometry.hpp"

namespace pinna {

constexpr double kPi = 3.14159265358979323846;

inline double dot(const Vec3& a, const Vec3& b) noexcept {
    return a.x * b.x + a.y * b.y + a.z * b.z;
}
inline Vec3 cross(const Vec3& a, const Vec3& b) noexcept {
    return {a.y * b.z - a.z * b.y, a.z * b.x - a.x * b.z, a.x * b.y - a.y * b.x};
}
inline double norm(const Vec3& a) noexcept {
    return std::sqrt(dot(a, a));
}
/// `a` scaled to unit length; the zero vector stays zero.
inline Vec3 normalized(const Vec3& a) noexcept {
    const double n = norm(a);
    return n == 0.0 ? a : Vec3{a.x / n, a.y / n, a.z / n};
}

}  // namespace pinna
