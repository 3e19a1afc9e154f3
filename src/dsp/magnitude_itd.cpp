// dB magnitudes + metric ITD of a set, and the way back to HRIRs.
#include <algorithm>
#include <cmath>
#include <complex>
#include <string>
#include <vector>

#include "dsp/biquad_pair.hpp"
#include "dsp/correlation.hpp"
#include "dsp/fast_cepstrum.hpp"
#include "dsp/fft.hpp"
#include "dsp/shifted_itd.hpp"
#include "pinna/delay.hpp"
#include "pinna/error.hpp"
#include "pinna/magnitude_itd.hpp"
#include "pinna/time_domain.hpp"

namespace pinna {

MagnitudeItd magnitude_itd(const HrirSet& input, ItdResolution resolution) {
    input.validate();
    HrirSet applied;
    const HrirSet* set = &input;
    if (input.has_delays()) {
        applied = with_delays_applied(input);
        set = &applied;
    }
    MagnitudeItd out;
    out.db = magnitude_db(to_hrtf(*set), kMagnitudeFloorDb);
    const ItdEstimator itd(set->sample_rate_hz(), set->taps());
    out.itd_s.resize(set->measurements());
    const bool fractional = resolution == ItdResolution::fractional;
    for (std::size_t m = 0; m < set->measurements(); ++m) {
        const float* left = set->ir(m, Ear::left);
        const float* right = set->ir(m, Ear::right);
        out.itd_s[m] = fractional ? itd.itd_fractional_s(left, right) : itd.itd_s(left, right);
    }
    return out;
}

double leading_ear_delay_samples(const HrirSet& set) {
    const std::size_t n = set.taps();
    if (set.measurements() == 0 || n == 0)
        return 0.0;
    // to_minimum_phase's delays (MinimumPhaseOptions{}: the cross-correlation peak between
    // each IR and its minimum-phase IR, plus Data.Delay), with the minimum-phase IRs made in
    // single precision (detail::FastCepstrum, as minimum_phase_hrirs) instead of double:
    // the same delays within 1e-3 samples (tests/dsp/test_magnitude_itd.cpp, on KEMAR).
    const MinimumPhaseOptions options;
    std::size_t L = 1;
    while (L < options.oversample * std::max<std::size_t>(n, 2))
        L <<= 1;
    detail::FastCepstrum& cepstrum = detail::cached_fast_cepstrum(L);
    AlignedVector<float> padded(L, 0.0f);
    AlignedVector<std::complex<float>> spectrum(cepstrum.bins());
    std::vector<float> min_phase(n);
    std::vector<double> a(n), b(n);
    const detail::Correlator correlator(n);
    const double floor_ratio = std::pow(10.0, options.floor_db / 10.0);
    double sum = 0.0;
    for (std::size_t m = 0; m < set.measurements(); ++m) {
        double leading = 0.0;
        for (std::size_t e = 0; e < kEars; ++e) {
            const float* ir = set.ir(m, static_cast<Ear>(e));
            std::copy(ir, ir + n, padded.begin());
            cepstrum.fft().forward(padded.data(), spectrum.data());
            double peak = 0.0;
            for (const auto& v : spectrum)
                peak = std::max(peak, static_cast<double>(std::norm(v)));
            double delay = 0.0;
            if (peak > 0.0) {
                const double floor_power = peak * floor_ratio;
                float* v = cepstrum.log_magnitude();
                for (std::size_t k = 0; k < spectrum.size(); ++k)
                    v[k] = static_cast<float>(
                        0.5 * std::log(std::max(static_cast<double>(std::norm(spectrum[k])),
                                                floor_power)));
                cepstrum.minimum_phase();
                cepstrum.impulse_response(min_phase.data(), n);
                std::copy(ir, ir + n, a.begin());
                std::copy(min_phase.begin(), min_phase.end(), b.begin());
                delay = std::max(0.0, correlator.fractional_peak_lag(a.data(), b.data(), 0,
                                                                     static_cast<long>(n) - 1));
            }
            delay += set.delay_samples(m, static_cast<Ear>(e));
            leading = e == 0 ? delay : std::min(leading, delay);
        }
        sum += leading;
    }
    return sum / static_cast<double>(set.measurements());
}

namespace {

// x[t] <- x[t - shift] (zero before the start), the IR cut at n: delay_signal's whole-sample
// case, in place.
void shift_in_place(float* x, std::size_t n, std::size_t shift) noexcept {
    const std::size_t s = std::min(shift, n);
    std::copy_backward(x, x + (n - s), x + n);
    std::fill(x, x + s, 0.0f);
}

}  // namespace

HrirSet render_magnitude_itd(const MagnitudeItd& spectra,
                             const MagnitudeItdRenderOptions& options) {
    const SpectrumSet& db = spectra.db;
    const std::size_t m_count = db.measurements();
    if (db.data.size() != m_count * kEars * db.bins())
        throw InvalidArgumentError("render_magnitude_itd: " + std::to_string(db.data.size()) +
                                   " dB values for " + std::to_string(m_count) +
                                   " directions x 2 ears x " + std::to_string(db.bins()) + " bins");
    if (spectra.itd_s.size() != m_count)
        throw InvalidArgumentError("render_magnitude_itd: " + std::to_string(spectra.itd_s.size()) +
                                   " ITDs for " + std::to_string(m_count) + " directions");
    if (!(db.sample_rate_hz > 0.0) || !std::isfinite(db.sample_rate_hz))
        throw InvalidArgumentError("render_magnitude_itd: sample rate " +
                                   std::to_string(db.sample_rate_hz) + " Hz is not positive");
    if (!(options.base_delay_samples >= 0.0) || !std::isfinite(options.base_delay_samples))
        throw InvalidArgumentError("render_magnitude_itd: base delay " +
                                   std::to_string(options.base_delay_samples) +
                                   " samples is not a finite non-negative number");
    detail::check_oversample(options.oversample, "render_magnitude_itd");
    for (std::size_t m = 0; m < m_count; ++m)
        if (!std::isfinite(spectra.itd_s[m]))
            throw InvalidArgumentError("render_magnitude_itd: ITD of direction " +
                                       std::to_string(m) + " is not finite");
    const std::size_t taps = options.taps == 0 ? db.fft_size : options.taps;
    const double fs = db.sample_rate_hz;

    // The minimum-phase IRs are delayed where they are: each pair is measured (copied into
    // the ITD estimator) before it is shifted.
    HrirSet out = minimum_phase_hrirs(db, taps, options.oversample);
    detail::ShiftedPairItd& itd = detail::cached_shifted_pair_itd(fs, taps);
    const long base = std::lround(options.base_delay_samples);
    // Two directions' pairs are low-passed together (four lanes), before either is shifted.
    std::vector<double> lowpassed(options.match_metric_itd ? 4 * taps : 0);
    for (std::size_t m = 0; m < m_count; ++m) {
        float* left = out.ir(m, Ear::left);
        float* right = out.ir(m, Ear::right);
        // Delaying the right ear by d adds d to t_right - t_left.
        const auto shift_left = [&](long extra) { return base + std::max(-extra, 0L); };
        const auto shift_right = [&](long extra) { return base + std::max(extra, 0L); };
        const auto render = [&](long extra) {
            shift_in_place(left, taps, static_cast<std::size_t>(shift_left(extra)));
            shift_in_place(right, taps, static_cast<std::size_t>(shift_right(extra)));
        };
        const long want = std::lround(spectra.itd_s[m] * fs);
        if (!options.match_metric_itd) {
            render(want);
            continue;
        }
        // The metric ITD of the rendered pair, measured on the minimum-phase pair shifted
        // (detail::ShiftedPairItd: what ItdEstimator gives on the rendered IRs).
        if (m % 2 == 0 && m + 1 < m_count) {
            double* lanes[4];
            for (std::size_t l = 0; l < 4; ++l) {
                lanes[l] = lowpassed.data() + l * taps;
                const float* ir = out.ir(m + l / 2, static_cast<Ear>(l % 2));
                std::copy(ir, ir + taps, lanes[l]);
            }
            detail::filter_sections_quad(itd.lowpass(), lanes, lanes, taps);
        }
        if (m % 2 == 0 && m + 1 == m_count) {
            itd.set_pair(left, right);
        } else {
            const double* pair = lowpassed.data() + (m % 2) * 2 * taps;
            itd.set_lowpassed_pair(pair, pair + taps);
        }
        const auto measured = [&](long extra) {
            return std::lround(itd.itd_samples(static_cast<std::size_t>(shift_left(extra)),
                                               static_cast<std::size_t>(shift_right(extra))));
        };
        // The metric is shift-equivariant up to the truncation at `taps` and the envelope's
        // circular FFT, so after a first measurement the error is almost always the right
        // correction. The first try assumes the minimum-phase pair's own ITD is 0 (true for
        // 58 % of SONICOM P0004's directions, 36 % of MIT KEMAR's): when it is, one
        // measurement at the final shifts is all; otherwise the second, with one ear
        // shifted anew, is almost always right.
        long extra = want;
        long best_extra = extra;
        long best_error = -1;
        for (int attempt = 0; attempt < 4; ++attempt) {  // the first try and 3 corrections
            const long error = measured(extra) - want;
            if (best_error < 0 || std::labs(error) < best_error) {
                best_error = std::labs(error);
                best_extra = extra;
            }
            if (error == 0)
                break;
            extra -= error;
        }
        render(best_extra);
    }
    return out;
}

}  // namespace pinna
