// Spectral analysis (Eq. 2) and positive spectral gradients (Eq. 3), with the filterbank
// AMT's auditoryfilterbank builds: LTFAT's ERB scale and AMT's all-pole complex gammatone.
#include <cmath>
#include <numeric>
#include <string>

#include "core/vec_math.hpp"
#include "perception/stages.hpp"
#include "pinna/error.hpp"

namespace pinna::perception {

namespace {

// Glasberg & Moore's ERB-number scale as LTFAT's freqtoaud('erb') writes it.
double erb_number(double hz) {
    return 9.2645 * std::log(1.0 + hz * 0.00437);
}
double erb_number_to_hz(double erb) {
    return (1.0 / 0.00437) * (std::exp(erb / 9.2645) - 1.0);
}
// Equivalent rectangular bandwidth in Hz (LTFAT audfiltbw('erb')).
double erb_bandwidth_hz(double hz) {
    return 24.7 + hz / 9.265;
}

constexpr int kGammatoneOrder = 4;

}  // namespace

std::vector<double> erb_band_centres_hz(double low_hz, double high_hz) {
    const double lo = erb_number(low_hz);
    const double range = erb_number(high_hz) - lo;
    const auto n = static_cast<std::size_t>(std::floor(range));
    const double remainder = range - static_cast<double>(n);
    std::vector<double> centres(n + 1);
    for (std::size_t b = 0; b <= n; ++b)
        centres[b] = erb_number_to_hz(lo + static_cast<double>(b) + remainder / 2.0);
    return centres;
}

std::size_t gradient_band_distance(const std::vector<double>& centres_hz) {
    if (centres_hz.size() < 2)
        return 1;
    double sum = 0.0;
    for (std::size_t b = 1; b < centres_hz.size(); ++b)
        sum += erb_bandwidth_hz(centres_hz[b]) / (centres_hz[b] - centres_hz[b - 1]);
    const double mean = sum / static_cast<double>(centres_hz.size() - 1);
    return static_cast<std::size_t>(std::max(1.0, std::round(mean)));
}

GammatoneFilterbank::GammatoneFilterbank(const std::vector<double>& centres_hz,
                                         double sample_rate_hz) {
    // (n-1)!^2 / (pi (2n-2)! 2^-(2n-2)) for n = 4: the factor that turns the ERB into the
    // gammatone's bandwidth parameter.
    const double betamul = (6.0 * 6.0) / (kPi * 720.0 * std::pow(2.0, -6.0));
    for (double fc : centres_hz) {
        const double beta = betamul * erb_bandwidth_hz(fc);
        const double radius = std::exp(-2.0 * kPi * beta / sample_rate_hz);
        poles_.push_back(std::polar(radius, -2.0 * kPi * fc / sample_rate_hz));
        // AMT's numerator (1 - radius)^4 split over the four identical sections.
        section_gains_.push_back(1.0 - radius);
    }
}

void GammatoneFilterbank::levels_db(const double* x, std::size_t n, double* out) const {
    // AMT filters with the expanded 4th-order polynomial; four cascaded one-pole sections
    // are the same filter with better conditioned arithmetic.
    for (std::size_t b = 0; b < poles_.size(); ++b) {
        const std::complex<double> p = poles_[b];
        const double g = section_gains_[b];
        std::complex<double> state[kGammatoneOrder] = {};
        double energy = 0.0;
        for (std::size_t t = 0; t < n; ++t) {
            std::complex<double> v = x[t];
            for (auto& s : state) {
                s = g * v + p * s;
                v = s;
            }
            const double y = 2.0 * v.real();
            energy += y * y;
        }
        out[b] = 20.0 * std::log10(std::sqrt(energy / static_cast<double>(n)));
    }
}

void positive_gradients(const double* levels_db, std::size_t bands, std::size_t distance,
                        double* out) {
    for (std::size_t b = 0; b + distance < bands; ++b)
        out[b] = std::max(levels_db[b + distance] - levels_db[b], 0.0);
}

}  // namespace pinna::perception
