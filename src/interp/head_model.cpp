#include "interp/head_model.hpp"

#include <Eigen/Dense>
#include <algorithm>
#include <cmath>

#include "core/vec_math.hpp"

namespace pinna::detail {
namespace {

constexpr int kParams = 7;  // a, azL, elL, azR, elR, t0L, t0R

// Prior means and standard deviations of the parameters (metres, degrees, samples). The
// constant delays get a wide prior: the data always determine them.
struct Prior {
    std::array<double, kParams> mean;
    std::array<double, kParams> sigma;
};

double woodworth(double cos_g) noexcept {
    const double g = std::acos(std::clamp(cos_g, -1.0, 1.0));
    return g <= kPi / 2 ? -cos_g : g - kPi / 2;
}

HeadModel from_params(const Eigen::Matrix<double, kParams, 1>& p, double fs) {
    HeadModel h;
    h.radius_m = p[0];
    h.left_ear = {p[1], p[2], 1.0};
    h.right_ear = {p[3], p[4], 1.0};
    h.t0_left_samples = p[5];
    h.t0_right_samples = p[6];
    h.sample_rate_hz = fs;
    return h;
}

}  // namespace

double HeadModel::delay_samples(const Vec3& u, int ear) const noexcept {
    const Vec3 axis = unit_vector(ear == 0 ? left_ear : right_ear);
    const double t0 = ear == 0 ? t0_left_samples : t0_right_samples;
    return t0 + sample_rate_hz / speed_of_sound_m_s * radius_m * woodworth(dot(u, axis));
}

HeadModel fit_head_model(const std::vector<Direction>& directions,
                         const std::vector<double>& delays, double fs) {
    const std::size_t m = directions.size();
    std::vector<Vec3> units;
    units.reserve(m);
    for (const Direction& d : directions)
        units.push_back(unit_vector(d));
    double mean_l = 0.0, mean_r = 0.0;
    for (std::size_t i = 0; i < m; ++i)
        mean_l += delays[2 * i], mean_r += delays[2 * i + 1];
    mean_l /= static_cast<double>(std::max<std::size_t>(m, 1));
    mean_r /= static_cast<double>(std::max<std::size_t>(m, 1));

    const Prior prior{{0.0875, 95.0, -5.0, 265.0, -5.0, mean_l, mean_r},
                      {0.012, 8.0, 8.0, 8.0, 8.0, 50.0, 50.0}};
    constexpr double kNoiseSamples = 0.5;  // spread of measured delays around the model

    Eigen::Matrix<double, kParams, 1> p;
    for (int k = 0; k < kParams; ++k)
        p[k] = prior.mean[k];

    const std::size_t rows = 2 * m + kParams;
    auto residuals = [&](const Eigen::Matrix<double, kParams, 1>& q) {
        Eigen::VectorXd r(rows);
        const HeadModel h = from_params(q, fs);
        for (std::size_t i = 0; i < m; ++i)
            for (int e = 0; e < 2; ++e)
                r[2 * i + e] = (h.delay_samples(units[i], e) - delays[2 * i + e]) / kNoiseSamples;
        for (int k = 0; k < kParams; ++k)
            r[2 * m + k] = (q[k] - prior.mean[k]) / prior.sigma[k];
        return r;
    };

    double lambda = 1e-3;
    Eigen::VectorXd r = residuals(p);
    double cost = r.squaredNorm();
    for (int iter = 0; iter < 100; ++iter) {
        Eigen::MatrixXd jac(rows, kParams);
        for (int k = 0; k < kParams; ++k) {
            Eigen::Matrix<double, kParams, 1> q = p;
            const double h = k == 0 ? 1e-6 : 1e-4;
            q[k] += h;
            jac.col(k) = (residuals(q) - r) / h;
        }
        const Eigen::MatrixXd jtj = jac.transpose() * jac;
        const Eigen::VectorXd jtr = jac.transpose() * r;
        bool improved = false;
        for (int attempt = 0; attempt < 10 && !improved; ++attempt) {
            Eigen::MatrixXd a = jtj;
            a.diagonal() *= 1.0 + lambda;
            const Eigen::Matrix<double, kParams, 1> step = a.ldlt().solve(-jtr);
            const Eigen::Matrix<double, kParams, 1> q = p + step;
            const Eigen::VectorXd rq = residuals(q);
            const double cq = rq.squaredNorm();
            if (cq < cost) {
                const double gain = cost - cq;
                p = q, r = rq, cost = cq;
                lambda = std::max(lambda / 3.0, 1e-9);
                improved = true;
                if (gain < 1e-10 * (1.0 + cost))
                    iter = 1000;  // converged
            } else {
                lambda *= 4.0;
            }
        }
        if (!improved)
            break;
    }
    return from_params(p, fs);
}

}  // namespace pinna::detail
