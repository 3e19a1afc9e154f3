// Minimum-phase spectra by the folded real cepstrum, in single precision with vectorised
// log/exp/sincos (dsp/fast_math.hpp): the fast path of the QueryEngine's filter split and of
// minimum_phase_hrirs. The double-precision pinna::minimum_phase is the reference they are
// tested against.
#pragma once

#include <complex>
#include <cstddef>

#include "dsp/fft.hpp"

namespace pinna::detail {

class FastCepstrum {
  public:
    /// Plans for FFTs of `fft_size` (>= 2) points.
    explicit FastCepstrum(std::size_t fft_size);

    std::size_t size() const noexcept { return L_; }
    std::size_t bins() const noexcept { return L_ / 2 + 1; }
    const RealFftF& fft() const noexcept { return fft_; }

    /// Where the caller writes ln|X| for bins 0 .. bins() - 1 before minimum_phase().
    float* log_magnitude() noexcept { return time_.data(); }

    /// Turns the log magnitude into the minimum-phase spectrum exp(ln|X| + i phi).
    void minimum_phase();

    /// After minimum_phase(): the spectrum (bins() values) and the cosine and sine of its
    /// phase.
    const std::complex<float>* spectrum() const noexcept { return spectrum_.data(); }
    const float* cos_phase() const noexcept { return cos_.data(); }
    const float* sin_phase() const noexcept { return sin_.data(); }

    /// The first `n` (<= size()) samples of the minimum-phase IR, into `out`. Overwrites the
    /// spectrum.
    void impulse_response(float* out, std::size_t n);

  private:
    void mirror_and_transform();
    void fold();
    void exponentiate();

    std::size_t L_;
    RealFftF fft_;
    AlignedVector<float> time_;
    AlignedVector<std::complex<float>> spectrum_;
    AlignedVector<float> cos_, sin_;
};

}  // namespace pinna::detail
