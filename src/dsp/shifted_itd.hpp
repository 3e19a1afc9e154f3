// The LAP-metric ITD (ItdEstimator::itd_samples) of a pair of IRs delayed by whole samples,
// for many delays of the same pair: each ear is low-passed once, and a delayed IR's
// low-passed signal is the low-passed signal delayed (the causal filter starts from rest).
// No allocation per estimate. render_magnitude_itd uses it to match the metric ITD of what
// it renders.
//
// Speed without changing the answer: the envelopes and their cross-correlation are first
// computed in single precision. The whole-sample peak of that correlation is the peak of
// the exact one whenever its lead over every other lag exceeds twice a bound on the
// single-precision error (the rounding of the input, the FFTs' normwise error, the
// square roots, propagated by Cauchy-Schwarz); ItdEstimator's double-precision peak is then
// the same lag. Only where the lead is smaller (near-ties, silent IRs) is the estimate
// recomputed in double precision, exactly as ItdEstimator does. Either way itd_samples()
// returns ItdEstimator's result; the test compares them on shifted noise bursts and sets.

#pragma once

#include <complex>
#include <cstddef>
#include <vector>

#include "dsp/correlation.hpp"
#include "dsp/fft.hpp"
#include "dsp/hilbert.hpp"
#include "pinna/time_domain.hpp"

namespace pinna::detail {

class ShiftedPairItd {
  public:
    /// IRs of `taps` samples at `sample_rate_hz`, with ItdEstimator's default low-pass.
    ShiftedPairItd(double sample_rate_hz, std::size_t taps);

    /// The pair to measure (taps() samples each).
    void set_pair(const float* left, const float* right);

    /// The low-pass cascade (ItdEstimator's default) that set_pair() applies.
    const std::vector<Biquad>& lowpass() const noexcept { return sections_; }

    /// set_pair() for a pair already filtered with lowpass() (taps() values each), e.g. by
    /// filter_sections_quad, two pairs at a time.
    void set_lowpassed_pair(const double* left, const double* right);

    /// ItdEstimator(fs, taps).itd_samples(L, R) where L and R are the pair's IRs delayed by
    /// `shift_left` and `shift_right` samples and cut at taps().
    double itd_samples(std::size_t shift_left, std::size_t shift_right);

    std::size_t taps() const noexcept { return n_; }
    double sample_rate_hz() const noexcept { return sample_rate_hz_; }

    /// How many itd_samples() calls so far fell back to double precision.
    std::size_t exact_recomputations() const noexcept { return exact_count_; }

  private:
    // One ear's shifted low-passed signal in single precision: its Hilbert envelope, the
    // envelope's spectrum (zero-padded to the correlation's length) and their norms.
    struct FastEar {
        AlignedVector<float> signal, envelope;
        AlignedVector<std::complex<float>> spectrum;
        double signal_norm = 0.0, envelope_norm = 0.0;
        double envelope_error = 0.0;  // bound on |envelope - exact envelope| (2-norm)
        double norm_bound = 0.0;      // bound on the exact envelope's 2-norm
        std::size_t shift = 0;
        bool valid = false;
    };
    struct Peak {
        long lag = 0;
        bool certain = false;
    };

    void lowpassed_changed();  // every cached envelope invalid
    void prepare_fast(int ear, std::size_t shift);
    Peak fast_peak();
    double exact_itd_samples(std::size_t shift_left, std::size_t shift_right);
    const double* exact_envelope(int ear, std::size_t shift);

    std::size_t n_;
    double sample_rate_hz_;
    std::vector<Biquad> sections_;
    std::vector<double> lowpassed_[2];

    // Single precision.
    HilbertEnvelopeF hilbert_;
    RealFftF correlation_fft_;
    FastEar fast_[2];
    AlignedVector<std::complex<float>> cross_spectrum_;
    AlignedVector<float> circular_;

    // Double precision: ItdEstimator's computation.
    HilbertEnvelope hilbert_exact_;
    Correlator correlator_;
    std::vector<double> shifted_[2], envelope_[2];
    std::size_t envelope_shift_[2] = {0, 0};
    bool envelope_valid_[2] = {false, false};
    std::size_t exact_count_ = 0;
};

/// This thread's estimator for (`sample_rate_hz`, `taps`), kept between calls (making one
/// designs the low-pass and plans its FFTs: about half a millisecond). Each thread keeps the
/// few it used last; the reference is good until this thread asks for several others.
ShiftedPairItd& cached_shifted_pair_itd(double sample_rate_hz, std::size_t taps);

}  // namespace pinna::detail
