// Interaural time difference: the LAP metric (whole samples) and a sub-sample variant.
#include <cmath>
#include <string>

#include "dsp/correlation.hpp"
#include "dsp/hilbert.hpp"
#include "pinna/error.hpp"
#include "pinna/hrir_set.hpp"
#include "pinna/time_domain.hpp"

namespace pinna {

struct ItdEstimator::Impl {
    Impl(double fs, std::size_t n, double lowpass_hz, int order)
        : fs(fs),
          n(n),
          sections(lowpass_hz > 0.0 ? butterworth_lowpass(order, lowpass_hz, fs)
                                    : std::vector<Biquad>{}),
          hilbert(n),
          correlator(n) {}
    double fs;
    std::size_t n;
    std::vector<Biquad> sections;
    detail::HilbertEnvelope hilbert;
    detail::Correlator correlator;
};

ItdEstimator::ItdEstimator(double sample_rate_hz, std::size_t taps, double lowpass_hz,
                           int lowpass_order) {
    if (taps == 0)
        throw InvalidArgumentError("ItdEstimator: taps must be at least 1");
    if (!(sample_rate_hz > 0.0) || !std::isfinite(sample_rate_hz))
        throw InvalidArgumentError("ItdEstimator: sample rate " + std::to_string(sample_rate_hz) +
                                   " Hz is not positive");
    impl_ = std::make_unique<Impl>(sample_rate_hz, taps, lowpass_hz, lowpass_order);
}

ItdEstimator::~ItdEstimator() = default;
ItdEstimator::ItdEstimator(ItdEstimator&&) noexcept = default;
ItdEstimator& ItdEstimator::operator=(ItdEstimator&&) noexcept = default;

std::size_t ItdEstimator::taps() const noexcept {
    return impl_->n;
}
double ItdEstimator::sample_rate_hz() const noexcept {
    return impl_->fs;
}

std::vector<double> ItdEstimator::lowpassed_envelope(const float* ir) const {
    std::vector<double> x(ir, ir + impl_->n);
    filter_sections(impl_->sections, x.data(), x.data(), x.size());
    return impl_->hilbert.envelope(x.data());
}

double ItdEstimator::itd_s(const float* left, const float* right) const {
    return itd_samples(left, right) / sample_rate_hz();
}

double ItdEstimator::itd_fractional_s(const float* left, const float* right) const {
    return itd_fractional_samples(left, right) / sample_rate_hz();
}

double ItdEstimator::itd_samples(const float* left, const float* right) const {
    const std::vector<double> l = lowpassed_envelope(left);
    const std::vector<double> r = lowpassed_envelope(right);
    // Peak at d: the left envelope is the right one delayed by d, i.e. the left ear hears
    // the sound d samples later, so ITD (right minus left arrival) = -d.
    return -static_cast<double>(impl_->correlator.peak_lag(l.data(), r.data()));
}

double ItdEstimator::itd_fractional_samples(const float* left, const float* right) const {
    const std::vector<double> l = lowpassed_envelope(left);
    const std::vector<double> r = lowpassed_envelope(right);
    const long n = static_cast<long>(impl_->n);
    return -impl_->correlator.fractional_peak_lag(l.data(), r.data(), -(n - 1), n - 1);
}

namespace {
template <typename Estimate>
std::vector<double> itd_of_set(const HrirSet& set, Estimate estimate) {
    const ItdEstimator est(set.sample_rate_hz(), set.taps());
    std::vector<double> out(set.measurements());
    for (std::size_t m = 0; m < set.measurements(); ++m) {
        const double delay_difference =
            set.delay_samples(m, Ear::right) - set.delay_samples(m, Ear::left);
        out[m] = (estimate(est, set.ir(m, Ear::left), set.ir(m, Ear::right)) + delay_difference) /
                 set.sample_rate_hz();
    }
    return out;
}
}  // namespace

std::vector<double> itd_s(const HrirSet& set) {
    return itd_of_set(set, [](const ItdEstimator& e, const float* l, const float* r) {
        return e.itd_samples(l, r);
    });
}

std::vector<double> itd_fractional_s(const HrirSet& set) {
    return itd_of_set(set, [](const ItdEstimator& e, const float* l, const float* r) {
        return e.itd_fractional_samples(l, r);
    });
}

}  // namespace pinna
