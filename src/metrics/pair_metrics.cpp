#include <algorithm>
#include <cmath>
#include <complex>
#include <string>

#include "metrics/spectral_scorer.hpp"
#include "pinna/error.hpp"
#include "pinna/metrics.hpp"
#include "pinna/time_domain.hpp"

namespace pinna {

std::vector<std::size_t> metric_bins(std::size_t n, double sample_rate_hz) {
    std::vector<std::size_t> out;
    for (std::size_t k = 0; k < n / 2; ++k) {
        const double f = static_cast<double>(k) * sample_rate_hz / static_cast<double>(n);
        if (f >= kMetricMinHz && f <= kMetricMaxHz)
            out.push_back(k);
    }
    return out;
}

double lsd_db(const SpectrumSet& reference, const SpectrumSet& estimate) {
    if (reference.fft_size != estimate.fft_size ||
        reference.measurements() != estimate.measurements() ||
        reference.sample_rate_hz != estimate.sample_rate_hz ||
        reference.data.size() != reference.measurements() * kEars * reference.bins() ||
        estimate.data.size() != reference.data.size())
        throw InvalidArgumentError("lsd_db: the two spectrum sets differ in layout (" +
                                   std::to_string(reference.measurements()) + " vs " +
                                   std::to_string(estimate.measurements()) + " directions, FFT " +
                                   std::to_string(reference.fft_size) + " vs " +
                                   std::to_string(estimate.fft_size) +
                                   ", or sample rate / data size)");
    const std::vector<std::size_t> bins = metric_bins(reference.fft_size, reference.sample_rate_hz);
    if (bins.empty() || reference.measurements() == 0)
        throw InvalidArgumentError("lsd_db: no direction or no bin in 20 Hz .. 20 kHz to score");
    double sum = 0.0;
    for (std::size_t m = 0; m < reference.measurements(); ++m)
        for (const Ear ear : {Ear::left, Ear::right}) {
            const double* r = reference.values(m, ear);
            const double* e = estimate.values(m, ear);
            double squares = 0.0;
            for (const std::size_t k : bins)
                squares += (r[k] - e[k]) * (r[k] - e[k]);
            sum += std::sqrt(squares / static_cast<double>(bins.size()));
        }
    return sum / static_cast<double>(reference.measurements() * kEars);
}

namespace detail {

SpectralScorer::SpectralScorer(std::size_t n, double sample_rate_hz)
    : n_(n), bins_(metric_bins(n, sample_rate_hz)), fft_(std::max<std::size_t>(n, 1)) {
    if (bins_.empty())
        throw InvalidArgumentError("spectral metrics: no bin of a " + std::to_string(n) +
                                   "-point FFT at " + std::to_string(sample_rate_hz) +
                                   " Hz lies in 20 Hz .. 20 kHz below Nyquist");
}

std::vector<double> SpectralScorer::db_spectrum(const float* ir) const {
    std::vector<double> x(ir, ir + n_);
    std::vector<std::complex<double>> X(fft_.bins());
    fft_.forward(x.data(), X.data());
    std::vector<double> out(bins_.size());
    for (std::size_t i = 0; i < bins_.size(); ++i)
        out[i] = 20.0 * std::log10(std::max(std::abs(X[bins_[i]]), kMagnitudeFloor));
    return out;
}

SpectralScores SpectralScorer::score(const std::vector<double>& r,
                                     const std::vector<double>& e) const noexcept {
    const double count = static_cast<double>(r.size());
    double sq = 0.0, abs_sum = 0.0, mean_r = 0.0, mean_e = 0.0;
    for (std::size_t i = 0; i < r.size(); ++i) {
        const double d = r[i] - e[i];
        sq += d * d;
        abs_sum += std::fabs(d);
        mean_r += r[i];
        mean_e += e[i];
    }
    mean_r /= count;
    mean_e /= count;
    double cov = 0.0, var_r = 0.0, var_e = 0.0;
    for (std::size_t i = 0; i < r.size(); ++i) {
        cov += (r[i] - mean_r) * (e[i] - mean_e);
        var_r += (r[i] - mean_r) * (r[i] - mean_r);
        var_e += (e[i] - mean_e) * (e[i] - mean_e);
    }
    SpectralScores s;
    s.lsd_db = std::sqrt(sq / count);
    s.sde_db = abs_sum / count;
    if (var_r > 0.0 && var_e > 0.0)
        s.pcc = cov / std::sqrt(var_r * var_e);
    else
        s.pcc = std::equal(r.begin(), r.end(), e.begin()) ? 1.0 : 0.0;
    return s;
}

}  // namespace detail

SpectralScores spectral_scores(const float* reference, const float* estimate, std::size_t n,
                               double sample_rate_hz) {
    return detail::SpectralScorer(n, sample_rate_hz).score(reference, estimate);
}

double lsd_db(const float* reference, const float* estimate, std::size_t n, double fs) {
    return spectral_scores(reference, estimate, n, fs).lsd_db;
}

double sde_db(const float* reference, const float* estimate, std::size_t n, double fs) {
    return spectral_scores(reference, estimate, n, fs).sde_db;
}

double spectral_pcc(const float* reference, const float* estimate, std::size_t n, double fs) {
    return spectral_scores(reference, estimate, n, fs).pcc;
}

double rmse(const float* reference, const float* estimate, std::size_t n) noexcept {
    if (n == 0)
        return 0.0;
    double sq = 0.0;
    for (std::size_t t = 0; t < n; ++t) {
        const double d = static_cast<double>(reference[t]) - static_cast<double>(estimate[t]);
        sq += d * d;
    }
    return std::sqrt(sq / static_cast<double>(n));
}

double mae(const float* reference, const float* estimate, std::size_t n) noexcept {
    if (n == 0)
        return 0.0;
    double sum = 0.0;
    for (std::size_t t = 0; t < n; ++t)
        sum += std::fabs(static_cast<double>(reference[t]) - static_cast<double>(estimate[t]));
    return sum / static_cast<double>(n);
}

double sdr_db(const float* reference, const float* estimate, std::size_t n,
              double cap_db) noexcept {
    double signal = 0.0, error = 0.0;
    for (std::size_t t = 0; t < n; ++t) {
        const double r = reference[t];
        const double d = r - static_cast<double>(estimate[t]);
        signal += r * r;
        error += d * d;
    }
    if (error == 0.0)
        return cap_db;
    if (signal == 0.0)
        return -cap_db;
    return std::clamp(10.0 * std::log10(signal / error), -cap_db, cap_db);
}

double ild_db(const float* left, const float* right, std::size_t n) noexcept {
    double el = 0.0, er = 0.0;
    for (std::size_t t = 0; t < n; ++t) {
        el += static_cast<double>(left[t]) * left[t];
        er += static_cast<double>(right[t]) * right[t];
    }
    const double count = static_cast<double>(std::max<std::size_t>(n, 1));
    const double rms_l = std::max(std::sqrt(el / count), kMagnitudeFloor);
    const double rms_r = std::max(std::sqrt(er / count), kMagnitudeFloor);
    return 20.0 * std::log10(rms_l) - 20.0 * std::log10(rms_r);
}

double itd_error_us(const float* reference_left, const float* reference_right,
                    const float* estimate_left, const float* estimate_right, std::size_t n,
                    double sample_rate_hz) {
    const ItdEstimator itd(sample_rate_hz, n);
    return 1e6 * std::fabs(itd.itd_s(reference_left, reference_right) -
                           itd.itd_s(estimate_left, estimate_right));
}

}  // namespace pinna
