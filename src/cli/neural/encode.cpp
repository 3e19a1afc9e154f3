// `pinna encode`: a set through the autoencoder's latent codes and back.
#include <cmath>
#include <cstdio>
#include <sstream>
#include <string>
#include <vector>

#include "cli/args.hpp"
#include "cli/commands.hpp"
#include "cli/json.hpp"
#include "cli/neural/neural.hpp"
#include "pinna/atomic_file.hpp"
#include "pinna/error.hpp"
#include "pinna/metrics.hpp"
#include "pinna/neural/models.hpp"
#include "pinna/sofa.hpp"

namespace pinna::cli {

const char* const kEncodeHelp =
    "usage: pinna encode IN.sofa [-o OUT.sofa] [--codes CODES.csv] [--model PATH]\n"
    "                    [--threads N] [--json]\n\n"
    "Encodes every direction and ear of a set into the autoencoder's latent code (its dB\n"
    "magnitude on the model's frequencies, read at the set's own rate) and decodes the\n"
    "codes back: magnitudes, then minimum-phase HRIRs at the model's rate with the set's\n"
    "ITDs and onset delay. Prints the reconstruction LSD of the magnitudes (bins\n"
    "20 Hz..20 kHz of the model's FFT, mean over directions and ears; docs/metrics.md).\n\n"
    "  -o, --output F   write the decoded set (SimpleFreeFieldHRIR, atomically)\n"
    "  --codes F        write the codes as CSV: azimuth_deg, elevation_deg, distance_m,\n"
    "                   ear (left|right), itd_s, z0, z1, ... (atomically)\n"
    "  --model PATH     autoencoder (default: models/autoencoder.pt, or\n"
    "                   $PINNA_MODEL_DIR/autoencoder.pt)\n"
    "  --threads N      threads for the model (default: LibTorch's choice)\n"
    "  --json           print one JSON object\n";

namespace {

std::string codes_csv(const LatentCodes& codes) {
    std::ostringstream out;
    out.precision(9);
    out << "azimuth_deg,elevation_deg,distance_m,ear,itd_s";
    for (std::size_t i = 0; i < codes.latent_size; ++i)
        out << ",z" << i;
    out << '\n';
    for (std::size_t m = 0; m < codes.directions.size(); ++m)
        for (const Ear ear : {Ear::left, Ear::right}) {
            const Direction& d = codes.directions[m];
            out << d.azimuth_deg << ',' << d.elevation_deg << ',' << d.distance_m << ','
                << (ear == Ear::left ? "left" : "right") << ',' << codes.itd_s[m] + 0.0;  // no "-0"
            const float* z = codes.code(m, ear);
            for (std::size_t i = 0; i < codes.latent_size; ++i)
                out << ',' << z[i];
            out << '\n';
        }
    return out.str();
}

}  // namespace

int run_encode(const Argv& argv) {
    const Args args(argv, {"--json"}, {"-o", "--output", "--codes", "--model", "--threads"});
    args.expect_positionals(1, "one SOFA file");
    const std::string in_path = args.positionals()[0];
    const std::string out_path = args.get("-o", args.get("--output"));
    const std::string codes_path = args.get("--codes");
    apply_model_threads(args);

    const HrirSet set = read_sofa(in_path);
    const LatentCodec codec(args.get("--model", default_model_path(kAutoencoderModelFile)));
    const LatentCodes codes = codec.encode(set);
    // The magnitudes the codes were made from.
    const MagnitudeItd original = codec.input_spectra(set);
    const double lsd = lsd_db(original.db, codec.decode_spectra(codes).db);

    if (!codes_path.empty())
        write_file_atomically(codes_path, codes_csv(codes));
    if (!out_path.empty()) {
        HrirSet out = codec.decode(codes);
        out.metadata.set_attribute("Comment",
                                   "Decoded by pinna from " + std::to_string(codes.latent_size) +
                                       "-dimensional latent codes (" + codec.info().name + " " +
                                       codec.info().version + ") of " + in_path);
        out.metadata.comment = out.metadata.attribute("Comment");
        write_sofa(out, out_path);
    }
    if (args.flag("--json")) {
        Json j;
        j.begin_object();
        j.value("input", in_path).value("model", codec.info().path);
        j.value("latent_size", codes.latent_size).value("directions", codes.directions.size());
        j.value("lsd_db", lsd);
        if (!out_path.empty())
            j.value("output", out_path);
        if (!codes_path.empty())
            j.value("codes", codes_path);
        j.end_object();
        std::fputs(j.str().c_str(), stdout);
        return 0;
    }
    std::printf("encoded %zu directions x 2 ears into %zu-dimensional codes (%s)\n",
                codes.directions.size(), codes.latent_size, codec.info().path.c_str());
    std::printf("magnitude reconstruction LSD %.3f dB\n", lsd);
    if (!codes_path.empty())
        std::printf("codes -> %s\n", codes_path.c_str());
    if (!out_path.empty())
        std::printf("decoded set -> %s\n", out_path.c_str());
    return 0;
}

}  // namespace pinna::cli
