// The LAP-metric ITD (ItdEstimator::itd_samples) of a pair of IRs delayed by whole samples,
// for many delays of the same pair: each ear is low-passed once, and a delayed IR's
// low-passed signal is the low-passed signal delayed (the causal filter starts from rest,
// so the results are bitwise those of ItdEstimator on the delayed IRs). No allocation per
// estimate. render_magnitude_itd uses it to match the metric ITD of what it renders.
#pragma once

#include <cstddef>
#include <vector>

#include "dsp/correlation.hpp"
#include "dsp/hilbert.hpp"
#include "pinna/time_domain.hpp"

namespace pinna::detail {

class ShiftedPairItd {
  public:
    /// IRs of `taps` samples at `sample_rate_hz`, with ItdEstimator's default low-pass.
    ShiftedPairItd(double sample_rate_hz, std::size_t taps);

    /// The pair to measure (taps() samples each).
    void set_pair(const float* left, const float* right);

    /// ItdEstimator(fs, taps).itd_samples(L, R) where L and R are the pair's IRs delayed by
    /// `shift_left` and `shift_right` samples and cut at taps().
    double itd_samples(std::size_t shift_left, std::size_t shift_right);

    std::size_t taps() const noexcept { return n_; }

  private:
    const double* envelope(int ear, std::size_t shift);

    std::size_t n_;
    std::vector<Biquad> sections_;
    HilbertEnvelope hilbert_;
    Correlator correlator_;
    std::vector<double> lowpassed_[2], shifted_[2], envelope_[2];
    std::size_t envelope_shift_[2] = {0, 0};
    bool envelope_valid_[2] = {false, false};
};

}  // namespace pinna::detail
