// Minimum-phase spectra by the folded real cepstrum, in single precision with vectorised
// log/exp/sincos (dsp/fast_math.hpp): the fast path of the QueryEngine's filter split and of
// minimum_phase_hrirs. The double-precision pinna::minimum_phase is the reference they are
// tested against.
#pragma once

#include <complex>
#include <cstddef>
#include <memory>

#include "dsp/fft.hpp"

namespace pinna::detail {

class FastCepstrum {
  public:
    /// Plans for FFTs of `fft_size` (>= 2) points. With `coarse_size` (>= 2, dividing
    /// `fft_size`), also for log magnitudes given on the grid of a `coarse_size`-point FFT
    /// (coarse_log_magnitude()).
    explicit FastCepstrum(std::size_t fft_size, std::size_t coarse_size = 0);
    ~FastCepstrum();
    FastCepstrum(const FastCepstrum&) = delete;
    FastCepstrum& operator=(const FastCepstrum&) = delete;

    /// 0 unless made with a coarse size.
    std::size_t coarse_size() const noexcept { return N_; }

    std::size_t size() const noexcept { return L_; }
    std::size_t bins() const noexcept { return L_ / 2 + 1; }
    const RealFftF& fft() const noexcept { return fft_; }

    /// Where the caller writes ln|X| for bins 0 .. bins() - 1 before minimum_phase().
    float* log_magnitude() noexcept { return time_.data(); }

    /// Turns the log magnitude into the minimum-phase spectrum exp(ln|X| + i phi).
    void minimum_phase();

    /// Where the caller writes ln|X| for the coarse grid's bins 0 .. coarse_size() / 2
    /// before minimum_phase_from_coarse().
    float* coarse_log_magnitude() noexcept { return coarse_time_.data(); }

    /// minimum_phase() of the coarse log magnitude interpolated linearly onto this grid
    /// (fine bin j at coarse bin j * coarse_size() / size()), without making the fine
    /// values: the interpolation multiplies the cepstrum by a Fejer window, so the coarse
    /// cepstrum (one transform of coarse_size() points) times that window is the fine one.
    void minimum_phase_from_coarse();

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

    void window_coarse();

    std::size_t L_;
    RealFftF fft_;
    AlignedVector<float> time_;
    AlignedVector<std::complex<float>> spectrum_;
    AlignedVector<float> cos_, sin_;
    // The coarse grid: N_ points, their transform, and the fine cepstrum's window for
    // t = 0 .. L/2 (the fold's factor 2 and the 1 / N_ scale included).
    std::size_t N_ = 0;
    std::unique_ptr<RealFftF> coarse_fft_;
    AlignedVector<float> coarse_time_;
    AlignedVector<std::complex<float>> coarse_spectrum_;
    AlignedVector<float> window_;
};

/// Throws InvalidArgumentError("<where>: oversample N is not in 1..64") unless the cepstrum's
/// oversampling factor is one pinna accepts (MinimumPhaseOptions::oversample and the
/// rendering's).
void check_oversample(std::size_t oversample, const char* where);

/// This thread's FastCepstrum(fft_size, coarse_size), kept between calls (making one plans
/// its FFTs, which costs more than rendering a few hundred IRs; a model renders at one size
/// call after call). Good until this thread has asked for 4 others.
FastCepstrum& cached_fast_cepstrum(std::size_t fft_size, std::size_t coarse_size = 0);

}  // namespace pinna::detail
