// BinauralRenderer against known answers: direct convolution, latency, gains, layouts.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <random>

#include "pinna/error.hpp"
#include "pinna/render.hpp"
#include "render_support.hpp"
#include "support/test_support.hpp"

using namespace pinna;

namespace {

std::vector<float> noise(std::size_t frames, unsigned seed) {
    std::mt19937 rng(seed);
    std::uniform_real_distribution<float> u(-0.5f, 0.5f);
    std::vector<float> x(frames);
    for (float& v : x)
        v = u(rng);
    return x;
}

double peak(const std::vector<double>& x) {
    double p = 0.0;
    for (double v : x)
        p = std::max(p, std::fabs(v));
    return p;
}

double max_error(const std::vector<float>& got, const std::vector<double>& expected) {
    double e = 0.0;
    for (std::size_t i = 0; i < got.size(); ++i)
        e = std::max(e, std::fabs(got[i] - expected[i]));
    return e;
}

std::shared_ptr<const QueryEngine> nearest_engine(const HrirSet& set) {
    QueryEngineOptions o;
    o.interpolation = InterpolationMethod::nearest;
    return std::make_shared<const QueryEngine>(set, o);
}

}  // namespace

namespace {

// Renders `x` from a fixed direction and compares both ears with the direct time-domain
// convolution with the queried IR pair, delayed by the queried (or clamped) delays.
void check_against_direct_convolution(const std::shared_ptr<const QueryEngine>& engine,
                                      const RendererOptions& options, const Direction& where,
                                      const std::vector<float>& x) {
    BinauralRenderer renderer(engine, options);
    std::vector<float> hl(engine->taps()), hr(engine->taps());
    EarDelays d;
    engine->query(where, hl.data(), hr.data(), d);
    double dl = d.left_samples, dr = d.right_samples;
    if (options.max_delay_samples > 0.0) {
        dl = std::min(dl, options.max_delay_samples);
        dr = std::min(dr, options.max_delay_samples);
    }
    CAPTURE(dl, dr);
    renderer.set_direction(0, where);
    const test::Stereo y = test::render(renderer, {x});
    const auto el = test::convolve_delayed(x, hl.data(), hl.size(), dl);
    const auto er = test::convolve_delayed(x, hr.data(), hr.size(), dr);
    // Float precision: the rounding of single-precision FFTs of this size.
    const double tolerance = 2e-6 * std::log2(static_cast<double>(renderer.fft_size()));
    CHECK(max_error(y.left, el) <= tolerance * peak(el));
    CHECK(max_error(y.right, er) <= tolerance * peak(er));
}

struct Case {
    std::size_t taps;
    double decay;
    std::size_t block;
};
// One partition (taps <= block), several (taps > block), block sizes that are not powers
// of two, the smallest and the largest block.
const Case kCases[] = {{64, 6.0, 16},   {64, 6.0, 100},   {64, 6.0, 256},   {320, 80.0, 16},
                       {320, 80.0, 64}, {320, 80.0, 100}, {320, 80.0, 256}, {320, 80.0, 4096}};

}  // namespace

TEST_CASE(
    "a fixed direction with whole-sample delays renders the direct convolution with the "
    "queried IR pair to float precision",
    "[render]") {
    for (const Case& c : kCases) {
        CAPTURE(c.taps, c.block);
        const HrirSet set = test::long_synthetic_set(40, c.taps, c.decay);
        const auto engine = nearest_engine(set);
        // Whatever the minimum-phase split found, delays beyond the delay lines are clamped
        // to them: 3 samples here, a whole number for both ears (the set's onsets are 4
        // samples and more).
        RendererOptions options;
        options.block_size = c.block;
        options.max_sources = 1;
        options.max_delay_samples = 3.0;
        // 2.5 blocks and more than 3 IR lengths, ending with a partial block.
        const std::vector<float> x =
            noise(std::max<std::size_t>(5 * c.block / 2, 3 * c.taps + 77), 7);
        for (std::size_t m : {0, 13, 27}) {
            CAPTURE(m);
            std::vector<float> hl(engine->taps()), hr(engine->taps());
            EarDelays d;
            engine->query(set.direction(m), hl.data(), hr.data(), d);
            REQUIRE(d.left_samples > 3.0f);
            REQUIRE(d.right_samples > 3.0f);
            check_against_direct_convolution(engine, options, set.direction(m), x);
        }
    }
}

TEST_CASE(
    "a fixed direction renders the direct convolution with the queried IR pair and its "
    "fractional delays",
    "[render]") {
    // The delays as the engine found them (fractional in general), applied by the
    // documented interpolator, here evaluated in double.
    for (const Case& c : kCases) {
        CAPTURE(c.taps, c.block);
        const HrirSet set = test::long_synthetic_set(40, c.taps, c.decay);
        const auto engine = std::make_shared<const QueryEngine>(set);  // barycentric
        RendererOptions options;
        options.block_size = c.block;
        options.max_sources = 1;
        const std::vector<float> x =
            noise(std::max<std::size_t>(5 * c.block / 2, 3 * c.taps + 77), 8);
        for (const Direction& where : {Direction{23.0, 11.0, 1.0}, Direction{-100.0, -30.0, 1.0},
                                       Direction{170.0, 60.0, 1.0}})
            check_against_direct_convolution(engine, options, where, x);
    }
}

TEST_CASE("an impulse comes out at its own sample plus the ear's delay: no latency", "[render]") {
    const HrirSet set = test::synthetic_set(40, 64);
    const auto engine = nearest_engine(set);
    for (std::size_t block : {16, 256}) {
        CAPTURE(block);
        RendererOptions options;
        options.block_size = block;
        options.max_sources = 1;
        BinauralRenderer renderer(engine, options);
        REQUIRE(renderer.latency_samples() == 0);
        const std::size_t at = 3 * block + 5;
        std::vector<float> x(at + 2 * 64 + block, 0.0f);
        x[at] = 1.0f;
        renderer.set_direction(0, set.direction(5));
        const test::Stereo y = test::render(renderer, {x});
        std::vector<float> hl(64), hr(64);
        EarDelays d;
        engine->query(set.direction(5), hl.data(), hr.data(), d);
        // Nothing before the impulse reaches the first node of the delay interpolator
        // (floor(d) - 1 samples after it), then exactly the delayed IR.
        const long first = std::max(0L, static_cast<long>(std::floor(d.left_samples)) - 1);
        for (std::size_t n = 0; n < at + static_cast<std::size_t>(first); ++n)
            REQUIRE(std::fabs(y.left[n]) < 1e-7f);
        const auto el = test::convolve_delayed(x, hl.data(), 64, d.left_samples);
        const auto er = test::convolve_delayed(x, hr.data(), 64, d.right_samples);
        CHECK(max_error(y.left, el) < 1e-6);
        CHECK(max_error(y.right, er) < 1e-6);
    }
}

TEST_CASE("one call of many frames equals block-by-block calls, a last short block included",
          "[render]") {
    const HrirSet set = test::synthetic_set(40, 64);
    const auto engine = nearest_engine(set);
    RendererOptions options;
    options.block_size = 64;
    options.max_sources = 1;
    BinauralRenderer a(engine, options), b(engine, options);
    const std::vector<float> x = noise(64 * 10 + 17, 3);
    a.set_direction(0, Direction{40.0, 10.0, 1.0});
    b.set_direction(0, Direction{40.0, 10.0, 1.0});
    const test::Stereo blockwise = test::render(a, {x});
    std::vector<float> left(x.size()), right(x.size());
    const float* in[1] = {x.data()};
    b.process(in, left.data(), right.data(), x.size());
    CHECK(left == blockwise.left);
    CHECK(right == blockwise.right);
}

TEST_CASE("the gain scales the output and ramps across the block", "[render]") {
    const HrirSet set = test::synthetic_set(40, 64);
    const auto engine = nearest_engine(set);
    RendererOptions options;
    options.block_size = 64;
    options.max_sources = 1;
    BinauralRenderer unit(engine, options), half(engine, options);
    const std::vector<float> x = noise(64 * 8, 5);
    unit.set_direction(0, Direction{-70.0, 0.0, 1.0});
    half.set_direction(0, Direction{-70.0, 0.0, 1.0});
    const test::Stereo ref = test::render(unit, {x});
    // Gain 0.5 from block 3 on: before it the outputs agree, from block 5 (the ramp block
    // and the IR length past) they are in the ratio 0.5.
    const test::Stereo y = test::render(half, {x}, [](std::size_t block, BinauralRenderer& r) {
        if (block == 3)
            r.set_gain(0, 0.5f);
    });
    for (std::size_t n = 0; n < 3 * 64; ++n)
        REQUIRE(y.left[n] == Approx(ref.left[n]).margin(1e-6));
    for (std::size_t n = 5 * 64; n < x.size(); ++n)
        REQUIRE(y.left[n] == Approx(0.5f * ref.left[n]).margin(1e-6));
    // Within the ramp block no sample steps: the largest change between neighbours stays
    // within the signal's own.
    double step = 0.0, ref_step = 0.0;
    for (std::size_t n = 3 * 64; n < 4 * 64; ++n) {
        step = std::max(step, static_cast<double>(std::fabs(y.left[n] - y.left[n - 1])));
        ref_step =
            std::max(ref_step, static_cast<double>(std::fabs(ref.left[n] - ref.left[n - 1])));
    }
    CHECK(step <= ref_step);
}

TEST_CASE("a silent source costs nothing and restarts cleanly", "[render]") {
    const HrirSet set = test::synthetic_set(40, 64);
    const auto engine = nearest_engine(set);
    RendererOptions options;
    options.block_size = 32;
    options.max_sources = 2;
    BinauralRenderer renderer(engine, options), fresh(engine, options);
    renderer.set_direction(0, set.direction(3));
    fresh.set_direction(0, set.direction(3));
    const std::vector<float> x = noise(32 * 4, 11);
    std::vector<float> l(32), r(32), lf(32), rf(32);
    // Sound, then 200 silent blocks (null input: the tail plays out, then nothing), then
    // the same sound again: it must come out as from a fresh renderer.
    for (std::size_t b = 0; b < 4; ++b) {
        const float* in[2] = {x.data() + 32 * b, nullptr};
        renderer.process(in, l.data(), r.data(), 32);
    }
    for (int b = 0; b < 200; ++b) {
        renderer.process(nullptr, l.data(), r.data(), 32);
        if (b > 50)
            REQUIRE(std::all_of(l.begin(), l.end(), [](float v) { return v == 0.0f; }));
    }
    for (std::size_t b = 0; b < 4; ++b) {
        const float* in[2] = {x.data() + 32 * b, nullptr};
        renderer.process(in, l.data(), r.data(), 32);
        fresh.process(in, lf.data(), rf.data(), 32);
        CHECK(l == lf);
        CHECK(r == rf);
    }
}

TEST_CASE("multichannel rendering equals the sum of the single-source renders",
          "[render][layout]") {
    const HrirSet set = test::synthetic_set(60, 64);
    QueryEngineOptions eo;
    const auto engine = std::make_shared<const QueryEngine>(set, eo);  // barycentric
    const LoudspeakerLayout layout = loudspeaker_layout("5.1");
    RendererOptions options;
    options.block_size = 128;
    options.max_sources = 6;
    std::vector<std::vector<float>> channels;
    for (unsigned c = 0; c < 6; ++c)
        channels.push_back(noise(128 * 6 + 40, 100 + c));
    auto setup = [&](std::size_t block, BinauralRenderer& r) {
        if (block == 0)
            r.set_loudspeakers(layout, 0.7f);
        r.set_head_orientation(HeadOrientation{10.0 * static_cast<double>(block), 5.0, 0.0});
    };
    BinauralRenderer all(engine, options);
    const test::Stereo mixed = test::render(all, channels, setup);
    std::vector<double> left(mixed.left.size(), 0.0), right(mixed.right.size(), 0.0);
    for (std::size_t c = 0; c < 6; ++c) {
        std::vector<std::vector<float>> one(6, std::vector<float>(channels[0].size(), 0.0f));
        one[c] = channels[c];
        BinauralRenderer single(engine, options);
        const test::Stereo y = test::render(single, one, setup);
        for (std::size_t n = 0; n < left.size(); ++n) {
            left[n] += y.left[n];
            right[n] += y.right[n];
        }
    }
    CHECK(max_error(mixed.left, left) <= 1e-5 * peak(left));
    CHECK(max_error(mixed.right, right) <= 1e-5 * peak(right));
}

TEST_CASE("the LFE channel reaches both ears unfiltered, scaled by the LFE gain",
          "[render][layout]") {
    const HrirSet set = test::synthetic_set(40, 64);
    const auto engine = nearest_engine(set);
    RendererOptions options;
    options.block_size = 64;
    options.max_sources = 6;
    BinauralRenderer renderer(engine, options);
    renderer.set_loudspeakers(loudspeaker_layout("5.1"), 0.5f);
    std::vector<std::vector<float>> channels(6, std::vector<float>(64 * 4, 0.0f));
    channels[3] = noise(64 * 4, 2);
    const test::Stereo y = test::render(renderer, channels);
    for (std::size_t n = 0; n < channels[3].size(); ++n) {
        REQUIRE(y.left[n] == Approx(0.5f * channels[3][n]).margin(1e-7));
        REQUIRE(y.right[n] == Approx(0.5f * channels[3][n]).margin(1e-7));
    }
}

TEST_CASE("a world direction is heard through the head orientation", "[render][orientation]") {
    const HrirSet set = test::synthetic_set(80, 64);
    const auto engine = nearest_engine(set);
    RendererOptions options;
    options.block_size = 64;
    options.max_sources = 1;
    const std::vector<float> x = noise(64 * 6, 9);
    // A source 90 degrees to the left in the world, the head turned 60 degrees to the
    // left: heard at 30 degrees to the left; the same by quaternion.
    BinauralRenderer relative(engine, options), by_angles(engine, options),
        by_quaternion(engine, options);
    relative.set_direction(0, Direction{30.0, 0.0, 1.0});
    by_angles.set_world_direction(0, Direction{90.0, 0.0, 1.0});
    by_angles.set_head_orientation(HeadOrientation{60.0, 0.0, 0.0});
    by_quaternion.set_world_direction(0, Direction{90.0, 0.0, 1.0});
    by_quaternion.set_head_orientation(
        Quaternion{std::cos(deg_to_rad(30.0)), 0.0, 0.0, std::sin(deg_to_rad(30.0))});
    const test::Stereo a = test::render(relative, {x});
    const test::Stereo b = test::render(by_angles, {x});
    const test::Stereo c = test::render(by_quaternion, {x});
    for (std::size_t n = 0; n < x.size(); ++n) {
        REQUIRE(b.left[n] == Approx(a.left[n]).margin(1e-6));
        REQUIRE(c.right[n] == Approx(a.right[n]).margin(1e-6));
    }
}

TEST_CASE("renderer options out of range are refused with the value named", "[render]") {
    const auto engine = nearest_engine(test::synthetic_set(20, 32));
    RendererOptions o;
    o.block_size = 15;
    CHECK_THROWS_WITH(BinauralRenderer(engine, o), Catch::Contains("block size 15"));
    o.block_size = 4097;
    CHECK_THROWS_AS(BinauralRenderer(engine, o), InvalidArgumentError);
    o.block_size = 256;
    o.max_sources = 0;
    CHECK_THROWS_WITH(BinauralRenderer(engine, o), Catch::Contains("max_sources 0"));
    o.max_sources = 2;
    CHECK_THROWS_AS(BinauralRenderer(nullptr, o), InvalidArgumentError);
    CHECK_THROWS_WITH(BinauralRenderer(test::synthetic_set(20, 32), 1000.0, o),
                      Catch::Contains("1000"));
    BinauralRenderer renderer(engine, o);
    CHECK_THROWS_WITH(renderer.set_loudspeakers(loudspeaker_layout("5.1")),
                      Catch::Contains("6 channels"));
    const auto other_rate =
        std::make_shared<const QueryEngine>(test::synthetic_set(20, 32, 44100.0));
    CHECK_THROWS_WITH(renderer.prepare_hrtf(other_rate), Catch::Contains("44100"));
    CHECK_THROWS_WITH(loudspeaker_layout("9.1.6"), Catch::Contains("9.1.6"));
}

TEST_CASE("a set is resampled to the renderer's rate", "[render]") {
    RendererOptions o;
    o.max_sources = 1;
    const BinauralRenderer renderer(test::synthetic_set(20, 64, 44100.0), 48000.0, o);
    CHECK(renderer.sample_rate_hz() == 48000.0);
}
