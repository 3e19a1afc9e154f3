#include <catch2/catch.hpp>

#include <atomic>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <new>
#include <random>
#include <thread>

#include "interp/filter_split.hpp"
#include "pinna/query.hpp"
#include "pinna/resample.hpp"
#include "pinna/sofa.hpp"
#include "pinna/time_domain.hpp"
#include "support/allocation_counter.hpp"
#include "support/test_support.hpp"

using namespace pinna;

namespace {
std::vector<Vec3> random_directions(std::size_t n, unsigned seed) {
    std::mt19937 rng(seed);
    std::normal_distribution<double> g;
    std::vector<Vec3> out(n);
    for (auto& v : out)
        v = {g(rng), g(rng), g(rng)};
    return out;
}
}  // namespace

TEST_CASE("query at a measured direction returns its minimum-phase IR and delay",
          "[interp][query]") {
    const HrirSet set = test::synthetic_set(100, 64);
    const QueryEngine engine(set);
    // The engine's filters are the split of each measured IR (interp/filter_split.hpp).
    std::vector<float> irs(set.data().size()), split_delays(set.measurements() * kEars);
    detail::split_filters(set, 0, set.measurements(), irs.data(), split_delays.data());
    REQUIRE(engine.taps() == 64);
    std::vector<float> left(64), right(64);
    EarDelays delays;
    for (std::size_t m = 0; m < set.measurements(); ++m) {
        engine.query(set.direction(m), left.data(), right.data(), delays);
        const float* want_left = irs.data() + (m * kEars) * 64;
        const float* want_right = want_left + 64;
        for (std::size_t t = 0; t < 64; ++t) {
            REQUIRE(left[t] == Approx(want_left[t]).margin(1e-6));
            REQUIRE(right[t] == Approx(want_right[t]).margin(1e-6));
        }
        REQUIRE(delays.left_samples == Approx(split_delays[m * kEars]).margin(1e-4));
        REQUIRE(delays.right_samples == Approx(split_delays[m * kEars + 1]).margin(1e-4));
    }
}

TEST_CASE("queries allocate nothing", "[interp][query]") {
    // The counter itself works: a vector of floats allocates once.
    test::allocations::start();
    { std::vector<float> probe(16); }
    REQUIRE(test::allocations::stop() == 1);

    const HrirSet set = test::synthetic_set(200, 128);
    for (auto mode : {InterpolationMethod::nearest, InterpolationMethod::barycentric}) {
        QueryEngineOptions o;
        o.interpolation = mode;
        const QueryEngine engine(set, o);
        const auto dirs = random_directions(5000, 1);
        std::vector<float> left(engine.taps()), right(engine.taps());
        EarDelays delays;
        test::allocations::start();
        for (const Vec3& d : dirs)
            engine.query(d, left.data(), right.data(), delays);
        engine.query(Vec3{0, 0, 0}, left.data(), right.data(), delays);
        engine.query(Vec3{NAN, 0, 0}, left.data(), right.data(), delays);
        CHECK(test::allocations::stop() == 0);
    }
}

TEST_CASE("a build on several threads gives the same engine", "[interp][query][concurrency]") {
    const HrirSet set = test::synthetic_set(150, 64);
    const QueryEngine one(set);
    const auto dirs = random_directions(500, 3);
    const std::size_t n = one.taps();
    for (const unsigned threads : {2u, 3u, 0u}) {
        CAPTURE(threads);
        QueryEngineOptions options;
        options.build_threads = threads;
        const QueryEngine many(set, options);
        REQUIRE(many.taps() == n);
        std::vector<float> a(2 * n), b(2 * n);
        EarDelays da, db;
        std::size_t mismatches = 0;
        for (const Vec3& d : dirs) {
            one.query(d, a.data(), a.data() + n, da);
            many.query(d, b.data(), b.data() + n, db);
            mismatches += std::memcmp(a.data(), b.data(), 2 * n * sizeof(float)) != 0 ||
                          da.left_samples != db.left_samples ||
                          da.right_samples != db.right_samples;
        }
        CHECK(mismatches == 0);
    }
}

TEST_CASE("the engine resamples and cuts at build time", "[interp][query]") {
    const HrirSet set = test::synthetic_set(80, 64, 48000.0);
    QueryEngineOptions o;
    o.sample_rate_hz = 96000.0;
    o.taps = 100;
    const QueryEngine engine(set, o);
    CHECK(engine.sample_rate_hz() == 96000.0);
    CHECK(engine.taps() == 100);
    std::vector<float> left(100), right(100);
    EarDelays d;
    // A source on the left: larger delay at the right ear, in 96 kHz samples.
    engine.query(Direction{90.0, 0.0, 1.0}, left.data(), right.data(), d);
    CHECK(d.right_samples > d.left_samples);
    CHECK(engine.memory_bytes() > 80 * 2 * 100 * sizeof(float));
}

TEST_CASE("the engine works on Debian's KEMAR file", "[interp][query][data]") {
    const std::string path = test::system_kemar();
    if (path.empty()) {
        WARN("skipped: /usr/share/libmysofa/MIT_KEMAR_normal_pinna.sofa not installed");
        return;
    }
    const HrirSet set = read_sofa(path);
    const QueryEngine engine(set);
    std::vector<float> left(engine.taps()), right(engine.taps());
    EarDelays d;
    engine.query(Direction{90.0, 0.0, 1.0}, left.data(), right.data(), d);  // left
    double el = 0, er = 0;
    for (std::size_t t = 0; t < engine.taps(); ++t)
        el += left[t] * left[t], er += right[t] * right[t];
    CHECK(el > 4 * er);
    CHECK(d.right_samples - d.left_samples > 20.0);  // ~0.65 ms at 44.1 kHz for KEMAR
}
