// The DTF step in front of the model. AMT users turn HRTFs into DTFs with the SOFA
// toolbox's SOFAhrtf2dtf; its default algorithm is reproduced here because the model does
// not cancel a common transfer function by itself (the positive-gradient rectification is
// not linear), so the predictions depend on exactly how the CTF is removed.
//
// Differences from pinna::split_dtf (pinna/spectrum.hpp), which serves other purposes:
// split_dtf's CTF is the RMS (power mean) of the magnitudes and zero-phase, and it divides
// every bin; here the CTF is the exponential of the mean log magnitude (a geometric mean),
// minimum-phase, and only bins from 50 Hz to 18 kHz are divided (DC and the bins above
// keep the HRTF).
#include <cmath>
#include <complex>
#include <string>

#include "dsp/fft.hpp"
#include "perception/stages.hpp"
#include "pinna/error.hpp"
#include "pinna/hrir_set.hpp"

namespace pinna::perception {

namespace {

// SOFAhrtf2dtf defaults: the band in which the CTF is removed.
constexpr double kDtfLowHz = 50.0;
constexpr double kDtfHighHz = 18000.0;
// The toolbox also attenuates the DTFs by 20 dB; a broadband gain cancels in the model's
// spectral gradients, so it is left out.

}  // namespace

std::vector<double> directional_irs(const HrirSet& set, const std::vector<std::size_t>& which,
                                    DtfMethod method) {
    const std::size_t n = set.taps();
    std::vector<double> out(which.size() * kEars * n);
    if (method == DtfMethod::none) {
        for (std::size_t i = 0; i < which.size(); ++i)
            for (std::size_t e = 0; e < kEars; ++e) {
                const float* ir = set.ir(which[i], static_cast<Ear>(e));
                std::copy(ir, ir + n, out.begin() + static_cast<long>((i * kEars + e) * n));
            }
        return out;
    }
    if (n < 2)
        throw InvalidDataError("perception: a DTF needs IRs of at least 2 taps, the set has " +
                               std::to_string(n));
    const RealFft fft(n);
    const std::size_t bins = fft.bins();
    const std::size_t m_count = set.measurements();

    // Spectra of every direction: the CTF is a property of the whole set.
    std::vector<std::complex<double>> spectra(m_count * kEars * bins);
    std::vector<double> x(n);
    std::vector<double> log_mean(kEars * bins, 0.0);
    for (std::size_t m = 0; m < m_count; ++m)
        for (std::size_t e = 0; e < kEars; ++e) {
            const float* ir = set.ir(m, static_cast<Ear>(e));
            std::copy(ir, ir + n, x.begin());
            std::complex<double>* h = spectra.data() + (m * kEars + e) * bins;
            fft.forward(x.data(), h);
            for (std::size_t k = 0; k < bins; ++k)
                log_mean[e * bins + k] += std::log(std::abs(h[k]) + kMatlabEps);
        }
    for (double& v : log_mean)
        v /= static_cast<double>(m_count);

    // Minimum phase of exp(log_mean) by folding the real cepstrum, per ear.
    std::vector<std::complex<double>> ctf(kEars * bins);
    std::vector<std::complex<double>> half(bins);
    std::vector<double> cepstrum(n);
    for (std::size_t e = 0; e < kEars; ++e) {
        for (std::size_t k = 0; k < bins; ++k)
            half[k] = log_mean[e * bins + k];
        fft.inverse(half.data(), cepstrum.data());
        // Keep c[0] (and c[n/2] for even n), double the causal part, drop the rest.
        const std::size_t last_doubled = (n % 2 == 0) ? n / 2 - 1 : (n - 1) / 2;
        for (std::size_t t = 1; t <= last_doubled; ++t)
            cepstrum[t] *= 2.0;
        for (std::size_t t = (n % 2 == 0) ? n / 2 + 1 : (n + 1) / 2; t < n; ++t)
            cepstrum[t] = 0.0;
        fft.forward(cepstrum.data(), half.data());
        // The toolbox takes the magnitude from the log mean itself and only the phase from
        // the folded cepstrum.
        for (std::size_t k = 0; k < bins; ++k)
            ctf[e * bins + k] = std::exp(log_mean[e * bins + k]) * std::polar(1.0, half[k].imag());
    }

    const double fs = set.sample_rate_hz();
    for (std::size_t i = 0; i < which.size(); ++i)
        for (std::size_t e = 0; e < kEars; ++e) {
            const std::complex<double>* h = spectra.data() + (which[i] * kEars + e) * bins;
            for (std::size_t k = 0; k < bins; ++k) {
                const double f = static_cast<double>(k) * fs / static_cast<double>(n);
                half[k] = (f >= kDtfLowHz && f <= kDtfHighHz) ? h[k] / ctf[e * bins + k] : h[k];
            }
            fft.inverse(half.data(), out.data() + (i * kEars + e) * n);
        }
    return out;
}

}  // namespace pinna::perception
