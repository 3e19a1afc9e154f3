// One battery of properties, run for every interpolation strategy pinna offers: the
// Interpolator's nearest, barycentric and sh methods (plain and time-aligned) and the
// QueryEngine's nearest and barycentric modes. A new strategy added to subjects() gets the
// whole contract:
//  - exact at the measured directions;
//  - weights summing to one (non-negative where the strategy promises it), at most three
//    for the real-time modes, indices in range;
//  - continuous across the azimuth wrap and at the poles (equivalent directions, same IRs);
//  - no jump between nearby queries larger than between neighbouring measurements
//    (strategies that are continuous at all; nearest is not);
//  - concurrent queries on one const object give the single-threaded answers.
#include <catch2/catch.hpp>

#include <atomic>
#include <cmath>
#include <functional>
#include <memory>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "pinna/interpolate.hpp"
#include "pinna/query.hpp"
#include "support/test_support.hpp"

using namespace pinna;

namespace {

using Weights = std::vector<std::pair<std::size_t, double>>;

struct Subject {
    std::string name;
    bool continuous = true;            ///< false for nearest-neighbour strategies
    bool non_negative_weights = true;  ///< sh weights may be negative
    std::size_t max_weights = 3;       ///< 0: any number
    /// How far the weights may sum from 1: the sh fit's penalty (1 + n(n+1)) includes
    /// degree 0, which shrinks constants slightly (up to 1.5e-4 on this grid).
    double sum_tolerance = 1e-6;
    /// Both ears' IRs at a direction (and, for the query engine, the two delays appended).
    std::function<std::vector<double>(const Direction&)> at;
    /// What `at` must return at measured direction m.
    std::function<std::vector<double>(std::size_t)> measured;
    std::function<Weights(const Direction&)> weights;
    double exact_tolerance = 0.0;
};

const HrirSet& measured_set() {
    static const HrirSet set = test::synthetic_set(150, 48);
    return set;
}

std::vector<double> ear_pair(const HrirSet& set, std::size_t m) {
    std::vector<double> out;
    for (const Ear ear : {Ear::left, Ear::right})
        out.insert(out.end(), set.ir(m, ear), set.ir(m, ear) + set.taps());
    return out;
}

Subject interpolator_subject(InterpolationMethod method, bool time_aligned) {
    InterpolationOptions o;
    o.method = method;
    o.time_aligned = time_aligned;
    auto interp = std::make_shared<const Interpolator>(measured_set(), o);
    Subject s;
    s.name = std::string("Interpolator ") + to_string(method) + (time_aligned ? " aligned" : "");
    s.continuous = method != InterpolationMethod::nearest;
    s.non_negative_weights = method != InterpolationMethod::sh;
    s.max_weights = method == InterpolationMethod::sh ? 0 : 3;
    s.sum_tolerance = method == InterpolationMethod::sh ? 1e-3 : 1e-6;
    s.at = [interp](const Direction& d) { return ear_pair(interp->interpolate({d}), 0); };
    s.measured = [](std::size_t m) { return ear_pair(measured_set(), m); };
    s.weights = [interp](const Direction& d) { return interp->weights(d); };
    return s;
}

Subject engine_subject(InterpolationMethod method) {
    QueryEngineOptions o;
    o.interpolation = method;
    auto engine = std::make_shared<const QueryEngine>(measured_set(), o);
    Subject s;
    s.name = std::string("QueryEngine ") + to_string(method);
    s.continuous = method != InterpolationMethod::nearest;
    s.exact_tolerance = 1e-5;  // float barycentric weights at a vertex
    s.at = [engine](const Direction& d) {
        const std::size_t n = engine->taps();
        std::vector<float> irs(2 * n);
        EarDelays delays;
        engine->query(d, irs.data(), irs.data() + n, delays);
        std::vector<double> out(irs.begin(), irs.end());
        out.push_back(delays.left_samples);
        out.push_back(delays.right_samples);
        return out;
    };
    s.measured = [engine](std::size_t m) {
        std::vector<double> out;
        for (const Ear ear : {Ear::left, Ear::right})
            out.insert(out.end(), engine->measurement_ir(m, ear),
                       engine->measurement_ir(m, ear) + engine->taps());
        out.push_back(engine->measurement_delay_samples(m, Ear::left));
        out.push_back(engine->measurement_delay_samples(m, Ear::right));
        return out;
    };
    s.weights = [engine](const Direction& d) {
        QueryWeights w;
        engine->weights(unit_vector(d), w);
        Weights out;
        for (int k = 0; k < w.count; ++k)
            out.emplace_back(w.index[k], w.weight[k]);
        return out;
    };
    return s;
}

std::vector<Subject> subjects() {
    std::vector<Subject> out;
    for (const InterpolationMethod method :
         {InterpolationMethod::nearest, InterpolationMethod::barycentric, InterpolationMethod::sh})
        for (const bool aligned : {false, true})
            out.push_back(interpolator_subject(method, aligned));
    for (const InterpolationMethod method :
         {InterpolationMethod::nearest, InterpolationMethod::barycentric})
        out.push_back(engine_subject(method));
    return out;
}

double max_abs_diff(const std::vector<double>& a, const std::vector<double>& b) {
    double worst = 0.0;
    for (std::size_t i = 0; i < a.size(); ++i)
        worst = std::max(worst, std::abs(a[i] - b[i]));
    return worst;
}

std::vector<Direction> random_directions(std::size_t n, unsigned seed) {
    std::mt19937 rng(seed);
    std::uniform_real_distribution<double> az(0.0, 360.0), z(-1.0, 1.0);
    std::vector<Direction> out(n);
    for (Direction& d : out)
        d = {az(rng), rad_to_deg(std::asin(z(rng))), 1.0};
    return out;
}

}  // namespace

TEST_CASE("contract: exact at the measured directions", "[interp][contract]") {
    const HrirSet& set = measured_set();
    for (const Subject& s : subjects()) {
        CAPTURE(s.name);
        double worst = 0.0;
        for (std::size_t m = 0; m < set.measurements(); ++m)
            worst = std::max(worst, max_abs_diff(s.at(set.direction(m)), s.measured(m)));
        CHECK(worst <= s.exact_tolerance);
    }
}

TEST_CASE("contract: weights sum to one, in range", "[interp][contract]") {
    const std::size_t count = measured_set().measurements();
    for (const Subject& s : subjects()) {
        CAPTURE(s.name);
        for (const Direction& d : random_directions(300, 3)) {
            const Weights w = s.weights(d);
            REQUIRE(!w.empty());
            if (s.max_weights != 0)
                REQUIRE(w.size() <= s.max_weights);
            double sum = 0.0;
            for (const auto& [index, weight] : w) {
                REQUIRE(index < count);
                if (s.non_negative_weights)
                    REQUIRE(weight >= 0.0);
                sum += weight;
            }
            REQUIRE(sum == Approx(1.0).margin(s.sum_tolerance));
        }
    }
}

TEST_CASE("contract: the azimuth wrap and the poles", "[interp][contract]") {
    const std::vector<std::pair<Direction, Direction>> same = {
        {{0.0, 90.0, 1}, {123.0, 90.0, 1}},
        {{0.0, -90.0, 1}, {250.0, -90.0, 1}},
        {{359.9999999, 5.0, 1}, {-0.0000001, 5.0, 1}},
        {{360.0, 12.0, 1}, {0.0, 12.0, 1}},
        {{-90.0, 30.0, 1}, {270.0, 30.0, 1}},
    };
    for (const Subject& s : subjects()) {
        CAPTURE(s.name);
        for (const auto& [a, b] : same) {
            CAPTURE(a.azimuth_deg, a.elevation_deg, b.azimuth_deg, b.elevation_deg);
            CHECK(max_abs_diff(s.at(a), s.at(b)) < 1e-4);
        }
    }
}

TEST_CASE("contract: no jump between nearby queries", "[interp][contract]") {
    const HrirSet& set = measured_set();
    // The largest difference between a measurement and its nearest neighbour.
    for (const Subject& s : subjects()) {
        if (!s.continuous)
            continue;
        CAPTURE(s.name);
        double neighbour_step = 0.0;
        for (std::size_t i = 0; i < set.measurements(); ++i) {
            std::size_t best = i;
            double best_angle = 1e9;
            for (std::size_t j = 0; j < set.measurements(); ++j) {
                const double a = angle_between_deg(set.direction(i), set.direction(j));
                if (j != i && a < best_angle) {
                    best_angle = a;
                    best = j;
                }
            }
            neighbour_step =
                std::max(neighbour_step, max_abs_diff(s.measured(i), s.measured(best)));
        }
        // A path around the horizon and over the pole, in 0.2 degree steps.
        std::vector<Direction> path;
        for (double a = 0; a < 360; a += 0.2)
            path.push_back({a, 10.0, 1.0});
        for (double e = -80; e <= 80; e += 0.2)
            path.push_back({30.0, e, 1.0});
        double worst = 0.0;
        std::vector<double> previous = s.at(path[0]);
        for (std::size_t i = 1; i < path.size(); ++i) {
            std::vector<double> current = s.at(path[i]);
            if (angle_between_deg(path[i], path[i - 1]) < 0.5)
                worst = std::max(worst, max_abs_diff(current, previous));
            previous = std::move(current);
        }
        CHECK(worst <= neighbour_step);
    }
}

TEST_CASE("contract: concurrent queries give the single-threaded answers",
          "[interp][contract][concurrency]") {
    static_assert(noexcept(std::declval<const QueryEngine&>().query(Vec3{}, nullptr, nullptr,
                                                                    std::declval<EarDelays&>())),
                  "QueryEngine::query is noexcept");
    static_assert(
        noexcept(std::declval<const QueryEngine&>().weights(Vec3{}, std::declval<QueryWeights&>())),
        "QueryEngine::weights is noexcept");
    const std::vector<Direction> dirs = random_directions(200, 5);
    for (const Subject& s : subjects()) {
        CAPTURE(s.name);
        std::vector<std::vector<double>> expected;
        for (const Direction& d : dirs)
            expected.push_back(s.at(d));
        std::atomic<long> mismatches{0};
        std::vector<std::thread> threads;
        for (unsigned t = 0; t < 4; ++t)
            threads.emplace_back([&, t] {
                for (std::size_t k = 0; k < dirs.size(); ++k) {
                    const std::size_t i = (k * 7 + t * 31) % dirs.size();
                    if (s.at(dirs[i]) != expected[i])
                        ++mismatches;
                }
            });
        for (std::thread& t : threads)
            t.join();
        CHECK(mismatches.load() == 0);
    }
}
