#include "pinna/resample.hpp"

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "dsp/kaiser.hpp"
#include "pinna/delay.hpp"
#include "pinna/error.hpp"
#include "pinna/geometry.hpp"
#include "pinna/hrir_set.hpp"

namespace pinna {

HrirSet resample(const HrirSet& set, double sample_rate_hz, const ResampleOptions& options) {
    if (!(sample_rate_hz > 0.0) || !std::isfinite(sample_rate_hz))
        throw InvalidArgumentError("resample: target sample rate " +
                                   std::to_string(sample_rate_hz) +
                                   " Hz is not finite and positive");
    if (!(set.sample_rate_hz() > 0.0) || !std::isfinite(set.sample_rate_hz()))
        throw InvalidArgumentError("resample: the set's sample rate " +
                                   std::to_string(set.sample_rate_hz()) + " Hz is not positive");
    if (!(options.cutoff > 0.0 && options.cutoff <= 1.0))
        throw InvalidArgumentError("resample: cutoff " + std::to_string(options.cutoff) +
                                   " is not in (0, 1]");
    if (options.half_length == 0)
        throw InvalidArgumentError("resample: half_length must be at least 1");
    const double fs_in = set.sample_rate_hz();
    if (sample_rate_hz == fs_in)
        return set;

    const double ratio = sample_rate_hz / fs_in;
    const std::size_t n_in = set.taps();
    const std::size_t n_out =
        static_cast<std::size_t>(std::ceil(static_cast<double>(n_in) * ratio - 1e-9));
    // Low-pass at cutoff x the lower Nyquist, in input-sample units: h(u) = 2 fc sinc(2 fc u),
    // fc in cycles per input sample, which has unit DC gain when summed over input samples.
    // Sampled ratio times as densely, a filter's taps sum to (and its DFT grows by) ratio:
    // `gain` takes that out where the response is to be kept.
    const double fc = 0.5 * options.cutoff * std::min(1.0, ratio);
    const double gain = options.keep_frequency_response ? 1.0 / ratio : 1.0;
    const double half_width_in =
        static_cast<double>(options.half_length) * std::max(1.0, 1.0 / ratio);

    HrirSet out(sample_rate_hz, n_out, set.directions());
    out.metadata = set.metadata;
    std::vector<double> weights;
    for (std::size_t t = 0; t < n_out; ++t) {
        const double centre = static_cast<double>(t) / ratio;  // position in input samples
        const long first = std::max(0L, static_cast<long>(std::ceil(centre - half_width_in)));
        const long last = std::min(static_cast<long>(n_in) - 1,
                                   static_cast<long>(std::floor(centre + half_width_in)));
        weights.clear();
        for (long i = first; i <= last; ++i) {
            const double u = static_cast<double>(i) - centre;
            const double r = u / half_width_in;
            weights.push_back(gain * 2.0 * fc * detail::sinc(2.0 * fc * u) *
                              detail::kaiser_window(r, options.kaiser_beta));
        }
        for (std::size_t m = 0; m < set.measurements(); ++m)
            for (std::size_t e = 0; e < kEars; ++e) {
                const Ear ear = static_cast<Ear>(e);
                const float* x = set.ir(m, ear);
                double acc = 0.0;
                for (std::size_t j = 0; j < weights.size(); ++j)
                    acc += weights[j] * static_cast<double>(x[first + static_cast<long>(j)]);
                out.ir(m, ear)[t] = static_cast<float>(acc);
            }
    }
    if (set.has_delays()) {
        out.delays_samples() = set.delays_samples();
        for (double& d : out.delays_samples())
            d *= ratio;
    }
    return out;
}

HrirSet conform(const HrirSet& set, double sample_rate_hz, std::size_t taps) {
    HrirSet out = with_delays_applied(set);
    if (std::fabs(out.sample_rate_hz() - sample_rate_hz) > 1e-9 * sample_rate_hz)
        out = resample(out, sample_rate_hz);
    if (out.taps() != taps)
        out.resize_taps(taps, std::max<std::size_t>(1, taps / 16));
    return out;
}

}  // namespace pinna
