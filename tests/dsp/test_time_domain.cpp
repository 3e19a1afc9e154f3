#include <catch2/catch.hpp>

#include <cmath>
#include <random>
#include <vector>

#include "dsp/biquad_pair.hpp"
#include "pinna/delay.hpp"
#include "pinna/error.hpp"
#include "pinna/hrir_set.hpp"
#include "pinna/spectrum.hpp"
#include "pinna/time_domain.hpp"
#include "support/test_support.hpp"

using pinna::Biquad;
using pinna::Ear;

namespace {

void check_sections(const std::vector<Biquad>& got, const std::vector<Biquad>& expected) {
    REQUIRE(got.size() == expected.size());
    for (std::size_t i = 0; i < got.size(); ++i) {
        CHECK(got[i].b0 == Approx(expected[i].b0).epsilon(1e-9));
        CHECK(got[i].b1 == Approx(expected[i].b1).epsilon(1e-9));
        CHECK(got[i].b2 == Approx(expected[i].b2).epsilon(1e-9));
        CHECK(got[i].a1 == Approx(expected[i].a1).epsilon(1e-9));
        CHECK(got[i].a2 == Approx(expected[i].a2).epsilon(1e-9));
    }
}

// A broadband IR with a sharp onset at `onset`, decaying, with some ringing.
std::vector<float> test_ir(std::size_t n, std::size_t onset) {
    std::vector<float> x(n, 0.0f);
    for (std::size_t t = onset; t < n; ++t) {
        const double u = static_cast<double>(t - onset);
        x[t] =
            static_cast<float>(std::exp(-u / 9.0) * (std::cos(0.9 * u) + 0.5 * std::sin(0.23 * u)));
    }
    return x;
}

// A minimum-phase IR, (1 + 0.9/z)^2 / (1 - 0.8/z): all zeros and poles inside the unit
// circle; the double zero near Nyquist keeps it nearly band-limited, as fractional delays need.
std::vector<float> min_phase_ir(std::size_t n) {
    std::vector<double> p(n);
    for (std::size_t t = 0; t < n; ++t)
        p[t] = std::pow(0.8, t);
    std::vector<float> x(n);
    for (std::size_t t = 0; t < n; ++t)
        x[t] = static_cast<float>(p[t] + (t >= 1 ? 1.8 * p[t - 1] : 0.0) +
                                  (t >= 2 ? 0.81 * p[t - 2] : 0.0));
    return x;
}

std::vector<double> magnitude_db(const std::vector<float>& x) {
    pinna::HrirSet s(48000.0, x.size(), {{0, 0, 1}});
    std::copy(x.begin(), x.end(), s.ir(0, Ear::left));
    const pinna::SpectrumSet db = pinna::magnitude_db(pinna::to_hrtf(s));
    return {db.values(0, Ear::left), db.values(0, Ear::left) + db.bins()};
}

}  // namespace

TEST_CASE("Butterworth sections equal scipy.signal.butter(..., output='sos')") {
    // Reference values printed by scipy 1.10.1:
    //   python3 -c "import scipy.signal as s; print(s.butter(10, 3000, fs=44100, output='sos'))"
    // (and the same for (10, 3000, fs=48000) and (4, 1000, fs=16000)); rows [b0 b1 b2 a1 a2].
    check_sections(pinna::butterworth_lowpass(10, 3000.0, 44100.0),
                   {{5.832378058428816e-08, 1.1664756116857632e-07, 5.832378058428816e-08,
                     -1.2913541705696758, 0.41901576623517639},
                    {1, 2, 1, -1.3291490451988022, 0.46054699306968083},
                    {1, 2, 1, -1.4075053439151428, 0.54664949368209603},
                    {1, 2, 1, -1.531796510637246, 0.68322792367595575},
                    {1, 2, 1, -1.709231735447112, 0.87820416429909143}});
    check_sections(pinna::butterworth_lowpass(10, 3000.0, 48000.0),
                   {{2.7344380679147654e-08, 5.4688761358295308e-08, 2.7344380679147654e-08,
                     -1.3409264578035829, 0.4514083390923061},
                    {1, 2, 1, -1.3779236910167669, 0.49145385575465511},
                    {1, 2, 1, -1.454243586251585, 0.57406191508395488},
                    {1, 2, 1, -1.57425622265844, 0.70396265666726177},
                    {1, 2, 1, -1.743391165552503, 0.88703299965269489}});
    check_sections(pinna::butterworth_lowpass(4, 1000.0, 16000.0),
                   {{0.00093349861295484416, 0.0018669972259096883, 0.00093349861295484416,
                     -1.3651172372392975, 0.4775922500725171},
                    {1, 2, 1, -1.6117270964574348, 0.74452083820543435}});
    CHECK_THROWS_AS(pinna::butterworth_lowpass(9, 3000.0, 44100.0), pinna::InvalidArgumentError);
    CHECK_THROWS_AS(pinna::butterworth_lowpass(10, 30000.0, 44100.0), pinna::InvalidArgumentError);
}

TEST_CASE("Butterworth cascade: impulse response as scipy's sosfilt, unit DC gain") {
    const auto sos = pinna::butterworth_lowpass(10, 3000.0, 44100.0);
    std::vector<double> x(16, 0.0);
    x[0] = 1.0;
    pinna::filter_sections(sos, x.data(), x.data(), x.size());
    // scipy.signal.sosfilt(sos, impulse)[[0, 3, 8, 15]]
    CHECK(x[0] == Approx(5.832378058428816e-08).epsilon(1e-9));
    CHECK(x[3] == Approx(4.7638188365208719e-05).epsilon(1e-9));
    CHECK(x[8] == Approx(0.0087389980150467238).epsilon(1e-9));
    CHECK(x[15] == Approx(0.11990282732803263).epsilon(1e-9));
    std::vector<double> ones(4000, 1.0);
    pinna::filter_sections(sos, ones.data(), ones.data(), ones.size());
    CHECK(ones.back() == Approx(1.0).epsilon(1e-9));
}

// One section after another over the whole signal: the textbook order of the cascade.
static std::vector<double> cascade_reference(const std::vector<pinna::Biquad>& sections,
                                             std::vector<double> x) {
    for (const pinna::Biquad& q : sections) {
        double s1 = 0.0, s2 = 0.0;
        for (double& v : x) {
            const double y = q.b0 * v + s1;
            s1 = q.b1 * v - q.a1 * y + s2;
            s2 = q.b2 * v - q.a2 * y;
            v = y;
        }
    }
    return x;
}

TEST_CASE("Biquad cascades: the lock-step paths give the section-by-section result bit for bit") {
    std::mt19937 rng(11);
    std::normal_distribution<double> noise;
    std::uniform_real_distribution<double> coefficient(-0.9, 0.9);
    std::vector<std::vector<pinna::Biquad>> cascades = {
        pinna::butterworth_lowpass(10, 3000.0, 44100.0),  // b = (1, 2, 1) after the first
        pinna::butterworth_lowpass(2, 5000.0, 48000.0),
        pinna::butterworth_lowpass(18, 3000.0, 44100.0),  // 9 sections: the general path
        {}};
    std::vector<pinna::Biquad> arbitrary(5);  // stable, b not (1, 2, 1)
    for (pinna::Biquad& q : arbitrary) {
        q.b0 = coefficient(rng);
        q.b1 = coefficient(rng);
        q.b2 = coefficient(rng);
        q.a1 = coefficient(rng);
        q.a2 = 0.5 * coefficient(rng);
    }
    cascades.push_back(arbitrary);
    arbitrary[3].b1 = 2.0;  // unit numerators in some sections only
    arbitrary[3].b0 = arbitrary[3].b2 = 1.0;
    cascades.push_back(arbitrary);
    for (std::size_t c = 0; c < cascades.size(); ++c)
        for (const std::size_t n : {0u, 1u, 7u, 300u}) {
            std::vector<double> a(n), b(n);
            for (std::size_t t = 0; t < n; ++t) {
                a[t] = noise(rng) * std::exp(-static_cast<double>(t) / 40.0);
                b[t] = noise(rng);
            }
            const std::vector<double> want_a = cascade_reference(cascades[c], a);
            const std::vector<double> want_b = cascade_reference(cascades[c], b);
            std::vector<double> one(n), pa = a, pb = b;
            pinna::filter_sections(cascades[c], a.data(), one.data(), n);
            pinna::detail::filter_sections_pair(cascades[c], pa.data(), pa.data(), pb.data(),
                                                pb.data(), n);
            // Four lanes (a, b, -a, b with its first sample doubled): in place and into
            // other arrays.
            std::vector<double> qa = a, qb = b, qc(n), qd = b;
            std::vector<double> minus_a(n), qc_out(n), qd_out(n);
            for (std::size_t t = 0; t < n; ++t)
                minus_a[t] = -a[t];
            if (n > 0)
                qd[0] *= 2.0;
            const double* in[4] = {qa.data(), qb.data(), minus_a.data(), qd.data()};
            double* out[4] = {qa.data(), qb.data(), qc_out.data(), qd_out.data()};
            pinna::detail::filter_sections_quad(cascades[c], in, out, n);
            const std::vector<double> want_d = cascade_reference(cascades[c], qd);
            CAPTURE(c, n);
            for (std::size_t t = 0; t < n; ++t) {
                REQUIRE(one[t] == want_a[t]);
                REQUIRE(pa[t] == want_a[t]);
                REQUIRE(pb[t] == want_b[t]);
                REQUIRE(qa[t] == want_a[t]);
                REQUIRE(qb[t] == want_b[t]);
                REQUIRE(qc_out[t] == -want_a[t]);
                REQUIRE(qd_out[t] == want_d[t]);
            }
        }
}

TEST_CASE("Hilbert envelopes equal scipy's |hilbert(x)|") {
    const std::size_t n = 32;
    std::vector<float> x(n, 0.0f);
    for (std::size_t t = 3; t < n; ++t)
        x[t] = static_cast<float>(std::exp(-(t - 3.0) / 5.0) * std::cos(0.7 * (t - 3.0)));
    // abs(scipy.signal.hilbert(x))[[0, 3, 4, 10, 31]], no low-pass
    const pinna::ItdEstimator raw(44100.0, n, 0.0);
    const std::vector<double> e = raw.lowpassed_envelope(x.data());
    CHECK(e[0] == Approx(0.18427968782108775).epsilon(1e-6));
    CHECK(e[3] == Approx(1.0471544388956471).epsilon(1e-6));
    CHECK(e[4] == Approx(0.90435976255724482).epsilon(1e-6));
    CHECK(e[10] == Approx(0.20832434373304695).epsilon(1e-6));
    CHECK(e[31] == Approx(0.037005890796263867).epsilon(1e-6));
    // abs(hilbert(sosfilt(butter(10, 3000, fs=44100, output='sos'), x)))[[0, 3, 5, 10, 20, 31]]
    const pinna::ItdEstimator lp(44100.0, n);
    const std::vector<double> f = lp.lowpassed_envelope(x.data());
    CHECK(f[0] == Approx(0.044372307153849898).epsilon(1e-5));
    CHECK(f[3] == Approx(0.021018018560671245).epsilon(1e-5));
    CHECK(f[5] == Approx(0.02350841097799191).epsilon(1e-5));
    CHECK(f[10] == Approx(0.049384969566743861).epsilon(1e-5));
    CHECK(f[20] == Approx(0.16045813121794808).epsilon(1e-5));
    CHECK(f[31] == Approx(0.065974886851948689).epsilon(1e-5));
}

TEST_CASE("onsets: threshold relative to the peak, fractional refinement") {
    std::vector<float> x(20, 0.0f);
    x[5] = 0.05f;
    x[6] = 0.3f;
    x[7] = -1.0f;
    CHECK(pinna::onset_samples(x.data(), x.size(), {-20.0, false}) == 6.0);  // 0.3 >= 0.1
    // |x| goes 0.05 -> 0.3 between samples 5 and 6; 0.1 is reached at 5 + 0.05/0.25.
    CHECK(pinna::onset_samples(x.data(), x.size()) == Approx(5.2));
    CHECK(pinna::onset_samples(x.data(), x.size(), {-3.0, false}) == 7.0);
    std::vector<float> zeros(8, 0.0f);
    CHECK(pinna::onset_samples(zeros.data(), zeros.size()) == 0.0);
}

TEST_CASE("metric ITD of a pure delay of k samples is k / fs, positive when left leads") {
    const double fs = 44100.0;
    const std::size_t n = 256;
    const pinna::ItdEstimator itd(fs, n);
    for (int k : {0, 1, 5, 17, 30}) {
        const std::vector<float> early = test_ir(n, 20);
        const std::vector<float> late = test_ir(n, 20 + static_cast<std::size_t>(k));
        // Left ear first: positive.
        CHECK(itd.itd_samples(early.data(), late.data()) == static_cast<double>(k));
        CHECK(itd.itd_s(early.data(), late.data()) == Approx(k / fs));
        CHECK(itd.itd_samples(late.data(), early.data()) == -static_cast<double>(k));
    }
}

TEST_CASE("fractional ITD of a fractional delay made by delay_signal") {
    const double fs = 48000.0;
    const std::size_t n = 256;
    const pinna::ItdEstimator itd(fs, n);
    const std::vector<float> left = test_ir(n, 40);
    for (double d : {0.0, 0.25, 3.3, 7.5, 12.8, -6.6}) {
        std::vector<float> right(n);
        pinna::delay_signal(left.data(), n, d, right.data(), n);
        CHECK(itd.itd_fractional_samples(left.data(), right.data()) == Approx(d).margin(0.03));
        CHECK(itd.itd_samples(left.data(), right.data()) == Approx(d).margin(0.51));
    }
}

TEST_CASE("ITD of a set: sign follows the side, delays carried beside the IRs count") {
    pinna::HrirSet set = pinna::test::synthetic_set(32, 64, 48000.0);
    const std::vector<double> itds = pinna::itd_s(set);
    for (std::size_t m = 0; m < set.measurements(); ++m) {
        const double y = pinna::unit_vector(set.direction(m)).y;
        if (y > 0.5)
            CHECK(itds[m] > 0.0);  // source on the left: left ear first
        if (y < -0.5)
            CHECK(itds[m] < 0.0);
    }
    set.delays_samples().assign(set.measurements() * 2, 0.0);
    set.delays_samples()[1] = 10.0;  // right ear of measurement 0 delayed 10 more samples
    const std::vector<double> shifted = pinna::itd_fractional_s(set);
    CHECK(shifted[0] * 48000.0 ==
          Approx(pinna::itd_fractional_s(pinna::test::synthetic_set(32, 64, 48000.0))[0] * 48000.0 +
                 10.0)
              .margin(1e-9));
}

TEST_CASE("minimum phase of a delayed minimum-phase IR gives it back with the delay") {
    const std::size_t n = 128;
    const std::vector<float> h = min_phase_ir(n);
    for (double delay : {0.0, 5.0, 17.0}) {  // whole samples: exact
        std::vector<float> x(n);
        pinna::delay_signal(h.data(), n, delay, x.data(), n);
        const pinna::MinimumPhaseIr mp = pinna::minimum_phase(x.data(), n);
        REQUIRE(mp.ir.size() == n);
        CHECK(mp.delay_samples == Approx(delay).margin(1e-6));
        for (std::size_t t = 0; t + static_cast<std::size_t>(delay) < n; ++t)
            CHECK(mp.ir[t] == Approx(h[t]).margin(1e-5));
        std::vector<float> y(n);
        pinna::reconstruct_from_minimum_phase(mp.ir.data(), n, mp.delay_samples, y.data(), n);
        for (std::size_t t = 0; t < n; ++t)
            CHECK(y[t] == Approx(x[t]).margin(1e-5));
    }
    // Fractional delays: the fractional-delay filter's roll-off near Nyquist is itself
    // minimum phase, so a few hundredths of a sample may move into the minimum-phase IR;
    // the reconstruction still has the original's magnitude spectrum and waveform.
    for (double delay : {9.4, 9.5, 21.25}) {
        std::vector<float> x(n);
        pinna::delay_signal(h.data(), n, delay, x.data(), n);
        const pinna::MinimumPhaseIr mp = pinna::minimum_phase(x.data(), n);
        CHECK(mp.delay_samples == Approx(delay).margin(0.1));
        std::vector<float> y(n);
        pinna::reconstruct_from_minimum_phase(mp.ir.data(), n, mp.delay_samples, y.data(), n);
        for (std::size_t t = 0; t < n - 20; ++t)
            CHECK(y[t] == Approx(x[t]).margin(0.02));
        const std::vector<double> a = magnitude_db(x), b = magnitude_db(mp.ir);
        for (std::size_t k = 0; k < a.size(); ++k)
            if (a[k] > a[0] - 60.0)
                CHECK(b[k] == Approx(a[k]).margin(0.05));
    }
    std::vector<float> x(n);
    pinna::delay_signal(h.data(), n, 5.0, x.data(), n);
    pinna::MinimumPhaseOptions onset;
    onset.delay = pinna::MinimumPhaseOptions::Delay::onset;
    CHECK(pinna::minimum_phase(x.data(), n, onset).delay_samples == Approx(5.0).margin(1e-6));
}

TEST_CASE("minimum phase of a mixed-phase IR keeps its magnitude spectrum") {
    const std::size_t n = 256;
    std::vector<float> x = test_ir(n, 30);
    x[34] += 0.8f;  // an echo: a zero outside the unit circle, so not minimum phase
    const pinna::MinimumPhaseIr mp = pinna::minimum_phase(x.data(), n);
    const std::vector<double> a = magnitude_db(x), b = magnitude_db(mp.ir);
    for (std::size_t k = 0; k < a.size(); ++k)
        CHECK(b[k] == Approx(a[k]).margin(0.05));
    CHECK(mp.delay_samples == Approx(30.0).margin(1.0));
    CHECK(pinna::onset_samples(mp.ir.data(), n) < 1.0);
}

TEST_CASE("to_minimum_phase / from_minimum_phase round trip of a set") {
    const std::size_t n = 128;
    const std::vector<float> h = min_phase_ir(n);
    pinna::HrirSet set(44100.0, n, {{0, 0, 1}, {90, 0, 1}, {270, 0, 1}});
    const double delays[3][2] = {{10, 10}, {8, 21.5}, {23.25, 9}};
    for (std::size_t m = 0; m < 3; ++m)
        for (std::size_t e = 0; e < 2; ++e)
            pinna::delay_signal(h.data(), n, delays[m][e], set.ir(m, static_cast<Ear>(e)), n);
    const pinna::HrirSet mp = pinna::to_minimum_phase(set);
    REQUIRE(mp.has_delays());
    for (std::size_t m = 0; m < 3; ++m)
        for (std::size_t e = 0; e < 2; ++e)
            CHECK(mp.delay_samples(m, static_cast<Ear>(e)) == Approx(delays[m][e]).margin(0.1));
    const pinna::HrirSet back = pinna::from_minimum_phase(mp);
    REQUIRE(back.taps() == n);
    CHECK_FALSE(back.has_delays());
    for (std::size_t m = 0; m < 3; ++m)
        for (std::size_t e = 0; e < 2; ++e)
            for (std::size_t t = 0; t < 90; ++t)
                CHECK(back.ir(m, static_cast<Ear>(e))[t] ==
                      Approx(set.ir(m, static_cast<Ear>(e))[t]).margin(0.02));
}
