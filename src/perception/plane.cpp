// Horizontal-polar coordinates and the choice of a sagittal plane's directions, as the SOFA
// toolbox's sph2hor and AMT's extractsp make them.
#include <algorithm>
#include <cmath>
#include <numeric>

#include "core/vec_math.hpp"
#include "perception/stages.hpp"
#include "pinna/perception.hpp"

namespace pinna {

HorizontalPolar to_horizontal_polar(const Direction& d) noexcept {
    // The arithmetic follows sph2hor step by step (sph2cart, zeroing of |.| < eps, then
    // cart2sph of (x, z, -y)) so that directions on a lateral-window edge fall on the same
    // side as in AMT.
    const double az = d.azimuth_deg * (kPi / 180.0);
    const double el = d.elevation_deg * (kPi / 180.0);
    double x = std::cos(el) * std::cos(az);
    double y = std::cos(el) * std::sin(az);
    double z = std::sin(el);
    const double eps = perception::kMatlabEps;
    if (std::abs(x) < eps)
        x = 0.0;
    if (std::abs(y) < eps)
        y = 0.0;
    if (std::abs(z) < eps)
        z = 0.0;
    HorizontalPolar hp;
    hp.lateral_deg = -(std::atan2(-y, std::sqrt(x * x + z * z)) * (180.0 / kPi));
    const double polar = std::atan2(z, x) * (180.0 / kPi) + 90.0;
    // MATLAB's mod(polar + 90, 360) - 90: the result of mod has the sign of the divisor.
    hp.polar_deg = polar - std::floor(polar / 360.0) * 360.0 - 90.0;
    return hp;
}

namespace perception {

PlaneSelection select_sagittal_plane(const std::vector<Direction>& directions, double lateral_deg) {
    std::vector<HorizontalPolar> hp(directions.size());
    std::transform(directions.begin(), directions.end(), hp.begin(), to_horizontal_polar);

    // extractsp's criteria: the plane should reach -30 and 210 degrees polar (within dx)
    // with no gap over 30 degrees; the window grows from +-0.505 to at most +-2.505 degrees
    // (dlat 1..5) until it does, and the last window is used if it never does.
    constexpr double dx = 0.01;
    PlaneSelection sel;
    for (int dlat = 1; dlat <= 5; ++dlat) {
        const double half = (dlat + dx) / 2.0;
        std::vector<std::size_t> idx;
        for (std::size_t m = 0; m < hp.size(); ++m)
            if (hp[m].lateral_deg >= -half + lateral_deg && hp[m].lateral_deg <= half + lateral_deg)
                idx.push_back(m);
        // MATLAB's unique: ascending values, the first occurrence of each in `idx` order.
        std::stable_sort(idx.begin(), idx.end(), [&](std::size_t a, std::size_t b) {
            return hp[a].polar_deg < hp[b].polar_deg;
        });
        idx.erase(std::unique(idx.begin(), idx.end(),
                              [&](std::size_t a, std::size_t b) {
                                  return hp[a].polar_deg == hp[b].polar_deg;
                              }),
                  idx.end());
        sel.indices = idx;
        sel.polar_deg.resize(idx.size());
        for (std::size_t i = 0; i < idx.size(); ++i)
            sel.polar_deg[i] = hp[idx[i]].polar_deg;
        if (idx.empty())
            continue;
        double max_gap = 0.0;
        for (std::size_t i = 1; i < idx.size(); ++i)
            max_gap = std::max(max_gap, sel.polar_deg[i] - sel.polar_deg[i - 1]);
        const bool covered = sel.polar_deg.front() <= -30.0 + dx &&
                             sel.polar_deg.back() >= 210.0 - dx && max_gap <= 30.0;
        if (covered)
            break;
    }
    sel.max_lateral_offset_deg = 0.0;
    for (std::size_t m : sel.indices)
        sel.max_lateral_offset_deg =
            std::max(sel.max_lateral_offset_deg, std::abs(hp[m].lateral_deg - lateral_deg));
    return sel;
}

}  // namespace perception
}  // namespace pinna
