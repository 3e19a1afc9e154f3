// A spherical-head model of the per-ear broadband delay, fitted to measured delays.
//
// delay_e(u) = t0_e + fs/c * a * tau(angle between u and the ear axis e), with Woodworth's
// path difference tau(g) = -cos(g) for g <= 90 degrees (the ear sees the source) and
// g - pi/2 beyond (the sound creeps around the sphere). Seven parameters: the head radius
// a, each ear's axis (azimuth, elevation) and each ear's constant delay t0. Fitting is a
// Levenberg-Marquardt least-squares fit regularised towards a population prior (radius
// 8.75 cm, ears at azimuth +/-95 degrees, elevation -5 degrees), so that even three
// measured directions give a usable model.
#pragma once

#include <array>
#include <vector>

#include "pinna/geometry.hpp"

namespace pinna::detail {

struct HeadModel {
    double radius_m = 0.0875;
    Direction left_ear{95.0, -5.0, 1.0};
    Direction right_ear{265.0, -5.0, 1.0};
    double t0_left_samples = 0.0;
    double t0_right_samples = 0.0;
    double sample_rate_hz = 48000.0;
    double speed_of_sound_m_s = 343.0;

    /// Predicted delay (samples) at one ear (0 left, 1 right) for a source direction.
    double delay_samples(const Vec3& unit, int ear) const noexcept;
};

/// Fits the model to delays (samples) measured at `directions`, M x 2 values [m][ear].
HeadModel fit_head_model(const std::vector<Direction>& directions,
                         const std::vector<double>& delays_samples, double sample_rate_hz);

}  // namespace pinna::detail
