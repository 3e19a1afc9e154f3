// LSD / SDE / PCC of IR pairs of one length and rate, with the FFT planned once.
#pragma once

#include <cstddef>
#include <vector>

#include "dsp/fft.hpp"
#include "pinna/metrics.hpp"

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

}  // namespace pinna::detail
