// The neural commands, built when LibTorch is available: `pinna predict` and
// `pinna upsample --method neural`.
#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <set>
#include <string>

#include "cli/args.hpp"
#include "cli/commands.hpp"
#include "cli/files.hpp"
#include "cli/grid_arg.hpp"
#include "cli/neural/neural.hpp"
#include "cli/progress.hpp"
#include "pinna/anthropometry.hpp"
#include "pinna/error.hpp"
#include "pinna/neural/models.hpp"
#include "pinna/sofa.hpp"

namespace pinna::cli {

const char* const kPredictHelp =
    "usage: pinna predict --anthropometry FILE.csv|FILE.json -o OUT_DIR\n"
    "                     [--grid REF.sofa|fibonacci:N|lebedev:N] [--model PATH]\n"
    "                     [--threads N]\n\n"
    "Predicts a personal HRIR set for every subject of an anthropometry table with the\n"
    "personalization model and writes OUT_DIR/<subject>.sofa (SimpleFreeFieldHRIR,\n"
    "atomically; OUT_DIR is created if missing). The table's columns are matched to the\n"
    "model's features by name (see models/README.md). A bad row (too few or too many\n"
    "cells, a value that is not a finite number, a duplicate subject id, a missing value the\n"
    "model needs, a negative length) is reported with its line and skipped, and the others\n"
    "are still written; only an unreadable table or a bad header stops the batch. Features\n"
    "far outside the training population (outside its range, or more than 3 standard\n"
    "deviations from its mean) are reported as warnings; the prediction is still written.\n\n"
    "  --anthropometry F  CSV (header row, first column the subject id) or JSON table\n"
    "  -o, --output DIR   output folder (required)\n"
    "  --grid G           directions of the output: those of a SOFA file, or a generated\n"
    "                     grid (fibonacci:N, lebedev:N); default: the model's own grid\n"
    "  --model PATH       personalization model (default: models/anthropometric.pt, or\n"
    "                     $PINNA_MODEL_DIR/anthropometric.pt)\n"
    "  --threads N        threads for the model (default: LibTorch's choice)\n\n"
    "exit status: 0 when every subject was written, 1 when any row failed (after trying\n"
    "all; the last line counts them)\n";

void apply_model_threads(const Args& args) {
    if (!args.has("--threads"))
        return;
    const long threads = args.get_long("--threads", 0);
    if (threads < 1 || threads > 1024)
        throw UsageError("--threads must be a count from 1 to 1024, got " + args.get("--threads"));
    set_model_threads(static_cast<int>(threads));
}

int run_predict(const Argv& argv) {
    const Args args(argv, {},
                    {"--anthropometry", "-o", "--output", "--grid", "--model", "--threads"});
    args.expect_positionals(0, "no positional arguments");
    const std::string table_path = args.get("--anthropometry");
    if (table_path.empty())
        throw UsageError("--anthropometry FILE.csv|FILE.json is required");
    const std::string out_dir = args.get("-o", args.get("--output"));
    if (out_dir.empty())
        throw UsageError("-o OUT_DIR is required");
    apply_model_threads(args);

    const AnthropometryTable table = read_anthropometry(table_path);
    const PersonalizationModel model(
        args.get("--model", default_model_path(kPersonalizationModelFile)));
    std::vector<Direction> grid;
    if (args.has("--grid"))
        grid = read_grid_argument(args.get("--grid"));

    // A feature the table lacks entirely would fail every row: say so once.
    std::string absent;
    for (const std::string& f : model.features()) {
        bool found = false;
        for (const std::string& column : table.features)
            found = found || column == f;
        if (!found)
            absent += (absent.empty() ? "" : ", ") + f;
    }
    if (!absent.empty())
        throw InvalidDataError(table.source + ": the model " + model.info().path +
                               " needs the feature column(s) " + absent +
                               ", which the table does not have");
    make_directory(out_dir);

    const std::size_t total = table.rows.size() + table.rejected.size();
    Progress progress(table.rows.size());
    std::size_t written = 0, failed = 0, warned = 0;
    // Rows the table could not read (their messages name the file and line).
    for (const RejectedRow& bad : table.rejected) {
        ++failed;
        progress.line("pinna: error: " + bad.message + " (row skipped)");
    }
    std::set<std::string> used_names;
    for (std::size_t i = 0; i < table.rows.size(); ++i) {
        const AnthropometryRow& row = table.rows[i];
        progress.item(i, row.subject);
        try {
            const std::vector<double> values = select_features(table, i, model.features());
            const std::vector<std::string> warnings = model.warnings(values);
            if (!warnings.empty()) {
                ++warned;
                for (const std::string& w : warnings)
                    progress.line("pinna: warning: subject " + row.subject + ": " + w);
            }
            HrirSet set = model.predict(values, args.has("--grid") ? &grid : nullptr);
            set.metadata.listener_short_name = row.subject;
            set.metadata.title = "HRIRs of " + row.subject + " predicted from anthropometry";
            set.metadata.comment = "Predicted by pinna with " + model.info().name + " " +
                                   model.info().version + " from " + table.source + " line " +
                                   std::to_string(row.line);
            set.metadata.set_attribute("Comment", set.metadata.comment);
            std::string stem = file_stem(row.subject, row.line);
            if (!used_names.insert(stem).second) {
                stem += "_line" + std::to_string(row.line);
                used_names.insert(stem);
            }
            write_sofa(set, out_dir + "/" + stem + ".sofa");
            ++written;
        } catch (const Error& e) {
            ++failed;
            // Messages of select_features already name the table, subject and line.
            const std::string what = e.what();
            const bool named = what.find("subject " + row.subject) != std::string::npos;
            progress.line("pinna: error: " +
                          (named ? std::string()
                                 : table.source + ":" + std::to_string(row.line) + ": subject " +
                                       row.subject + ": ") +
                          what + " (" + to_string(e.kind()) + "; row skipped)");
        }
    }
    progress.finish();
    std::printf(
        "predicted %zu of %zu subjects -> %s/ (%zu failed, %zu with out-of-range features)\n",
        written, total, out_dir.c_str(), failed, warned);
    return failed == 0 ? 0 : 1;
}

int run_upsample_neural(const Argv& argv) {
    const Args args = upsample_args(argv);
    for (const char* flag : {"--time-aligned", "--no-head-model"})
        if (args.flag(flag))
            throw UsageError(std::string(flag) + " does not apply to --method neural");
    for (const char* option : {"--sh-order", "--sh-lambda"})
        if (args.has(option))
            throw UsageError(std::string(option) + " does not apply to --method neural");
    const std::string sparse_path = args.positionals()[0];
    const std::string out = args.get("-o", args.get("--output"));
    apply_model_threads(args);
    const HrirSet sparse = read_sofa(sparse_path);
    const std::vector<Direction> grid = read_grid_argument(args.get("--grid"));
    const Upsampler model(args.get("--model", default_model_path(kUpsamplerModelFile)));
    NeuralUpsampleOptions options;
    options.equalize_chain = !args.flag("--no-chain-eq");
    options.population_offset_baseline = args.flag("--population-offset");
    if (args.has("--head-yaw")) {
        if (options.population_offset_baseline)
            throw UsageError("--head-yaw does not apply to --population-offset");
        const double yaw = args.get_double("--head-yaw", 0.0);
        if (!std::isfinite(yaw) || std::fabs(yaw) > 180.0)
            throw UsageError("--head-yaw: expected degrees in [-180, 180], got " +
                             args.get("--head-yaw"));
        options.head_yaw_deg = yaw;
    }
    HrirSet dense = model.upsample(sparse, grid, options);
    const std::string what = options.population_offset_baseline ? "population + offset, " : "";
    dense.metadata.set_attribute("Comment", "Upsampled by pinna (neural, " + what +
                                                model.info().name + " " + model.info().version +
                                                ") from " + std::to_string(sparse.measurements()) +
                                                " directions of " + sparse_path);
    dense.metadata.comment = dense.metadata.attribute("Comment");
    write_sofa(dense, out);
    // The yaw the model assumed (the population + offset baseline assumes none).
    std::string yaw;
    if (!options.population_offset_baseline) {
        char text[48];
        if (options.head_yaw_deg)
            std::snprintf(text, sizeof text, "; head yaw %.1f deg, given", *options.head_yaw_deg);
        else
            std::snprintf(text, sizeof text, "; head yaw %.1f deg", model.head_yaw_deg(sparse));
        yaw = text;
    }
    std::printf("upsampled %zu -> %zu directions (neural, %s%s) -> %s\n", sparse.measurements(),
                dense.measurements(), model.info().path.c_str(), yaw.c_str(), out.c_str());
    return 0;
}

}  // namespace pinna::cli
