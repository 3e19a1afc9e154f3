// Changes of filter without clicks: a source circling the head, a head turning, an HRTF
// swap. The measure (issue 11): a 1 kHz tone rendered through the change; the energy the
// output has above 4 kHz, relative to its total energy, in a window that starts after the
// tone's own onset. A clean render leaves only the 1 kHz line (and its slow modulation by
// the moving filter) there; each filter switch without a crossfade adds a broadband click.
#include <catch2/catch.hpp>

#include <cmath>

#include "pinna/render.hpp"
#include "pinna/sofa.hpp"
#include "render_support.hpp"
#include "support/test_support.hpp"

using namespace pinna;

namespace {

constexpr double kToneHz = 1000.0;
constexpr double kCutoffHz = 4000.0;
constexpr double kLimitDb = -60.0;

struct Leakage {
    double left_db = 0.0, right_db = 0.0;
    double worst() const { return std::max(left_db, right_db); }
};

Leakage leakage(const test::Stereo& y, double fs) {
    // From 0.1 s: the tone starts abruptly at 0, which is broadband by itself.
    const std::size_t begin = static_cast<std::size_t>(0.1 * fs);
    return {test::high_band_db(y.left, begin, y.left.size(), fs, kCutoffHz),
            test::high_band_db(y.right, begin, y.right.size(), fs, kCutoffHz)};
}

// A source circling the head in the horizontal plane at `rev_per_s`, 2 s.
Leakage circling_source(std::shared_ptr<const QueryEngine> engine, FilterTransition transition,
                        std::size_t block, double rev_per_s) {
    const double fs = engine->sample_rate_hz();
    RendererOptions o;
    o.block_size = block;
    o.max_sources = 1;
    o.transition = transition;
    BinauralRenderer renderer(std::move(engine), o);
    const auto x = test::tone(kToneHz, static_cast<std::size_t>(2.0 * fs), fs);
    const test::Stereo y = test::render(renderer, {x}, [&](std::size_t b, BinauralRenderer& r) {
        // The direction at the block's last sample (the filter is fully new there).
        const double t = static_cast<double>((b + 1) * block - 1) / fs;
        r.set_direction(0, Direction{360.0 * rev_per_s * t, 0.0, 1.0});
    });
    return leakage(y, fs);
}

// A source fixed in the world at 30 degrees left, the head turning at `deg_per_s`, 2 s.
Leakage turning_head(std::shared_ptr<const QueryEngine> engine, FilterTransition transition,
                     std::size_t block, double deg_per_s) {
    const double fs = engine->sample_rate_hz();
    RendererOptions o;
    o.block_size = block;
    o.max_sources = 1;
    o.transition = transition;
    BinauralRenderer renderer(std::move(engine), o);
    const auto x = test::tone(kToneHz, static_cast<std::size_t>(2.0 * fs), fs);
    const test::Stereo y = test::render(renderer, {x}, [&](std::size_t b, BinauralRenderer& r) {
        const double t = static_cast<double>((b + 1) * block - 1) / fs;
        r.set_world_direction(0, Direction{30.0, 0.0, 1.0});
        r.set_head_orientation(HeadOrientation{deg_per_s * t, 0.0, 0.0});
    });
    return leakage(y, fs);
}

}  // namespace

TEST_CASE("a source circling the head once per second makes no click (KEMAR)",
          "[render][transition]") {
    for (const InterpolationMethod method :
         {InterpolationMethod::nearest, InterpolationMethod::barycentric}) {
        const auto engine = test::kemar_engine(method);
        if (!engine) {
            WARN("skipped: the KEMAR file of libmysofa1 is not installed");
            return;
        }
        CAPTURE(to_string(method));
        const Leakage faded = circling_source(engine, FilterTransition::crossfade, 256, 1.0);
        CHECK(faded.worst() < kLimitDb);
        if (method == InterpolationMethod::nearest) {
            // The test bites: the same render switching filters at block boundaries.
            const Leakage switched =
                circling_source(engine, FilterTransition::switch_at_block, 256, 1.0);
            CHECK(switched.worst() > kLimitDb);
        }
    }
}

TEST_CASE("a head turning at 180 degrees per second makes no click (KEMAR)",
          "[render][transition]") {
    const auto engine = test::kemar_engine(InterpolationMethod::nearest);
    if (!engine) {
        WARN("skipped: the KEMAR file of libmysofa1 is not installed");
        return;
    }
    const Leakage faded = turning_head(engine, FilterTransition::crossfade, 256, 180.0);
    CHECK(faded.worst() < kLimitDb);
    const Leakage switched = turning_head(engine, FilterTransition::switch_at_block, 256, 180.0);
    CHECK(switched.worst() > kLimitDb);
    // Barycentric filters and small blocks are no worse.
    const Leakage small_blocks = turning_head(test::kemar_engine(InterpolationMethod::barycentric),
                                              FilterTransition::crossfade, 64, 180.0);
    CHECK(small_blocks.worst() < kLimitDb);
}

TEST_CASE("moving sources make no click on SONICOM data", "[render][transition][data]") {
    PINNA_REQUIRE_DATASETS();
    const std::string path = test::dataset_file("sonicom/P0003_FreeFieldComp_44kHz.sofa");
    if (path.empty()) {
        WARN("skipped: sonicom/P0003_FreeFieldComp_44kHz.sofa not found");
        return;
    }
    QueryEngineOptions eo;
    eo.interpolation = InterpolationMethod::nearest;
    eo.build_threads = 0;
    const auto engine = std::make_shared<const QueryEngine>(read_sofa(path), eo);
    CHECK(circling_source(engine, FilterTransition::crossfade, 256, 1.0).worst() < kLimitDb);
    CHECK(circling_source(engine, FilterTransition::switch_at_block, 256, 1.0).worst() > kLimitDb);
    CHECK(turning_head(engine, FilterTransition::crossfade, 256, 180.0).worst() < kLimitDb);
}

TEST_CASE("an HRTF swap while playing makes no click", "[render][transition][swap]") {
    const auto kemar = test::kemar_engine(InterpolationMethod::barycentric);
    if (!kemar) {
        WARN("skipped: the KEMAR file of libmysofa1 is not installed");
        return;
    }
    const double fs = kemar->sample_rate_hz();
    // A very different HRTF at the same rate: the synthetic set (resonances, onsets of its
    // own), so that the swap changes level, phase and delay of both ears at once.
    const auto other = std::make_shared<const QueryEngine>(test::synthetic_set(200, 128, fs),
                                                           QueryEngineOptions{});
    for (const FilterTransition transition :
         {FilterTransition::crossfade, FilterTransition::switch_at_block}) {
        RendererOptions o;
        o.block_size = 256;
        o.max_sources = 1;
        o.transition = transition;
        BinauralRenderer renderer(kemar, o);
        const auto x = test::tone(kToneHz, static_cast<std::size_t>(2.0 * fs), fs);
        const std::size_t swap_block = static_cast<std::size_t>(fs / 256.0);  // about 1 s
        const test::Stereo y = test::render(renderer, {x}, [&](std::size_t b, BinauralRenderer& r) {
            r.set_direction(0, Direction{30.0, 10.0, 1.0});
            if (b == swap_block)
                r.set_hrtf(other);  // taken at the start of this very block
        });
        REQUIRE(renderer.hrtf_swaps() == 1);
        const Leakage l = leakage(y, fs);
        if (transition == FilterTransition::crossfade)
            CHECK(l.worst() < kLimitDb);
        else
            CHECK(l.worst() > kLimitDb);  // the test bites
    }
}

TEST_CASE("after a swap the renderer sounds as if built on the new HRTF", "[render][swap]") {
    const HrirSet a = test::synthetic_set(60, 64);
    const HrirSet b = test::long_synthetic_set(80, 200, 30.0);
    const auto ea = std::make_shared<const QueryEngine>(a);
    const auto eb = std::make_shared<const QueryEngine>(b);
    RendererOptions o;
    o.block_size = 64;
    o.max_sources = 2;
    o.max_taps = 256;  // room for the longer IRs of b
    BinauralRenderer swapped(ea, o), reference(eb, o);
    std::vector<std::vector<float>> x = {test::tone(700.0, 64 * 40, 48000.0),
                                         test::tone(1300.0, 64 * 40, 48000.0)};
    auto moving = [](std::size_t block, BinauralRenderer& r) {
        r.set_direction(0, Direction{10.0 * static_cast<double>(block), 0.0, 1.0});
        r.set_direction(1, Direction{-60.0, 20.0, 1.0});
    };
    const test::Stereo ref = test::render(reference, x, moving);
    const test::Stereo y = test::render(swapped, x, [&](std::size_t block, BinauralRenderer& r) {
        moving(block, r);
        if (block == 10)
            r.set_hrtf(eb);
    });
    // Once the crossfade block and the frames filled through the old delays have passed
    // (the FFT frame, the partitions and the delay line), the outputs agree.
    const std::size_t settled = 64 * (11 + 2 + reference.partitions() + 2);
    for (std::size_t n = settled; n < ref.left.size(); ++n) {
        REQUIRE(y.left[n] == Approx(ref.left[n]).margin(1e-5));
        REQUIRE(y.right[n] == Approx(ref.right[n]).margin(1e-5));
    }
}
