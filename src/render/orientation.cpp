// Head orientation: yaw/pitch/roll and quaternions in the SOFA axes (x front, y left, z up).
#include <cmath>

#include "pinna/render.hpp"

namespace pinna {
namespace {

Quaternion multiply(const Quaternion& a, const Quaternion& b) noexcept {
    return {a.w * b.w - a.x * b.x - a.y * b.y - a.z * b.z,
            a.w * b.x + a.x * b.w + a.y * b.z - a.z * b.y,
            a.w * b.y - a.x * b.z + a.y * b.w + a.z * b.x,
            a.w * b.z + a.x * b.y - a.y * b.x + a.z * b.w};
}

// The unit quaternion, or the identity for a zero or non-finite one.
Quaternion normalised(const Quaternion& q) noexcept {
    const double n = std::sqrt(q.w * q.w + q.x * q.x + q.y * q.y + q.z * q.z);
    if (!(n > 0.0) || !std::isfinite(n))
        return {};
    return {q.w / n, q.x / n, q.y / n, q.z / n};
}

}  // namespace

Quaternion to_quaternion(const HeadOrientation& o) noexcept {
    // Rz(yaw) * Ry(-pitch) * Rx(roll): a right-handed turn about +y lowers the nose, so a
    // raised nose (positive pitch) is a turn by -pitch; a right-handed turn about +x (front)
    // lifts the left ear, i.e. lowers the right one (positive roll).
    const double yaw = 0.5 * deg_to_rad(o.yaw_deg);
    const double pitch = -0.5 * deg_to_rad(o.pitch_deg);
    const double roll = 0.5 * deg_to_rad(o.roll_deg);
    const Quaternion qz{std::cos(yaw), 0.0, 0.0, std::sin(yaw)};
    const Quaternion qy{std::cos(pitch), 0.0, std::sin(pitch), 0.0};
    const Quaternion qx{std::cos(roll), std::sin(roll), 0.0, 0.0};
    return normalised(multiply(multiply(qz, qy), qx));
}

Vec3 world_to_head(const Quaternion& head, const Vec3& v) noexcept {
    // v' = q* v q, i.e. the rotation by the conjugate: v + 2w(u x v) + 2u x (u x v) with
    // u = -(x, y, z).
    const Quaternion q = normalised(head);
    const double ux = -q.x, uy = -q.y, uz = -q.z, w = q.w;
    const double cx = uy * v.z - uz * v.y, cy = uz * v.x - ux * v.z, cz = ux * v.y - uy * v.x;
    const double ccx = uy * cz - uz * cy, ccy = uz * cx - ux * cz, ccz = ux * cy - uy * cx;
    return {v.x + 2.0 * (w * cx + ccx), v.y + 2.0 * (w * cy + ccy), v.z + 2.0 * (w * cz + ccz)};
}

Quaternion slerp(const Quaternion& a_in, const Quaternion& b_in, double t) noexcept {
    const Quaternion a = normalised(a_in);
    Quaternion b = normalised(b_in);
    double dot = a.w * b.w + a.x * b.x + a.y * b.y + a.z * b.z;
    if (dot < 0.0) {  // q and -q are the same rotation: take the shorter way
        b = {-b.w, -b.x, -b.y, -b.z};
        dot = -dot;
    }
    double ka = 1.0 - t, kb = t;
    if (dot < 0.9995) {  // otherwise the arc is so short that a normalised lerp is exact
        const double angle = std::acos(dot);
        const double s = std::sin(angle);
        ka = std::sin((1.0 - t) * angle) / s;
        kb = std::sin(t * angle) / s;
    }
    return normalised(
        {ka * a.w + kb * b.w, ka * a.x + kb * b.x, ka * a.y + kb * b.y, ka * a.z + kb * b.z});
}

}  // namespace pinna
