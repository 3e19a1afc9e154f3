#include <algorithm>
#include <cmath>
#include <cstring>
#include <exception>
#include <thread>
#include <vector>

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
    detail::SphericalTriangulation triangulation;
    SphericalIndex index;

    Impl(HrirSet set, const QueryEngineOptions& opts)
        : options(opts), triangulation(set.directions()), index(set.directions()) {
        if (opts.sample_rate_hz != 0.0 && set.sample_rate_hz() != opts.sample_rate_hz)
            set = resample(set, opts.sample_rate_hz);
        HrirSet split = split_in_parallel(set, opts.build_threads);
        if (opts.taps != 0)
            fit_taps(split, opts.taps, std::min<std::size_t>(opts.taps / 8, 16));
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
        HrirSet split = to_minimum_phase(set);
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

    static HrirSet prepared(const HrirSet& set) {
        HrirSet s = set;
        s.validate();
        apply_delays(s);
        return s;
    }
};

QueryEngine::QueryEngine(const HrirSet& set, const QueryEngineOptions& options) {
    if (options.sample_rate_hz < 0.0 || !std::isfinite(options.sample_rate_hz))
        throw InvalidArgumentError(
            "QueryEngine: output sample rate must be positive (or 0 to keep the set's)");
    impl_ = std::make_unique<Impl>(Impl::prepared(set), options);
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
           impl_->delays.capacity() * sizeof(float) + impl_->triangulation.memory_bytes() +
           impl_->index.size() * 2 * (4 * sizeof(double) + 6 * sizeof(std::size_t));
}

void QueryEngine::query(const Vec3& direction, float* left, float* right,
                        EarDelays& delays) const noexcept {
    const Impl& s = *impl_;
    Vec3 u = direction;
    const double length = norm(u);
    if (!(length > 0.0) || !std::isfinite(length))
        u = {1.0, 0.0, 0.0};
    else
        u = {u.x / length, u.y / length, u.z / length};

    detail::Weights3 w;
    if (s.options.interpolation == QueryInterpolation::nearest) {
        w.count = 1;
        w.index[0] = static_cast<std::uint32_t>(s.index.nearest(u));
        w.weight[0] = 1.0f;
    } else {
        w = s.triangulation.locate(u);
    }

    const std::size_t n = s.taps;
    float* out[2] = {left, right};
    float delay[2] = {0.0f, 0.0f};
    for (std::size_t e = 0; e < kEars; ++e) {
        const float* first = s.irs.data() + (std::size_t{w.index[0]} * kEars + e) * n;
        const float w0 = w.weight[0];
        float* y = out[e];
        for (std::size_t t = 0; t < n; ++t)
            y[t] = w0 * first[t];
        for (int k = 1; k < w.count; ++k) {
            const float* x = s.irs.data() + (std::size_t{w.index[k]} * kEars + e) * n;
            const float wk = w.weight[k];
            for (std::size_t t = 0; t < n; ++t)
                y[t] += wk * x[t];
        }
        for (int k = 0; k < w.count; ++k)
            delay[e] += w.weight[k] * s.delays[std::size_t{w.index[k]} * kEars + e];
    }
    delays.left_samples = delay[0];
    delays.right_samples = delay[1];
}

}  // namespace pinna
