#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <complex>
#include <utility>
#include <vector>

#include "pinna/error.hpp"
#include "pinna/spectrum.hpp"
#include "pinna/time_domain.hpp"
#include "support/test_support.hpp"

using pinna::Ear;

TEST_CASE("to_hrtf / to_hrirs round trip, with zero padding") {
    const pinna::HrirSet set = pinna::test::synthetic_set(8, 64, 48000.0);
    const pinna::HrtfSet h = pinna::to_hrtf(set);
    REQUIRE(h.fft_size == 64);
    REQUIRE(h.bins() == 33);
    REQUIRE(h.data.size() == 8 * 2 * 33);
    CHECK(h.frequency_hz(32) == Approx(24000.0));
    const pinna::HrirSet back = pinna::to_hrirs(h);
    REQUIRE(back.taps() == 64);
    for (std::size_t i = 0; i < set.data().size(); ++i)
        CHECK(back.data()[i] == Approx(set.data()[i]).margin(1e-6));

    const pinna::HrtfSet padded = pinna::to_hrtf(set, 256);
    CHECK(padded.bins() == 129);
    const pinna::HrirSet cut = pinna::to_hrirs(padded, 64);
    for (std::size_t i = 0; i < set.data().size(); ++i)
        CHECK(cut.data()[i] == Approx(set.data()[i]).margin(1e-6));
    CHECK_THROWS_AS(pinna::to_hrtf(set, 32), pinna::InvalidArgumentError);
}

TEST_CASE("dB magnitude of a gain, and the floor") {
    pinna::HrirSet set(44100.0, 16, {{0, 0, 1}});
    set.ir(0, Ear::left)[0] = 0.5f;  // impulse of gain 0.5: -6.0206 dB at every bin
    const pinna::SpectrumSet db = pinna::magnitude_db(pinna::to_hrtf(set));
    for (std::size_t k = 0; k < db.bins(); ++k) {
        CHECK(db.values(0, Ear::left)[k] == Approx(20.0 * std::log10(0.5)).margin(1e-9));
        CHECK(db.values(0, Ear::right)[k] == Approx(pinna::kMagnitudeFloorDb));
    }
    const pinna::SpectrumSet db60 = pinna::magnitude_db(pinna::to_hrtf(set), -60.0);
    CHECK(db60.values(0, Ear::right)[3] == Approx(-60.0));
}

TEST_CASE("CTF is the per-ear RMS over directions and DTF x CTF == HRTF") {
    pinna::HrirSet set(48000.0, 8, {{0, 0, 1}, {90, 0, 1}});
    set.ir(0, Ear::left)[0] = 3.0f;
    set.ir(1, Ear::left)[0] = 4.0f;
    set.ir(0, Ear::right)[1] = 1.0f;
    set.ir(1, Ear::right)[2] = 1.0f;
    const pinna::HrtfSet h = pinna::to_hrtf(set);
    const pinna::DtfSplit split = pinna::split_dtf(h);
    for (std::size_t k = 0; k < h.bins(); ++k) {
        CHECK(split.ctf_of(Ear::left)[k] == Approx(std::sqrt((9.0 + 16.0) / 2.0)));
        CHECK(split.ctf_of(Ear::right)[k] == Approx(1.0));
        CHECK(std::abs(split.dtf.values(1, Ear::left)[k]) == Approx(4.0 / std::sqrt(12.5)));
    }
    // Random-ish real data: the way back is exact.
    const pinna::HrtfSet s = pinna::to_hrtf(pinna::test::synthetic_set(40, 64, 44100.0));
    const pinna::HrtfSet joined = pinna::join_dtf(pinna::split_dtf(s));
    REQUIRE(joined.data.size() == s.data.size());
    for (std::size_t i = 0; i < s.data.size(); ++i)
        CHECK(std::abs(joined.data[i] - s.data[i]) <= 1e-12 * (1.0 + std::abs(s.data[i])));
}

TEST_CASE("minimum-phase HRIRs from dB magnitudes keep the magnitudes") {
    const pinna::HrirSet set = pinna::test::synthetic_set(6, 128, 48000.0);
    const pinna::SpectrumSet db = pinna::magnitude_db(pinna::to_hrtf(set));
    const pinna::HrirSet mp = pinna::minimum_phase_hrirs(db);
    const pinna::SpectrumSet db2 = pinna::magnitude_db(pinna::to_hrtf(mp));
    double worst = 0.0;
    for (std::size_t m = 0; m < 6; ++m)
        for (Ear ear : {Ear::left, Ear::right})
            for (std::size_t k = 0; k < db.bins(); ++k) {
                const double level = db.values(m, ear)[k];
                if (level < -60.0)
                    continue;
                worst = std::max(worst, std::fabs(level - db2.values(m, ear)[k]));
            }
    CHECK(worst < 0.1);
    // Minimum phase: the energy sits at the start, before any onset of the original.
    const double onset = pinna::onset_samples(mp.ir(0, Ear::left), 128);
    CHECK(onset < 1.0);
}

TEST_CASE("minimum_phase_hrirs follows the double-precision minimum_phase_from_magnitude") {
    // fft 128 with taps 128 or 64 (a cepstrum of 4 x 128 points) and with taps 300 (2048
    // points, 16 x 128): the interpolation done in the cepstral domain; fft 100: the fine
    // log magnitude interpolated bin by bin. Oversampled 1 and 2 times: the cepstrum as long
    // as the spectra's FFT (no interpolation) and twice as long; fft 100 x 1: 128 points.
    struct Case {
        std::size_t fft, taps, oversample;
    };
    for (const Case c : {Case{128, 128, 4}, Case{128, 64, 4}, Case{100, 100, 4}, Case{128, 300, 4},
                         Case{128, 128, 1}, Case{128, 128, 2}, Case{100, 100, 1}}) {
        const std::size_t fft = c.fft, taps = c.taps;
        const pinna::HrirSet set = pinna::test::synthetic_set(5, fft, 44100.0);
        const pinna::SpectrumSet db = pinna::magnitude_db(pinna::to_hrtf(set));
        const pinna::HrirSet fast = pinna::minimum_phase_hrirs(db, taps, c.oversample);
        pinna::MinimumPhaseOptions options;
        options.oversample = c.oversample;
        REQUIRE(fast.taps() == taps);
        for (std::size_t m = 0; m < 5; ++m)
            for (Ear ear : {Ear::left, Ear::right}) {
                std::vector<double> magnitude(db.bins());
                for (std::size_t k = 0; k < db.bins(); ++k)
                    magnitude[k] = std::pow(10.0, db.values(m, ear)[k] / 20.0);
                const std::vector<float> reference =
                    pinna::minimum_phase_from_magnitude(magnitude.data(), fft, taps, options);
                float peak = 0.0f, worst = 0.0f;
                for (std::size_t t = 0; t < taps; ++t) {
                    peak = std::max(peak, std::fabs(reference[t]));
                    worst = std::max(worst, std::fabs(reference[t] - fast.ir(m, ear)[t]));
                }
                CAPTURE(fft, taps, c.oversample, m);
                CHECK(worst <= 1e-4f * peak);
            }
    }
}

TEST_CASE("minimum_phase_hrirs with oversample 1 keeps every bin's magnitude exactly") {
    // A cepstrum as long as the spectra's FFT: the IR's own spectrum is exp(ln|X| + i phi)
    // at every bin (its tail folded onto its start), where the default 4x cepstrum smooths
    // the magnitudes between bins and cuts the tail off.
    const pinna::HrirSet set = pinna::test::synthetic_set(6, 128, 48000.0);
    const pinna::SpectrumSet db = pinna::magnitude_db(pinna::to_hrtf(set));
    const auto worst_db = [&](std::size_t oversample) {
        const pinna::HrirSet mp = pinna::minimum_phase_hrirs(db, 0, oversample);
        const pinna::SpectrumSet back = pinna::magnitude_db(pinna::to_hrtf(mp));
        double worst = 0.0;
        for (std::size_t m = 0; m < 6; ++m)
            for (Ear ear : {Ear::left, Ear::right}) {
                const double* want = db.values(m, ear);
                const double peak = *std::max_element(want, want + db.bins());
                for (std::size_t k = 0; k < db.bins(); ++k)
                    if (want[k] > peak - 80.0)
                        worst = std::max(worst, std::fabs(want[k] - back.values(m, ear)[k]));
            }
        return worst;
    };
    const double exact = worst_db(1), smoothed = worst_db(4);
    CAPTURE(exact, smoothed);
    CHECK(exact < 1e-3);
    CHECK(smoothed > 10.0 * exact);  // the test tells the two apart
    CHECK_THROWS_AS(pinna::minimum_phase_hrirs(db, 0, 0), pinna::InvalidArgumentError);
    CHECK_THROWS_AS(pinna::minimum_phase_hrirs(db, 0, 65), pinna::InvalidArgumentError);
}
