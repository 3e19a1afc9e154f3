// The LAP challenge 2024 task 2 scoring protocol (include/pinna/metrics.hpp).
#include <cmath>
#include <map>
#include <string>
#include <utility>

#include "metrics/spectral_scorer.hpp"
#include "pinna/error.hpp"
#include "pinna/hrir_set.hpp"
#include "pinna/metrics.hpp"
#include "pinna/time_domain.hpp"

namespace pinna {
namespace {

// Azimuth and elevation rounded to 0.01 degree, as the LAP code rounds positions.
std::pair<long long, long long> position_key(const Direction& d) {
    return {std::llround(d.azimuth_deg * 100.0), std::llround(d.elevation_deg * 100.0)};
}

}  // namespace

LapScores lap_task2_scores(const HrirSet& reference, const HrirSet& estimate,
                           const LapThresholds& thresholds) {
    reference.validate();
    estimate.validate();
    if (reference.sample_rate_hz() != estimate.sample_rate_hz())
        throw InvalidArgumentError("LAP protocol: sample rates differ (reference " +
                                   std::to_string(reference.sample_rate_hz()) + " Hz, estimate " +
                                   std::to_string(estimate.sample_rate_hz()) + " Hz)");
    if (reference.taps() != estimate.taps())
        throw InvalidArgumentError("LAP protocol: IR lengths differ (reference " +
                                   std::to_string(reference.taps()) + " taps, estimate " +
                                   std::to_string(estimate.taps()) + ")");
    std::map<std::pair<long long, long long>, std::size_t> first_estimate;
    for (std::size_t j = estimate.measurements(); j-- > 0;)
        first_estimate[position_key(estimate.direction(j))] = j;

    const std::size_t n = reference.taps();
    const double fs = reference.sample_rate_hz();
    const detail::SpectralScorer scorer(n, fs);
    const ItdEstimator itd(fs, n);
    LapScores out;
    out.thresholds = thresholds;
    double lsd_sum = 0.0, itd_sum = 0.0, ild_sum = 0.0;
    for (std::size_t i = 0; i < reference.measurements(); ++i) {
        const Direction& d = reference.direction(i);
        const auto match = first_estimate.find(position_key(d));
        if (match == first_estimate.end())
            throw InvalidArgumentError("LAP protocol: the estimate has no direction at azimuth " +
                                       std::to_string(d.azimuth_deg) + ", elevation " +
                                       std::to_string(d.elevation_deg) +
                                       " deg (reference direction " + std::to_string(i) +
                                       "); the LAP code scores every reference direction");
        const std::size_t j = match->second;
        DirectionScores s;
        s.reference_index = i;
        s.estimate_index = j;
        s.direction = d;
        for (const Ear ear : {Ear::left, Ear::right}) {
            const std::size_t e = static_cast<std::size_t>(ear);
            s.lsd_db[e] = scorer
                              .score(scorer.db_spectrum(reference.ir(i, ear)),
                                     scorer.db_spectrum(estimate.ir(j, ear)))
                              .lsd_db;
            lsd_sum += s.lsd_db[e];
        }
        detail::score_binaural(itd, reference, i, estimate, j, n, s);
        itd_sum += s.itd_error_us;
        ild_sum += s.ild_error_db;
        out.per_direction.push_back(s);
    }
    out.directions = reference.measurements();
    const double count = static_cast<double>(out.directions);
    out.lsd_db = lsd_sum / (2.0 * count);
    out.itd_error_us = itd_sum / count;
    out.ild_error_db = ild_sum / count;
    out.itd_pass = out.itd_error_us < thresholds.itd_us;
    out.ild_pass = out.ild_error_db < thresholds.ild_db;
    out.lsd_pass = out.lsd_db < thresholds.lsd_db;
    return out;
}

}  // namespace pinna
