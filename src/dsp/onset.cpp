#include <cmath>

#include "pinna/time_domain.hpp"

namespace pinna {

double onset_samples(const float* ir, std::size_t n, const OnsetOptions& options) noexcept {
    double peak = 0.0;
    for (std::size_t t = 0; t < n; ++t)
        peak = std::fmax(peak, std::fabs(static_cast<double>(ir[t])));
    if (peak == 0.0)
        return 0.0;
    const double level = peak * std::pow(10.0, options.threshold_db / 20.0);
    for (std::size_t t = 0; t < n; ++t) {
        const double a = std::fabs(static_cast<double>(ir[t]));
        if (a < level)
            continue;
        if (!options.fractional)
            return static_cast<double>(t);
        // Samples before the IR count as 0, so a crossing at sample 0 lands in (-1, 0].
        const double before = t > 0 ? std::fabs(static_cast<double>(ir[t - 1])) : 0.0;
        return static_cast<double>(t) - 1.0 + (level - before) / (a - before);
    }
    return 0.0;  // not reached: the peak itself reaches any level <= peak
}

}  // namespace pinna
