// pinna_query_bench: pinna's QueryEngine against libmysofa's easy API on one SOFA file.
//
//  1. Throughput: both libraries answer the same random directions (uniform on the sphere,
//     fixed seed) in this process; warm-up pass, then `--reps` alternating repetitions,
//     median queries per second of each and their ratio.
//  2. Build: median time of read_sofa + QueryEngine construction against mysofa_open, and
//     the heap each keeps (glibc mallinfo2 before/after) beside QueryEngine::memory_bytes().
//  3. Accuracy on held-out directions: every k-th measured direction is removed, the rest
//     written with pinna::write_sofa, that file opened by both libraries, the removed
//     directions queried and scored against their measured IRs with pinna::compare
//     (each library's delays applied: pinna's in samples, libmysofa's in seconds).
//
// usage: pinna_query_bench FILE.sofa [--queries N] [--reps R] [--holdout-every K]
//                          [--seed S] [--json OUT.json]
#include <malloc.h>
#include <mysofa.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <random>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "bench_common.hpp"
#include "core/vec_math.hpp"
#include "interp/mix.hpp"
#include "pinna/atomic_file.hpp"
#include "pinna/error.hpp"
#include "pinna/hrir_set.hpp"
#include "pinna/metrics.hpp"
#include "pinna/query.hpp"
#include "pinna/sofa.hpp"

namespace pinna::bench {
namespace {

// ---------------------------------------------------------------------------------------
// libmysofa, behind an owner

struct MysofaCloser {
    void operator()(MYSOFA_EASY* easy) const noexcept { mysofa_close(easy); }
};
using Mysofa = std::unique_ptr<MYSOFA_EASY, MysofaCloser>;

enum class Normalise { loudness, none };

Mysofa open_mysofa(const std::string& path, double fs, Normalise normalise, int& filter_length) {
    int err = MYSOFA_OK;
    MYSOFA_EASY* easy =
        normalise == Normalise::loudness
            ? mysofa_open(path.c_str(), static_cast<float>(fs), &filter_length, &err)
            : mysofa_open_no_norm(path.c_str(), static_cast<float>(fs), &filter_length, &err);
    if (easy == nullptr || err != MYSOFA_OK)
        throw std::runtime_error("libmysofa cannot open " + path + " (error " +
                                 std::to_string(err) + ")");
    return Mysofa(easy);
}

// Bytes the heap holds (small and mmapped chunks); differences of this measure what a
// construction keeps.
std::size_t heap_bytes() {
    const struct mallinfo2 info = mallinfo2();
    return info.uordblks + info.hblkhd;
}

std::vector<Vec3> random_directions(std::size_t n, unsigned seed) {
    std::mt19937_64 rng(seed);
    std::normal_distribution<double> gauss;
    std::vector<Vec3> out;
    out.reserve(n);
    while (out.size() < n) {
        const Vec3 v{gauss(rng), gauss(rng), gauss(rng)};
        const double r = norm(v);
        if (r > 1e-9)
            out.push_back({v.x / r, v.y / r, v.z / r});
    }
    return out;
}

// ---------------------------------------------------------------------------------------
// Throughput

// Queries per second of one pass over `directions`. `sink` keeps the results observable.
double pinna_pass(const QueryEngine& engine, const std::vector<Vec3>& directions, float* left,
                  float* right, double& sink) {
    EarDelays delays;
    const std::size_t last = engine.taps() - 1;
    const double start = now_s();
    for (const Vec3& d : directions) {
        engine.query(d, left, right, delays);
        sink += left[0] + right[last] + delays.left_samples - delays.right_samples;
    }
    return static_cast<double>(directions.size()) / (now_s() - start);
}

double mysofa_pass(MYSOFA_EASY* easy, bool interpolate,
                   const std::vector<std::array<float, 3>>& directions, std::size_t taps,
                   float* left, float* right, double& sink) {
    float delay_left = 0.0f, delay_right = 0.0f;
    const std::size_t last = taps - 1;
    const double start = now_s();
    for (const auto& d : directions) {
        if (interpolate)
            mysofa_getfilter_float(easy, d[0], d[1], d[2], left, right, &delay_left, &delay_right);
        else
            mysofa_getfilter_float_nointerp(easy, d[0], d[1], d[2], left, right, &delay_left,
                                            &delay_right);
        sink += left[0] + right[last] + delay_left - delay_right;
    }
    return static_cast<double>(directions.size()) / (now_s() - start);
}

struct Throughput {
    double pinna_qps = 0.0;  ///< medians over the repetitions
    double mysofa_qps = 0.0;
    double pinna_best_qps = 0.0;  ///< fastest repetition: the least disturbed by other load
    double mysofa_best_qps = 0.0;
    double ratio() const { return pinna_qps / mysofa_qps; }
    double best_ratio() const { return pinna_best_qps / mysofa_best_qps; }
    double pinna_ns() const { return 1e9 / pinna_qps; }
    double mysofa_ns() const { return 1e9 / mysofa_qps; }
};

// Alternating repetitions (pinna, libmysofa, pinna, ...) after one warm-up pass each, so that
// a change of machine load hits both about equally; medians of each.
Throughput measure_throughput(const QueryEngine& engine, MYSOFA_EASY* easy, bool interpolate,
                              const std::vector<Vec3>& directions, int reps, double& sink) {
    std::vector<std::array<float, 3>> xyz;
    xyz.reserve(directions.size());
    for (const Vec3& d : directions)
        xyz.push_back({static_cast<float>(d.x), static_cast<float>(d.y), static_cast<float>(d.z)});
    const std::size_t taps = engine.taps();
    std::vector<float> left(taps), right(taps);
    pinna_pass(engine, directions, left.data(), right.data(), sink);
    mysofa_pass(easy, interpolate, xyz, taps, left.data(), right.data(), sink);
    std::vector<double> p, m;
    for (int r = 0; r < reps; ++r) {
        p.push_back(pinna_pass(engine, directions, left.data(), right.data(), sink));
        m.push_back(mysofa_pass(easy, interpolate, xyz, taps, left.data(), right.data(), sink));
    }
    return {median(p), median(m), *std::max_element(p.begin(), p.end()),
            *std::max_element(m.begin(), m.end())};
}

// The memory-traffic floor of a barycentric query: its three measured IR pairs read and one
// pair written, 4 x 2 x taps floats. Timed here as that traffic alone: the same mixes, with
// the measurements and weights of each direction looked up beforehand, so that only the
// reads and writes (and the multiply-adds that ride on them, in the query's own loop,
// interp/mix.hpp) are left. Median ns per query
// over `reps` passes.
struct Floor {
    double bytes_per_query = 0.0;
    double mix_ns = 0.0;  ///< the mixes alone
    double bytes_per_ns() const { return bytes_per_query / mix_ns; }
};

Floor measure_floor(const QueryEngine& engine, const std::vector<Vec3>& directions, int reps,
                    double& sink) {
    const std::size_t n = engine.taps();
    std::vector<QueryWeights> weights(directions.size());
    for (std::size_t i = 0; i < directions.size(); ++i)
        engine.weights(directions[i], weights[i]);
    std::vector<float> out(2 * n);
    std::vector<double> ns;
    for (int r = 0; r <= reps; ++r) {  // the first pass warms up
        const double start = now_s();
        for (const QueryWeights& w : weights) {
            for (const Ear ear : {Ear::left, Ear::right}) {
                detail::mix3(out.data() + static_cast<std::size_t>(ear) * n,
                             engine.measurement_ir(w.index[0], ear),
                             engine.measurement_ir(w.index[1], ear),
                             engine.measurement_ir(w.index[2], ear), w.weight[0], w.weight[1],
                             w.weight[2], n);
            }
            sink += out[0] + out[2 * n - 1];
        }
        if (r > 0)
            ns.push_back(1e9 * (now_s() - start) / static_cast<double>(weights.size()));
    }
    return {4.0 * 2.0 * static_cast<double>(n) * sizeof(float), median(ns)};
}

// ---------------------------------------------------------------------------------------
// Accuracy on held-out directions

struct Accuracy {
    double lsd_db = 0.0;
    double itd_error_us = 0.0;
    double ild_error_db = 0.0;
    std::size_t scored = 0;
};

Accuracy score(const HrirSet& reference, const HrirSet& estimate) {
    const Comparison c = compare(reference, estimate);
    return {c.lsd_db, c.itd_error_us, c.ild_error_db, c.scored};
}

// pinna: minimum-phase IRs plus delays in samples; compare() applies the delays.
HrirSet pinna_estimate(const QueryEngine& engine, const std::vector<Direction>& targets) {
    HrirSet out(engine.sample_rate_hz(), engine.taps(), targets);
    out.delays_samples().assign(targets.size() * kEars, 0.0);
    for (std::size_t i = 0; i < targets.size(); ++i) {
        EarDelays d;
        engine.query(targets[i], out.ir(i, Ear::left), out.ir(i, Ear::right), d);
        out.delays_samples()[i * kEars] = d.left_samples;
        out.delays_samples()[i * kEars + 1] = d.right_samples;
    }
    return out;
}

// libmysofa: IRs plus delays in seconds (its README: "unit is sec."), turned into samples.
// With Data.Delay all zero (as in every file used here) they are zero.
HrirSet mysofa_estimate(MYSOFA_EASY* easy, bool interpolate, std::size_t taps, double fs,
                        const std::vector<Direction>& targets, double& max_delay_s) {
    HrirSet out(fs, taps, targets);
    std::vector<double> delays(targets.size() * kEars, 0.0);
    max_delay_s = 0.0;
    for (std::size_t i = 0; i < targets.size(); ++i) {
        const Vec3 p = to_cartesian(targets[i]);
        float delay_left_s = 0.0f, delay_right_s = 0.0f;
        auto fn = interpolate ? mysofa_getfilter_float : mysofa_getfilter_float_nointerp;
        fn(easy, static_cast<float>(p.x), static_cast<float>(p.y), static_cast<float>(p.z),
           out.ir(i, Ear::left), out.ir(i, Ear::right), &delay_left_s, &delay_right_s);
        delays[i * kEars] = delay_left_s * fs;
        delays[i * kEars + 1] = delay_right_s * fs;
        max_delay_s = std::max(
            {max_delay_s, std::abs(double{delay_left_s}), std::abs(double{delay_right_s})});
    }
    if (max_delay_s > 0.0)
        out.delays_samples() = delays;
    return out;
}

// ---------------------------------------------------------------------------------------

struct Report {
    std::string file;
    std::size_t measurements = 0, taps = 0;
    double fs = 0.0;
    std::size_t queries = 0;
    int reps = 0;
    Throughput barycentric, nearest;
    double pinna_read_ms = 0.0, pinna_build_ms = 0.0, mysofa_open_ms = 0.0;
    double pinna_build_all_threads_ms = 0.0;  // QueryEngineOptions::build_threads = 0
    // Where the opening time goes: the read without the isolating process, libmysofa's
    // parse alone and the neighbour tables mysofa_open builds after it.
    double pinna_read_in_process_ms = 0.0, mysofa_load_ms = 0.0, mysofa_neighbours_ms = 0.0;
    // Medians of per-repetition ratios, (read_sofa + QueryEngine) / mysofa_open, each
    // repetition timing the three back to back.
    double open_ratio = 0.0, open_ratio_all_threads = 0.0;
    Floor floor;
    std::size_t pinna_memory_bytes = 0, pinna_heap_bytes = 0, mysofa_heap_bytes = 0;
    std::size_t holdout_every = 0, held_out = 0, held_in = 0;
    Accuracy pinna_bary, pinna_near, mysofa_interp, mysofa_near;
    double mysofa_norm_gain_db = 0.0;
    double mysofa_max_delay_s = 0.0;
};

template <class F>
double median_ms(int reps, F&& f) {
    std::vector<double> t;
    for (int r = 0; r < reps; ++r) {
        const double start = now_s();
        f();
        t.push_back(1e3 * (now_s() - start));
    }
    return median(t);
}

// The gain mysofa_open's loudness normalisation applies, in dB: the ratio of the energies of
// one nearest-neighbour query with and without it.
double mysofa_norm_gain_db(MYSOFA_EASY* normalised, MYSOFA_EASY* plain, std::size_t taps) {
    std::vector<float> l1(taps), r1(taps), l2(taps), r2(taps);
    float a, b;
    mysofa_getfilter_float_nointerp(normalised, 1, 0, 0, l1.data(), r1.data(), &a, &b);
    mysofa_getfilter_float_nointerp(plain, 1, 0, 0, l2.data(), r2.data(), &a, &b);
    double e1 = 0.0, e2 = 0.0;
    for (std::size_t t = 0; t < taps; ++t)
        e1 += l1[t] * l1[t] + r1[t] * r1[t], e2 += l2[t] * l2[t] + r2[t] * r2[t];
    return 10.0 * std::log10(e1 / e2);
}

Report run(const std::string& file, std::size_t queries, int reps, std::size_t every, unsigned seed,
           double& sink) {
    Report rep;
    rep.file = file;
    rep.queries = queries;
    rep.reps = reps;

    // Build time and memory. The first constructions also warm FFTW's plan cache, so that
    // the heap difference measured afterwards is what the engine itself keeps.
    HrirSet set;
    rep.pinna_read_ms = median_ms(5, [&] { set = read_sofa(file); });
    rep.measurements = set.measurements();
    rep.taps = set.taps();
    rep.fs = set.sample_rate_hz();
    rep.pinna_build_ms = median_ms(5, [&] { QueryEngine e(set); });
    QueryEngineOptions all_threads;
    all_threads.build_threads = 0;
    rep.pinna_build_all_threads_ms = median_ms(5, [&] { QueryEngine e(set, all_threads); });
    int filter_length = 0;
    rep.mysofa_open_ms =
        median_ms(5, [&] { open_mysofa(file, rep.fs, Normalise::loudness, filter_length); });
    {
        SofaReadOptions in_process;
        in_process.isolate = false;
        rep.pinna_read_in_process_ms = median_ms(5, [&] { set = read_sofa(file, in_process); });
        rep.mysofa_load_ms = median_ms(5, [&] {
            int err = 0;
            mysofa_free(mysofa_load(file.c_str(), &err));
        });
        int err = 0;
        MYSOFA_HRTF* hrtf = mysofa_load(file.c_str(), &err);
        if (hrtf) {
            mysofa_tocartesian(hrtf);
            MYSOFA_LOOKUP* lookup = mysofa_lookup_init(hrtf);
            if (lookup)
                rep.mysofa_neighbours_ms = median_ms(
                    5, [&] { mysofa_neighborhood_free(mysofa_neighborhood_init(hrtf, lookup)); });
            mysofa_lookup_free(lookup);
            mysofa_free(hrtf);
        }
    }
    {
        std::vector<double> one, all;
        for (int r = 0; r < 7; ++r) {
            const double open_ms = median_ms(
                1, [&] { open_mysofa(file, rep.fs, Normalise::loudness, filter_length); });
            const double pinna_ms = median_ms(1, [&] { QueryEngine e(read_sofa(file)); });
            const double pinna_all_ms =
                median_ms(1, [&] { QueryEngine e(read_sofa(file), all_threads); });
            one.push_back(pinna_ms / open_ms);
            all.push_back(pinna_all_ms / open_ms);
        }
        rep.open_ratio = median(one);
        rep.open_ratio_all_threads = median(all);
    }

    std::size_t before = heap_bytes();
    const QueryEngine engine(set);
    rep.pinna_heap_bytes = heap_bytes() - before;
    rep.pinna_memory_bytes = engine.memory_bytes();
    const QueryEngine nearest_engine(set, {InterpolationMethod::nearest});
    before = heap_bytes();
    const Mysofa easy = open_mysofa(file, rep.fs, Normalise::loudness, filter_length);
    rep.mysofa_heap_bytes = heap_bytes() - before;
    if (static_cast<std::size_t>(filter_length) != engine.taps())
        throw std::runtime_error("filter lengths differ: libmysofa " +
                                 std::to_string(filter_length) + ", pinna " +
                                 std::to_string(engine.taps()));

    // Throughput.
    const std::vector<Vec3> directions = random_directions(queries, seed);
    rep.barycentric = measure_throughput(engine, easy.get(), true, directions, reps, sink);
    rep.nearest = measure_throughput(nearest_engine, easy.get(), false, directions, reps, sink);
    rep.floor = measure_floor(engine, directions, reps, sink);

    // Accuracy on held-out directions.
    std::vector<std::size_t> in, out;
    for (std::size_t i = 0; i < set.measurements(); ++i)
        (i % every == 0 ? out : in).push_back(i);
    rep.holdout_every = every;
    rep.held_in = in.size();
    rep.held_out = out.size();
    const HrirSet reference = set.subset(out);
    const std::string held_in_file = (std::filesystem::temp_directory_path() /
                                      ("pinna_bench_" + std::to_string(::getpid()) + "_" +
                                       std::filesystem::path(file).stem().string() + ".sofa"))
                                         .string();
    write_sofa(set.subset(in), held_in_file);
    try {
        const HrirSet held_in = read_sofa(held_in_file);
        rep.pinna_bary =
            score(reference, pinna_estimate(QueryEngine(held_in), reference.directions()));
        rep.pinna_near =
            score(reference, pinna_estimate(QueryEngine(held_in, {InterpolationMethod::nearest}),
                                            reference.directions()));
        // Scored without libmysofa's loudness normalisation (mysofa_open scales every IR by
        // one gain, which LSD would count); lookup and interpolation are the same code.
        const Mysofa plain = open_mysofa(held_in_file, rep.fs, Normalise::none, filter_length);
        const Mysofa normalised =
            open_mysofa(held_in_file, rep.fs, Normalise::loudness, filter_length);
        rep.mysofa_norm_gain_db = mysofa_norm_gain_db(normalised.get(), plain.get(), rep.taps);
        double max_delay = 0.0;
        rep.mysofa_interp = score(reference, mysofa_estimate(plain.get(), true, rep.taps, rep.fs,
                                                             reference.directions(), max_delay));
        rep.mysofa_max_delay_s = max_delay;
        rep.mysofa_near = score(reference, mysofa_estimate(plain.get(), false, rep.taps, rep.fs,
                                                           reference.directions(), max_delay));
        rep.mysofa_max_delay_s = std::max(rep.mysofa_max_delay_s, max_delay);
    } catch (...) {
        std::filesystem::remove(held_in_file);
        throw;
    }
    std::filesystem::remove(held_in_file);
    return rep;
}

std::string kib(std::size_t bytes) {
    char s[32];
    std::snprintf(s, sizeof s, "%.0f KiB", static_cast<double>(bytes) / 1024.0);
    return s;
}

void print_markdown(const Report& r) {
    std::printf("### %s\n\n", base_name(r.file).c_str());
    std::printf(
        "%zu directions, %zu taps, %.0f Hz. %zu random directions (uniform on the "
        "sphere), %d alternating repetitions after a warm-up, medians.\n\n",
        r.measurements, r.taps, r.fs, r.queries, r.reps);
    std::printf(
        "| query | pinna q/s | libmysofa q/s | pinna ns/query | libmysofa ns/query | "
        "ratio (medians) | ratio (best repetitions) |\n|---|---:|---:|---:|---:|---:|---:|\n");
    auto row = [](const char* name, const Throughput& t) {
        std::printf("| %s | %.0f | %.0f | %.0f | %.0f | **%.2fx** | %.2fx |\n", name, t.pinna_qps,
                    t.mysofa_qps, t.pinna_ns(), t.mysofa_ns(), t.ratio(), t.best_ratio());
    };
    row("interpolated (QueryEngine barycentric vs mysofa_getfilter_float)", r.barycentric);
    row("nearest (QueryEngine nearest vs mysofa_getfilter_float_nointerp)", r.nearest);
    std::printf(
        "\nMemory-traffic floor of an interpolated query: %.0f bytes (three IR pairs read, one "
        "written); those mixes alone, measurements and weights looked up beforehand, take %.0f "
        "ns (%.1f bytes/ns): the query takes **%.2fx** that floor.\n",
        r.floor.bytes_per_query, r.floor.mix_ns, r.floor.bytes_per_ns(),
        r.barycentric.pinna_ns() / r.floor.mix_ns);
    std::printf("\n| build | time (median of 5) | heap kept | reported |\n|---|---:|---:|---:|\n");
    std::printf("| pinna read_sofa | %.1f ms | | |\n", r.pinna_read_ms);
    std::printf("| pinna read_sofa, isolate = false (no worker process) | %.1f ms | | |\n",
                r.pinna_read_in_process_ms);
    std::printf("| pinna QueryEngine (from the read set) | %.1f ms | %s | memory_bytes() = %s |\n",
                r.pinna_build_ms, kib(r.pinna_heap_bytes).c_str(),
                kib(r.pinna_memory_bytes).c_str());
    std::printf("| pinna QueryEngine, build_threads = 0 (%u hardware threads) | %.1f ms | | |\n",
                std::thread::hardware_concurrency(), r.pinna_build_all_threads_ms);
    std::printf("| libmysofa mysofa_open (read + lookup + neighbours) | %.1f ms | %s | |\n",
                r.mysofa_open_ms, kib(r.mysofa_heap_bytes).c_str());
    std::printf("| libmysofa mysofa_load alone (the parse) | %.1f ms | | |\n", r.mysofa_load_ms);
    std::printf("| libmysofa mysofa_neighborhood_init alone | %.1f ms | | |\n",
                r.mysofa_neighbours_ms);
    std::printf(
        "\nOpening, 7 repetitions of read_sofa + QueryEngine and mysofa_open back to back, "
        "median of the per-repetition ratios: **%.2fx** mysofa_open with one build thread, "
        "**%.2fx** with build_threads = 0.\n",
        r.open_ratio, r.open_ratio_all_threads);
    std::printf(
        "\nHeld-out accuracy: every %zu-th direction removed (%zu held out, %zu kept), "
        "the kept ones written with pinna::write_sofa and opened by both libraries; "
        "the held-out directions queried and scored against their measurements.\n\n",
        r.holdout_every, r.held_out, r.held_in);
    std::printf(
        "| method | LSD (dB) | ITD error (us) | ILD error (dB) | scored |\n"
        "|---|---:|---:|---:|---:|\n");
    auto acc = [](const char* name, const Accuracy& a) {
        std::printf("| %s | %.2f | %.1f | %.2f | %zu |\n", name, a.lsd_db, a.itd_error_us,
                    a.ild_error_db, a.scored);
    };
    acc("pinna QueryEngine barycentric (min-phase + delays)", r.pinna_bary);
    acc("libmysofa mysofa_getfilter_float", r.mysofa_interp);
    acc("pinna QueryEngine nearest", r.pinna_near);
    acc("libmysofa mysofa_getfilter_float_nointerp", r.mysofa_near);
    std::printf(
        "\nlibmysofa delays: largest |delay| returned %.3g s. mysofa_open's loudness "
        "normalisation scales this file's IRs by %+.2f dB (accuracy scored with "
        "mysofa_open_no_norm).\n\n",
        r.mysofa_max_delay_s, r.mysofa_norm_gain_db);
}

std::string to_json(const Report& r) {
    std::ostringstream s;
    auto tp = [](const Throughput& t) {
        std::ostringstream o;
        o << "{\"pinna_qps\": " << t.pinna_qps << ", \"libmysofa_qps\": " << t.mysofa_qps
          << ", \"ratio\": " << t.ratio() << ", \"pinna_best_qps\": " << t.pinna_best_qps
          << ", \"libmysofa_best_qps\": " << t.mysofa_best_qps
          << ", \"best_ratio\": " << t.best_ratio() << "}";
        return o.str();
    };
    auto acc = [](const Accuracy& a) {
        std::ostringstream o;
        o << "{\"lsd_db\": " << a.lsd_db << ", \"itd_error_us\": " << a.itd_error_us
          << ", \"ild_error_db\": " << a.ild_error_db << ", \"scored\": " << a.scored << "}";
        return o.str();
    };
    s << "{\"file\": " << json_string(r.file) << ", \"measurements\": " << r.measurements
      << ", \"taps\": " << r.taps << ", \"sample_rate_hz\": " << r.fs
      << ", \"queries\": " << r.queries << ", \"reps\": " << r.reps
      << ",\n  \"interpolated\": " << tp(r.barycentric) << ",\n  \"nearest\": " << tp(r.nearest)
      << ",\n  \"pinna_read_ms\": " << r.pinna_read_ms
      << ", \"pinna_build_ms\": " << r.pinna_build_ms
      << ", \"pinna_build_all_threads_ms\": " << r.pinna_build_all_threads_ms
      << ", \"libmysofa_open_ms\": " << r.mysofa_open_ms << ", \"open_ratio\": " << r.open_ratio
      << ", \"open_ratio_all_threads\": " << r.open_ratio_all_threads
      << ", \"pinna_read_in_process_ms\": " << r.pinna_read_in_process_ms
      << ", \"libmysofa_load_ms\": " << r.mysofa_load_ms
      << ", \"libmysofa_neighbours_ms\": " << r.mysofa_neighbours_ms
      << ",\n  \"floor_bytes_per_query\": " << r.floor.bytes_per_query
      << ", \"floor_mix_ns\": " << r.floor.mix_ns
      << ",\n  \"pinna_memory_bytes\": " << r.pinna_memory_bytes
      << ", \"pinna_heap_bytes\": " << r.pinna_heap_bytes
      << ", \"libmysofa_heap_bytes\": " << r.mysofa_heap_bytes
      << ",\n  \"holdout_every\": " << r.holdout_every << ", \"held_out\": " << r.held_out
      << ",\n  \"accuracy\": {\"pinna_barycentric\": " << acc(r.pinna_bary)
      << ", \"libmysofa_getfilter_float\": " << acc(r.mysofa_interp)
      << ",\n    \"pinna_nearest\": " << acc(r.pinna_near)
      << ", \"libmysofa_nointerp\": " << acc(r.mysofa_near) << "}}";
    return s.str();
}

int main_impl(int argc, char** argv) {
    const Options opts(argc, argv, {"--queries", "--reps", "--holdout-every", "--seed", "--json"},
                       {});
    if (opts.positionals().empty()) {
        std::fprintf(stderr,
                     "usage: pinna_query_bench FILE.sofa... [--queries N] [--reps R] "
                     "[--holdout-every K] [--seed S] [--json OUT.json]\n");
        return 2;
    }
    const long queries = opts.get_long("--queries", 20000);
    const long reps = opts.get_long("--reps", 15);
    const long every = opts.get_long("--holdout-every", 8);
    if (queries < 1 || reps < 1 || every < 2)
        throw std::invalid_argument("--queries and --reps must be >= 1, --holdout-every >= 2");
    const unsigned seed = static_cast<unsigned>(opts.get_long("--seed", 1));

    const Machine machine = describe_machine();
    std::printf("Machine: %s\n\n", format_machine(machine).c_str());
    double sink = 0.0;
    std::vector<Report> reports;
    for (const std::string& file : opts.positionals()) {
        reports.push_back(run(file, static_cast<std::size_t>(queries), static_cast<int>(reps),
                              static_cast<std::size_t>(every), seed, sink));
        print_markdown(reports.back());
        std::fflush(stdout);
    }
    std::printf("(checksum %g)\n", sink);
    const std::string json_path = opts.get("--json", "");
    if (!json_path.empty()) {
        std::string text = "{\"machine\": {\"cpu_model\": " + json_string(machine.cpu_model) +
                           ", \"online_cpus\": " + std::to_string(machine.online_cpus) +
                           ", \"load_1min\": " + std::to_string(machine.load_1min) +
                           ", \"date_utc\": " + json_string(machine.date_utc) + "},\n\"files\": [";
        for (std::size_t i = 0; i < reports.size(); ++i)
            text += (i ? ",\n" : "\n") + to_json(reports[i]);
        write_file_atomically(json_path, text + "\n]}\n");
    }
    return 0;
}

}  // namespace
}  // namespace pinna::bench

int main(int argc, char** argv) {
    return pinna::bench::run_tool("pinna_query_bench", pinna::bench::main_impl, argc, argv);
}
