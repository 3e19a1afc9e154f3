// Hilbert envelope (magnitude of the analytic signal) with an n-point FFT, the way
// scipy.signal.hilbert computes it (no zero padding, so the transform is circular).
// HilbertEnvelope (double) is the LAP ITD metric's; HilbertEnvelopeF (single precision) is
// the fast path of detail::ShiftedPairItd, which bounds its error.
#pragma once

#include <cstddef>
#include <vector>

#include "dsp/fft.hpp"

namespace pinna::detail {

template <typename T>
class BasicHilbertEnvelope {
  public:
    explicit BasicHilbertEnvelope(std::size_t n) : fft_(n) {}
    std::vector<T> envelope(const T* x) const;
    /// The same into `out` (size() values; it may be `x`). No allocation after a thread's
    /// first call at this size (thread-local work arrays).
    void envelope(const T* x, T* out) const;
    std::size_t size() const noexcept { return fft_.size(); }

  private:
    BasicRealFft<T> fft_;
};

using HilbertEnvelope = BasicHilbertEnvelope<double>;
using HilbertEnvelopeF = BasicHilbertEnvelope<float>;

}  // namespace pinna::detail
