// pinna_render_bench: the cost of BinauralRenderer::process on one core.
//
//  1. Moving sources in real time: how many sources, each moving every block (its own
//     speed, horizontal circles and a slow elevation swing; barycentric filters: every
//     block changes every source's filter), one thread renders faster than real time, for
//     each block size asked (default 256 and 64). The count grows by doubling, then a
//     bisection to 2 %; a count is real time when the median cost of a block (over
//     `--reps` timed passes of `--blocks` blocks) is below the block's duration.
//  2. The cost of one process() call as a function of the block size (16 .. 4096): one
//     fixed source, one moving source, 64 moving sources; microseconds per call and
//     nanoseconds per sample and source.
// Costs are thread CPU time (CLOCK_THREAD_CPUTIME_ID), so that other jobs on a shared
// machine do not count; wall time is reported beside.
//
// usage: pinna_render_bench FILE.sofa [--rate HZ] [--taps N] [--blocks-sizes 256,64]
//                           [--reps R] [--blocks N] [--json OUT.json]
#include <time.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <memory>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "bench_common.hpp"
#include "pinna/atomic_file.hpp"
#include "pinna/query.hpp"
#include "pinna/render.hpp"
#include "pinna/sofa.hpp"

namespace pinna::bench {
namespace {

double thread_cpu_s() {
    timespec t{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return static_cast<double>(t.tv_sec) + 1e-9 * static_cast<double>(t.tv_nsec);
}

struct Cost {
    double cpu_s_per_block = 0.0;
    double wall_s_per_block = 0.0;
};

// A scene of `sources` sources, moving (every block) or fixed, rendered for timing.
class Scene {
  public:
    Scene(std::shared_ptr<const QueryEngine> engine, std::size_t block, std::size_t sources,
          bool moving)
        : moving_(moving), sources_(sources) {
        RendererOptions o;
        o.block_size = block;
        o.max_sources = sources;
        renderer_ = std::make_unique<BinauralRenderer>(std::move(engine), o);
        std::mt19937 rng(1);
        std::uniform_real_distribution<float> u(-0.5f, 0.5f);
        input_.resize(block * kInputBlocks);
        for (float& v : input_)
            v = u(rng);
        std::uniform_real_distribution<double> speed(60.0, 360.0), phase(0.0, 360.0);
        for (std::size_t s = 0; s < sources; ++s) {
            speeds_deg_per_s_.push_back(speed(rng) * (s % 2 ? -1.0 : 1.0));
            phases_deg_.push_back(phase(rng));
        }
        left_.resize(block);
        right_.resize(block);
        pointers_.resize(sources);
        for (std::size_t s = 0; s < sources; ++s)
            renderer_->set_direction(s, Direction{phases_deg_[s], 0.0, 1.0});
    }

    // Renders `blocks` blocks.
    void run(std::size_t blocks) {
        const std::size_t B = renderer_->block_size();
        const double dt = static_cast<double>(B) / renderer_->sample_rate_hz();
        for (std::size_t i = 0; i < blocks; ++i, ++block_) {
            const double t = static_cast<double>(block_) * dt;
            const float* in = input_.data() + (block_ % kInputBlocks) * B;
            for (std::size_t s = 0; s < sources_; ++s) {
                if (moving_)
                    renderer_->set_direction(
                        s, Direction{phases_deg_[s] + speeds_deg_per_s_[s] * t,
                                     20.0 * std::sin(0.5 * t + static_cast<double>(s)), 1.0});
                pointers_[s] = in;
            }
            renderer_->process(pointers_.data(), left_.data(), right_.data(), B);
        }
    }

    std::size_t block_size() const { return renderer_->block_size(); }
    double block_s() const {
        return static_cast<double>(renderer_->block_size()) / renderer_->sample_rate_hz();
    }

  private:
    static constexpr std::size_t kInputBlocks = 64;
    bool moving_;
    std::size_t sources_;
    std::size_t block_ = 0;
    std::unique_ptr<BinauralRenderer> renderer_;
    std::vector<float> input_, left_, right_;
    std::vector<const float*> pointers_;
    std::vector<double> speeds_deg_per_s_, phases_deg_;
};

Cost measure(Scene& scene, std::size_t blocks, int reps) {
    scene.run(std::max<std::size_t>(4, blocks / 4));  // warm-up: caches, first blocks
    std::vector<double> cpu, wall;
    for (int r = 0; r < reps; ++r) {
        const double c0 = thread_cpu_s(), w0 = now_s();
        scene.run(blocks);
        cpu.push_back((thread_cpu_s() - c0) / static_cast<double>(blocks));
        wall.push_back((now_s() - w0) / static_cast<double>(blocks));
    }
    return {median(cpu), median(wall)};
}

struct RealTime {
    std::size_t block = 0;
    std::size_t sources = 0;
    Cost cost;  // at that count
    double block_s = 0.0;
};

RealTime max_realtime_sources(const std::shared_ptr<const QueryEngine>& engine, std::size_t block,
                              std::size_t blocks, int reps) {
    auto fits = [&](std::size_t n, Cost& cost) {
        Scene scene(engine, block, n, true);
        // About the same rendering time per pass whatever the count.
        const std::size_t b = std::max<std::size_t>(8, blocks * 64 / std::max<std::size_t>(n, 64));
        cost = measure(scene, b, reps);
        std::fprintf(
            stderr, "  block %zu, %zu moving sources: %.1f us per block (%.0f %% of real time)\n",
            block, n, 1e6 * cost.cpu_s_per_block, 100.0 * cost.cpu_s_per_block / scene.block_s());
        return cost.cpu_s_per_block < scene.block_s();
    };
    RealTime result;
    result.block = block;
    Cost cost;
    std::size_t good = 0, bad = 16;
    while (fits(bad, cost)) {
        good = bad;
        result.cost = cost;
        bad *= 2;
    }
    while (bad - good > std::max<std::size_t>(1, good / 50)) {
        const std::size_t mid = (good + bad) / 2;
        if (fits(mid, cost)) {
            good = mid;
            result.cost = cost;
        } else {
            bad = mid;
        }
    }
    result.sources = good;
    result.block_s = static_cast<double>(block) / engine->sample_rate_hz();
    return result;
}

std::vector<std::size_t> parse_sizes(const std::string& text) {
    std::vector<std::size_t> sizes;
    std::stringstream s(text);
    for (std::string item; std::getline(s, item, ',');)
        sizes.push_back(static_cast<std::size_t>(std::stoul(item)));
    return sizes;
}

int main_impl(int argc, char** argv) {
    const Options opts(argc, argv,
                       {"--rate", "--taps", "--block-sizes", "--reps", "--blocks", "--json"}, {});
    if (opts.positionals().size() != 1)
        throw std::invalid_argument(
            "usage: pinna_render_bench FILE.sofa [--rate HZ] [--taps N] [--block-sizes 256,64] "
            "[--reps R] [--blocks N] [--json OUT.json]");
    const std::string path = opts.positionals()[0];
    const double rate = static_cast<double>(opts.get_long("--rate", 48000));
    const std::size_t taps = static_cast<std::size_t>(opts.get_long("--taps", 256));
    const int reps = static_cast<int>(opts.get_long("--reps", 5));
    const std::size_t blocks = static_cast<std::size_t>(opts.get_long("--blocks", 200));
    const std::vector<std::size_t> block_sizes = parse_sizes(opts.get("--block-sizes", "256,64"));
    const Machine machine = describe_machine();

    QueryEngineOptions eo;
    eo.sample_rate_hz = rate;
    eo.taps = taps;
    eo.build_threads = 0;
    const HrirSet set = read_sofa(path);
    const auto engine = std::make_shared<const QueryEngine>(set, eo);
    std::printf(
        "# BinauralRenderer on one core\n\n%s: %zu directions, resampled from %g Hz to "
        "%g Hz, %zu taps (barycentric). %s.\n\n",
        base_name(path).c_str(), engine->measurements(), set.sample_rate_hz(), rate, engine->taps(),
        format_machine(machine).c_str());

    std::printf("## Moving sources in real time (one thread)\n\n");
    std::printf(
        "| block | FFT size x partitions | sources in real time | us per block at that count "
        "(CPU) | block duration | us per source and block |\n|---:|---:|---:|---:|---:|---:|\n");
    std::ostringstream json;
    json << "{\n  \"file\": " << json_string(base_name(path)) << ",\n  \"rate_hz\": " << rate
         << ",\n  \"taps\": " << engine->taps()
         << ",\n  \"machine\": " << json_string(format_machine(machine)) << ",\n  \"realtime\": [";
    for (std::size_t i = 0; i < block_sizes.size(); ++i) {
        const std::size_t B = block_sizes[i];
        const RealTime r = max_realtime_sources(engine, B, blocks, reps);
        Scene probe(engine, B, 1, true);
        RendererOptions o;
        o.block_size = B;
        o.max_sources = 1;
        const BinauralRenderer layout(engine, o);
        std::printf("| %zu | %zu x %zu | **%zu** | %.0f | %.0f us | %.2f |\n", B, layout.fft_size(),
                    layout.partitions(), r.sources, 1e6 * r.cost.cpu_s_per_block, 1e6 * r.block_s,
                    1e6 * r.cost.cpu_s_per_block / static_cast<double>(r.sources));
        json << (i ? ",\n" : "\n") << "    {\"block\": " << B << ", \"sources\": " << r.sources
             << ", \"cpu_us_per_block\": " << 1e6 * r.cost.cpu_s_per_block
             << ", \"wall_us_per_block\": " << 1e6 * r.cost.wall_s_per_block << "}";
    }
    json << "\n  ],\n  \"per_call\": [";

    std::printf("\n## Cost of one process() call\n\n");
    std::printf(
        "| block | FFT size x partitions | 1 fixed source: us per call | ns per sample | 1 moving: "
        "us "
        "per call | ns per sample | 64 moving: us per call | ns per sample and source |\n"
        "|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    const std::size_t sizes[] = {16, 32, 64, 128, 256, 512, 1024, 2048, 4096};
    bool first = true;
    for (const std::size_t B : sizes) {
        Scene fixed(engine, B, 1, false), one(engine, B, 1, true), many(engine, B, 64, true);
        const std::size_t n = std::max<std::size_t>(16, 200000 / B);
        const Cost cf = measure(fixed, n, reps), c1 = measure(one, n, reps),
                   c64 = measure(many, std::max<std::size_t>(8, n / 32), reps);
        const double b = static_cast<double>(B);
        RendererOptions o;
        o.block_size = B;
        o.max_sources = 1;
        const BinauralRenderer layout(engine, o);
        std::printf("| %zu | %zu x %zu | %.2f | %.1f | %.2f | %.1f | %.1f | %.1f |\n", B,
                    layout.fft_size(), layout.partitions(), 1e6 * cf.cpu_s_per_block,
                    1e9 * cf.cpu_s_per_block / b, 1e6 * c1.cpu_s_per_block,
                    1e9 * c1.cpu_s_per_block / b, 1e6 * c64.cpu_s_per_block,
                    1e9 * c64.cpu_s_per_block / (b * 64.0));
        json << (first ? "\n" : ",\n") << "    {\"block\": " << B
             << ", \"fixed_us\": " << 1e6 * cf.cpu_s_per_block
             << ", \"moving_us\": " << 1e6 * c1.cpu_s_per_block
             << ", \"moving64_us\": " << 1e6 * c64.cpu_s_per_block << "}";
        first = false;
    }
    json << "\n  ]\n}\n";
    if (opts.get("--json", "") != "")
        write_file_atomically(opts.get("--json", ""), json.str());
    return 0;
}

}  // namespace
}  // namespace pinna::bench

int main(int argc, char** argv) {
    return pinna::bench::run_tool("pinna_render_bench", pinna::bench::main_impl, argc, argv);
}
