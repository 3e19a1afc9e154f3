// Generated grids (Fibonacci spiral, Lebedev-Laikov), grid specs and the LAP sparse subsets.
#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <limits>
#include <set>
#include <string>

#include "core/grid_lebedev_table.hpp"
#include "core/vec_math.hpp"
#include "pinna/error.hpp"
#include "pinna/grid.hpp"

namespace pinna {
namespace {

constexpr std::size_t kMaxSpecPoints = 10'000'000;

// Every point of the octahedral orbit of `base`: the distinct results of the 6 coordinate
// permutations times the 8 sign changes (the orbit parameters are exact, so duplicates are
// bit-identical).
std::vector<Vec3> octahedral_orbit(const Vec3& base) {
    const std::array<double, 3> c = {base.x, base.y, base.z};
    static constexpr int kPerm[6][3] = {{0, 1, 2}, {0, 2, 1}, {1, 0, 2},
                                        {1, 2, 0}, {2, 0, 1}, {2, 1, 0}};
    std::vector<Vec3> out;
    for (const auto& p : kPerm) {
        for (int s = 0; s < 8; ++s) {
            const Vec3 v = {(s & 1 ? -1.0 : 1.0) * c[p[0]], (s & 2 ? -1.0 : 1.0) * c[p[1]],
                            (s & 4 ? -1.0 : 1.0) * c[p[2]]};
            const bool seen = std::any_of(out.begin(), out.end(), [&v](const Vec3& o) {
                return o.x == v.x && o.y == v.y && o.z == v.z;
            });
            if (!seen)
                out.push_back(v);
        }
    }
    return out;
}

Vec3 orbit_base(const detail::LebedevOrbit& o) {
    switch (o.type) {
        case 1:
            return {1.0, 0.0, 0.0};
        case 2: {
            const double a = std::sqrt(0.5);
            return {0.0, a, a};
        }
        case 3: {
            const double a = std::sqrt(1.0 / 3.0);
            return {a, a, a};
        }
        case 4:
            return {o.a, o.a, std::sqrt(1.0 - 2.0 * o.a * o.a)};
        case 5:
            return {o.a, std::sqrt(1.0 - o.a * o.a), 0.0};
        default:
            return {o.a, o.b, std::sqrt(1.0 - o.a * o.a - o.b * o.b)};
    }
}

std::size_t orbit_size(int type) {
    static constexpr std::size_t kSizes[7] = {0, 6, 12, 8, 24, 24, 48};
    return kSizes[type];
}

std::string lebedev_size_list() {
    std::string s;
    for (std::size_t n : lebedev_sizes())
        s += (s.empty() ? "" : ", ") + std::to_string(n);
    return s;
}

// Angles as integers of 1e-6 degree, so that round-off does not reorder equal angles.
std::int64_t micro_degrees(double deg) {
    return std::llround(deg * 1e6);
}

}  // namespace

std::vector<Direction> fibonacci_grid(std::size_t n) {
    if (n == 0)
        throw InvalidArgumentError("fibonacci_grid: the number of points must be >= 1");
    const double golden = kPi * (3.0 - std::sqrt(5.0));
    std::vector<Direction> out(n);
    for (std::size_t i = 0; i < n; ++i) {
        const double z = 1.0 - (2.0 * static_cast<double>(i) + 1.0) / static_cast<double>(n);
        out[i] = {wrap_azimuth_deg(rad_to_deg(golden * static_cast<double>(i))),
                  rad_to_deg(std::asin(z)), 1.0};
    }
    return out;
}

std::vector<std::size_t> lebedev_sizes() {
    std::vector<std::size_t> out;
    for (std::size_t r = 0; r < detail::kLebedevRuleCount; ++r)
        out.push_back(static_cast<std::size_t>(detail::kLebedevRules[r].points));
    return out;
}

QuadratureGrid lebedev_grid(std::size_t n) {
    const detail::LebedevRule* rule = nullptr;
    for (std::size_t r = 0; r < detail::kLebedevRuleCount; ++r)
        if (static_cast<std::size_t>(detail::kLebedevRules[r].points) == n)
            rule = &detail::kLebedevRules[r];
    if (!rule)
        throw InvalidArgumentError("lebedev_grid: no Lebedev rule of " + std::to_string(n) +
                                   " points; available: " + lebedev_size_list());
    QuadratureGrid g;
    g.degree = rule->degree;
    g.directions.reserve(n);
    g.weights_sr.reserve(n);
    for (std::size_t k = 0; k < rule->count; ++k) {
        const detail::LebedevOrbit& o = detail::kLebedevOrbits[rule->first + k];
        const std::vector<Vec3> points = octahedral_orbit(orbit_base(o));
        if (points.size() != orbit_size(o.type))
            throw InvalidDataError("lebedev_grid: orbit " + std::to_string(k) + " of the " +
                                   std::to_string(n) + "-point rule has " +
                                   std::to_string(points.size()) + " points, expected " +
                                   std::to_string(orbit_size(o.type)));
        for (const Vec3& p : points) {
            Direction d = to_direction(p);
            d.distance_m = 1.0;
            g.directions.push_back(d);
            g.weights_sr.push_back(4.0 * kPi * o.v);
        }
    }
    if (g.directions.size() != n)
        throw InvalidDataError("lebedev_grid: the " + std::to_string(n) + "-point rule made " +
                               std::to_string(g.directions.size()) + " points");
    return g;
}

GridStatistics grid_statistics(const std::vector<Direction>& directions) {
    check_directions(directions, "grid_statistics");
    GridStatistics g;
    g.elevation_min_deg = g.distance_min_m = std::numeric_limits<double>::infinity();
    g.elevation_max_deg = g.distance_max_m = -std::numeric_limits<double>::infinity();
    std::set<long> elevations, distances;
    for (const Direction& d : directions) {
        g.elevation_min_deg = std::min(g.elevation_min_deg, d.elevation_deg);
        g.elevation_max_deg = std::max(g.elevation_max_deg, d.elevation_deg);
        g.distance_min_m = std::min(g.distance_min_m, d.distance_m);
        g.distance_max_m = std::max(g.distance_max_m, d.distance_m);
        elevations.insert(std::lround(d.elevation_deg * 100.0));
        distances.insert(std::lround(d.distance_m * 1000.0));
    }
    g.distinct_elevations = elevations.size();
    g.distinct_distances = distances.size();
    if (directions.size() < 2)
        return g;
    const SphericalIndex index(directions);
    double sum = 0.0;
    for (std::size_t i = 0; i < directions.size(); ++i) {
        std::size_t nearest[2];
        double cosines[2];
        index.nearest_k(unit_vector(directions[i]), 2, nearest, cosines);
        const double c = nearest[0] != i ? cosines[0] : cosines[1];
        const double angle = rad_to_deg(std::acos(std::clamp(c, -1.0, 1.0)));
        sum += angle;
        g.max_nearest_neighbour_deg = std::max(g.max_nearest_neighbour_deg, angle);
    }
    g.mean_nearest_neighbour_deg = sum / static_cast<double>(directions.size());
    return g;
}

std::vector<Direction> grid_from_spec(const std::string& spec) {
    const std::size_t colon = spec.find(':');
    const std::string kind = spec.substr(0, colon);
    const std::string count = colon == std::string::npos ? "" : spec.substr(colon + 1);
    const std::string where = "grid spec '" + spec + "'";
    if (kind != "fibonacci" && kind != "lebedev")
        throw InvalidArgumentError(where + ": unknown grid '" + kind +
                                   "' (expected fibonacci:N or lebedev:N)");
    if (count.empty() || count.size() > 9 ||
        !std::all_of(count.begin(), count.end(), [](char c) { return c >= '0' && c <= '9'; }))
        throw InvalidArgumentError(where + ": the point count '" + count +
                                   "' is not a whole number (expected " + kind + ":N)");
    const std::size_t n = static_cast<std::size_t>(std::stoul(count));
    if (kind == "fibonacci") {
        if (n == 0 || n > kMaxSpecPoints)
            throw InvalidArgumentError(where + ": the point count must be 1.." +
                                       std::to_string(kMaxSpecPoints));
        return fibonacci_grid(n);
    }
    const std::vector<std::size_t> sizes = lebedev_sizes();
    if (std::find(sizes.begin(), sizes.end(), n) == sizes.end())
        throw InvalidArgumentError(where + ": no Lebedev rule of " + count +
                                   " points; available: " + lebedev_size_list());
    return lebedev_grid(n).directions;
}

std::vector<std::size_t> lap_sparse_indices(const std::vector<Direction>& directions, int level) {
    if (directions.empty())
        throw InvalidArgumentError("lap_sparse_indices: the grid has no directions");
    std::vector<std::size_t> out;
    if (level == 100) {
        struct Key {
            std::int64_t azimuth, elevation;
            std::size_t index;
        };
        constexpr std::int64_t kFullTurn = 360'000'000;
        std::vector<Key> keys;
        keys.reserve(directions.size());
        for (std::size_t i = 0; i < directions.size(); ++i) {
            std::int64_t az = micro_degrees(wrap_azimuth_deg(directions[i].azimuth_deg));
            if (az >= kFullTurn)
                az -= kFullTurn;
            keys.push_back({az, micro_degrees(directions[i].elevation_deg), i});
        }
        std::stable_sort(keys.begin(), keys.end(), [](const Key& a, const Key& b) {
            return a.azimuth != b.azimuth ? a.azimuth < b.azimuth : a.elevation < b.elevation;
        });
        for (std::size_t i = 0; i < keys.size(); i += 8)
            out.push_back(keys[i].index);
        return out;
    }

    std::vector<Direction> listed;
    if (level == 19) {
        for (double el : {-45.0, 0.0, 45.0})
            for (int k = 0; k < 6; ++k)
                listed.push_back({60.0 * k, el, 1.0});
        listed.push_back({0.0, 90.0, 1.0});
    } else if (level == 5) {
        listed = {{315.0, 0.0, 1.0},
                  {0.0, -45.0, 1.0},
                  {0.0, 0.0, 1.0},
                  {0.0, 45.0, 1.0},
                  {45.0, 0.0, 1.0}};
    } else if (level == 3) {
        listed = {{0.0, 0.0, 1.0}, {90.0, 0.0, 1.0}, {0.0, 90.0, 1.0}};
    } else {
        throw InvalidArgumentError("lap_sparse_indices: level " + std::to_string(level) +
                                   " is not one of 100, 19, 5, 3");
    }
    const SphericalIndex index(directions);
    for (const Direction& d : listed) {
        const std::size_t i = index.nearest(d);
        if (std::find(out.begin(), out.end(), i) == out.end())
            out.push_back(i);
    }
    return out;
}

}  // namespace pinna
