#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstring>
#include <exception>
#include <thread>
#include <vector>

#include "core/vec_math.hpp"
#include "dsp/fast_math.hpp"
#include "interp/filter_split.hpp"
#include "interp/mix.hpp"
#include "interp/triangulation.hpp"
#include "pinna/delay.hpp"
#include "pinna/error.hpp"
#include "pinna/grid.hpp"
#include "pinna/hrir_set.hpp"
#include "pinna/query.hpp"
#include "pinna/resample.hpp"
#include "pinna/time_domain.hpp"

namespace pinna {

struct QueryEngine::Impl {
    QueryEngineOptions options;
    double sample_rate_hz = 0.0;
    std::size_t taps = 0;
    std::size_t measurements = 0;
    std::vector<float> irs;     // minimum-phase IRs [m][ear][tap]
    std::vector<float> delays;  // [m][ear], samples
    std::vector<Direction> directions;
    detail::SphericalTriangulation triangulation;

    // `set` is valid, its delays applied.
    Impl(const HrirSet& set, const QueryEngineOptions& opts)
        : options(opts), directions(set.directions()) {
        if (opts.sample_rate_hz != 0.0 && set.sample_rate_hz() != opts.sample_rate_hz) {
            build(resample(set, opts.sample_rate_hz));
        } else {
            build(set);
        }
    }

    void build(const HrirSet& set) {
        sample_rate_hz = set.sample_rate_hz();
        taps = set.taps();
        measurements = set.measurements();
        irs.assign(measurements * kEars * taps, 0.0f);
        delays.assign(measurements * kEars, 0.0f);
        split_in_parallel(set, options.build_threads);
        if (options.taps != 0 && options.taps != taps)
            resize(options.taps);
    }

    // Minimum-phase IRs and their delays (interp/filter_split.hpp), and the triangulation,
    // which needs only the directions. With several threads the measurements are split in
    // chunks that each thread takes in turn, the calling thread once it has built the
    // triangulation (3 - 4 ms for 800 directions, a third of the build on two cores when it
    // ran before the split). Each IR's split does not depend on the thread that makes it.
    void split_in_parallel(const HrirSet& set, unsigned requested) {
        const std::size_t M = measurements;
        std::size_t threads = requested != 0 ? requested : std::thread::hardware_concurrency();
        threads = std::max<std::size_t>(1, std::min<std::size_t>(threads, M / 16));
        if (threads == 1) {
            triangulation = detail::SphericalTriangulation(directions);
            detail::split_filters(set, 0, M, irs.data(), delays.data());
            return;
        }
        constexpr std::size_t kChunk = 16;
        const std::size_t chunks = (M + kChunk - 1) / kChunk;
        std::atomic<std::size_t> next{0};
        const auto split_chunks = [&] {
            detail::FilterSplitter splitter(taps, sample_rate_hz);
            for (std::size_t c = next++; c < chunks; c = next++)
                detail::split_filters(splitter, set, c * kChunk, std::min(M, (c + 1) * kChunk),
                                      irs.data(), delays.data());
        };
        std::vector<std::exception_ptr> errors(threads);
        std::vector<std::thread> pool;
        try {
            for (std::size_t t = 1; t < threads; ++t)
                pool.emplace_back([&, t] {
                    try {
                        split_chunks();
                    } catch (...) {
                        errors[t] = std::current_exception();
                    }
                });
            triangulation = detail::SphericalTriangulation(directions);
            split_chunks();
        } catch (...) {  // from this thread's work, or a thread that could not start
            errors[0] = std::current_exception();
            next = chunks;  // the others stop after their chunk
        }
        for (std::thread& t : pool)
            t.join();
        for (const std::exception_ptr& e : errors)
            if (e)
                std::rethrow_exception(e);
    }

    // Cuts or zero-pads every IR to `n` taps, fading the last few out when cutting.
    void resize(std::size_t n) {
        HrirSet split(sample_rate_hz, taps, directions);
        split.data() = std::move(irs);
        split.resize_taps(n, std::min<std::size_t>(n / 8, 16));
        irs = std::move(split.data());
        taps = n;
    }
};

QueryEngine::QueryEngine(const HrirSet& set, const QueryEngineOptions& options) {
    if (options.sample_rate_hz < 0.0 || !std::isfinite(options.sample_rate_hz))
        throw InvalidArgumentError(
            "QueryEngine: output sample rate must be positive (or 0 to keep the set's)");
    if (options.interpolation == InterpolationMethod::sh)
        throw InvalidArgumentError(
            "QueryEngine: interpolation 'sh' is not a real-time method; use 'nearest' or "
            "'barycentric' (pinna::Interpolator offers 'sh')");
    impl_ = std::make_unique<Impl>(with_delays_applied(set), options);
}

QueryEngine::~QueryEngine() = default;
QueryEngine::QueryEngine(QueryEngine&&) noexcept = default;
QueryEngine& QueryEngine::operator=(QueryEngine&&) noexcept = default;

std::size_t QueryEngine::taps() const noexcept {
    return impl_->taps;
}
double QueryEngine::sample_rate_hz() const noexcept {
    return impl_->sample_rate_hz;
}
std::size_t QueryEngine::measurements() const noexcept {
    return impl_->measurements;
}

std::size_t QueryEngine::memory_bytes() const noexcept {
    return sizeof(Impl) + impl_->irs.capacity() * sizeof(float) +
           impl_->delays.capacity() * sizeof(float) +
           impl_->directions.capacity() * sizeof(Direction) + impl_->triangulation.memory_bytes();
}

void QueryEngine::weights(const Vec3& direction, QueryWeights& out) const noexcept {
    const Impl& s = *impl_;
    const double length = norm(direction);
    const Vec3 u = !(length > 0.0) || !std::isfinite(length)
                       ? Vec3{1.0, 0.0, 0.0}
                       : Vec3{direction.x / length, direction.y / length, direction.z / length};
    if (s.options.interpolation == InterpolationMethod::nearest) {
        out.count = 1;
        out.index[0] = static_cast<std::uint32_t>(s.triangulation.nearest(u));
        out.weight[0] = 1.0f;
        return;
    }
    const detail::Weights3 w = s.triangulation.locate(u);
    out.count = w.count;
    for (int k = 0; k < 3; ++k) {
        out.index[k] = w.index[k];
        out.weight[k] = w.weight[k];
    }
}

const float* QueryEngine::measurement_ir(std::size_t m, Ear ear) const noexcept {
    return impl_->irs.data() + (m * kEars + static_cast<std::size_t>(ear)) * impl_->taps;
}

float QueryEngine::measurement_delay_samples(std::size_t m, Ear ear) const noexcept {
    return impl_->delays[m * kEars + static_cast<std::size_t>(ear)];
}

const Direction& QueryEngine::measurement_direction(std::size_t m) const noexcept {
    return impl_->directions[m];
}

namespace detail {

// One pass: each output sample is written once (the mix is memory-bound); AVX2 halves the
// instructions per byte where the CPU has it.
PINNA_VECTOR_CLONES void mix3(float* __restrict y, const float* __restrict a,
                              const float* __restrict b, const float* __restrict c, float wa,
                              float wb, float wc, std::size_t n) noexcept {
    for (std::size_t t = 0; t < n; ++t)
        y[t] = wa * a[t] + wb * b[t] + wc * c[t];
}

PINNA_VECTOR_CLONES void scale(float* __restrict y, const float* __restrict a, float wa,
                               std::size_t n) noexcept {
    for (std::size_t t = 0; t < n; ++t)
        y[t] = wa * a[t];
}

}  // namespace detail

void QueryEngine::query(const Vec3& direction, float* left, float* right,
                        EarDelays& delays) const noexcept {
    QueryWeights w;
    weights(direction, w);
    const std::size_t n = impl_->taps;
    float* out[2] = {left, right};
    float delay[2] = {0.0f, 0.0f};
    for (const Ear ear : {Ear::left, Ear::right}) {
        const std::size_t e = static_cast<std::size_t>(ear);
        float* y = out[e];
        const float* a = measurement_ir(w.index[0], ear);
        const float wa = w.weight[0];
        if (w.count == 3)
            detail::mix3(y, a, measurement_ir(w.index[1], ear), measurement_ir(w.index[2], ear), wa,
                         w.weight[1], w.weight[2], n);
        else
            detail::scale(y, a, wa, n);
        for (int k = 0; k < w.count; ++k)
            delay[e] += w.weight[k] * measurement_delay_samples(w.index[k], ear);
    }
    delays.left_samples = delay[0];
    delays.right_samples = delay[1];
}

}  // namespace pinna
