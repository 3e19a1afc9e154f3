#include <algorithm>
#include <cmath>
#include <sstream>

#include "metrics/spectral_scorer.hpp"
#include "pinna/delay.hpp"
#include "pinna/error.hpp"
#include "pinna/grid.hpp"
#include "pinna/hrir_set.hpp"
#include "pinna/metrics.hpp"
#include "pinna/time_domain.hpp"

namespace pinna {
namespace {

std::string rate_text(double fs) {
    std::ostringstream s;
    s << fs << " Hz";
    return s.str();
}

// The set as ear signals: delays carried beside the IRs are baked in.
const HrirSet& as_ear_signals(const HrirSet& set, HrirSet& storage) {
    if (!set.has_delays())
        return set;
    storage = set;
    apply_delays(storage);
    return storage;
}

std::vector<bool> excluded_mask(const HrirSet& reference, const CompareOptions& options) {
    std::vector<bool> out(reference.measurements(), false);
    if (options.exclude.empty())
        return out;
    // A reference direction is excluded when some excluded direction lies within tolerance:
    // match each reference direction against the excluded list.
    const std::vector<std::size_t> near =
        match_directions(reference.directions(), options.exclude, options.tolerance_deg);
    for (std::size_t i = 0; i < out.size(); ++i)
        out[i] = near[i] != kUnmatched;
    return out;
}

}  // namespace

Comparison compare(const HrirSet& reference_in, const HrirSet& estimate_in,
                   const CompareOptions& options) {
    reference_in.validate();
    estimate_in.validate();
    if (reference_in.sample_rate_hz() != estimate_in.sample_rate_hz())
        throw InvalidArgumentError("compare: sample rates differ: reference " +
                                   rate_text(reference_in.sample_rate_hz()) + ", estimate " +
                                   rate_text(estimate_in.sample_rate_hz()) +
                                   " (resample one of them first)");
    if (!(options.tolerance_deg >= 0.0))
        throw InvalidArgumentError("compare: tolerance_deg must be >= 0");
    HrirSet ref_storage, est_storage;
    const HrirSet& reference = as_ear_signals(reference_in, ref_storage);
    const HrirSet& estimate = as_ear_signals(estimate_in, est_storage);

    Comparison out;
    out.sample_rate_hz = reference.sample_rate_hz();
    out.taps = std::min(reference.taps(), estimate.taps());
    const std::size_t n = out.taps;

    const std::vector<bool> excluded = excluded_mask(reference, options);
    const std::vector<std::size_t> match =
        match_directions(reference.directions(), estimate.directions(), options.tolerance_deg);
    std::vector<std::size_t> scored;
    for (std::size_t i = 0; i < match.size(); ++i) {
        if (excluded[i])
            ++out.excluded;
        else if (match[i] == kUnmatched)
            out.unmatched_indices.push_back(i);
        else
            scored.push_back(i);
    }
    out.unmatched = out.unmatched_indices.size();
    out.scored = scored.size();
    if (scored.empty())
        throw InvalidArgumentError("compare: no direction left to score (" +
                                   std::to_string(out.unmatched) +
                                   " reference directions have no estimate within " +
                                   std::to_string(options.tolerance_deg) + " degrees, " +
                                   std::to_string(out.excluded) + " are excluded)");

    const detail::SpectralScorer spectral(n, out.sample_rate_hz);
    out.bins = spectral.bins().size();
    out.min_bin_hz = static_cast<double>(spectral.bins().front()) * out.sample_rate_hz / n;
    out.max_bin_hz = static_cast<double>(spectral.bins().back()) * out.sample_rate_hz / n;
    const ItdEstimator itd(out.sample_rate_hz, n);

    double lsd = 0, sde = 0, pcc = 0, rms = 0, ma = 0, sdr = 0, itd_err = 0, ild_err = 0;
    out.directions.reserve(scored.size());
    for (std::size_t i : scored) {
        const std::size_t j = match[i];
        DirectionScores d;
        d.reference_index = i;
        d.estimate_index = j;
        d.direction = reference.direction(i);
        for (std::size_t e = 0; e < kEars; ++e) {
            const Ear ear = static_cast<Ear>(e);
            const float* r = reference.ir(i, ear);
            const float* x = estimate.ir(j, ear);
            const SpectralScores s = spectral.score(r, x);
            d.lsd_db[e] = s.lsd_db;
            lsd += s.lsd_db;
            sde += s.sde_db;
            pcc += s.pcc;
            rms += rmse(r, x, n);
            ma += mae(r, x, n);
            sdr += sdr_db(r, x, n, options.sdr_cap_db);
        }
        detail::score_binaural(itd, reference, i, estimate, j, n, d);
        itd_err += d.itd_error_us;
        ild_err += d.ild_error_db;
        out.directions.push_back(d);
    }
    const double irs = static_cast<double>(scored.size() * kEars);
    const double dirs = static_cast<double>(scored.size());
    out.lsd_db = lsd / irs;
    out.sde_db = sde / irs;
    out.pcc = pcc / irs;
    out.rmse = rms / irs;
    out.mae = ma / irs;
    out.sdr_db = sdr / irs;
    out.itd_error_us = itd_err / dirs;
    out.ild_error_db = ild_err / dirs;
    return out;
}

namespace detail {

void score_binaural(const ItdEstimator& itd, const HrirSet& reference, std::size_t i,
                    const HrirSet& estimate, std::size_t j, std::size_t n, DirectionScores& d) {
    d.itd_reference_us = 1e6 * itd.itd_s(reference.ir(i, Ear::left), reference.ir(i, Ear::right));
    d.itd_estimate_us = 1e6 * itd.itd_s(estimate.ir(j, Ear::left), estimate.ir(j, Ear::right));
    d.itd_error_us = std::fabs(d.itd_reference_us - d.itd_estimate_us);
    d.ild_reference_db = ild_db(reference.ir(i, Ear::left), reference.ir(i, Ear::right), n);
    d.ild_estimate_db = ild_db(estimate.ir(j, Ear::left), estimate.ir(j, Ear::right), n);
    d.ild_error_db = std::fabs(d.ild_reference_db - d.ild_estimate_db);
}

}  // namespace detail
}  // namespace pinna
