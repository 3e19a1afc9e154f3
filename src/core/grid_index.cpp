// SphericalIndex: a k-d tree over unit vectors. Nearest on the sphere = largest dot product;
// a subtree on the far side of a splitting plane at distance d from the query holds only
// points whose chord to the query is at least d, so their dot product is at most 1 - d^2/2.
#include <algorithm>
#include <cmath>
#include <limits>

#include "core/vec_math.hpp"
#include "pinna/error.hpp"
#include "pinna/grid.hpp"

namespace pinna {

struct SphericalIndex::Tree {
    struct Point {
        double x, y, z;
        std::size_t index;  // into the constructor's directions
    };
    struct Node {
        std::size_t begin, end;  // range of points below this node
        std::size_t left = 0;    // child nodes; 0 for a leaf (node 0 is the root)
        std::size_t right = 0;
        int axis = 0;
        double split = 0.0;
    };
    std::vector<Point> points;
    std::vector<Node> nodes;

    std::size_t build(std::size_t begin, std::size_t end);
};

namespace {
constexpr std::size_t kLeafSize = 8;
// Deepest stack a query needs is the tree depth + 1; a balanced tree of kLeafSize leaves
// over any vector that fits in memory is far shallower than this.
constexpr std::size_t kStackSize = 128;
// A subtree is skipped only when its bound is below the best dot product by more than
// round-off, so a tie is never pruned and the smallest index wins as in a brute force.
constexpr double kBoundSlack = 1e-12;

double coord(const Vec3& v, int axis) noexcept {
    return axis == 0 ? v.x : axis == 1 ? v.y : v.z;
}

// Queries that are unit vectors are used as they are, so their dot products are bit for bit
// those of a brute-force search over unit_vector()s.
Vec3 query_vector(const Vec3& v) noexcept {
    const double n2 = dot(v, v);
    if (std::abs(n2 - 1.0) <= 1e-12 || !(n2 > 0.0) || !std::isfinite(n2))
        return v;
    const double n = std::sqrt(n2);
    return {v.x / n, v.y / n, v.z / n};
}

struct Pending {
    std::size_t node;
    double bound;  // no point below `node` has a larger dot product with the query
};

// True when (c, i) ranks before (best_c, best_i): larger dot product, then smaller index.
bool ranks_before(double c, std::size_t i, double best_c, std::size_t best_i) noexcept {
    return c > best_c || (c == best_c && i < best_i);
}
}  // namespace

SphericalIndex::SphericalIndex(const std::vector<Direction>& directions) {
    if (directions.empty())
        throw InvalidArgumentError("SphericalIndex: no directions given");
    auto tree = std::make_shared<Tree>();
    std::vector<Tree::Point>& points = tree->points;
    points.reserve(directions.size());
    for (std::size_t i = 0; i < directions.size(); ++i) {
        const Direction& d = directions[i];
        if (!std::isfinite(d.azimuth_deg) || !std::isfinite(d.elevation_deg))
            throw InvalidArgumentError("SphericalIndex: direction " + std::to_string(i) +
                                       " has a non-finite azimuth or elevation");
        const Vec3 u = unit_vector(d);
        points.push_back({u.x, u.y, u.z, i});
    }
    tree->nodes.reserve(2 * (directions.size() / kLeafSize + 1));
    tree->build(0, points.size());
    tree_ = std::move(tree);
}

std::size_t SphericalIndex::size() const noexcept {
    return tree_ ? tree_->points.size() : 0;
}

std::size_t SphericalIndex::memory_bytes() const noexcept {
    return tree_ ? sizeof(Tree) + tree_->points.capacity() * sizeof(Tree::Point) +
                       tree_->nodes.capacity() * sizeof(Tree::Node)
                 : 0;
}

std::size_t SphericalIndex::Tree::build(std::size_t begin, std::size_t end) {
    const std::size_t id = nodes.size();
    nodes.push_back(Node{begin, end});
    if (end - begin <= kLeafSize)
        return id;

    double lo[3] = {1e300, 1e300, 1e300};
    double hi[3] = {-1e300, -1e300, -1e300};
    for (std::size_t i = begin; i < end; ++i) {
        const double c[3] = {points[i].x, points[i].y, points[i].z};
        for (int a = 0; a < 3; ++a) {
            lo[a] = std::min(lo[a], c[a]);
            hi[a] = std::max(hi[a], c[a]);
        }
    }
    int axis = 0;
    for (int a = 1; a < 3; ++a)
        if (hi[a] - lo[a] > hi[axis] - lo[axis])
            axis = a;

    const std::size_t mid = begin + (end - begin) / 2;
    auto key = [axis](const Point& p) { return axis == 0 ? p.x : axis == 1 ? p.y : p.z; };
    std::nth_element(points.begin() + static_cast<std::ptrdiff_t>(begin),
                     points.begin() + static_cast<std::ptrdiff_t>(mid),
                     points.begin() + static_cast<std::ptrdiff_t>(end),
                     [&key](const Point& a, const Point& b) { return key(a) < key(b); });
    const double split = key(points[mid]);
    const std::size_t left = build(begin, mid);
    const std::size_t right = build(mid, end);
    nodes[id].axis = axis;
    nodes[id].split = split;
    nodes[id].left = left;
    nodes[id].right = right;
    return id;
}

std::size_t SphericalIndex::nearest(const Vec3& v) const noexcept {
    std::size_t best = 0;
    std::size_t k = nearest_k(v, 1, &best, nullptr);
    return k == 1 ? best : kUnmatched;
}

std::size_t SphericalIndex::nearest_k(const Vec3& v, std::size_t k, std::size_t* indices,
                                      double* cos_angles) const noexcept {
    k = std::min({k, size(), kMaxNeighbours});
    if (k == 0)
        return 0;
    const std::vector<Tree::Point>& points = tree_->points;
    const std::vector<Tree::Node>& nodes = tree_->nodes;
    const Vec3 q = query_vector(v);

    // The k best so far, best first; unfilled slots rank last.
    double best_c[kMaxNeighbours];
    std::size_t best_i[kMaxNeighbours];
    for (std::size_t j = 0; j < k; ++j) {
        best_c[j] = -std::numeric_limits<double>::infinity();
        best_i[j] = std::numeric_limits<std::size_t>::max();
    }

    Pending stack[kStackSize];
    std::size_t top = 0;
    stack[top++] = {0, std::numeric_limits<double>::infinity()};
    while (top > 0) {
        const Pending p = stack[--top];
        if (p.bound < best_c[k - 1] - kBoundSlack)
            continue;
        const Tree::Node& node = nodes[p.node];
        if (node.left == 0) {
            for (std::size_t i = node.begin; i < node.end; ++i) {
                const Tree::Point& pt = points[i];
                const double c = pt.x * q.x + pt.y * q.y + pt.z * q.z;
                if (!ranks_before(c, pt.index, best_c[k - 1], best_i[k - 1]))
                    continue;
                std::size_t j = k - 1;
                while (j > 0 && ranks_before(c, pt.index, best_c[j - 1], best_i[j - 1])) {
                    best_c[j] = best_c[j - 1];
                    best_i[j] = best_i[j - 1];
                    --j;
                }
                best_c[j] = c;
                best_i[j] = pt.index;
            }
            continue;
        }
        const double d = coord(q, node.axis) - node.split;
        const std::size_t near_child = d < 0.0 ? node.left : node.right;
        const std::size_t far_child = d < 0.0 ? node.right : node.left;
        if (top + 2 > kStackSize)
            continue;  // unreachable for any real tree depth
        stack[top++] = {far_child, std::min(p.bound, 1.0 - 0.5 * d * d)};
        stack[top++] = {near_child, p.bound};
    }

    // A NaN query matches nothing: fall back to the first points in index order.
    std::size_t n = 0;
    for (std::size_t j = 0; j < k; ++j) {
        if (best_i[j] == std::numeric_limits<std::size_t>::max())
            break;
        indices[n] = best_i[j];
        if (cos_angles)
            cos_angles[n] = best_c[j];
        ++n;
    }
    for (std::size_t j = n; j < k; ++j) {
        indices[j] = j;
        if (cos_angles)
            cos_angles[j] = std::numeric_limits<double>::quiet_NaN();
    }
    return k;
}

}  // namespace pinna
