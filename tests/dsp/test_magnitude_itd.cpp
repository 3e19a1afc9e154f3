// The magnitude + ITD representation and the way back to HRIRs, on signals with exact answers.
#include <catch2/catch.hpp>

#include <cmath>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "dsp/shifted_itd.hpp"
#include "pinna/delay.hpp"
#include "pinna/error.hpp"
#include "pinna/grid.hpp"
#include "pinna/magnitude_itd.hpp"
#include "pinna/sofa.hpp"
#include "pinna/spectrum.hpp"
#include "pinna/time_domain.hpp"
#include "support/test_support.hpp"

using namespace pinna;

namespace {

constexpr double kFs = 44100.0;

MagnitudeItd flat_spectra(std::size_t m, std::size_t fft_size, double level_db) {
    MagnitudeItd s;
    s.db.sample_rate_hz = kFs;
    s.db.fft_size = fft_size;
    s.db.directions = fibonacci_grid(m);
    s.db.data.assign(m * 2 * (fft_size / 2 + 1), level_db);
    s.itd_s.assign(m, 0.0);
    return s;
}

// Index of the largest |sample| and whether everything else is below `eps`.
std::size_t single_peak(const float* x, std::size_t n, double eps, bool& clean) {
    std::size_t p = 0;
    for (std::size_t i = 1; i < n; ++i)
        if (std::fabs(x[i]) > std::fabs(x[p]))
            p = i;
    clean = true;
    for (std::size_t i = 0; i < n; ++i)
        if (i != p && std::fabs(x[i]) > eps)
            clean = false;
    return p;
}

}  // namespace

TEST_CASE("magnitude_itd of delayed impulses", "[magnitude_itd]") {
    HrirSet set(kFs, 64, fibonacci_grid(3));
    for (std::size_t m = 0; m < 3; ++m) {
        set.ir(m, Ear::left)[3] = 0.5f;
        set.ir(m, Ear::right)[3 + m * 2] = 0.25f;  // right ear lags by 0, 2, 4 samples
    }
    const MagnitudeItd s = magnitude_itd(set);
    REQUIRE(s.db.fft_size == 64);
    REQUIRE(s.db.bins() == 33);
    for (std::size_t k = 0; k < 33; ++k) {
        CHECK(s.db.values(1, Ear::left)[k] == Approx(20.0 * std::log10(0.5)).margin(1e-6));
        CHECK(s.db.values(1, Ear::right)[k] == Approx(20.0 * std::log10(0.25)).margin(1e-6));
    }
    // pinna's sign: right ear later -> positive.
    CHECK(s.itd_s[0] == 0.0);
    CHECK(s.itd_s[1] * kFs == Approx(2.0));
    CHECK(s.itd_s[2] * kFs == Approx(4.0));
    // pure delays of the minimum-phase split: left 3, right 3, 5, 7; the leading ear's is 3
    CHECK(leading_ear_delay_samples(set) == Approx(3.0).margin(0.02));
    HrirSet later = set;
    later.ir(0, Ear::left)[3] = 0.0f;
    later.ir(0, Ear::left)[9] = 0.5f;  // direction 0: left 9, right 3 -> leading 3
    later.ir(2, Ear::left)[3] = 0.0f;
    later.ir(2, Ear::left)[12] = 0.5f;  // direction 2: left 12, right 7 -> leading 7
    CHECK(leading_ear_delay_samples(later) == Approx((3.0 + 3.0 + 7.0) / 3.0).margin(0.02));

    // Data.Delay is applied before measuring.
    HrirSet delayed = set;
    delayed.delays_samples().assign(6, 0.0);
    delayed.delays_samples()[0 * 2 + 0] = 5.0;  // left ear of direction 0 five samples later
    CHECK(magnitude_itd(delayed).itd_s[0] * kFs == Approx(-5.0));
}

TEST_CASE("magnitude_itd measures sub-sample ITDs when asked", "[magnitude_itd]") {
    // Band-limited impulses (Hann-windowed sinc) at 40 on the left and 40 + d on the right.
    const std::vector<double> lags = {0.3, 1.7, -2.4, 5.5};
    HrirSet set(kFs, 128, fibonacci_grid(lags.size()));
    const auto impulse = [](float* x, double at) {
        for (int n = 0; n < 128; ++n) {
            const double t = n - at;
            if (std::fabs(t) >= 24.0)
                continue;
            const double sinc = t == 0.0 ? 1.0 : std::sin(M_PI * t) / (M_PI * t);
            x[n] = static_cast<float>(sinc * 0.5 * (1.0 + std::cos(M_PI * t / 24.0)));
        }
    };
    for (std::size_t m = 0; m < lags.size(); ++m) {
        impulse(set.ir(m, Ear::left), 40.0);
        impulse(set.ir(m, Ear::right), 40.0 + lags[m]);
    }
    const MagnitudeItd fractional = magnitude_itd(set, ItdResolution::fractional);
    const MagnitudeItd whole = magnitude_itd(set);
    for (std::size_t m = 0; m < lags.size(); ++m) {
        INFO("lag " << lags[m]);
        CHECK(fractional.itd_s[m] * kFs == Approx(lags[m]).margin(0.03));
        CHECK(whole.itd_s[m] * kFs == Approx(std::round(whole.itd_s[m] * kFs)).margin(1e-9));
        CHECK(std::fabs(whole.itd_s[m] * kFs - lags[m]) <= 0.5 + 1e-9);
    }
    // The same values as itd_fractional_s, and the same magnitudes as the default.
    const std::vector<double> direct = itd_fractional_s(set);
    for (std::size_t m = 0; m < lags.size(); ++m)
        CHECK(fractional.itd_s[m] == direct[m]);
    CHECK(fractional.db.data == whole.db.data);
}

TEST_CASE("render_magnitude_itd puts the ITD on the lagging ear", "[magnitude_itd]") {
    MagnitudeItd s = flat_spectra(3, 64, 0.0);
    s.itd_s = {5.0 / kFs, -3.0 / kFs, 2.4 / kFs};
    MagnitudeItdRenderOptions options;
    options.base_delay_samples = 10.2;  // rounded to 10
    const HrirSet out = render_magnitude_itd(s, options);
    REQUIRE(out.taps() == 64);
    REQUIRE(!out.has_delays());
    const std::size_t want_left[3] = {10, 13, 10};
    const std::size_t want_right[3] = {15, 10, 12};
    for (std::size_t m = 0; m < 3; ++m) {
        bool clean_l = false, clean_r = false;
        CHECK(single_peak(out.ir(m, Ear::left), 64, 1e-5, clean_l) == want_left[m]);
        CHECK(single_peak(out.ir(m, Ear::right), 64, 1e-5, clean_r) == want_right[m]);
        CHECK(clean_l);
        CHECK(clean_r);
        CHECK(out.ir(m, Ear::left)[want_left[m]] == Approx(1.0).margin(1e-5));
    }
    // And back: the flat 0 dB magnitudes and the whole-sample ITDs.
    const MagnitudeItd back = magnitude_itd(out);
    CHECK(back.itd_s[0] * kFs == Approx(5.0));
    CHECK(back.itd_s[1] * kFs == Approx(-3.0));
    CHECK(back.itd_s[2] * kFs == Approx(2.0));
    for (const double v : back.db.data)
        CHECK(v == Approx(0.0).margin(1e-4));
}

TEST_CASE("render_magnitude_itd matches the metric ITD of unlike ears", "[magnitude_itd]") {
    // Left ear flat, right ear a steep low-pass: the minimum-phase pair alone already has a
    // metric ITD (the low-passed envelope of the right ear peaks later); the renderer
    // corrects for it so the rendered pair measures as requested.
    MagnitudeItd s = flat_spectra(1, 256, 0.0);
    double* right = s.db.values(0, Ear::right);
    for (std::size_t k = 0; k < 129; ++k) {
        const double f = static_cast<double>(k) * kFs / 256.0;
        right[k] = -10.0 * std::log10(1.0 + std::pow(f / 800.0, 8.0));
    }
    const ItdEstimator itd(kFs, 256);
    const HrirSet mp = minimum_phase_hrirs(s.db, 256, MagnitudeItdRenderOptions{}.oversample);
    const double own = itd.itd_samples(mp.ir(0, Ear::left), mp.ir(0, Ear::right));
    INFO("metric ITD of the minimum-phase pair: " << own << " samples");
    REQUIRE(own != 0.0);
    for (const double want : {-20.0, 0.0, 7.0, 25.0}) {
        s.itd_s[0] = want / kFs;
        MagnitudeItdRenderOptions o;
        o.base_delay_samples = 20.0;
        HrirSet out = render_magnitude_itd(s, o);
        CHECK(itd.itd_samples(out.ir(0, Ear::left), out.ir(0, Ear::right)) == want);
        o.match_metric_itd = false;
        out = render_magnitude_itd(s, o);
        const double uncorrected = itd.itd_samples(out.ir(0, Ear::left), out.ir(0, Ear::right));
        CHECK(uncorrected != want);
        CHECK(std::fabs(uncorrected - (want + own)) <= 1.0);
    }
}

TEST_CASE("render_magnitude_itd refuses inconsistent input", "[magnitude_itd][errors]") {
    MagnitudeItd s = flat_spectra(2, 32, 0.0);
    s.itd_s.pop_back();
    CHECK_THROWS_AS(render_magnitude_itd(s), InvalidArgumentError);
    s = flat_spectra(2, 32, 0.0);
    s.db.data.pop_back();
    CHECK_THROWS_AS(render_magnitude_itd(s), InvalidArgumentError);
    s = flat_spectra(2, 32, 0.0);
    MagnitudeItdRenderOptions o;
    o.base_delay_samples = -1.0;
    CHECK_THROWS_AS(render_magnitude_itd(s, o), InvalidArgumentError);
    o.base_delay_samples = 0.0;
    o.oversample = 0;
    CHECK_THROWS_AS(render_magnitude_itd(s, o), InvalidArgumentError);
    o.oversample = 1000000;
    CHECK_THROWS_AS(render_magnitude_itd(s, o), InvalidArgumentError);
    s.itd_s[1] = std::nan("");
    CHECK_THROWS_AS(render_magnitude_itd(s), InvalidArgumentError);
}

TEST_CASE("ShiftedPairItd gives ItdEstimator's ITD of the delayed pair, bit for bit",
          "[dsp][itd]") {
    std::mt19937 rng(3);
    std::normal_distribution<float> noise;
    for (const std::size_t taps : {32u, 256u}) {
        const double fs = 44100.0;
        const ItdEstimator reference(fs, taps);
        detail::ShiftedPairItd shifted(fs, taps);
        std::vector<float> left(taps), right(taps), dl(taps), dr(taps);
        std::size_t calls = 0, silent = 0;
        for (int trial = 0; trial < 20; ++trial) {
            // Decaying noise bursts with different onsets, as HRIRs look.
            const std::size_t onset = static_cast<std::size_t>(trial) % 7;
            for (std::size_t t = 0; t < taps; ++t) {
                const float decay = std::exp(-static_cast<float>(t) / 12.0f);
                left[t] = decay * noise(rng);
                right[t] = t >= onset ? decay * noise(rng) : 0.0f;
            }
            shifted.set_pair(left.data(), right.data());
            for (const std::size_t sl : {0u, 3u, 11u})
                for (const std::size_t sr :
                     {std::size_t{0}, std::size_t{1}, std::size_t{7}, std::size_t{40}, taps}) {
                    delay_signal(left.data(), taps, static_cast<double>(sl), dl.data(), taps);
                    delay_signal(right.data(), taps, static_cast<double>(sr), dr.data(), taps);
                    CAPTURE(taps, trial, sl, sr);
                    REQUIRE(shifted.itd_samples(sl, sr) ==
                            reference.itd_samples(dl.data(), dr.data()));
                    ++calls;
                    silent += sr >= taps ? 1 : 0;
                }
        }
        // A silent ear leaves every lag tied: only the double-precision path may answer.
        // Elsewhere the single-precision correlation's peak is almost always certain.
        CAPTURE(taps, calls, silent, shifted.exact_recomputations());
        CHECK(shifted.exact_recomputations() >= silent);
        CHECK(shifted.exact_recomputations() - silent <= (calls - silent) / 10);
    }
}

TEST_CASE("ShiftedPairItd on KEMAR's minimum-phase pairs gives ItdEstimator's ITD", "[dsp][itd]") {
    const std::string kemar = test::system_kemar();
    if (kemar.empty()) {
        WARN("skipped: /usr/share/libmysofa/MIT_KEMAR_normal_pinna.sofa is not installed");
        return;
    }
    const HrirSet set = with_delays_applied(read_sofa(kemar));
    const MagnitudeItd spectra = magnitude_itd(set);
    const HrirSet mp = minimum_phase_hrirs(spectra.db, set.taps());
    const std::size_t taps = mp.taps();
    const ItdEstimator reference(mp.sample_rate_hz(), taps);
    detail::ShiftedPairItd shifted(mp.sample_rate_hz(), taps);
    std::vector<float> dl(taps), dr(taps);
    std::size_t calls = 0;
    for (std::size_t m = 0; m < mp.measurements(); m += 3) {
        const float* left = mp.ir(m, Ear::left);
        const float* right = mp.ir(m, Ear::right);
        shifted.set_pair(left, right);
        // The shifts render_magnitude_itd asks for: a base delay, then one ear later.
        for (const auto& [sl, sr] :
             {std::pair<std::size_t, std::size_t>{20, 20}, {20, 23}, {20, 55}, {31, 20}, {0, 0}}) {
            delay_signal(left, taps, static_cast<double>(sl), dl.data(), taps);
            delay_signal(right, taps, static_cast<double>(sr), dr.data(), taps);
            CAPTURE(m, sl, sr);
            REQUIRE(shifted.itd_samples(sl, sr) == reference.itd_samples(dl.data(), dr.data()));
            ++calls;
        }
    }
    CAPTURE(calls, shifted.exact_recomputations());
    CHECK(shifted.exact_recomputations() <= calls / 5);
}

TEST_CASE("leading_ear_delay_samples is to_minimum_phase's mean leading-ear delay", "[dsp]") {
    const std::string kemar = test::system_kemar();
    if (kemar.empty()) {
        WARN("skipped: /usr/share/libmysofa/MIT_KEMAR_normal_pinna.sofa is not installed");
        return;
    }
    // The reference: the delays of the double-precision split. The fast path's minimum-phase
    // IRs are single precision; each direction's delay is compared too (on 1 in 5).
    HrirSet set = read_sofa(kemar);
    set = set.subset([&] {
        std::vector<std::size_t> every_fifth;
        for (std::size_t m = 0; m < set.measurements(); m += 5)
            every_fifth.push_back(m);
        return every_fifth;
    }());
    const HrirSet mp = to_minimum_phase(set);
    double sum = 0.0;
    for (std::size_t m = 0; m < mp.measurements(); ++m)
        sum += std::min(mp.delay_samples(m, Ear::left), mp.delay_samples(m, Ear::right));
    const double reference = sum / static_cast<double>(mp.measurements());
    CHECK(reference > 5.0);  // KEMAR's IRs start after some silence
    CHECK(leading_ear_delay_samples(set) == Approx(reference).margin(1e-3));
    for (std::size_t m = 0; m < set.measurements(); m += 7) {
        const HrirSet one = set.subset({m});
        CAPTURE(m);
        CHECK(leading_ear_delay_samples(one) ==
              Approx(std::min(mp.delay_samples(m, Ear::left), mp.delay_samples(m, Ear::right)))
                  .margin(1e-3));
    }
}
