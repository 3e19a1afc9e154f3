// Speed of the Baumgartner 2014 model (pinna/perception.hpp) on one thread: scoring one
// pair of 793-direction SONICOM sets as `pinna evaluate --perceptual` does (template
// analysis, the listener with their own set, the listener with the estimate), and the
// one-call predict_localization, SOFA reading excluded. Median of 21 runs after a warm-up.
// Usage: pinna_perception_bench [DATASETS_DIR] [--json]
#include <cstdio>
#include <string>
#include <vector>

#include "bench_common.hpp"
#include "pinna/hrir_set.hpp"
#include "pinna/perception.hpp"
#include "pinna/sofa.hpp"

namespace {

template <typename F>
double median_ms(F&& f, int runs = 21) {
    f();  // warm-up: FFTW plans, first-touch allocation
    std::vector<double> ms;
    for (int i = 0; i < runs; ++i) {
        const double t0 = pinna::bench::now_s();
        f();
        ms.push_back(1e3 * (pinna::bench::now_s() - t0));
    }
    return pinna::bench::median(ms);
}

int bench_main(int argc, char** argv) {
    const pinna::bench::Options options(argc, argv, {}, {"--json"});
    const std::string datasets =
        options.positionals().empty() ? PINNA_DEFAULT_DATASETS_DIR : options.positionals()[0];
    const pinna::bench::Machine machine = pinna::bench::describe_machine();
    const std::string ref_path = datasets + "/sonicom/P0004_FreeFieldComp_44kHz.sofa";
    const std::string est_path = datasets + "/sonicom/P0010_FreeFieldComp_44kHz.sofa";

    const double t0 = pinna::bench::now_s();
    const pinna::HrirSet reference = pinna::read_sofa(ref_path);
    const pinna::HrirSet estimate = pinna::read_sofa(est_path);
    const double read_ms = 1e3 * (pinna::bench::now_s() - t0) / 2.0;

    const double pair_ms = median_ms([&] {
        const pinna::Baumgartner2014Model model(reference);
        (void)model.predict(reference);
        (void)model.predict(estimate);
    });
    const double one_call_ms =
        median_ms([&] { (void)pinna::predict_localization(reference, estimate); });
    const pinna::Baumgartner2014Model model(reference);
    const double predict_ms = median_ms([&] { (void)model.predict(estimate); });

    if (options.flag("--json")) {
        std::printf(
            "{\"reference\": %s, \"estimate\": %s, \"directions\": %zu, \"taps\": %zu,\n"
            " \"pair_ms\": %.3f, \"predict_localization_ms\": %.3f, \"predict_ms\": %.3f,"
            " \"read_sofa_ms\": %.1f,\n \"machine\": %s}\n",
            pinna::bench::json_string(ref_path).c_str(),
            pinna::bench::json_string(est_path).c_str(), reference.measurements(), reference.taps(),
            pair_ms, one_call_ms, predict_ms, read_ms,
            pinna::bench::json_string(pinna::bench::format_machine(machine)).c_str());
        return 0;
    }
    std::printf(
        "Baumgartner 2014 model, %s vs %s (%zu directions, %zu taps, %g Hz), one thread,\n"
        "default options (lateral -20/0/20, polar -30..210), median of 21 runs:\n",
        pinna::bench::base_name(ref_path).c_str(), pinna::bench::base_name(est_path).c_str(),
        reference.measurements(), reference.taps(), reference.sample_rate_hz());
    std::printf(
        "  score one pair as evaluate --perceptual does (template + own + estimate): "
        "%8.2f ms\n",
        pair_ms);
    std::printf(
        "  predict_localization (template + estimate):                             "
        "%8.2f ms\n",
        one_call_ms);
    std::printf(
        "  Baumgartner2014Model::predict with the template analysed:               "
        "%8.2f ms\n",
        predict_ms);
    std::printf(
        "  (read_sofa, per file, not included:                                     "
        "%8.1f ms)\n",
        read_ms);
    std::printf("machine: %s\n", pinna::bench::format_machine(machine).c_str());
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    return pinna::bench::run_tool("pinna_perception_bench", bench_main, argc, argv);
}
