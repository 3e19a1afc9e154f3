#include "dsp/shifted_itd.hpp"

#include <algorithm>

namespace pinna::detail {

ShiftedPairItd::ShiftedPairItd(double sample_rate_hz, std::size_t taps)
    : n_(taps),
      sections_(butterworth_lowpass(kItdLowpassOrder, kItdLowpassHz, sample_rate_hz)),
      hilbert_(taps),
      correlator_(taps) {
    for (int e = 0; e < 2; ++e) {
        lowpassed_[e].assign(n_, 0.0);
        shifted_[e].assign(n_, 0.0);
        envelope_[e].assign(n_, 0.0);
    }
}

void ShiftedPairItd::set_pair(const float* left, const float* right) {
    const float* ir[2] = {left, right};
    for (int e = 0; e < 2; ++e) {
        std::copy(ir[e], ir[e] + n_, lowpassed_[e].begin());
        filter_sections(sections_, lowpassed_[e].data(), lowpassed_[e].data(), n_);
        envelope_valid_[e] = false;
    }
}

const double* ShiftedPairItd::envelope(int ear, std::size_t shift) {
    if (envelope_valid_[ear] && envelope_shift_[ear] == shift)
        return envelope_[ear].data();
    const std::size_t s = std::min(shift, n_);
    std::vector<double>& x = shifted_[ear];
    std::fill(x.begin(), x.begin() + static_cast<long>(s), 0.0);
    std::copy(lowpassed_[ear].begin(), lowpassed_[ear].end() - static_cast<long>(s),
              x.begin() + static_cast<long>(s));
    hilbert_.envelope(x.data(), envelope_[ear].data());
    envelope_shift_[ear] = shift;
    envelope_valid_[ear] = true;
    return envelope_[ear].data();
}

double ShiftedPairItd::itd_samples(std::size_t shift_left, std::size_t shift_right) {
    const double* l = envelope(0, shift_left);
    const double* r = envelope(1, shift_right);
    // As ItdEstimator::itd_samples: the peak at d means the left envelope is the right one
    // delayed by d, so the ITD (right minus left arrival) is -d.
    return -static_cast<double>(correlator_.peak_lag(l, r));
}

}  // namespace pinna::detail
