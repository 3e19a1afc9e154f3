// Inference latency of pinna's neural runners: one subject, one thread, in-process.
// Each call is timed after one warm-up call; the median of 15 is reported, with the
// model's file size. Usage: pinna_model_latency [DATASETS_DIR [REFERENCE_UPSAMPLER.pt]]
// With a reference upsampler archive (e.g. an earlier version), each upsample is timed in
// turn with the same upsample through it, and the ratio printed.
#include <sys/stat.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "pinna/grid.hpp"
#include "pinna/magnitude_itd.hpp"
#include "pinna/neural/models.hpp"
#include "pinna/sofa.hpp"

namespace {

// Medians of several tasks timed in turn (a, b, c, a, b, c, ...), so that the slow and fast
// phases of a shared machine fall on all of them alike and their differences mean something.
std::vector<double> medians_ms(const std::vector<std::function<void()>>& tasks, int runs = 15) {
    std::vector<std::vector<double>> ms(tasks.size());
    for (const auto& f : tasks)
        f();  // warm-up: first-call costs (graph optimisation, allocation) are not latency
    for (int i = 0; i < runs; ++i)
        for (std::size_t k = 0; k < tasks.size(); ++k) {
            const auto t0 = std::chrono::steady_clock::now();
            tasks[k]();
            ms[k].push_back(
                std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0)
                    .count());
        }
    std::vector<double> out;
    for (std::vector<double>& v : ms) {
        std::sort(v.begin(), v.end());
        out.push_back(v[v.size() / 2]);
    }
    return out;
}

double median_ms(const std::function<void()>& f, int runs = 15) {
    return medians_ms({f}, runs)[0];
}

double size_mb(const std::string& path) {
    struct stat st {};
    return ::stat(path.c_str(), &st) == 0 ? static_cast<double>(st.st_size) / 1e6 : 0.0;
}

}  // namespace

int main(int argc, char** argv) {
    const std::string datasets = argc > 1 ? argv[1] : PINNA_DEFAULT_DATASETS_DIR;
    pinna::set_model_threads(1);
    std::printf("| model | task | median latency (ms) | file size (MB) |\n|---|---|---:|---:|\n");

    const pinna::PersonalizationModel person;
    const std::vector<double> features = [&] {
        std::vector<double> v;
        for (const auto& f : person.feature_info())
            v.push_back(f.mean);
        return v;
    }();
    const double spectra_ms = median_ms([&] { (void)person.predict_spectra(features); });
    std::printf(
        "| anthropometric.pt | predict one subject, %zu directions, as dB + ITD | %.1f | "
        "%.2f |\n",
        person.grid().size(), spectra_ms, size_mb(person.info().path));
    const double predict_ms = median_ms([&] { (void)person.predict(features); });
    std::printf(
        "| anthropometric.pt | predict one subject, %zu directions, as HRIRs | %.1f | %.2f |\n",
        person.grid().size(), predict_ms, size_mb(person.info().path));

    const std::string sonicom = datasets + "/sonicom/P0004_FreeFieldComp_44kHz.sofa";
    pinna::HrirSet full;
    try {
        full = pinna::read_sofa(sonicom);
    } catch (const std::exception& e) {
        std::printf("(no SONICOM data: %s)\n", e.what());
        return 0;
    }
    const pinna::Upsampler upsampler;
    const std::string reference_path = argc > 2 ? argv[2] : "";
    std::optional<pinna::Upsampler> reference;
    if (!reference_path.empty())
        reference.emplace(reference_path);
    for (int level : {100, 19, 3}) {
        const pinna::HrirSet sparse =
            full.subset(pinna::lap_sparse_indices(full.directions(), level));
        const auto up = [&] { (void)upsampler.upsample(sparse, full.directions()); };
        if (!reference) {
            std::printf(
                "| upsampler.pt | upsample %zu -> %zu directions, as HRIRs | %.1f | %.2f |\n",
                sparse.measurements(), full.measurements(), median_ms(up),
                size_mb(upsampler.info().path));
            continue;
        }
        const std::vector<double> ms =
            medians_ms({up, [&] { (void)reference->upsample(sparse, full.directions()); }});
        std::printf(
            "| upsampler.pt | upsample %zu -> %zu directions, as HRIRs | %.1f (reference %s %s: "
            "%.1f, ratio %.2f) | %.2f |\n",
            sparse.measurements(), full.measurements(), ms[0], reference->info().version.c_str(),
            reference_path.c_str(), ms[1], ms[0] / ms[1], size_mb(upsampler.info().path));
    }
    const pinna::LatentCodec codec;
    const double encode_ms = median_ms([&] { (void)codec.encode(full); });
    const pinna::LatentCodes codes = codec.encode(full);
    // Decoding as spectra, as HRIRs, and the rendering alone (what decode adds to
    // decode_spectra: the spectra into minimum-phase HRIRs with the metric ITD matched).
    const pinna::MagnitudeItd decoded = codec.decode_spectra(codes);
    pinna::MagnitudeItdRenderOptions render;
    render.taps = codec.info().taps;
    render.base_delay_samples = std::max(0.0, codes.base_delay_samples);
    // The reference in the same run: the rendering with the 4x cepstrum used before
    // 2026-11-30 (and by the upsampler).
    pinna::MagnitudeItdRenderOptions render4 = render;
    render4.oversample = 4;
    const std::vector<double> decode =
        medians_ms({[&] { (void)codec.decode_spectra(codes); }, [&] { (void)codec.decode(codes); },
                    [&] { (void)pinna::render_magnitude_itd(decoded, render); },
                    [&] { (void)pinna::render_magnitude_itd(decoded, render4); }});
    const double decode_spectra_ms = decode[0], decode_ms = decode[1], render_ms = decode[2],
                 render4_ms = decode[3];
    std::printf("| autoencoder.pt | encode %zu directions x 2 ears | %.1f | %.2f |\n",
                full.measurements(), encode_ms, size_mb(codec.info().path));
    std::printf("| autoencoder.pt | decode %zu directions x 2 ears, as dB + ITD | %.1f | |\n",
                full.measurements(), decode_spectra_ms);
    std::printf("| autoencoder.pt | decode %zu directions x 2 ears, as HRIRs | %.1f | |\n",
                full.measurements(), decode_ms);
    std::printf("| (rendering) | %zu dB + ITD pairs into HRIRs (render_magnitude_itd) | %.1f | |\n",
                full.measurements(), render_ms);
    std::printf(
        "| (rendering) | the same with the 4x cepstrum (oversample = 4), same run | %.1f | |\n",
        render4_ms);
    return 0;
}
