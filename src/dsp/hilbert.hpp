// Hilbert envelope (magnitude of the analytic signal) with an n-point FFT, the way
// scipy.signal.hilbert computes it (no zero padding, so the transform is circular).
#pragma once

#include <cstddef>
#include <vector>

#include "dsp/fft.hpp"

namespace pinna::detail {

class HilbertEnvelope {
  public:
    explicit HilbertEnvelope(std::size_t n) : fft_(n) {}
    std::vector<double> envelope(const double* x) const;
    /// The same into `out` (size() values; it may be `x`).
    void envelope(const double* x, double* out) const;
    std::size_t size() const noexcept { return fft_.size(); }

  private:
    RealFft fft_;
};

}  // namespace pinna::detail
