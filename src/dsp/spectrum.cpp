#include "pinna/spectrum.hpp"

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "core/vec_math.hpp"
#include "dsp/fast_cepstrum.hpp"
#include "dsp/fft.hpp"
#include "pinna/error.hpp"
#include "pinna/time_domain.hpp"

namespace pinna {

HrtfSet to_hrtf(const HrirSet& set, std::size_t fft_size) {
    if (fft_size == 0)
        fft_size = set.taps();
    if (fft_size == 0)
        throw InvalidArgumentError("to_hrtf: the set has no taps");
    if (fft_size < set.taps())
        throw InvalidArgumentError("to_hrtf: fft_size " + std::to_string(fft_size) +
                                   " is shorter than the IRs (" + std::to_string(set.taps()) +
                                   " taps)");
    HrtfSet out;
    out.sample_rate_hz = set.sample_rate_hz();
    out.fft_size = fft_size;
    out.directions = set.directions();
    out.data.resize(set.measurements() * kEars * out.bins());
    const RealFft fft(fft_size);
    std::vector<double> x(fft_size, 0.0);
    for (std::size_t m = 0; m < set.measurements(); ++m)
        for (std::size_t e = 0; e < kEars; ++e) {
            const Ear ear = static_cast<Ear>(e);
            std::copy(set.ir(m, ear), set.ir(m, ear) + set.taps(), x.begin());
            fft.forward(x.data(), out.values(m, ear));
        }
    return out;
}

HrirSet to_hrirs(const HrtfSet& hrtf, std::size_t taps) {
    if (hrtf.fft_size == 0)
        throw InvalidArgumentError("to_hrirs: fft_size is 0");
    if (taps == 0)
        taps = hrtf.fft_size;
    if (taps > hrtf.fft_size)
        throw InvalidArgumentError("to_hrirs: taps " + std::to_string(taps) + " exceed fft_size " +
                                   std::to_string(hrtf.fft_size));
    if (hrtf.data.size() != hrtf.measurements() * kEars * hrtf.bins())
        throw InvalidArgumentError("to_hrirs: data holds " + std::to_string(hrtf.data.size()) +
                                   " values, expected M x 2 x bins = " +
                                   std::to_string(hrtf.measurements() * kEars * hrtf.bins()));
    HrirSet out(hrtf.sample_rate_hz, taps, hrtf.directions);
    const RealFft fft(hrtf.fft_size);
    std::vector<double> x(hrtf.fft_size);
    for (std::size_t m = 0; m < hrtf.measurements(); ++m)
        for (std::size_t e = 0; e < kEars; ++e) {
            const Ear ear = static_cast<Ear>(e);
            fft.inverse(hrtf.values(m, ear), x.data());
            std::transform(x.begin(), x.begin() + static_cast<long>(taps), out.ir(m, ear),
                           [](double v) { return static_cast<float>(v); });
        }
    return out;
}

SpectrumSet magnitude_db(const HrtfSet& hrtf, double floor_db) {
    SpectrumSet out;
    out.sample_rate_hz = hrtf.sample_rate_hz;
    out.fft_size = hrtf.fft_size;
    out.directions = hrtf.directions;
    out.data.resize(hrtf.data.size());
    const double floor = std::pow(10.0, floor_db / 20.0);
    for (std::size_t i = 0; i < hrtf.data.size(); ++i)
        out.data[i] = 20.0 * std::log10(std::max(std::abs(hrtf.data[i]), floor));
    return out;
}

HrirSet minimum_phase_hrirs(const SpectrumSet& spectrum_db, std::size_t taps,
                            std::size_t oversample) {
    if (spectrum_db.fft_size < 2)
        throw InvalidArgumentError("minimum_phase_hrirs: fft_size " +
                                   std::to_string(spectrum_db.fft_size) + " is below 2");
    detail::check_oversample(oversample, "minimum_phase_hrirs");
    if (taps == 0)
        taps = spectrum_db.fft_size;
    HrirSet out(spectrum_db.sample_rate_hz, taps, spectrum_db.directions);
    // As minimum_phase_from_magnitude with MinimumPhaseOptions{} but `oversample` (the log
    // magnitude interpolated linearly onto the cepstrum's grid, floored kMagnitudeFloorDb
    // below the peak), in single precision (detail::FastCepstrum): a model's output is
    // rendered in a few milliseconds. Where the spectra's FFT size divides the cepstrum's
    // (the usual case, powers of two), the interpolation is done in the cepstral domain.
    const std::size_t N = spectrum_db.fft_size;
    std::size_t L = 1;
    while (L < oversample * std::max(N, taps))
        L <<= 1;
    const bool coarse_path = L % N == 0;
    detail::FastCepstrum& cepstrum = detail::cached_fast_cepstrum(L, coarse_path ? N : 0);
    const std::size_t bins = spectrum_db.bins(), fine = cepstrum.bins();
    std::vector<std::size_t> lower(coarse_path ? 0 : fine);
    std::vector<float> weight(coarse_path ? 0 : fine);
    for (std::size_t j = 0; j < lower.size(); ++j) {
        const double p = static_cast<double>(j) * static_cast<double>(N) / static_cast<double>(L);
        lower[j] = std::min(static_cast<std::size_t>(p), bins - 1);
        weight[j] = static_cast<float>(std::min(p - static_cast<double>(lower[j]), 1.0));
    }
    const double db_to_ln = std::log(10.0) / 20.0;
    std::vector<float> coarse(bins + 1);
    for (std::size_t m = 0; m < spectrum_db.measurements(); ++m)
        for (std::size_t e = 0; e < kEars; ++e) {
            const Ear ear = static_cast<Ear>(e);
            const double* db = spectrum_db.values(m, ear);
            const double peak = *std::max_element(db, db + bins);
            if (!std::isfinite(peak))
                continue;  // silent (or unusable): zeros
            const double floor_db = peak + kMagnitudeFloorDb;
            float* c = coarse_path ? cepstrum.coarse_log_magnitude() : coarse.data();
            for (std::size_t k = 0; k < bins; ++k)
                c[k] = static_cast<float>(std::max(db[k], floor_db) * db_to_ln);
            if (coarse_path) {
                cepstrum.minimum_phase_from_coarse();
            } else {
                coarse[bins] = coarse[bins - 1];
                float* v = cepstrum.log_magnitude();
                for (std::size_t j = 0; j < fine; ++j)
                    v[j] = (1.0f - weight[j]) * coarse[lower[j]] + weight[j] * coarse[lower[j] + 1];
                cepstrum.minimum_phase();
            }
            cepstrum.impulse_response(out.ir(m, ear), taps);
        }
    return out;
}

DtfSplit split_dtf(const HrtfSet& hrtf) {
    if (hrtf.measurements() == 0)
        throw InvalidArgumentError("split_dtf: the set is empty");
    const std::size_t bins = hrtf.bins();
    DtfSplit out;
    out.dtf = hrtf;
    out.ctf.assign(kEars * bins, 0.0);
    for (std::size_t e = 0; e < kEars; ++e) {
        const Ear ear = static_cast<Ear>(e);
        double* ctf = out.ctf.data() + e * bins;
        for (std::size_t m = 0; m < hrtf.measurements(); ++m) {
            const std::complex<double>* h = hrtf.values(m, ear);
            for (std::size_t k = 0; k < bins; ++k)
                ctf[k] += std::norm(h[k]);
        }
        for (std::size_t k = 0; k < bins; ++k)
            ctf[k] = std::sqrt(ctf[k] / static_cast<double>(hrtf.measurements()));
        for (std::size_t m = 0; m < hrtf.measurements(); ++m) {
            std::complex<double>* d = out.dtf.values(m, ear);
            for (std::size_t k = 0; k < bins; ++k)
                d[k] = ctf[k] > 0.0 ? d[k] / ctf[k] : 0.0;
        }
    }
    return out;
}

HrtfSet join_dtf(const DtfSplit& split) {
    const std::size_t bins = split.dtf.bins();
    if (split.ctf.size() != kEars * bins)
        throw InvalidArgumentError("join_dtf: ctf holds " + std::to_string(split.ctf.size()) +
                                   " values, expected 2 x " + std::to_string(bins));
    HrtfSet out = split.dtf;
    for (std::size_t m = 0; m < out.measurements(); ++m)
        for (std::size_t e = 0; e < kEars; ++e) {
            const Ear ear = static_cast<Ear>(e);
            const double* ctf = split.ctf_of(ear);
            std::complex<double>* h = out.values(m, ear);
            for (std::size_t k = 0; k < bins; ++k)
                h[k] *= ctf[k];
        }
    return out;
}

}  // namespace pinna
