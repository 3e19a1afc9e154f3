// Sensorimotor mapping (Eq. 7) and the performance measures derived from the probability
// mass vectors (AMT's baumgartner2014_pmv2ppp).
#include <cmath>
#include <limits>
#include <string>
#include <utility>

#include "core/vec_math.hpp"
#include "perception/stages.hpp"
#include "pinna/error.hpp"

namespace pinna::perception {

namespace {

// Solves A X = B in place for a dense n x n A (row-major) and n x k B, by Gaussian
// elimination with partial pivoting. The not-a-knot system is small (one row per template
// direction of a plane) and solved once per template plane.
void solve_dense(std::vector<double>& a, std::vector<double>& b, std::size_t n, std::size_t k) {
    for (std::size_t col = 0; col < n; ++col) {
        std::size_t pivot = col;
        for (std::size_t r = col + 1; r < n; ++r)
            if (std::abs(a[r * n + col]) > std::abs(a[pivot * n + col]))
                pivot = r;
        if (a[pivot * n + col] == 0.0)
            throw InvalidDataError(
                "perception: the spline through the template's polar angles "
                "is singular (repeated angles?)");
        if (pivot != col) {
            for (std::size_t c = 0; c < n; ++c)
                std::swap(a[col * n + c], a[pivot * n + c]);
            for (std::size_t c = 0; c < k; ++c)
                std::swap(b[col * k + c], b[pivot * k + c]);
        }
        for (std::size_t r = col + 1; r < n; ++r) {
            const double f = a[r * n + col] / a[col * n + col];
            if (f == 0.0)
                continue;
            for (std::size_t c = col; c < n; ++c)
                a[r * n + c] -= f * a[col * n + c];
            for (std::size_t c = 0; c < k; ++c)
                b[r * k + c] -= f * b[col * k + c];
        }
    }
    for (std::size_t col = n; col-- > 0;) {
        for (std::size_t c = 0; c < k; ++c) {
            double v = b[col * k + c];
            for (std::size_t j = col + 1; j < n; ++j)
                v -= a[col * n + j] * b[j * k + c];
            b[col * k + c] = v / a[col * n + col];
        }
    }
}

// Index i of the piece [x_i, x_i+1] that evaluates xi (end pieces extrapolate).
std::size_t piece_of(const std::vector<double>& x, double xi) {
    std::size_t i = 0;
    while (i + 2 < x.size() && xi > x[i + 1])
        ++i;
    return i;
}

}  // namespace

std::vector<double> spline_matrix(const std::vector<double>& x, const std::vector<double>& xi) {
    const std::size_t n = x.size();
    if (n < 2)
        throw InvalidArgumentError("perception: a spline needs at least 2 knots, got " +
                                   std::to_string(n));
    for (std::size_t i = 1; i < n; ++i)
        if (!(x[i] > x[i - 1]))
            throw InvalidArgumentError("perception: spline knots must ascend strictly");
    std::vector<double> w(xi.size() * n, 0.0);
    if (n == 2) {
        for (std::size_t r = 0; r < xi.size(); ++r) {
            const double t = (xi[r] - x[0]) / (x[1] - x[0]);
            w[r * n] = 1.0 - t;
            w[r * n + 1] = t;
        }
        return w;
    }
    if (n == 3) {
        // With three knots the not-a-knot spline is the parabola through them.
        for (std::size_t r = 0; r < xi.size(); ++r)
            for (std::size_t j = 0; j < 3; ++j) {
                double l = 1.0;
                for (std::size_t q = 0; q < 3; ++q)
                    if (q != j)
                        l *= (xi[r] - x[q]) / (x[j] - x[q]);
                w[r * n + j] = l;
            }
        return w;
    }
    // Second derivatives M of the spline from the values y: A M = B y, with continuity of
    // the first derivative at interior knots and of the third derivative at x_1 and x_n-2
    // (not-a-knot). Solving for B gives M = A^-1 B as an n x n matrix.
    std::vector<double> h(n - 1);
    for (std::size_t i = 0; i + 1 < n; ++i)
        h[i] = x[i + 1] - x[i];
    std::vector<double> a(n * n, 0.0), b(n * n, 0.0);
    a[0] = h[1];
    a[1] = -(h[0] + h[1]);
    a[2] = h[0];
    for (std::size_t i = 1; i + 1 < n; ++i) {
        a[i * n + i - 1] = h[i - 1];
        a[i * n + i] = 2.0 * (h[i - 1] + h[i]);
        a[i * n + i + 1] = h[i];
        b[i * n + i - 1] = 6.0 / h[i - 1];
        b[i * n + i] = -6.0 / h[i - 1] - 6.0 / h[i];
        b[i * n + i + 1] = 6.0 / h[i];
    }
    const std::size_t last = n - 1;
    a[last * n + n - 3] = h[n - 2];
    a[last * n + n - 2] = -(h[n - 3] + h[n - 2]);
    a[last * n + n - 1] = h[n - 3];
    solve_dense(a, b, n, n);  // b now holds d M / d y
    for (std::size_t r = 0; r < xi.size(); ++r) {
        const std::size_t i = piece_of(x, xi[r]);
        const double hi = h[i];
        const double u = x[i + 1] - xi[r], v = xi[r] - x[i];
        // S = M_i u^3/(6h) + M_i+1 v^3/(6h) + (y_i/h - M_i h/6) u + (y_i+1/h - M_i+1 h/6) v
        const double cm0 = u * u * u / (6.0 * hi) - hi * u / 6.0;
        const double cm1 = v * v * v / (6.0 * hi) - hi * v / 6.0;
        for (std::size_t j = 0; j < n; ++j)
            w[r * n + j] = cm0 * b[i * n + j] + cm1 * b[(i + 1) * n + j];
        w[r * n + i] += u / hi;
        w[r * n + i + 1] += v / hi;
    }
    return w;
}

std::vector<double> von_mises_kernel(std::size_t bins, double scatter_deg) {
    const double kappa = 1.0 / std::pow(scatter_deg * (kPi / 180.0), 2);
    std::vector<double> k(bins);
    for (std::size_t m = 0; m < bins; ++m) {
        const double x = static_cast<double>(m) * (2.0 * kPi / static_cast<double>(bins));
        if (kappa < 500.0) {
            k[m] = std::exp(kappa * std::cos(x)) / (2.0 * kPi * std::cyl_bessel_i(0.0, kappa));
        } else {
            // A scatter below about 2.6 degrees: exp(kappa) overflows soon, so scale both
            // sides by exp(-kappa), with I0's large-argument expansion.
            const double i0_scaled = (1.0 + 1.0 / (8.0 * kappa) + 9.0 / (128.0 * kappa * kappa)) /
                                     std::sqrt(2.0 * kPi * kappa);
            k[m] = std::exp(kappa * (std::cos(x) - 1.0)) / (2.0 * kPi * i0_scaled);
        }
    }
    return k;
}

TargetErrors pmv_errors(const double* p, const std::vector<double>& response_deg,
                        double target_deg) {
    double total = 0.0;
    for (std::size_t l = 0; l < response_deg.size(); ++l)
        total += p[l];
    double quadrant = 0.0, local = 0.0, local_sq = 0.0;
    for (std::size_t l = 0; l < response_deg.size(); ++l) {
        double d = target_deg - response_deg[l];
        if (d < -180.0 || d > 180.0) {
            const double s = d + 180.0;
            d = s - std::floor(s / 360.0) * 360.0 - 180.0;
        }
        d = std::abs(d);
        const double q = p[l] / total;
        if (d >= 90.0) {
            quadrant += q;
        } else {
            local += q;
            local_sq += q * d * d;
        }
    }
    TargetErrors e;
    e.quadrant_error = quadrant;
    e.polar_rms_error_deg =
        local > 0.0 ? std::sqrt(local_sq / local) : std::numeric_limits<double>::quiet_NaN();
    return e;
}

}  // namespace pinna::perception
