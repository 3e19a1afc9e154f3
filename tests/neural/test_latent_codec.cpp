// LatentCodec on models/autoencoder.pt: the Python reference, a round trip on a SONICOM
// validation subject, and argument checks. Skipped while the archive is absent.
#include <catch2/catch.hpp>

#include <cmath>
#include <utility>

#include "neural/neural_test_support.hpp"
#include "pinna/error.hpp"
#include "pinna/geometry.hpp"
#include "pinna/grid.hpp"
#include "pinna/neural/models.hpp"
#include "pinna/sofa.hpp"
#include "support/test_support.hpp"

using namespace pinna;
using Catch::Contains;

#define PINNA_REQUIRE_AUTOENCODER()                                                  \
    do {                                                                             \
        if (!test::file_exists(test::model_file("autoencoder.pt"))) {                \
            WARN("skipped: models/autoencoder.pt not there (train_autoencoder.py)"); \
            return;                                                                  \
        }                                                                            \
    } while (0)

TEST_CASE("LatentCodec reproduces the Python reference output", "[codec]") {
    PINNA_REQUIRE_AUTOENCODER();
    const LatentCodec codec(test::model_file("autoencoder.pt"));
    REQUIRE(codec.latent_size() == 24);
    CHECK(codec.info().kind == "autoencoder");
    const auto ref = test::read_json(test::model_file("autoencoder.ref.json"));
    const auto& rows = ref.find("inputs")->find("db")->items();
    const auto& z_rows = ref.find("outputs")->find("z")->items();
    const auto& decoded_rows = ref.find("outputs")->find("decoded")->items();
    REQUIRE(rows.size() == z_rows.size());
    // The codec takes direction pairs (left, right): row r goes in as the left ear of one
    // direction and again as the right ear of the next, so every row is checked twice.
    MagnitudeItd in;
    in.db.sample_rate_hz = 44100.0;
    in.db.fft_size = 256;
    in.db.directions = fibonacci_grid(rows.size());
    in.itd_s.assign(rows.size(), 0.0);
    const std::size_t n = rows.size();
    in.db.data.assign(n * 2 * 129, 0.0);
    for (std::size_t r = 0; r < n; ++r) {
        const std::vector<double> v = test::flat(rows[r]);
        REQUIRE(v.size() == 129);
        std::copy(v.begin(), v.end(), in.db.values(r, Ear::left));
        std::copy(v.begin(), v.end(), in.db.values((r + 1) % n, Ear::right));
    }
    const LatentCodes codes = codec.encode_spectra(in);
    REQUIRE(codes.codes.size() == n * 2 * 24);
    const MagnitudeItd out = codec.decode_spectra(codes);
    // Same LibTorch as the exporter, float32 in and out: expect float round-off only;
    // bounds 1e-5 (codes of order 1) and 1e-4 dB, ten times below ref.json's tolerances.
    double z_err = 0.0, db_err = 0.0;
    for (std::size_t r = 0; r < n; ++r) {
        const std::vector<double> z = test::flat(z_rows[r]);
        const std::vector<double> d = test::flat(decoded_rows[r]);
        for (const auto& [m, ear] : {std::pair<std::size_t, Ear>{r, Ear::left},
                                     std::pair<std::size_t, Ear>{(r + 1) % n, Ear::right}}) {
            for (std::size_t i = 0; i < 24; ++i)
                z_err = std::max(z_err, std::fabs(codes.code(m, ear)[i] - z[i]));
            for (std::size_t k = 0; k < 129; ++k)
                db_err = std::max(db_err, std::fabs(out.db.values(m, ear)[k] - d[k]));
        }
    }
    INFO("max |z diff| " << z_err << ", max |dB diff| " << db_err);
    CHECK(z_err < 1e-5);
    CHECK(db_err < 1e-4);
}

TEST_CASE("LatentCodec round trip of a SONICOM validation subject", "[codec][data]") {
    PINNA_REQUIRE_AUTOENCODER();
    PINNA_REQUIRE_DATASETS();
    const LatentCodec codec(test::model_file("autoencoder.pt"));
    // P0004 is a validation subject of the autoencoder (meta.json training).
    const HrirSet set = read_sofa(test::dataset_file("sonicom/P0004_FreeFieldComp_44kHz.sofa"));
    const LatentCodes codes = codec.encode(set);
    CHECK(codes.directions.size() == 793);
    CHECK(codes.codes.size() == 793 * 2 * 24);
    CHECK(codes.base_delay_samples > 15.0);
    const HrirSet back = codec.decode(codes);
    REQUIRE(back.measurements() == 793);
    CHECK(back.taps() == 256);
    CHECK(back.metadata.listener_short_name == set.metadata.listener_short_name);
    // LSD (metrics.md bins) of the decoded magnitudes and of the rendered IRs against the
    // original; the model card gives 1.31 dB over its 8 validation subjects (P0004: 1.26).
    const MagnitudeItd original = magnitude_itd(set);
    const MagnitudeItd decoded = codec.decode_spectra(codes);
    const MagnitudeItd rendered = magnitude_itd(back);
    const auto lsd = [&](const MagnitudeItd& est) {
        double sum = 0.0;
        for (std::size_t m = 0; m < 793; ++m)
            for (const Ear ear : {Ear::left, Ear::right}) {
                double s = 0.0;
                for (std::size_t k = 1; k < 117; ++k) {
                    const double d = original.db.values(m, ear)[k] - est.db.values(m, ear)[k];
                    s += d * d;
                }
                sum += std::sqrt(s / 116.0);
            }
        return sum / (2.0 * 793.0);
    };
    const double lsd_decoded = lsd(decoded), lsd_rendered = lsd(rendered);
    INFO("LSD decoded " << lsd_decoded << " dB, rendered " << lsd_rendered << " dB");
    CHECK(lsd_decoded < 1.5);
    CHECK(std::fabs(lsd_rendered - lsd_decoded) < 0.1);
    std::size_t itd_off = 0;
    for (std::size_t m = 0; m < 793; ++m)
        itd_off += std::fabs(rendered.itd_s[m] - original.itd_s[m]) * 44100.0 > 0.5;
    INFO(itd_off << " of 793 metric ITDs changed");
    CHECK(itd_off == 0);  // the renderer matches the metric ITD
}

// Unit impulses at the same onset (in samples) with a gain per direction and ear: a flat
// spectrum at any rate, so the codec must read the same magnitudes at every rate.
namespace {
HrirSet impulses(double fs, std::size_t taps) {
    const HrirSet shape = test::synthetic_set(12, 16, fs);
    HrirSet set(fs, taps, shape.directions());
    for (std::size_t m = 0; m < set.measurements(); ++m) {
        const double y = unit_vector(set.directions()[m]).y;
        set.ir(m, Ear::left)[12] = static_cast<float>(1.0 + 0.5 * y);
        set.ir(m, Ear::right)[12] = static_cast<float>(0.5 - 0.25 * y);
    }
    return set;
}
}  // namespace

TEST_CASE("LatentCodec reads a set at another rate without resampling it", "[codec]") {
    PINNA_REQUIRE_AUTOENCODER();
    const LatentCodec codec(test::model_file("autoencoder.pt"));
    const HrirSet native = impulses(44100.0, 256);
    const LatentCodes reference = codec.encode(native);
    CHECK(reference.base_delay_samples == Approx(12.0).margin(1e-9));
    for (const auto& [fs, taps] : {std::pair<double, std::size_t>{48000.0, 279},
                                   std::pair<double, std::size_t>{96000.0, 512},
                                   std::pair<double, std::size_t>{32000.0, 186}}) {
        INFO(fs << " Hz, " << taps << " taps");
        const HrirSet set = impulses(fs, taps);
        // Flat at every one of the model's bins, up to its Nyquist frequency (a resampler
        // would roll the top off).
        const MagnitudeItd in = codec.input_spectra(set);
        REQUIRE(in.db.fft_size == 256);
        REQUIRE(in.db.bins() == 129);
        double err = 0.0;
        for (std::size_t m = 0; m < set.measurements(); ++m)
            for (const Ear ear : {Ear::left, Ear::right}) {
                const double want = 20.0 * std::log10(static_cast<double>(set.ir(m, ear)[12]));
                for (std::size_t k = 0; k < 129; ++k)
                    err = std::max(err, std::fabs(in.db.values(m, ear)[k] - want));
                CHECK(in.itd_s[m] == 0.0);
            }
        INFO("max |dB - gain| " << err);
        CHECK(err < 1e-4);
        const LatentCodes codes = codec.encode(set);
        REQUIRE(codes.codes.size() == reference.codes.size());
        double z_err = 0.0;
        for (std::size_t i = 0; i < codes.codes.size(); ++i)
            z_err = std::max(z_err,
                             static_cast<double>(std::fabs(codes.codes[i] - reference.codes[i])));
        INFO("max |z - z at 44.1 kHz| " << z_err);
        CHECK(z_err < 1e-4);
        // the onset, in the model's samples
        CHECK(codes.base_delay_samples == Approx(12.0 * 44100.0 / fs).margin(1e-9));
        CHECK(codec.decode(codes).sample_rate_hz() == 44100.0);
    }
}

TEST_CASE("LatentCodec checks codes and spectra", "[codec][errors]") {
    PINNA_REQUIRE_AUTOENCODER();
    const LatentCodec codec(test::model_file("autoencoder.pt"));
    const LatentCodes good = codec.encode(test::synthetic_set(4, 256, 44100.0));
    LatentCodes bad = good;
    bad.latent_size = 23;
    CHECK_THROWS_WITH(codec.decode(bad), Contains("size 23") && Contains("uses 24"));
    bad = good;
    bad.codes.pop_back();
    CHECK_THROWS_AS(codec.decode(bad), InvalidArgumentError);
    bad = good;
    bad.codes[30] = std::nanf("");
    CHECK_THROWS_AS(codec.decode(bad), InvalidDataError);
    MagnitudeItd spectra = magnitude_itd(test::synthetic_set(4, 128, 44100.0));
    CHECK_THROWS_WITH(codec.encode_spectra(spectra), Contains("128-point"));
}
