// Delays of a minimum-phase split, aligned to what the ITD metric sees.
//
// The pure delay found by cross-correlating an IR with its minimum-phase version is a
// broadband fit; the ITD metric compares 3 kHz low-passed envelopes, where the same
// split can be off by a fraction of a sample to a few samples (pinna measured 12 us of ITD
// error on SONICOM from the split alone, 58 us on HUTUBS). Re-aligning each ear's delay
// so that the rebuilt IR's low-passed envelope lines up with the original's removes it.
#pragma once

#include <vector>

#include "pinna/hrir_set.hpp"

namespace pinna::detail {

/// The delay (samples, >= 0) of `original` relative to its minimum-phase IR `min_phase`
/// (same length): the fractional lag between their low-passed envelopes. Returns
/// `fallback_delay` for a silent IR or an implausible lag.
double envelope_aligned_delay(const float* original, const float* min_phase, std::size_t taps,
                              double fallback_delay, double sample_rate_hz);

/// The same for a whole split set: `split` holds the minimum-phase IRs of `original` and
/// their delays (to_minimum_phase); its delays are corrected in place.
void align_split_delays(const HrirSet& original, HrirSet& split);

}  // namespace pinna::detail
