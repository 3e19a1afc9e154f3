// The audio-thread contract: process() and the setters allocate nothing (counted), and an
// HRTF handed over from a control thread while the audio thread renders is taken without
// a data race (run under ThreadSanitizer by the concurrency tests).
#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <new>
#include <thread>

#include "pinna/render.hpp"
#include "render/aligned.hpp"
#include "render_support.hpp"
#include "support/allocation_counter.hpp"
#include "support/test_support.hpp"

using namespace pinna;

TEST_CASE("process and the setters allocate nothing", "[render][realtime]") {
    // The counter itself works, for both forms: a vector allocates once, an aligned
    // renderer buffer too.
    test::allocations::start();
    { std::vector<float> probe(16); }
    { detail::AlignedFloats aligned(16); }
    REQUIRE(test::allocations::stop() == 2);

    const auto a = std::make_shared<const QueryEngine>(test::synthetic_set(120, 96));
    const auto b = std::make_shared<const QueryEngine>(test::long_synthetic_set(90, 200, 30.0));
    RendererOptions o;
    o.block_size = 100;
    o.max_sources = 8;
    o.max_taps = 200;
    BinauralRenderer renderer(a, o);
    const std::size_t B = renderer.block_size();
    std::vector<std::vector<float>> x(8, test::tone(440.0, 40 * B, 48000.0));
    std::vector<float> left(B), right(B);
    std::vector<const float*> in(8);
    RendererHrtf next = renderer.prepare_hrtf(b);  // control-thread work, not counted

    test::allocations::start();
    for (std::size_t block = 0; block < 40; ++block) {
        renderer.set_head_orientation(HeadOrientation{3.0 * static_cast<double>(block), 1.0, 2.0});
        renderer.set_head_orientation(Quaternion{1.0, 0.01, 0.0, 0.02});
        for (std::size_t s = 0; s < 8; ++s) {
            const double az = 17.0 * static_cast<double>(block + s);
            if (s % 2 == 0)
                renderer.set_direction(s, Direction{az, 10.0, 1.0});
            else
                renderer.set_world_direction(s, Vec3{std::cos(az), std::sin(az), 0.1});
            renderer.set_gain(s, 0.5f + 0.01f * static_cast<float>(block));
            // Sources 6 and 7 fall silent half way (tails, then idle).
            in[s] = (s >= 6 && block >= 20) ? nullptr : x[s].data() + block * B;
        }
        renderer.set_direct(5, block >= 30);
        if (block == 10) {
            test::allocations::pause();  // handing over is control-thread work
            renderer.set_hrtf(std::move(next));
            test::allocations::resume();
        }
        renderer.process(in.data(), left.data(), right.data(), block == 39 ? B - 30 : B);
    }
    CHECK(test::allocations::stop() == 0);
    CHECK(renderer.hrtf_swaps() == 1);
}

TEST_CASE("HRTFs handed over from a control thread while the audio thread renders",
          "[render][realtime][concurrency]") {
    const auto a = std::make_shared<const QueryEngine>(test::synthetic_set(60, 64));
    const auto b = std::make_shared<const QueryEngine>(test::long_synthetic_set(50, 150, 20.0));
    RendererOptions o;
    o.block_size = 64;
    o.max_sources = 4;
    o.max_taps = 150;
    BinauralRenderer renderer(a, o);
    std::atomic<bool> done{false};
    std::atomic<int> handed{0};

    std::thread control([&] {
        // Hand over alternately, as fast as HRTFs can be prepared, until the audio thread
        // stops; then free what it retired.
        for (int i = 0; !done.load(); ++i) {
            renderer.set_hrtf(i % 2 == 0 ? b : a);
            handed.fetch_add(1);
            std::this_thread::sleep_for(std::chrono::microseconds(200));
        }
        renderer.release_retired_hrtfs();
    });

    const std::size_t B = 64;
    const std::vector<float> x = test::tone(500.0, B, 48000.0);
    std::vector<float> left(B), right(B);
    const float* in[4] = {x.data(), x.data(), nullptr, x.data()};
    bool finite = true;
    const auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(600);
    std::size_t blocks = 0;
    while (std::chrono::steady_clock::now() < until || renderer.hrtf_swaps() < 5) {
        for (std::size_t s = 0; s < 4; ++s)
            renderer.set_direction(s, Direction{7.0 * static_cast<double>(blocks + s), 0.0, 1.0});
        renderer.process(in, left.data(), right.data(), B);
        for (std::size_t n = 0; n < B; ++n)
            finite = finite && std::isfinite(left[n]) && std::isfinite(right[n]) &&
                     std::fabs(left[n]) < 100.0f;
        ++blocks;
        std::this_thread::sleep_for(std::chrono::microseconds(50));
    }
    done = true;
    control.join();
    CHECK(finite);
    CHECK(renderer.hrtf_swaps() >= 5);
    CHECK(renderer.hrtf_swaps() <= static_cast<std::uint64_t>(handed.load()));
}
