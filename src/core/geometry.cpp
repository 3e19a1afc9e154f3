#include "pinna/geometry.hpp"

#include <algorithm>
#include <cmath>

#include "core/vec_math.hpp"
#include "pinna/error.hpp"

namespace pinna {

double wrap_azimuth_deg(double azimuth_deg) noexcept {
    double a = std::fmod(azimuth_deg, 360.0);
    if (a < 0.0)
        a += 360.0;
    if (a >= 360.0)
        a -= 360.0;  // fmod of a tiny negative number can round up to 360
    return a;
}

Vec3 unit_vector(const Direction& d) noexcept {
    const double az = deg_to_rad(d.azimuth_deg);
    const double el = deg_to_rad(d.elevation_deg);
    return {std::cos(el) * std::cos(az), std::cos(el) * std::sin(az), std::sin(el)};
}

Vec3 to_cartesian(const Direction& d) noexcept {
    const Vec3 u = unit_vector(d);
    return {u.x * d.distance_m, u.y * d.distance_m, u.z * d.distance_m};
}

Direction to_direction(const Vec3& p) noexcept {
    const double r = norm(p);
    if (r == 0.0)
        return {0.0, 0.0, 0.0};
    const double el = rad_to_deg(std::asin(std::clamp(p.z / r, -1.0, 1.0)));
    const double horizontal = std::hypot(p.x, p.y);
    // At the poles the azimuth is undefined; report 0 rather than atan2 noise.
    const double az =
        horizontal < 1e-12 * r ? 0.0 : wrap_azimuth_deg(rad_to_deg(std::atan2(p.y, p.x)));
    return {az, el, r};
}

double angle_between_deg(const Vec3& a, const Vec3& b) noexcept {
    // atan2 of |a x b| and a.b is accurate for small and for near-antipodal angles.
    return rad_to_deg(std::atan2(norm(cross(a, b)), dot(a, b)));
}

double angle_between_deg(const Direction& a, const Direction& b) noexcept {
    return angle_between_deg(unit_vector(a), unit_vector(b));
}

void check_directions(const std::vector<Direction>& directions, const std::string& what) {
    if (directions.empty())
        throw InvalidArgumentError(what + ": no directions given");
    for (std::size_t i = 0; i < directions.size(); ++i)
        if (!std::isfinite(directions[i].azimuth_deg) ||
            !std::isfinite(directions[i].elevation_deg))
            throw InvalidArgumentError(what + ": direction " + std::to_string(i) +
                                       " has a non-finite azimuth or elevation");
}

}  // namespace pinna
