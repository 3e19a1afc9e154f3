// Broadband delays of single signals: integer shifts, and fractional shifts with a
// Kaiser-windowed sinc (exact at integer delays).
#pragma once

#include <cstddef>

#include "pinna/visibility.hpp"

PINNA_API_BEGIN
namespace pinna {

class HrirSet;

/// Half length, in samples, of the fractional-delay kernel used by delay_signal.
constexpr std::size_t kFractionalDelayHalfTaps = 16;

/// out[t] = in[t - delay_samples] for t in [0, out_size), with in[] = 0 outside
/// [0, in_size). Integer delays are exact copies; fractional delays interpolate with a
/// 2*kFractionalDelayHalfTaps-tap Kaiser-windowed sinc. Negative delays advance the signal.
/// `in` and `out` must not overlap.
void delay_signal(const float* in, std::size_t in_size, double delay_samples, float* out,
                  std::size_t out_size) noexcept;

/// Bakes the set's broadband delays (HrirSet::delays_samples) into its IRs, so that each
/// IR is the ear signal; the IRs grow by the largest delay (plus the kernel half length for
/// fractional delays) and the set has no delays afterwards.
void apply_delays(HrirSet& set);

/// A validated copy of `set` with its delays applied (apply_delays), so that its IRs are the
/// ear signals: what every consumer of measured IRs starts from. Throws InvalidDataError
/// (HrirSet::validate) for an invalid set.
HrirSet with_delays_applied(const HrirSet& set);

}  // namespace pinna
PINNA_API_END
