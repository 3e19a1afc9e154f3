// ShFitter: regularised least squares through the SVD of the (weighted) basis matrix, and
// evaluation of fitted fields.
#include <Eigen/Dense>
#include <Eigen/SVD>
#include <cmath>
#include <limits>

#include "core/vec_math.hpp"
#include "pinna/error.hpp"
#include "pinna/sh.hpp"

namespace pinna {
namespace {
using RowMatrix = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
using ConstMap = Eigen::Map<const RowMatrix>;
using Map = Eigen::Map<RowMatrix>;

RowMatrix basis_matrix(int order, const std::vector<Direction>& directions) {
    RowMatrix y(static_cast<Eigen::Index>(directions.size()),
                static_cast<Eigen::Index>(sh_channels(order)));
    for (std::size_t i = 0; i < directions.size(); ++i)
        sh_basis(order, unit_vector(directions[i]), y.row(static_cast<Eigen::Index>(i)).data());
    return y;
}

// Singular values below this are treated as zero (rank deficiency).
double rank_tolerance(const Eigen::VectorXd& s, Eigen::Index rows, Eigen::Index cols) {
    const double largest = s.size() ? s.maxCoeff() : 0.0;
    return largest * static_cast<double>(std::max(rows, cols)) *
           std::numeric_limits<double>::epsilon();
}

double condition(const Eigen::VectorXd& s, Eigen::Index rows, Eigen::Index cols) {
    if (rows < cols || s.size() == 0)
        return std::numeric_limits<double>::infinity();
    const double smallest = s.minCoeff();
    if (smallest <= rank_tolerance(s, rows, cols))
        return std::numeric_limits<double>::infinity();
    return s.maxCoeff() / smallest;
}

void check_evaluate_order(int order) {
    if (order < 0 || order > kMaxShOrder)
        throw InvalidArgumentError("sh_evaluate: SH order " + std::to_string(order) +
                                   " is outside 0.." + std::to_string(kMaxShOrder));
}
}  // namespace

struct ShFitter::Impl {
    int order = 0;
    double lambda = 0.0;
    ShRegularisation regularisation = ShRegularisation::tikhonov;
    std::vector<Direction> grid;
    double condition_number = 0.0;
    RowMatrix solve;  // channels x M
};

ShFitter::ShFitter(const std::vector<Direction>& directions, const ShFitOptions& options) {
    if (directions.empty())
        throw InvalidArgumentError("ShFitter: the grid has no directions");
    for (std::size_t i = 0; i < directions.size(); ++i)
        if (!std::isfinite(directions[i].azimuth_deg) ||
            !std::isfinite(directions[i].elevation_deg))
            throw InvalidArgumentError("ShFitter: direction " + std::to_string(i) +
                                       " has a non-finite azimuth or elevation");
    const int order = options.order == -1 ? default_sh_order(directions.size()) : options.order;
    if (order < 0 || order > kMaxShOrder)
        throw InvalidArgumentError("ShFitter: SH order " + std::to_string(options.order) +
                                   " is outside 0.." + std::to_string(kMaxShOrder) +
                                   " (or -1 to choose from the grid)");
    if (!(options.lambda >= 0.0) || !std::isfinite(options.lambda))
        throw InvalidArgumentError("ShFitter: lambda " + std::to_string(options.lambda) +
                                   " must be finite and >= 0");

    auto impl = std::make_shared<Impl>();
    impl->order = order;
    impl->lambda = options.lambda;
    impl->regularisation = options.regularisation;
    impl->grid = directions;

    const RowMatrix y = basis_matrix(order, directions);
    const Eigen::Index m = y.rows(), c = y.cols();
    // Penalty weights w_c; solve in the scaled unknowns c' = sqrt(w) c, where the penalty is
    // plain Tikhonov: Y diag(1/sqrt w) = U S V^T, c = diag(1/sqrt w) V f(S) U^T values.
    Eigen::VectorXd inv_sqrt_w = Eigen::VectorXd::Ones(c);
    if (options.regularisation == ShRegularisation::order_weighted)
        for (Eigen::Index k = 0; k < c; ++k) {
            const double n = sh_degree(static_cast<std::size_t>(k));
            inv_sqrt_w[k] = 1.0 / std::sqrt(1.0 + n * (n + 1.0));
        }
    const Eigen::MatrixXd yw = y * inv_sqrt_w.asDiagonal();
    const Eigen::BDCSVD<Eigen::MatrixXd> svd(yw, Eigen::ComputeThinU | Eigen::ComputeThinV);
    const Eigen::VectorXd& s = svd.singularValues();

    if (options.regularisation == ShRegularisation::tikhonov) {
        impl->condition_number = condition(s, m, c);
    } else {
        const Eigen::BDCSVD<Eigen::MatrixXd> plain(y);
        impl->condition_number = condition(plain.singularValues(), m, c);
    }

    const double penalty = options.lambda * static_cast<double>(m) / (4.0 * kPi);
    const double tol = rank_tolerance(s, m, c);
    Eigen::VectorXd f(s.size());
    for (Eigen::Index k = 0; k < s.size(); ++k) {
        if (penalty > 0.0)
            f[k] = s[k] / (s[k] * s[k] + penalty);
        else
            f[k] = s[k] > tol ? 1.0 / s[k] : 0.0;
    }
    impl->solve =
        inv_sqrt_w.asDiagonal() * svd.matrixV() * f.asDiagonal() * svd.matrixU().transpose();
    impl_ = std::move(impl);
}

int ShFitter::order() const noexcept {
    return impl_->order;
}
std::size_t ShFitter::channels() const noexcept {
    return sh_channels(impl_->order);
}
std::size_t ShFitter::directions() const noexcept {
    return impl_->grid.size();
}
double ShFitter::lambda() const noexcept {
    return impl_->lambda;
}
ShRegularisation ShFitter::regularisation() const noexcept {
    return impl_->regularisation;
}
const std::vector<Direction>& ShFitter::grid() const noexcept {
    return impl_->grid;
}
double ShFitter::condition_number() const noexcept {
    return impl_->condition_number;
}

void ShFitter::fit(const double* values, std::size_t columns, double* coefficients) const {
    if (columns == 0)
        return;
    const auto k = static_cast<Eigen::Index>(columns);
    const ConstMap f(values, static_cast<Eigen::Index>(directions()), k);
    Map out(coefficients, static_cast<Eigen::Index>(channels()), k);
    out.noalias() = impl_->solve * f;
}

std::vector<double> ShFitter::fit(const std::vector<double>& values, std::size_t columns) const {
    if (values.size() != directions() * columns)
        throw InvalidArgumentError("ShFitter::fit: values hold " + std::to_string(values.size()) +
                                   " numbers, expected " + std::to_string(directions()) +
                                   " directions x " + std::to_string(columns) + " columns");
    std::vector<double> out(channels() * columns);
    fit(values.data(), columns, out.data());
    return out;
}

// A row-major M x K complex matrix is a row-major M x 2K real one (real, imaginary
// interleaved), and the solve matrix is real.
void ShFitter::fit(const std::complex<double>* values, std::size_t columns,
                   std::complex<double>* coefficients) const {
    fit(reinterpret_cast<const double*>(values), 2 * columns,
        reinterpret_cast<double*>(coefficients));
}

std::vector<std::complex<double>> ShFitter::fit(const std::vector<std::complex<double>>& values,
                                                std::size_t columns) const {
    if (values.size() != directions() * columns)
        throw InvalidArgumentError("ShFitter::fit: values hold " + std::to_string(values.size()) +
                                   " numbers, expected " + std::to_string(directions()) +
                                   " directions x " + std::to_string(columns) + " columns");
    std::vector<std::complex<double>> out(channels() * columns);
    fit(values.data(), columns, out.data());
    return out;
}

std::vector<double> ShFitter::solve_matrix() const {
    const RowMatrix& p = impl_->solve;
    return std::vector<double>(p.data(), p.data() + p.size());
}

std::vector<double> ShFitter::interpolation_matrix(const std::vector<Direction>& targets) const {
    std::vector<double> out(targets.size() * directions());
    if (targets.empty())
        return out;
    Map(out.data(), static_cast<Eigen::Index>(targets.size()),
        static_cast<Eigen::Index>(directions()))
        .noalias() = basis_matrix(impl_->order, targets) * impl_->solve;
    return out;
}

void sh_evaluate(int order, const double* coefficients, std::size_t columns,
                 const std::vector<Direction>& directions, double* values) {
    check_evaluate_order(order);
    if (columns == 0 || directions.empty())
        return;
    const auto k = static_cast<Eigen::Index>(columns);
    const ConstMap c(coefficients, static_cast<Eigen::Index>(sh_channels(order)), k);
    Map out(values, static_cast<Eigen::Index>(directions.size()), k);
    out.noalias() = basis_matrix(order, directions) * c;
}

std::vector<double> sh_evaluate(int order, const std::vector<double>& coefficients,
                                std::size_t columns, const std::vector<Direction>& directions) {
    check_evaluate_order(order);
    if (coefficients.size() != sh_channels(order) * columns)
        throw InvalidArgumentError("sh_evaluate: coefficients hold " +
                                   std::to_string(coefficients.size()) + " numbers, expected " +
                                   std::to_string(sh_channels(order)) + " channels x " +
                                   std::to_string(columns) + " columns");
    std::vector<double> out(directions.size() * columns);
    sh_evaluate(order, coefficients.data(), columns, directions, out.data());
    return out;
}

void sh_evaluate(int order, const std::complex<double>* coefficients, std::size_t columns,
                 const std::vector<Direction>& directions, std::complex<double>* values) {
    sh_evaluate(order, reinterpret_cast<const double*>(coefficients), 2 * columns, directions,
                reinterpret_cast<double*>(values));
}

std::vector<std::complex<double>> sh_evaluate(int order,
                                              const std::vector<std::complex<double>>& coefficients,
                                              std::size_t columns,
                                              const std::vector<Direction>& directions) {
    check_evaluate_order(order);
    if (coefficients.size() != sh_channels(order) * columns)
        throw InvalidArgumentError("sh_evaluate: coefficients hold " +
                                   std::to_string(coefficients.size()) + " numbers, expected " +
                                   std::to_string(sh_channels(order)) + " channels x " +
                                   std::to_string(columns) + " columns");
    std::vector<std::complex<double>> out(directions.size() * columns);
    sh_evaluate(order, coefficients.data(), columns, directions, out.data());
    return out;
}

}  // namespace pinna
