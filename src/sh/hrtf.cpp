// ShHrtf: a whole HRIR set as SH coefficients, of the taps (complex spectrum) or of dB
// magnitudes plus minimum-phase delays.
#include <algorithm>

#include "pinna/error.hpp"
#include "pinna/sh.hpp"
#include "pinna/spectrum.hpp"
#include "pinna/time_domain.hpp"

namespace pinna {
namespace {
std::vector<double> evaluate_delays(int order, const std::vector<double>& coefficients,
                                    const std::vector<Direction>& directions) {
    std::vector<double> delays = sh_evaluate(order, coefficients, kEars, directions);
    // A fitted delay can dip slightly below zero between measured ones; delays are >= 0.
    for (double& d : delays)
        d = std::max(d, 0.0);
    return delays;
}
}  // namespace

ShHrtf ShHrtf::fit(const HrirSet& set, const ShHrtfOptions& options) {
    set.validate();
    if (options.domain == ShDomain::magnitude_db && set.taps() < 2)
        throw InvalidArgumentError("ShHrtf::fit: the magnitude_db domain needs at least 2 taps, " +
                                   std::string("the set has ") + std::to_string(set.taps()));
    const ShFitter fitter(set.directions(), options.fit);

    ShHrtf out;
    out.order_ = fitter.order();
    out.domain_ = options.domain;
    out.sample_rate_hz_ = set.sample_rate_hz();
    out.taps_ = set.taps();
    out.metadata = set.metadata;

    std::vector<double> values;
    const std::vector<double>* delays = set.has_delays() ? &set.delays_samples() : nullptr;
    HrirSet minimum_phase;
    if (options.domain == ShDomain::complex_spectrum) {
        // The set's data is M x (2 N) row-major already: [m][ear][tap].
        out.values_per_ear_ = set.taps();
        values.assign(set.data().begin(), set.data().end());
    } else {
        const SpectrumSet db = magnitude_db(to_hrtf(set));
        out.values_per_ear_ = db.bins();
        values = db.data;  // [m][ear][bin]
        minimum_phase = to_minimum_phase(set);
        delays = &minimum_phase.delays_samples();
    }
    const std::size_t columns = kEars * out.values_per_ear_;
    out.coefficients_.resize(fitter.channels() * columns);
    fitter.fit(values.data(), columns, out.coefficients_.data());
    if (delays) {
        out.delay_coefficients_.resize(fitter.channels() * kEars);
        fitter.fit(delays->data(), kEars, out.delay_coefficients_.data());
    }
    return out;
}

HrirSet ShHrtf::evaluate(const std::vector<Direction>& directions) const {
    if (taps_ == 0)
        throw InvalidArgumentError("ShHrtf::evaluate: nothing has been fitted");
    if (directions.empty())
        throw InvalidArgumentError("ShHrtf::evaluate: no directions to evaluate at");
    const std::size_t columns = kEars * values_per_ear_;
    std::vector<double> values(directions.size() * columns);
    sh_evaluate(order_, coefficients_.data(), columns, directions, values.data());

    if (domain_ == ShDomain::complex_spectrum) {
        HrirSet set(sample_rate_hz_, taps_, directions);
        set.metadata = metadata;
        std::transform(values.begin(), values.end(), set.data().begin(),
                       [](double v) { return static_cast<float>(v); });
        if (has_delays())
            set.delays_samples() = evaluate_delays(order_, delay_coefficients_, directions);
        return set;
    }

    SpectrumSet db;
    db.sample_rate_hz = sample_rate_hz_;
    db.fft_size = taps_;
    db.directions = directions;
    db.data = std::move(values);
    HrirSet minimum_phase = minimum_phase_hrirs(db, taps_);
    minimum_phase.delays_samples() = evaluate_delays(order_, delay_coefficients_, directions);
    HrirSet set = from_minimum_phase(minimum_phase, taps_);
    set.metadata = metadata;
    return set;
}

}  // namespace pinna
