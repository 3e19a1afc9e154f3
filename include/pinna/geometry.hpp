// Directions on the sphere, in the SOFA convention, written down once:
//   cartesian: x to the front, y to the left, z up (metres);
//   spherical: azimuth in degrees counter-clockwise from the front (0 = front, 90 = left),
//              elevation in degrees upwards from the horizontal plane (90 = top),
//              distance in metres.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "pinna/visibility.hpp"

PINNA_API_BEGIN
namespace pinna {

struct Vec3 {
    double x = 0.0;
    double y = 0.0;
    double z = 0.0;
};

struct Direction {
    double azimuth_deg = 0.0;
    double elevation_deg = 0.0;
    double distance_m = 1.0;
};

inline constexpr double deg_to_rad(double deg) {
    return deg * (3.14159265358979323846 / 180.0);
}
inline constexpr double rad_to_deg(double rad) {
    return rad * (180.0 / 3.14159265358979323846);
}

/// Azimuth wrapped to [0, 360).
double wrap_azimuth_deg(double azimuth_deg) noexcept;

/// Unit vector (x front, y left, z up) of a direction; distance is ignored.
Vec3 unit_vector(const Direction& d) noexcept;
/// Direction of a cartesian point; azimuth in [0, 360), elevation in [-90, 90].
/// The origin maps to (0, 0, 0 m).
Direction to_direction(const Vec3& p) noexcept;
/// Cartesian point of a direction including its distance.
Vec3 to_cartesian(const Direction& d) noexcept;

/// Great-circle angle between two directions, in degrees (0..180).
double angle_between_deg(const Direction& a, const Direction& b) noexcept;
double angle_between_deg(const Vec3& unit_a, const Vec3& unit_b) noexcept;

/// Throws InvalidArgumentError naming `what` unless `directions` is non-empty and every
/// azimuth and elevation is finite.
void check_directions(const std::vector<Direction>& directions, const std::string& what);

}  // namespace pinna
PINNA_API_END
