// Real orthonormal spherical harmonics (ACN order, no Condon-Shortley phase) by the standard
// three-term recurrences on fully normalised associated Legendre functions, which are
// stable to high orders; cos(m phi) and sin(m phi) come from rotating (cos phi, sin phi).
#include <cmath>

#include "core/vec_math.hpp"
#include "pinna/error.hpp"
#include "pinna/sh.hpp"

namespace pinna {
namespace {
void check_order(int order, const char* where) {
    if (order < 0 || order > kMaxShOrder)
        throw InvalidArgumentError(std::string(where) + ": SH order " + std::to_string(order) +
                                   " is outside 0.." + std::to_string(kMaxShOrder));
}
}  // namespace

int sh_degree(std::size_t acn) noexcept {
    int n = static_cast<int>(std::sqrt(static_cast<double>(acn)));
    while (sh_acn(n, -n) > acn)
        --n;  // guard the square root's round-off
    while (sh_acn(n + 1, -(n + 1)) <= acn)
        ++n;
    return n;
}

int sh_order_m(std::size_t acn) noexcept {
    const int n = sh_degree(acn);
    return static_cast<int>(acn) - n * n - n;
}

void sh_basis(int order, const Vec3& v, double* out) noexcept {
    if (order < 0)
        return;
    double x = v.x, y = v.y, z = v.z;
    const double r = std::sqrt(x * x + y * y + z * z);
    if (!(r > 0.0) || !std::isfinite(r)) {
        x = 0.0;
        y = 0.0;
        z = 1.0;
    } else {
        x /= r;
        y /= r;
        z /= r;
    }
    const double rho = std::sqrt(x * x + y * y);
    const double cos_theta = z;
    const double sin_theta = rho;
    const double cos_phi = rho > 0.0 ? x / rho : 1.0;
    const double sin_phi = rho > 0.0 ? y / rho : 0.0;
    const double sqrt2 = std::sqrt(2.0);

    double p_mm = 1.0 / std::sqrt(4.0 * kPi);  // normalised P_mm at the current m
    double cos_m = 1.0, sin_m = 0.0;           // cos(m phi), sin(m phi)
    for (int m = 0; m <= order; ++m) {
        if (m > 0) {
            p_mm *= std::sqrt((2.0 * m + 1.0) / (2.0 * m)) * sin_theta;
            const double c = cos_m * cos_phi - sin_m * sin_phi;
            sin_m = sin_m * cos_phi + cos_m * sin_phi;
            cos_m = c;
        }
        auto put = [&](int n, double p) {
            if (m == 0) {
                out[sh_acn(n, 0)] = p;
            } else {
                out[sh_acn(n, m)] = sqrt2 * p * cos_m;
                out[sh_acn(n, -m)] = sqrt2 * p * sin_m;
            }
        };
        put(m, p_mm);
        if (m == order)
            break;
        double p_prev2 = p_mm;
        double p_prev = std::sqrt(2.0 * m + 3.0) * cos_theta * p_mm;
        put(m + 1, p_prev);
        for (int n = m + 2; n <= order; ++n) {
            const double nn = static_cast<double>(n) * n, mm = static_cast<double>(m) * m;
            const double n1 = static_cast<double>(n - 1) * (n - 1);
            const double a = std::sqrt((4.0 * nn - 1.0) / (nn - mm));
            const double b = std::sqrt((n1 - mm) / (4.0 * n1 - 1.0));
            const double p = a * (cos_theta * p_prev - b * p_prev2);
            put(n, p);
            p_prev2 = p_prev;
            p_prev = p;
        }
    }
}

std::vector<double> sh_basis(int order, const Direction& d) {
    check_order(order, "sh_basis");
    std::vector<double> out(sh_channels(order));
    sh_basis(order, unit_vector(d), out.data());
    return out;
}

std::vector<double> sh_matrix(int order, const std::vector<Direction>& directions) {
    check_order(order, "sh_matrix");
    const std::size_t c = sh_channels(order);
    std::vector<double> out(directions.size() * c);
    for (std::size_t i = 0; i < directions.size(); ++i)
        sh_basis(order, unit_vector(directions[i]), out.data() + i * c);
    return out;
}

int default_sh_order(std::size_t directions) noexcept {
    int n = 0;
    while (n < kMaxShOrder && 2 * sh_channels(n + 1) <= directions)
        ++n;
    return n;
}

}  // namespace pinna
