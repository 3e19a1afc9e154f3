#include "interp/sh_weights.hpp"

#include <algorithm>

namespace pinna::detail {
namespace {
ShFitOptions fit_options(std::size_t m, int order, double lambda) {
    ShFitOptions o;
    o.order = order >= 0 ? order : std::min(15, default_sh_order(m));
    o.lambda = lambda;
    o.regularisation = ShRegularisation::order_weighted;
    return o;
}
}  // namespace

ShWeights::ShWeights(const std::vector<Direction>& grid, int order, double lambda)
    : grid_(grid), fitter_(grid, fit_options(grid.size(), order, lambda)) {}

std::vector<std::pair<std::size_t, double>> ShWeights::weights(
    const Vec3& u, const std::vector<std::pair<std::size_t, double>>& corners) const {
    const std::size_t m = grid_.size();
    // Row of the fit at u, minus the barycentric mix of the fit's rows at the corners,
    // plus the corners themselves: field(u) = fit(u) + sum_b beta_b (f_b - fit(x_b)).
    std::vector<Direction> at = {to_direction(u)};
    for (const auto& [b, beta] : corners)
        at.push_back(grid_[b]);
    const std::vector<double> rows = fitter_.interpolation_matrix(at);
    std::vector<double> w(rows.begin(), rows.begin() + static_cast<std::ptrdiff_t>(m));
    for (std::size_t c = 0; c < corners.size(); ++c) {
        const auto& [b, beta] = corners[c];
        const double* row = rows.data() + (c + 1) * m;
        for (std::size_t j = 0; j < m; ++j)
            w[j] -= beta * row[j];
        w[b] += beta;
    }
    std::vector<std::pair<std::size_t, double>> out;
    out.reserve(m);
    for (std::size_t j = 0; j < m; ++j)
        if (w[j] != 0.0)
            out.emplace_back(j, w[j]);
    return out;
}

}  // namespace pinna::detail
