// LSD / SDE / PCC of IR pairs of one length and rate, with the FFT planned once; and the
// binaural scores (ITD, ILD) of one direction, as compare() and the LAP protocol share them.
#pragma once

#include <cstddef>
#include <vector>

#include "dsp/fft.hpp"
#include "pinna/hrir_set.hpp"
#include "pinna/metrics.hpp"
#include "pinna/time_domain.hpp"

namespace pinna::detail {

class SpectralScorer {
  public:
    /// Throws InvalidArgumentError when no bin lies in 20 Hz .. 20 kHz.
    SpectralScorer(std::size_t n, double sample_rate_hz);

    const std::vector<std::size_t>& bins() const noexcept { return bins_; }
    /// 20 log10 max(|X[k]|, floor) over the metric bins.
    std::vector<double> db_spectrum(const float* ir) const;
    SpectralScores score(const std::vector<double>& reference_db,
                         const std::vector<double>& estimate_db) const noexcept;
    SpectralScores score(const float* reference, const float* estimate) const {
        return score(db_spectrum(reference), db_spectrum(estimate));
    }

  private:
    std::size_t n_;
    std::vector<std::size_t> bins_;
    RealFft fft_;
};

/// Fills the ITD and ILD fields of `d` for reference pair `i` against estimate pair `j`
/// (both `n` taps, `itd` made for that length): metric ITDs in us, broadband ILDs in dB,
/// and their absolute errors.
void score_binaural(const ItdEstimator& itd, const HrirSet& reference, std::size_t i,
                    const HrirSet& estimate, std::size_t j, std::size_t n, DirectionScores& d);

}  // namespace pinna::detail
