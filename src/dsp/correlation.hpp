// Full cross-correlation of two equal-length real signals by FFT, with whole-sample and
// sub-sample peak picking. Plans are made once per Correlator.
#pragma once

#include <complex>
#include <cstddef>
#include <vector>

#include "dsp/fft.hpp"

namespace pinna::detail {

class Correlator {
  public:
    /// Signals of `n` samples; sub-sample peaks on a grid `upsample` times finer.
    Correlator(std::size_t n, std::size_t upsample);

    std::size_t size() const noexcept { return n_; }

    /// c[d] = sum_t a[t] b[t - d] for d = -(n-1) .. n-1, returned with index d + n - 1
    /// (the layout of numpy.correlate(a, b, 'full')).
    std::vector<double> correlate(const double* a, const double* b) const;

    /// The lag d (whole samples) of the largest c[d]; the smallest d on ties.
    long peak_lag(const double* a, const double* b) const;

    /// The lag of the largest c, interpolated band-limited on the fine grid and refined by
    /// a parabola through the three fine-grid values around the peak; restricted to
    /// [min_lag, max_lag] (whole samples, within -(n-1) .. n-1).
    double fractional_peak_lag(const double* a, const double* b, long min_lag, long max_lag) const;

  private:
    std::vector<std::complex<double>> cross_spectrum(const double* a, const double* b) const;

    std::size_t n_;
    std::size_t upsample_;
    RealFft fft_;       // size L >= 2n - 1
    RealFft fine_fft_;  // size upsample * L
};

}  // namespace pinna::detail
