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

  private:
    RealFft fft_;
};

}  // namespace pinna::detail
