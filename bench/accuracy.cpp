// pinna_accuracy: how well each interpolator upsamples the LAP sparse subsets.
//
// For every subject of the chosen databases: read the measured set, take the LAP sparse
// subset of each level (pinna::lap_sparse_indices), upsample it with pinna::upsample onto
// the subject's full measured grid with every method (nearest, barycentric, sh; plain and
// time-aligned; default options otherwise), and score the result against the measurement
// with pinna::compare, the sparse directions excluded. Prints a markdown table of the means
// over subjects (and, with --json, writes every subject's figures).
//
// usage: pinna_accuracy [--datasets DIR] [--databases sonicom,hutubs] [--levels 100,19,5,3]
//                       [--threads N] [--limit N] [--json OUT.json]
#include <algorithm>
#include <atomic>
#include <cstdio>
#include <map>
#include <mutex>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "bench_common.hpp"
#include "pinna/atomic_file.hpp"
#include "pinna/grid.hpp"
#include "pinna/interpolate.hpp"
#include "pinna/metrics.hpp"
#include "pinna/sofa.hpp"

namespace pinna::bench {
namespace {

struct Database {
    std::string name;    // folder below the datasets directory
    std::string suffix;  // of its subject files
};
const std::vector<Database> kDatabases = {{"sonicom", "_FreeFieldComp_44kHz.sofa"},
                                          {"hutubs", "_HRIRs_measured.sofa"}};

struct Method {
    InterpolationMethod method;
    bool time_aligned;
    std::string name() const {
        return std::string(to_string(method)) + (time_aligned ? " time-aligned" : "");
    }
};
const std::vector<Method> kMethods = {
    {InterpolationMethod::nearest, false},     {InterpolationMethod::nearest, true},
    {InterpolationMethod::barycentric, false}, {InterpolationMethod::barycentric, true},
    {InterpolationMethod::sh, false},          {InterpolationMethod::sh, true}};

struct Subject {
    std::string database;
    std::string path;
};

struct Score {
    double lsd_db = 0.0, itd_error_us = 0.0, ild_error_db = 0.0;
    std::size_t sparse = 0, scored = 0, unmatched = 0;
    double seconds = 0.0;  // upsample + compare
};

// scores[subject][level][method]
using SubjectScores = std::vector<std::vector<Score>>;

SubjectScores evaluate_subject(const Subject& subject, const std::vector<int>& levels) {
    const HrirSet full = read_sofa(subject.path);
    SubjectScores out;
    for (const int level : levels) {
        const HrirSet sparse = full.subset(lap_sparse_indices(full.directions(), level));
        CompareOptions compare_options;
        compare_options.exclude = sparse.directions();
        std::vector<Score> row;
        for (const Method& m : kMethods) {
            InterpolationOptions options;
            options.method = m.method;
            options.time_aligned = m.time_aligned;
            const double start = now_s();
            const HrirSet estimate = upsample(sparse, full.directions(), options);
            const Comparison c = compare(full, estimate, compare_options);
            Score s;
            s.lsd_db = c.lsd_db;
            s.itd_error_us = c.itd_error_us;
            s.ild_error_db = c.ild_error_db;
            s.sparse = sparse.measurements();
            s.scored = c.scored;
            s.unmatched = c.unmatched;
            s.seconds = now_s() - start;
            row.push_back(s);
        }
        out.push_back(row);
    }
    return out;
}

std::vector<int> parse_levels(const std::string& text) {
    std::vector<int> out;
    std::stringstream s(text);
    for (std::string item; std::getline(s, item, ',');)
        out.push_back(std::stoi(item));
    if (out.empty())
        throw std::invalid_argument("--levels: no level given");
    return out;
}

std::vector<std::string> split_names(const std::string& text) {
    std::vector<std::string> out;
    std::stringstream s(text);
    for (std::string item; std::getline(s, item, ',');)
        out.push_back(item);
    return out;
}

// Reference figures of docs/metrics.md (SONICOM, measured directions excluded): nearest
// neighbour, and barycentric interpolation of dB magnitudes (LSD only, 100 and 19).
struct Reference {
    const char* label;
    std::map<int, double> lsd_db, itd_us, ild_db;
};
const Reference kNearestReference{"nearest (metrics.md reference)",
                                  {{100, 3.4}, {19, 5.4}, {5, 8.5}, {3, 8.8}},
                                  {{100, 40}, {19, 98}, {5, 141}, {3, 254}},
                                  {{100, 1.3}, {19, 2.9}, {5, 4.6}, {3, 7.5}}};
const Reference kBarycentricDbReference{
    "barycentric of dB magnitudes (metrics.md reference)", {{100, 2.6}, {19, 4.1}}, {}, {}};

std::string cell(const std::map<int, double>& values, int level, const char* format) {
    const auto it = values.find(level);
    if (it == values.end())
        return "-";
    char s[32];
    std::snprintf(s, sizeof s, format, it->second);
    return s;
}

void print_table(const std::string& database, const std::vector<Subject>& subjects,
                 const std::vector<SubjectScores>& scores, const std::vector<int>& levels) {
    std::vector<std::size_t> rows;
    for (std::size_t i = 0; i < subjects.size(); ++i)
        if (subjects[i].database == database)
            rows.push_back(i);
    if (rows.empty())
        return;
    const double n = static_cast<double>(rows.size());
    std::printf("### %s (%zu subjects)\n\n", database.c_str(), rows.size());
    std::printf(
        "Means over subjects of LSD (dB) / ITD error (us) / ILD error (dB); sparse "
        "directions excluded from the score.\n\n| method |");
    for (std::size_t l = 0; l < levels.size(); ++l) {
        const Score& first = scores[rows[0]][l][0];
        std::printf(" from %d (%zu measured, %zu scored) |", levels[l], first.sparse, first.scored);
    }
    std::printf("\n|---|");
    for (std::size_t l = 0; l < levels.size(); ++l)
        std::printf("---|");
    std::printf("\n");
    for (std::size_t m = 0; m < kMethods.size(); ++m) {
        std::printf("| %s |", kMethods[m].name().c_str());
        for (std::size_t l = 0; l < levels.size(); ++l) {
            double lsd = 0, itd = 0, ild = 0;
            for (const std::size_t r : rows) {
                lsd += scores[r][l][m].lsd_db / n;
                itd += scores[r][l][m].itd_error_us / n;
                ild += scores[r][l][m].ild_error_db / n;
            }
            std::printf(" %.2f / %.1f / %.2f |", lsd, itd, ild);
        }
        std::printf("\n");
    }
    if (database == "sonicom")
        for (const Reference* ref : {&kNearestReference, &kBarycentricDbReference}) {
            std::printf("| *%s* |", ref->label);
            for (const int level : levels)
                std::printf(" *%s / %s / %s* |", cell(ref->lsd_db, level, "%.1f").c_str(),
                            cell(ref->itd_us, level, "%.0f").c_str(),
                            cell(ref->ild_db, level, "%.1f").c_str());
            std::printf("\n");
        }
    double seconds = 0.0;
    for (const std::size_t r : rows)
        for (const auto& level : scores[r])
            for (const Score& s : level)
                seconds += s.seconds;
    std::printf("\n(%.1f s of upsampling and scoring on this database, summed over threads)\n\n",
                seconds);
}

std::string to_json(const Machine& machine, const std::vector<Subject>& subjects,
                    const std::vector<SubjectScores>& scores, const std::vector<int>& levels) {
    std::ostringstream s;
    s << "{\"machine\": {\"cpu_model\": " << json_string(machine.cpu_model)
      << ", \"online_cpus\": " << machine.online_cpus << ", \"load_1min\": " << machine.load_1min
      << ", \"date_utc\": " << json_string(machine.date_utc) << "},\n\"results\": [";
    bool first = true;
    for (std::size_t i = 0; i < subjects.size(); ++i)
        for (std::size_t l = 0; l < levels.size(); ++l)
            for (std::size_t m = 0; m < kMethods.size(); ++m) {
                const Score& x = scores[i][l][m];
                s << (first ? "\n" : ",\n")
                  << "{\"database\": " << json_string(subjects[i].database)
                  << ", \"subject\": " << json_string(base_name(subjects[i].path))
                  << ", \"level\": " << levels[l]
                  << ", \"method\": " << json_string(kMethods[m].name())
                  << ", \"sparse\": " << x.sparse << ", \"scored\": " << x.scored
                  << ", \"unmatched\": " << x.unmatched << ", \"lsd_db\": " << x.lsd_db
                  << ", \"itd_error_us\": " << x.itd_error_us
                  << ", \"ild_error_db\": " << x.ild_error_db << "}";
                first = false;
            }
    s << "\n]}\n";
    return s.str();
}

int main_impl(int argc, char** argv) {
    const Options opts(argc, argv,
                       {"--datasets", "--databases", "--levels", "--threads", "--limit", "--json"},
                       {});
    const std::string root = opts.get("--datasets", PINNA_DEFAULT_DATASETS_DIR);
    const std::vector<int> levels = parse_levels(opts.get("--levels", "100,19,5,3"));
    const long threads = opts.get_long("--threads", 1);
    const long limit = opts.get_long("--limit", 0);
    if (threads < 1 || threads > 64)
        throw std::invalid_argument("--threads must be 1..64");

    std::vector<Subject> subjects;
    for (const std::string& name : split_names(opts.get("--databases", "sonicom,hutubs"))) {
        const auto db = std::find_if(kDatabases.begin(), kDatabases.end(),
                                     [&](const Database& d) { return d.name == name; });
        if (db == kDatabases.end())
            throw std::invalid_argument("unknown database '" + name +
                                        "' (expected sonicom or hutubs)");
        std::vector<std::string> files = files_with_suffix(root + "/" + db->name, db->suffix);
        if (files.empty())
            throw std::runtime_error("no *" + db->suffix + " files in " + root + "/" + db->name);
        if (limit > 0 && files.size() > static_cast<std::size_t>(limit))
            files.resize(static_cast<std::size_t>(limit));
        for (const std::string& f : files)
            subjects.push_back({db->name, f});
    }

    const Machine machine = describe_machine();
    const double start = now_s();
    std::vector<SubjectScores> scores(subjects.size());
    std::atomic<std::size_t> next{0};
    std::mutex failure_mutex;
    std::string failure;
    auto worker = [&] {
        for (std::size_t i = next++; i < subjects.size(); i = next++) {
            try {
                scores[i] = evaluate_subject(subjects[i], levels);
            } catch (const std::exception& e) {
                std::lock_guard<std::mutex> lock(failure_mutex);
                failure = subjects[i].path + ": " + e.what();
                next = subjects.size();
            }
        }
    };
    std::vector<std::thread> pool;
    for (long t = 0; t < threads; ++t)
        pool.emplace_back(worker);
    for (std::thread& t : pool)
        t.join();
    if (!failure.empty())
        throw std::runtime_error(failure);

    std::printf("Machine: %s; %ld thread(s); %.0f s wall time.\n\n",
                format_machine(machine).c_str(), threads, now_s() - start);
    for (const Database& db : kDatabases)
        print_table(db.name, subjects, scores, levels);
    const std::string json_path = opts.get("--json", "");
    if (!json_path.empty())
        write_file_atomically(json_path, to_json(machine, subjects, scores, levels));
    return 0;
}

}  // namespace
}  // namespace pinna::bench

int main(int argc, char** argv) {
    return pinna::bench::run_tool("pinna_accuracy", pinna::bench::main_impl, argc, argv);
}
