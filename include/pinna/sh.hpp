// Real spherical harmonics (SH): basis, regularised least-squares fits over a grid of
// directions, and an SH representation of a whole HRIR set.
//
// Convention, written down once:
//   - real SH, orthonormal on the unit sphere (integral of Y_nm^2 over the sphere = 1,
//     "N3D" normalisation), degree n = 0..N and order m = -n..n;
//   - channels in ACN order: index n^2 + n + m, so (N+1)^2 channels up to order N;
//   - no Condon-Shortley phase: with colatitude theta = 90 deg - elevation and azimuth phi,
//       Y_nm = sqrt(2) K_n|m| P_n|m|(cos theta) cos(m phi)      m > 0
//       Y_n0 =         K_n0   P_n0(cos theta)
//       Y_nm = sqrt(2) K_n|m| P_n|m|(cos theta) sin(|m| phi)    m < 0
//     with K_nm = sqrt((2n+1)/(4 pi) (n-m)!/(n+m)!) and P_nm the associated Legendre
//     functions without the (-1)^m factor (P_11 = +sin theta). Thus Y_00 = 1/sqrt(4 pi) and
//     Y_1,-1, Y_1,0, Y_1,1 = sqrt(3/(4 pi)) * (y, z, x) in the SOFA frame (x front, y left,
//     z up): the ambisonics (AmbiX) convention with N3D instead of SN3D normalisation.
//   Multiply channel (n, m) by (-1)^m to get the Condon-Shortley-phased basis.
#pragma once

#include <complex>
#include <cstddef>
#include <memory>
#include <vector>

#include "pinna/geometry.hpp"
#include "pinna/hrir_set.hpp"
#include "pinna/visibility.hpp"

PINNA_API_BEGIN
namespace pinna {

/// Highest SH order the functions below accept.
constexpr int kMaxShOrder = 150;

/// Number of channels up to order N: (N+1)^2.
constexpr std::size_t sh_channels(int order) {
    return static_cast<std::size_t>(order + 1) * static_cast<std::size_t>(order + 1);
}
/// ACN index of degree n, order m (|m| <= n).
constexpr std::size_t sh_acn(int n, int m) {
    return static_cast<std::size_t>(n * n + n + m);
}
/// Degree n of an ACN index.
int sh_degree(std::size_t acn) noexcept;
/// Order m of an ACN index.
int sh_order_m(std::size_t acn) noexcept;

/// Writes the (order+1)^2 basis values at the direction of `v` to `out` (ACN order). `v`
/// need not be of unit length; the zero vector is taken as the top. Real-time safe:
/// noexcept, no allocation, no trigonometric call. `order` must be in 0..kMaxShOrder.
void sh_basis(int order, const Vec3& v, double* out) noexcept;
/// The basis values at a direction. Throws InvalidArgumentError for a bad order.
std::vector<double> sh_basis(int order, const Direction& d);
/// The M x (order+1)^2 basis matrix of `directions`, row-major ([m][channel]).
std::vector<double> sh_matrix(int order, const std::vector<Direction>& directions);

/// Order chosen for a grid of `directions` points when none is given: the largest N with
/// (N+1)^2 <= directions / 2, at least 0 and at most kMaxShOrder. Keeping about two
/// directions per coefficient leaves the fit overdetermined on irregular grids and on grids
/// with gaps (e.g. 440 HUTUBS directions -> N = 13, 793 SONICOM directions -> N = 18).
int default_sh_order(std::size_t directions) noexcept;

/// How the least-squares fit is regularised.
enum class ShRegularisation {
    /// Tikhonov: minimise |Y c - f|^2 + lambda * (M / 4 pi) * |c|^2.
    tikhonov,
    /// Sobolev/Laplacian-weighted Tikhonov: the penalty on coefficient (n, m) is weighted by
    /// 1 + n (n + 1), so high orders are damped more (smoother fields in gaps).
    order_weighted,
};

struct ShFitOptions {
    /// SH order; -1 chooses default_sh_order(number of directions).
    int order = -1;
    /// Relative regularisation. The penalty is scaled by M / (4 pi), the mean diagonal of
    /// Y^T Y (on a uniform grid Y^T Y ~ (M / 4 pi) I), so lambda does not depend on the grid
    /// size: on a well-sampled grid each coefficient is shrunk by about 1 / (1 + lambda);
    /// where the grid has gaps the ill-determined combinations are damped to zero. 0 gives
    /// the plain (pseudo-inverse) least-squares fit.
    double lambda = 1e-3;
    ShRegularisation regularisation = ShRegularisation::tikhonov;
};

/// A least-squares SH fit over one grid of directions, set up once: the (order+1)^2 x M
/// solve matrix is computed at construction (SVD of the basis matrix), and each fit is one
/// matrix product over any number of columns (taps, frequency bins, ears). Cheap to copy
/// (shares its immutable state); const methods are safe to call concurrently.
class ShFitter {
  public:
    /// Throws InvalidArgumentError for an empty grid, a non-finite direction, an order
    /// outside 0..kMaxShOrder, or a negative or non-finite lambda.
    explicit ShFitter(const std::vector<Direction>& directions, const ShFitOptions& options = {});

    int order() const noexcept;
    std::size_t channels() const noexcept;    ///< (order+1)^2
    std::size_t directions() const noexcept;  ///< M, the fitted grid's size
    double lambda() const noexcept;
    ShRegularisation regularisation() const noexcept;
    const std::vector<Direction>& grid() const noexcept;
    /// Largest over smallest singular value of the unregularised M x (order+1)^2 basis
    /// matrix; infinite when it is rank deficient (e.g. fewer directions than channels).
    double condition_number() const noexcept;

    /// Coefficients (channels x columns, row-major) of `columns` fields sampled on the grid
    /// (values: M x columns, row-major [direction][column]).
    void fit(const double* values, std::size_t columns, double* coefficients) const;
    std::vector<double> fit(const std::vector<double>& values, std::size_t columns) const;
    /// The same for complex fields, e.g. spectra: one bin per column.
    void fit(const std::complex<double>* values, std::size_t columns,
             std::complex<double>* coefficients) const;
    std::vector<std::complex<double>> fit(const std::vector<std::complex<double>>& values,
                                          std::size_t columns) const;

    /// The solve matrix, channels x M row-major: coefficients = solve_matrix * values.
    std::vector<double> solve_matrix() const;
    /// The matrix (targets.size() x M, row-major) that maps values on the grid to the fitted
    /// field at `targets`: basis(targets) * solve_matrix. One row per target direction.
    std::vector<double> interpolation_matrix(const std::vector<Direction>& targets) const;

  private:
    struct Impl;
    std::shared_ptr<const Impl> impl_;
};

/// Values (directions.size() x columns, row-major) of fields of SH order `order` with
/// `coefficients` ((order+1)^2 x columns, row-major) at `directions`.
void sh_evaluate(int order, const double* coefficients, std::size_t columns,
                 const std::vector<Direction>& directions, double* values);
std::vector<double> sh_evaluate(int order, const std::vector<double>& coefficients,
                                std::size_t columns, const std::vector<Direction>& directions);
void sh_evaluate(int order, const std::complex<double>* coefficients, std::size_t columns,
                 const std::vector<Direction>& directions, std::complex<double>* values);
std::vector<std::complex<double>> sh_evaluate(int order,
                                              const std::vector<std::complex<double>>& coefficients,
                                              std::size_t columns,
                                              const std::vector<Direction>& directions);

// ---------------------------------------------------------------------------------------
// A whole HRIR set in SH

/// What is fitted per direction.
enum class ShDomain {
    /// The complex spectrum of each ear, per bin. The DFT is linear and acts along taps while
    /// the fit acts along directions, so fitting every bin's complex spectrum with the same
    /// solve matrix equals fitting the HRIR taps; pinna fits the taps (no FFT, exact) and the
    /// evaluated HRIRs are those the per-bin complex fit would give. Phase and ITD are
    /// kept, but a high order is needed where the phase turns fast (high frequencies, the
    /// far ear). The set's broadband delays (SOFA Data.Delay), when it has them, are fitted
    /// as two more fields and evaluated into the result's delays.
    complex_spectrum,
    /// Magnitude and delay apart: each IR is split into its minimum-phase version and a pure
    /// delay (to_minimum_phase, cross-correlation delay, plus any Data.Delay); the dB
    /// magnitude of the set's taps-point FFT per ear and bin (magnitude_db, floor
    /// kMagnitudeFloorDb) and the delay per ear are fitted. Evaluation rebuilds a minimum-
    /// phase IR from the fitted dB magnitudes (minimum_phase_hrirs) and delays it by the
    /// fitted delay (clamped to >= 0) into an IR of the source's length, with no separate
    /// delays. Smooth over the sphere at a much lower order than the complex spectrum.
    magnitude_db,
};

struct ShHrtfOptions {
    ShFitOptions fit;
    ShDomain domain = ShDomain::complex_spectrum;
};

/// An HRIR set as SH coefficients of one domain (see ShDomain).
class ShHrtf {
  public:
    ShHrtf() = default;
    /// Fits `set` (validated first). Throws InvalidDataError for an invalid set and
    /// InvalidArgumentError for bad options (e.g. magnitude_db with fewer than 2 taps).
    static ShHrtf fit(const HrirSet& set, const ShHrtfOptions& options = {});

    /// The fitted HRIRs at `directions`, at the source's sample rate and length, with the
    /// source's metadata; directions keep their distance_m. complex_spectrum: with delays
    /// when the source had them; magnitude_db: ear signals, no separate delays.
    HrirSet evaluate(const std::vector<Direction>& directions) const;

    int order() const noexcept { return order_; }
    ShDomain domain() const noexcept { return domain_; }
    double sample_rate_hz() const noexcept { return sample_rate_hz_; }
    std::size_t taps() const noexcept { return taps_; }
    /// Values per ear in coefficients(): taps (complex_spectrum) or taps/2 + 1 bins of a
    /// taps-point FFT (magnitude_db, bin k at k * sample_rate_hz / taps Hz).
    std::size_t values_per_ear() const noexcept { return values_per_ear_; }
    /// Coefficients, channels x (2 * values_per_ear()) row-major: [channel][ear][tap or bin].
    const std::vector<double>& coefficients() const noexcept { return coefficients_; }
    /// True when delays are fitted: always for magnitude_db, for complex_spectrum when the
    /// source set had delays.
    bool has_delays() const noexcept { return !delay_coefficients_.empty(); }
    /// Coefficients of the delays in samples, channels x 2 row-major: [channel][ear].
    const std::vector<double>& delay_coefficients() const noexcept { return delay_coefficients_; }

    Metadata metadata;

  private:
    int order_ = 0;
    ShDomain domain_ = ShDomain::complex_spectrum;
    double sample_rate_hz_ = 0.0;
    std::size_t taps_ = 0;
    std::size_t values_per_ear_ = 0;
    std::vector<double> coefficients_;
    std::vector<double> delay_coefficients_;
};

}  // namespace pinna
PINNA_API_END
