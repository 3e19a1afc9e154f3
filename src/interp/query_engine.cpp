#include <algorithm>
#include <cmath>
#include <cstring>
#include <exception>
#include <thread>
#include <vector>

#include "core/vec_math.hpp"
#include "interp/delay_alignment.hpp"
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

    Impl(HrirSet set, const QueryEngineOptions& opts)
        : options(opts), directions(set.directions()), triangulation(set.directions()) {
        if (opts.sample_rate_hz != 0.0 && set.sample_rate_hz() != opts.sample_rate_hz)
            set = resample(set, opts.sample_rate_hz);
        HrirSet split = split_in_parallel(set, opts.build_threads);
        if (opts.taps != 0)
            split.resize_taps(opts.taps, std::min<std::size_t>(opts.taps / 8, 16));
        sample_rate_hz = split.sample_rate_hz();
        taps = split.taps();
        measurements = split.measurements();
        irs = split.data();
        delays.resize(measurements * kEars);
        for (std::size_t m = 0; m < measurements; ++m)
            for (std::size_t e = 0; e < kEars; ++e)
                delays[m * kEars + e] =
                    static_cast<float>(split.delay_samples(m, static_cast<Ear>(e)));
    }

    // Minimum-phase IRs with envelope-aligned delays; the measurements are cut into one
    // block per thread (the result does not depend on the count).
    static HrirSet split_minimum_phase(const HrirSet& set) {
        // The delays come from the envelopes alone: the split need not measure its own.
        MinimumPhaseOptions options;
        options.delay = MinimumPhaseOptions::Delay::none;
        HrirSet split = to_minimum_phase(set, options);
        detail::align_split_delays(set, split);
        return split;
    }

    static HrirSet split_in_parallel(const HrirSet& set, unsigned requested) {
        const std::size_t M = set.measurements();
        std::size_t threads = requested != 0 ? requested : std::thread::hardware_concurrency();
        threads = std::max<std::size_t>(1, std::min<std::size_t>(threads, M / 16));
        if (threads == 1)
            return split_minimum_phase(set);
        HrirSet split(set.sample_rate_hz(), set.taps(), set.directions());
        split.metadata = set.metadata;
        split.delays_samples().assign(M * kEars, 0.0);
        const std::size_t per_ear = set.taps(), per_m = kEars * per_ear;
        std::vector<std::exception_ptr> errors(threads);
        std::vector<std::thread> pool;
        for (std::size_t t = 0; t < threads; ++t)
            pool.emplace_back([&, t] {
                try {
                    const std::size_t begin = M * t / threads, end = M * (t + 1) / threads;
                    HrirSet part(set.sample_rate_hz(), set.taps(),
                                 std::vector<Direction>(set.directions().begin() + begin,
                                                        set.directions().begin() + end));
                    std::copy(set.data().begin() + begin * per_m, set.data().begin() + end * per_m,
                              part.data().begin());
                    const HrirSet done = split_minimum_phase(part);
                    std::copy(done.data().begin(), done.data().end(),
                              split.data().begin() + begin * per_m);
                    std::copy(done.delays_samples().begin(), done.delays_samples().end(),
                              split.delays_samples().begin() + begin * kEars);
                } catch (...) {
                    errors[t] = std::current_exception();
                }
            });
        for (std::thread& t : pool)
            t.join();
        for (const std::exception_ptr& e : errors)
            if (e)
                std::rethrow_exception(e);
        return split;
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

void QueryEngine::query(const Vec3& direction, float* left, float* right,
                        EarDelays& delays) const noexcept {
    QueryWeights w;
    weights(direction, w);
    const std::size_t n = impl_->taps;
    float* out[2] = {left, right};
    float delay[2] = {0.0f, 0.0f};
    for (const Ear ear : {Ear::left, Ear::right}) {
        const std::size_t e = static_cast<std::size_t>(ear);
        float* __restrict y = out[e];
        const float* __restrict a = measurement_ir(w.index[0], ear);
        const float wa = w.weight[0];
        if (w.count == 3) {
            // One pass: each output sample is written once (the mix is memory-bound).
            const float* __restrict b = measurement_ir(w.index[1], ear);
            const float* __restrict c = measurement_ir(w.index[2], ear);
            const float wb = w.weight[1], wc = w.weight[2];
            for (std::size_t t = 0; t < n; ++t)
                y[t] = wa * a[t] + wb * b[t] + wc * c[t];
        } else {
            for (std::size_t t = 0; t < n; ++t)
                y[t] = wa * a[t];
        }
        for (int k = 0; k < w.count; ++k)
            delay[e] += w.weight[k] * measurement_delay_samples(w.index[k], ear);
    }
    delays.left_samples = delay[0];
    delays.right_samples = delay[1];
}

}  // namespace pinna
