#include "interp/triangulation.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <numeric>
#include <random>
#include <unordered_set>
#include <utility>

#include "core/vec_math.hpp"
#include "dsp/fast_math.hpp"

namespace pinna::detail {
namespace {

constexpr double kVisibleEps = 1e-12;
constexpr double kInsideEps = 1e-9;
constexpr int kCellsAz = 72;  // 5-degree cells for the start-face table
constexpr int kCellsEl = 36;

struct HullFace {
    std::uint32_t a, b, c;  // indices into the point list, counter-clockwise seen from outside
    Vec3 normal;
    double offset;
    bool alive;
};

HullFace make_face(const std::vector<Vec3>& p, std::uint32_t a, std::uint32_t b, std::uint32_t c) {
    const Vec3 ab{p[b].x - p[a].x, p[b].y - p[a].y, p[b].z - p[a].z};
    const Vec3 ac{p[c].x - p[a].x, p[c].y - p[a].y, p[c].z - p[a].z};
    const Vec3 n = normalized(cross(ab, ac));
    return {a, b, c, n, dot(n, p[a]), true};
}

double side(const HullFace& f, const Vec3& q) {
    return dot(f.normal, q) - f.offset;
}

// Incremental convex hull. Returns triangles (indices into p), or nothing when the points
// are coplanar or fewer than 4.
std::vector<HullFace> convex_hull(const std::vector<Vec3>& p) {
    const std::size_t n = p.size();
    if (n < 4)
        return {};
    // Initial tetrahedron: two far points, the point furthest from their line, the point
    // furthest from their plane.
    std::uint32_t i0 = 0, i1 = 0, i2 = 0, i3 = 0;
    double best = -1;
    for (std::uint32_t i = 1; i < n; ++i) {
        const Vec3 d{p[i].x - p[0].x, p[i].y - p[0].y, p[i].z - p[0].z};
        if (dot(d, d) > best)
            best = dot(d, d), i1 = i;
    }
    best = -1;
    const Vec3 line{p[i1].x - p[i0].x, p[i1].y - p[i0].y, p[i1].z - p[i0].z};
    for (std::uint32_t i = 0; i < n; ++i) {
        const Vec3 d{p[i].x - p[i0].x, p[i].y - p[i0].y, p[i].z - p[i0].z};
        const double area = norm(cross(line, d));
        if (area > best)
            best = area, i2 = i;
    }
    if (best < 1e-9)
        return {};
    HullFace base = make_face(p, i0, i1, i2);
    best = -1;
    for (std::uint32_t i = 0; i < n; ++i) {
        const double dist = std::abs(side(base, p[i]));
        if (dist > best)
            best = dist, i3 = i;
    }
    if (best < 1e-9)
        return {};
    std::vector<HullFace> faces;
    if (side(base, p[i3]) > 0)
        std::swap(i1, i2);  // make the base face point away from i3
    faces.push_back(make_face(p, i0, i1, i2));
    faces.push_back(make_face(p, i0, i3, i1));
    faces.push_back(make_face(p, i1, i3, i2));
    faces.push_back(make_face(p, i2, i3, i0));

    // The remaining points in a fixed pseudo-random order (avoids the worst cases of
    // ring-by-ring measurement grids).
    std::vector<std::uint32_t> order;
    for (std::uint32_t i = 0; i < n; ++i)
        if (i != i0 && i != i1 && i != i2 && i != i3)
            order.push_back(i);
    std::mt19937 rng(12345);
    std::shuffle(order.begin(), order.end(), rng);

    std::vector<std::size_t> visible;
    std::unordered_set<std::uint64_t> edges;
    auto key = [](std::uint32_t a, std::uint32_t b) { return (std::uint64_t{a} << 32) | b; };
    for (std::uint32_t q : order) {
        visible.clear();
        for (std::size_t f = 0; f < faces.size(); ++f)
            if (faces[f].alive && side(faces[f], p[q]) > kVisibleEps)
                visible.push_back(f);
        if (visible.empty())
            continue;  // inside or on the hull already
        edges.clear();
        for (std::size_t f : visible) {
            const HullFace& h = faces[f];
            edges.insert(key(h.a, h.b));
            edges.insert(key(h.b, h.c));
            edges.insert(key(h.c, h.a));
        }
        for (std::size_t f : visible) {
            faces[f].alive = false;
            const HullFace h = faces[f];
            const std::uint32_t e[3][2] = {{h.a, h.b}, {h.b, h.c}, {h.c, h.a}};
            for (const auto& edge : e)
                if (!edges.count(key(edge[1], edge[0])))
                    faces.push_back(make_face(p, edge[0], edge[1], q));
        }
        if (faces.size() > 8 * n) {  // compact now and then
            faces.erase(std::remove_if(faces.begin(), faces.end(),
                                       [](const HullFace& f) { return !f.alive; }),
                        faces.end());
        }
    }
    faces.erase(
        std::remove_if(faces.begin(), faces.end(), [](const HullFace& f) { return !f.alive; }),
        faces.end());
    return faces;
}

bool invert3(const Vec3& a, const Vec3& b, const Vec3& c, std::array<double, 9>& inv) {
    // Matrix with columns a, b, c; its inverse has rows (b x c, c x a, a x b) / det.
    const Vec3 r0 = cross(b, c), r1 = cross(c, a), r2 = cross(a, b);
    const double det = dot(a, r0);
    if (std::abs(det) < 1e-300)
        return false;
    const double s = 1.0 / det;
    inv = {r0.x * s, r0.y * s, r0.z * s, r1.x * s, r1.y * s,
           r1.z * s, r2.x * s, r2.y * s, r2.z * s};
    return true;
}

Vec3 cell_centre(int ia, int ie) {
    const double az = (ia + 0.5) * 360.0 / kCellsAz;
    const double el = -90.0 + (ie + 0.5) * 180.0 / kCellsEl;
    return unit_vector({az, el, 1.0});
}

// Barycentric coordinates of the ray u in a face (unnormalised).
std::array<double, 3> ray_weights(const std::array<double, 9>& m, const Vec3& u) noexcept {
    return {m[0] * u.x + m[1] * u.y + m[2] * u.z, m[3] * u.x + m[4] * u.y + m[5] * u.z,
            m[6] * u.x + m[7] * u.y + m[8] * u.z};
}

bool inside(const std::array<double, 3>& w) noexcept {
    const double sum = w[0] + w[1] + w[2];
    return sum > 0 && std::min({w[0], w[1], w[2]}) >= -kInsideEps * sum;
}

Weights3 normalised(const std::array<std::uint32_t, 3>& v,
                    const std::array<double, 3>& w) noexcept {
    Weights3 out;
    out.count = 3;
    double sum = 0.0;
    for (double x : w)
        sum += std::max(0.0, x);  // clamp the tiny negatives of edge hits
    for (int i = 0; i < 3; ++i) {
        out.index[i] = v[i];
        out.weight[i] = static_cast<float>(std::max(0.0, w[i]) / sum);
    }
    return out;
}
}  // namespace

SphericalTriangulation::SphericalTriangulation(const std::vector<Direction>& directions)
    : index_(directions.empty() ? SphericalIndex() : SphericalIndex(directions)) {
    std::vector<Vec3> units;
    units.reserve(directions.size());
    for (const Direction& d : directions)
        units.push_back(unit_vector(d));
    std::vector<std::uint32_t> distinct;
    // Merge duplicates (grids often repeat the pole at many azimuths).
    const double merge_cos = std::cos(deg_to_rad(1e-6));
    std::vector<Vec3> points;
    for (std::uint32_t i = 0; i < units.size(); ++i) {
        bool duplicate = false;
        for (std::uint32_t j : distinct)
            if (dot(units[i], units[j]) >= merge_cos) {
                duplicate = true;
                break;
            }
        if (!duplicate) {
            distinct.push_back(i);
            points.push_back(units[i]);
        }
    }
    const std::vector<HullFace> hull = convex_hull(points);
    encloses_centre_ = !hull.empty();
    std::map<std::pair<std::uint32_t, std::uint32_t>, std::int32_t> edge_face;
    for (const HullFace& h : hull) {
        encloses_centre_ = encloses_centre_ && h.offset > 1e-9;
        Face f;
        f.v = {distinct[h.a], distinct[h.b], distinct[h.c]};
        if (!invert3(points[h.a], points[h.b], points[h.c], f.inverse))
            continue;
        const auto id = static_cast<std::int32_t>(faces_.size());
        edge_face[{h.a, h.b}] = id;
        edge_face[{h.b, h.c}] = id;
        edge_face[{h.c, h.a}] = id;
        faces_.push_back(f);
    }
    // Neighbour across the edge opposite vertex i is the face owning the reversed edge.
    std::size_t k = 0;
    for (const HullFace& h : hull) {
        std::array<double, 9> unused{};
        if (!invert3(points[h.a], points[h.b], points[h.c], unused))
            continue;
        const std::uint32_t v[3] = {h.a, h.b, h.c};
        for (int i = 0; i < 3; ++i) {
            const auto it = edge_face.find({v[(i + 2) % 3], v[(i + 1) % 3]});
            faces_[k].next[i] = it == edge_face.end() ? -1 : it->second;
        }
        ++k;
    }
    if (faces_.empty())
        return;
    // Start face per cell: the face containing the cell centre, walked to from the
    // neighbouring cell's (a few steps), or by brute force where the walk stalls.
    cell_face_.assign(kCellsAz * kCellsEl, 0);
    std::size_t previous = 0;
    for (int ie = 0; ie < kCellsEl; ++ie)
        for (int ia = 0; ia < kCellsAz; ++ia) {
            const Vec3 u = cell_centre(ia, ie);
            std::ptrdiff_t found = walk(previous, u);
            if (found < 0) {
                double best_min = -1e300;
                for (std::size_t f = 0; f < faces_.size(); ++f) {
                    const std::array<double, 3> w = ray_weights(faces_[f].inverse, u);
                    const double lowest =
                        std::min({w[0], w[1], w[2]}) / std::max(1e-12, w[0] + w[1] + w[2]);
                    if (lowest > best_min)
                        best_min = lowest, found = static_cast<std::ptrdiff_t>(f);
                }
            }
            previous = static_cast<std::size_t>(found);
            cell_face_[ie * kCellsAz + ia] = static_cast<std::int32_t>(found);
        }
}

std::ptrdiff_t SphericalTriangulation::walk(std::size_t f, const Vec3& u,
                                            std::array<double, 3>* weights) const noexcept {
    // Towards the triangle whose cone holds u: step across the edge opposite the most
    // negative weight. Bounded by the face count.
    for (std::size_t step = 0; step <= faces_.size(); ++step) {
        const std::array<double, 3> w = ray_weights(faces_[f].inverse, u);
        if (inside(w)) {
            if (weights)
                *weights = w;
            return static_cast<std::ptrdiff_t>(f);
        }
        if (w[0] + w[1] + w[2] <= 0)
            return -1;  // the ray leaves through the back
        int worst = 0;
        for (int i = 1; i < 3; ++i)
            if (w[i] < w[worst])
                worst = i;
        const std::int32_t next = faces_[f].next[worst];
        if (next < 0)
            return -1;
        f = static_cast<std::size_t>(next);
    }
    return -1;
}

std::size_t SphericalTriangulation::start_face(const Vec3& u) const noexcept {
    // Any face is a correct start (the walk goes on from it); the cell only makes the walk
    // short, so single-precision angles (within 1e-5 rad) do: glibc's atan2 and asin took
    // a third of a query's lookup.
    const auto x = static_cast<float>(u.x), y = static_cast<float>(u.y);
    const auto z = static_cast<float>(u.z);
    const float az = fast_atan2(y, x);
    const float el = fast_atan2(z, std::sqrt(x * x + y * y));
    constexpr float kTwoPi = static_cast<float>(2 * kPi), kHalfPi = static_cast<float>(kPi / 2);
    int ia = static_cast<int>((az < 0.0f ? az + kTwoPi : az) / kTwoPi * kCellsAz);
    int ie = static_cast<int>((el + kHalfPi) / static_cast<float>(kPi) * kCellsEl);
    ia = std::clamp(ia, 0, kCellsAz - 1);
    ie = std::clamp(ie, 0, kCellsEl - 1);
    return static_cast<std::size_t>(cell_face_[ie * kCellsAz + ia]);
}

Weights3 SphericalTriangulation::locate(const Vec3& u) const noexcept {
    if (!faces_.empty()) {
        std::array<double, 3> w{};
        const std::ptrdiff_t f = walk(start_face(u), u, &w);
        if (f >= 0)
            return normalised(faces_[static_cast<std::size_t>(f)].v, w);
        if (encloses_centre_) {
            // The walk can stall on near-degenerate triangles; every ray hits some face, so
            // a full scan finds it (rare, still allocation-free).
            for (const Face& face : faces_) {
                const std::array<double, 3> w = ray_weights(face.inverse, u);
                if (inside(w))
                    return normalised(face.v, w);
            }
        }
    }
    Weights3 out;
    out.count = 1;
    out.index[0] = static_cast<std::uint32_t>(index_.nearest(u));
    out.weight[0] = 1.0f;
    return out;
}

}  // namespace pinna::detail
