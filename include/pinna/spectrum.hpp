// Frequency-domain views of an HrirSet: complex HRTFs, dB magnitudes, and the split into
// direction-dependent (DTF) and common (CTF) parts.
#pragma once

#include <complex>
#include <cstddef>
#include <vector>

#include "pinna/geometry.hpp"
#include "pinna/hrir_set.hpp"
#include "pinna/visibility.hpp"

PINNA_API_BEGIN
namespace pinna {

/// Values per measurement, ear and frequency bin of an fft_size-point spectrum: bins =
/// fft_size/2 + 1 (DC .. Nyquist), bin k at k * sample_rate_hz / fft_size Hz, stored
/// [m][ear][bin]. HrtfSet holds complex transfer functions, SpectrumSet real values (dB
/// magnitudes).
template <typename T>
struct FrequencySet {
    double sample_rate_hz = 0.0;
    std::size_t fft_size = 0;
    std::vector<Direction> directions;
    std::vector<T> data;

    std::size_t measurements() const noexcept { return directions.size(); }
    std::size_t bins() const noexcept { return fft_size / 2 + 1; }
    double frequency_hz(std::size_t bin) const noexcept {
        return static_cast<double>(bin) * sample_rate_hz / static_cast<double>(fft_size);
    }
    T* values(std::size_t m, Ear ear) noexcept {
        return data.data() + (m * kEars + static_cast<std::size_t>(ear)) * bins();
    }
    const T* values(std::size_t m, Ear ear) const noexcept {
        return data.data() + (m * kEars + static_cast<std::size_t>(ear)) * bins();
    }
};

using HrtfSet = FrequencySet<std::complex<double>>;
using SpectrumSet = FrequencySet<double>;

/// FFT of every IR, zero-padded to `fft_size` (0: the set's tap count; smaller than the tap
/// count is refused with InvalidArgumentError). Delays the set carries in delays_samples()
/// are NOT part of the IRs and so not part of the spectra: apply_delays() first if needed.
HrtfSet to_hrtf(const HrirSet& set, std::size_t fft_size = 0);

/// Inverse FFT of every transfer function, keeping the first `taps` samples (0: fft_size).
HrirSet to_hrirs(const HrtfSet& hrtf, std::size_t taps = 0);

/// The one magnitude floor of pinna: -200 dB (linear 1e-10), far below any measured HRTF
/// (their noise floors sit around -100 dB), so it only keeps the logarithm of exact zeros
/// finite. magnitude_db, the interpolators' dB magnitudes, the metrics and the neural models'
/// features all floor there.
constexpr double kMagnitudeFloorDb = -200.0;
constexpr double kMagnitudeFloor = 1e-10;

/// 20 log10 max(|H|, 10^(floor_db/20)) per bin.
SpectrumSet magnitude_db(const HrtfSet& hrtf, double floor_db = kMagnitudeFloorDb);

/// Minimum-phase HRIRs of `taps` samples (0: fft_size) whose magnitudes are the dB values
/// of `spectrum` (see minimum_phase_from_magnitude, whose `oversample` this is: the cepstrum
/// has oversample x max(fft_size, taps) points, rounded up to a power of two); the way back
/// from dB magnitudes, which carry no phase. Add the ITD with delays afterwards.
/// With oversample 1 and taps = fft_size (a power of two), each IR's fft_size-point spectrum
/// has exactly the given magnitudes; the minimum-phase response's part beyond fft_size
/// samples is folded onto its start (time aliasing). A finer cepstrum (the default 4)
/// interpolates the log magnitude between bins and cuts that part off instead.
/// Throws InvalidArgumentError for fft_size < 2 or oversample outside 1..64.
HrirSet minimum_phase_hrirs(const SpectrumSet& spectrum_db, std::size_t taps = 0,
                            std::size_t oversample = 4);

/// DTF/CTF split. The CTF is the RMS over all directions of the magnitudes, per ear (ears
/// are not pooled) and bin: CTF(e,k) = sqrt(mean_m |H(m,e,k)|^2), real and zero-phase. The
/// DTF is HRTF / CTF, so it keeps the HRTF's phase (and timing); bins where the CTF is 0
/// (every HRTF is 0 there) have DTF 0. join_dtf() multiplies back exactly.
struct DtfSplit {
    HrtfSet dtf;
    std::vector<double> ctf;  ///< 2 x bins, [ear][bin], linear magnitude

    const double* ctf_of(Ear ear) const noexcept {
        return ctf.data() + static_cast<std::size_t>(ear) * dtf.bins();
    }
};

DtfSplit split_dtf(const HrtfSet& hrtf);
/// DTF x CTF, the HRTF again.
HrtfSet join_dtf(const DtfSplit& split);

}  // namespace pinna
PINNA_API_END
