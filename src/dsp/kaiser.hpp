// The Kaiser window and the sinc, for pinna's windowed-sinc kernels (fractional delays,
// resampling). Private to the library.
#pragma once

#include <algorithm>
#include <cmath>

#include "core/vec_math.hpp"

namespace pinna::detail {

/// Modified Bessel function of the first kind, order 0, by its power series (converges
/// within a few dozen terms for the arguments a window uses; capped at 200).
inline double bessel_i0(double x) noexcept {
    double sum = 1.0, term = 1.0;
    const double q = x * x / 4.0;
    for (int k = 1; k < 200; ++k) {
        term *= q / (static_cast<double>(k) * k);
        sum += term;
        if (term < 1e-17 * sum)
            break;
    }
    return sum;
}

/// Kaiser window of shape `beta` at r in [-1, 1] (1 at the centre), 0 outside.
inline double kaiser_window(double r, double beta) noexcept {
    if (std::abs(r) > 1.0)
        return 0.0;
    return bessel_i0(beta * std::sqrt(std::max(0.0, 1.0 - r * r))) / bessel_i0(beta);
}

/// sin(pi x) / (pi x), 1 at 0.
inline double sinc(double x) noexcept {
    return x == 0.0 ? 1.0 : std::sin(kPi * x) / (kPi * x);
}

}  // namespace pinna::detail
