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
    /// Signals of `n` samples.
    explicit Correlator(std::size_t n);

    std::size_t size() const noexcept { return n_; }

    /// c[d] = sum_t a[t] b[t - d] for d = -(n-1) .. n-1, returned with index d + n - 1
    /// (the layout of numpy.correlate(a, b, 'full')).
    std::vector<double> correlate(const double* a, const double* b) const;

    /// The lag d (whole samples) of the largest c[d]; the smallest d on ties.
    long peak_lag(const double* a, const double* b) const;

    /// The lag of the largest c, refined to the maximum of the band-limited interpolation
    /// of c (the zero of its derivative within a sample of the whole-sample peak, by
    /// Newton's method); restricted to [min_lag, max_lag] (within -(n-1) .. n-1).
    double fractional_peak_lag(const double* a, const double* b, long min_lag, long max_lag) const;

  private:
    void circular_correlation(const double* a, const double* b) const;

    std::size_t n_;
    RealFft fft_;  // size L >= 2n - 1
};

}  // namespace pinna::detail
