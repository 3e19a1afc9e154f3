#include <cmath>
#include <limits>

#include "core/vec_math.hpp"
#include "dsp/fft.hpp"
#include "interp/delay_alignment.hpp"
#include "interp/head_model.hpp"
#include "interp/sh_weights.hpp"
#include "interp/triangulation.hpp"
#include "pinna/delay.hpp"
#include "pinna/error.hpp"
#include "pinna/interpolate.hpp"
#include "pinna/time_domain.hpp"

namespace pinna {

InterpolationMethod parse_interpolation_method(const std::string& name) {
    if (name == "nearest")
        return InterpolationMethod::nearest;
    if (name == "barycentric")
        return InterpolationMethod::barycentric;
    if (name == "sh")
        return InterpolationMethod::sh;
    throw InvalidArgumentError("unknown interpolation method '" + name +
                               "' (expected nearest, barycentric or sh)");
}

const char* to_string(InterpolationMethod method) noexcept {
    switch (method) {
        case InterpolationMethod::nearest:
            return "nearest";
        case InterpolationMethod::barycentric:
            return "barycentric";
        case InterpolationMethod::sh:
            return "sh";
    }
    return "?";
}

namespace {
using WeightList = std::vector<std::pair<std::size_t, double>>;
constexpr double kExactHitDeg = 1e-6;
}  // namespace

struct Interpolator::Impl {
    InterpolationOptions options;
    HrirSet measured;
    std::vector<Vec3> units;
    detail::SphericalTriangulation triangulation;
    std::unique_ptr<detail::ShWeights> sh;
    // Time-aligned representation.
    std::size_t bins = 0;
    std::vector<double> magnitude_db;    // [m][ear][bin]
    std::vector<double> delays;          // [m][ear], samples
    std::vector<double> delay_residual;  // [m][ear], measured - head model
    detail::HeadModel head;

    Impl(const HrirSet& set, const InterpolationOptions& opts)
        : options(opts), measured(with_delays_applied(set)), triangulation(measured.directions()) {
        for (const Direction& d : measured.directions())
            units.push_back(unit_vector(d));
        if (options.method == InterpolationMethod::sh)
            sh = std::make_unique<detail::ShWeights>(measured.directions(), options.sh_order,
                                                     options.sh_regularisation);
        if (options.time_aligned)
            prepare_time_aligned();
    }

    void prepare_time_aligned() {
        const std::size_t m = measured.measurements(), n = measured.taps();
        bins = n / 2 + 1;
        RealFft fft(n);
        std::vector<double> x(n);
        std::vector<RealFft::Complex> spectrum(bins);
        magnitude_db.resize(m * kEars * bins);
        delays.resize(m * kEars);
        for (std::size_t i = 0; i < m; ++i)
            for (std::size_t e = 0; e < kEars; ++e) {
                const float* ir = measured.ir(i, static_cast<Ear>(e));
                for (std::size_t t = 0; t < n; ++t)
                    x[t] = ir[t];
                fft.forward(x.data(), spectrum.data());
                double* db = &magnitude_db[(i * kEars + e) * bins];
                for (std::size_t k = 0; k < bins; ++k)
                    db[k] = 20.0 * std::log10(std::max(std::abs(spectrum[k]), kMagnitudeFloor));
                const MinimumPhaseIr split = minimum_phase(ir, n);
                delays[i * kEars + e] = detail::envelope_aligned_delay(
                    ir, split.ir.data(), n, split.delay_samples, measured.sample_rate_hz());
            }
        delay_residual = delays;
        if (options.head_model_delays) {
            head = detail::fit_head_model(measured.directions(), delays, measured.sample_rate_hz());
            for (std::size_t i = 0; i < m; ++i)
                for (int e = 0; e < 2; ++e)
                    delay_residual[i * kEars + e] -= head.delay_samples(units[i], e);
        }
    }

    // The measurement at (within 1e-6 degrees of) u, or npos.
    std::size_t exact_hit(const Vec3& u) const {
        for (std::size_t i = 0; i < units.size(); ++i)
            if (angle_between_deg(units[i], u) <= kExactHitDeg)
                return i;
        return std::numeric_limits<std::size_t>::max();
    }

    std::size_t nearest(const Vec3& u) const {
        std::size_t best = 0;
        double best_dot = -2.0;
        for (std::size_t i = 0; i < units.size(); ++i)
            if (dot(units[i], u) > best_dot)
                best_dot = dot(units[i], u), best = i;
        return best;
    }

    WeightList barycentric(const Vec3& u) const {
        const detail::Weights3 w = triangulation.locate(u);
        WeightList out;
        for (int k = 0; k < w.count; ++k)
            if (w.weight[k] > 0.0f)
                out.emplace_back(w.index[k], w.weight[k]);
        return out;
    }

    // Weights for the delays of the time-aligned mode: never the SH ones (an SH fit of
    // delays rings over gaps); barycentric for barycentric and sh.
    WeightList delay_weights(const Vec3& u) const {
        if (options.method == InterpolationMethod::nearest)
            return {{nearest(u), 1.0}};
        return barycentric(u);
    }

    WeightList weights(const Vec3& u) const {
        const std::size_t hit = exact_hit(u);
        if (hit != std::numeric_limits<std::size_t>::max())
            return {{hit, 1.0}};
        switch (options.method) {
            case InterpolationMethod::nearest:
                return {{nearest(u), 1.0}};
            case InterpolationMethod::barycentric:
                return barycentric(u);
            case InterpolationMethod::sh:
                return sh->weights(u, barycentric(u));
        }
        return {};
    }

    void mix_plain(const WeightList& w, std::size_t target, HrirSet& out) const {
        const std::size_t n = measured.taps();
        for (std::size_t e = 0; e < kEars; ++e) {
            float* y = out.ir(target, static_cast<Ear>(e));
            std::vector<double> acc(n, 0.0);
            for (const auto& [i, wi] : w) {
                const float* x = measured.ir(i, static_cast<Ear>(e));
                for (std::size_t t = 0; t < n; ++t)
                    acc[t] += wi * x[t];
            }
            for (std::size_t t = 0; t < n; ++t)
                y[t] = static_cast<float>(acc[t]);
        }
    }

    void mix_time_aligned(const WeightList& w, const Vec3& u, std::size_t target,
                          HrirSet& out) const {
        const std::size_t n = measured.taps();
        const WeightList dw = delay_weights(u);
        std::vector<double> magnitude(bins);
        for (std::size_t e = 0; e < kEars; ++e) {
            for (std::size_t k = 0; k < bins; ++k) {
                double db = 0.0;
                for (const auto& [i, wi] : w)
                    db += wi * magnitude_db[(i * kEars + e) * bins + k];
                magnitude[k] = std::pow(10.0, db / 20.0);
            }
            const std::vector<float> min_phase =
                minimum_phase_from_magnitude(magnitude.data(), n, n);
            double delay =
                options.head_model_delays ? head.delay_samples(u, static_cast<int>(e)) : 0.0;
            for (const auto& [i, wi] : dw)
                delay += wi * delay_residual[i * kEars + e];
            delay_signal(min_phase.data(), n, std::max(0.0, delay),
                         out.ir(target, static_cast<Ear>(e)), n);
        }
    }
};

Interpolator::Interpolator(const HrirSet& measured, const InterpolationOptions& options)
    : impl_(std::make_unique<Impl>(measured, options)) {}
Interpolator::~Interpolator() = default;
Interpolator::Interpolator(Interpolator&&) noexcept = default;
Interpolator& Interpolator::operator=(Interpolator&&) noexcept = default;

const InterpolationOptions& Interpolator::options() const noexcept {
    return impl_->options;
}

std::vector<std::pair<std::size_t, double>> Interpolator::weights(const Direction& target) const {
    return impl_->weights(unit_vector(target));
}

HrirSet Interpolator::interpolate(const std::vector<Direction>& targets) const {
    const HrirSet& m = impl_->measured;
    HrirSet out(m.sample_rate_hz(), m.taps(), targets);
    out.metadata = m.metadata;
    for (std::size_t t = 0; t < targets.size(); ++t) {
        const Vec3 u = unit_vector(targets[t]);
        const WeightList w = impl_->weights(u);
        if (impl_->exact_hit(u) != std::numeric_limits<std::size_t>::max() ||
            (!impl_->options.time_aligned && w.size() == 1)) {
            // A measured direction (or plain nearest): copy the measurement itself.
            for (std::size_t e = 0; e < kEars; ++e)
                std::copy(m.ir(w[0].first, static_cast<Ear>(e)),
                          m.ir(w[0].first, static_cast<Ear>(e)) + m.taps(),
                          out.ir(t, static_cast<Ear>(e)));
        } else if (impl_->options.time_aligned) {
            impl_->mix_time_aligned(w, u, t, out);
        } else {
            impl_->mix_plain(w, t, out);
        }
    }
    return out;
}

HrirSet upsample(const HrirSet& measured, const std::vector<Direction>& targets,
                 const InterpolationOptions& options) {
    return Interpolator(measured, options).interpolate(targets);
}

}  // namespace pinna
