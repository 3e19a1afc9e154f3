// The QueryEngine's filters: every measured IR as a minimum-phase IR plus a delay.
//
// Interpolating IRs whose onsets differ comb-filters the mix, so the engine mixes
// minimum-phase IRs and interpolates the delays separately. One split here is one pass:
//
//  - the minimum-phase IR by the folded real cepstrum on an FFT of 4x the IR length
//    (single precision, vectorised log/exp/sincos: the output is float anyway);
//  - the delay that lines the minimum-phase IR up with the measurement as the ITD metric
//    sees them (../shared/docs/metrics.md: 3 kHz low-passed Hilbert envelopes): the peak
//    of the magnitude of the cross-correlation of the two low-passed analytic signals,
//    found in the frequency domain from the spectra the split already has (start: the
//    energy-weighted excess group delay below 3 kHz, i.e. the difference of the envelopes'
//    energy centroids; then a coarse search and Newton steps on the band-limited
//    correlation). No time-domain filtering, no Hilbert transforms, no extra FFTs.
//
// pinna::to_minimum_phase + detail::align_split_delays compute the same split in double
// precision with time-domain envelopes, about 3x slower; the Interpolator uses those.
#pragma once

#include <cstddef>
#include <memory>

#include "pinna/hrir_set.hpp"

namespace pinna::detail {

class FilterSplitter {
  public:
    /// Plans for IRs of `taps` samples at `sample_rate_hz`. Throws for taps == 0.
    FilterSplitter(std::size_t taps, double sample_rate_hz);
    ~FilterSplitter();
    FilterSplitter(const FilterSplitter&) = delete;
    FilterSplitter& operator=(const FilterSplitter&) = delete;

    /// Writes the minimum-phase IR of `ir` (taps() samples each) to `min_phase` and returns
    /// its delay in samples (>= 0): delaying `min_phase` by it lines its low-passed
    /// envelope up with the measurement's. A silent IR gives zeros and delay 0. Not
    /// thread-safe (the splitter owns its work buffers): one splitter per thread.
    double split(const float* ir, float* min_phase);

    std::size_t taps() const noexcept;
    /// The FFT length of the cepstrum.
    std::size_t fft_size() const noexcept;

  private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

/// Splits measurements [begin, end) of `set` (delays applied) into `irs` ([m][ear][tap],
/// all of the set's measurements) and `delays` ([m][ear]).
void split_filters(const HrirSet& set, std::size_t begin, std::size_t end, float* irs,
                   float* delays);
/// The same with the caller's splitter (made for the set's taps and rate).
void split_filters(FilterSplitter& splitter, const HrirSet& set, std::size_t begin, std::size_t end,
                   float* irs, float* delays);

}  // namespace pinna::detail
