// A synthetic listener for the perception tests (model and CLI): sagittal planes at lateral
// -20, 0 and 20 degrees sampled every 10 degrees of polar angle from -40 to 220, each IR a
// click plus decaying resonances whose frequencies move with the polar angle (a crude
// pinna), so that every direction has its own spectral shape.
#pragma once

#include <cmath>
#include <vector>

#include "pinna/geometry.hpp"
#include "pinna/hrir_set.hpp"
#include "pinna/perception.hpp"

namespace pinna::test {

/// The direction at a lateral and polar angle (the inverse of to_horizontal_polar).
inline Direction from_horizontal_polar(double lateral_deg, double polar_deg) {
    const double l = deg_to_rad(lateral_deg), p = deg_to_rad(polar_deg);
    return to_direction({std::cos(l) * std::cos(p), std::sin(l), std::cos(l) * std::sin(p)});
}

/// `shift_hz` moves the resonances (another listener); `direction_independent` gives every
/// direction the cues of the front (a set without pinna cues).
inline HrirSet synthetic_listener(double shift_hz = 0.0, bool direction_independent = false) {
    std::vector<Direction> dirs;
    for (double lat : {-20.0, 0.0, 20.0})
        for (double pol = -40; pol <= 220; pol += 10)
            dirs.push_back(from_horizontal_polar(lat, pol));
    const std::size_t n = 256;
    const double fs = 48000.0, two_pi = 2.0 * 3.14159265358979323846;
    HrirSet set(fs, n, dirs);
    for (std::size_t m = 0; m < dirs.size(); ++m) {
        const double pol = direction_independent ? 0.0 : to_horizontal_polar(dirs[m]).polar_deg;
        for (std::size_t e = 0; e < kEars; ++e) {
            float* ir = set.ir(m, static_cast<Ear>(e));
            const double notch = 5000.0 + 30.0 * (pol + 40.0) + shift_hz + 300.0 * e;
            const double peak = 3000.0 + 12.0 * std::abs(pol - 90.0) + 0.5 * shift_hz;
            const double high = 9000.0 + 20.0 * pol + shift_hz;
            for (std::size_t t = 0; t < n; ++t) {
                const double tt = static_cast<double>(t) / fs;
                double v = (t == 0 ? 1.0 : 0.0);
                v += 0.8 * std::exp(-tt * 3000.0) * std::sin(two_pi * peak * tt);
                v -= 0.6 * std::exp(-tt * 2500.0) * std::sin(two_pi * notch * tt);
                v += 0.3 * std::exp(-tt * 4000.0) * std::sin(two_pi * high * tt);
                ir[t] = static_cast<float>(v);
            }
        }
    }
    return set;
}

}  // namespace pinna::test
