#include "pinna/hrir_set.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <sstream>

#include "pinna/error.hpp"

namespace pinna {

std::string Metadata::attribute(const std::string& name) const {
    for (const auto& [key, value] : attributes)
        if (key == name)
            return value;
    return {};
}

void Metadata::set_attribute(const std::string& name, const std::string& value) {
    for (auto& [key, old] : attributes) {
        if (key == name) {
            old = value;
            return;
        }
    }
    attributes.emplace_back(name, value);
}

HrirSet::HrirSet(double sample_rate_hz, std::size_t taps, std::vector<Direction> directions)
    : sample_rate_hz_(sample_rate_hz), taps_(taps), directions_(std::move(directions)) {
    const std::size_t m = directions_.size();
    if (taps_ != 0 && m > std::numeric_limits<std::size_t>::max() / kEars / taps_)
        throw InvalidArgumentError("HrirSet: " + std::to_string(m) + " x 2 x " +
                                   std::to_string(taps_) + " samples overflow memory sizes");
    data_.assign(m * kEars * taps_, 0.0f);
}

void HrirSet::resize_taps(std::size_t taps, std::size_t fade_taps) {
    if (taps == 0)
        throw InvalidArgumentError("resize_taps: taps must be at least 1");
    if (taps == taps_)
        return;
    const bool cutting = taps < taps_;
    const std::size_t count = measurements() * kEars;
    std::vector<float> out(count * taps, 0.0f);
    const std::size_t keep = std::min(taps, taps_);
    for (std::size_t i = 0; i < count; ++i)
        std::copy(data_.begin() + static_cast<std::ptrdiff_t>(i * taps_),
                  data_.begin() + static_cast<std::ptrdiff_t>(i * taps_ + keep),
                  out.begin() + static_cast<std::ptrdiff_t>(i * taps));
    data_ = std::move(out);
    taps_ = taps;
    if (!cutting || fade_taps == 0)
        return;
    // Half Hann from just below 1 down to just above 0 over the last fade_taps kept.
    fade_taps = std::min(fade_taps, taps);
    for (std::size_t i = 0; i < count; ++i) {
        float* x = data_.data() + i * taps;
        for (std::size_t k = 0; k < fade_taps; ++k) {
            const double phase =
                (static_cast<double>(k) + 1.0) / (static_cast<double>(fade_taps) + 1.0);
            const double g = 0.5 * (1.0 + std::cos(3.14159265358979323846 * phase));
            x[taps - fade_taps + k] = static_cast<float>(x[taps - fade_taps + k] * g);
        }
    }
}

HrirSet HrirSet::subset(const std::vector<std::size_t>& indices) const {
    std::vector<Direction> dirs;
    dirs.reserve(indices.size());
    for (std::size_t i : indices) {
        if (i >= measurements())
            throw InvalidArgumentError("HrirSet::subset: index " + std::to_string(i) +
                                       " is out of range (M = " + std::to_string(measurements()) +
                                       ")");
        dirs.push_back(directions_[i]);
    }
    HrirSet out(sample_rate_hz_, taps_, std::move(dirs));
    out.metadata = metadata;
    if (has_delays())
        out.delays_samples_.resize(indices.size() * kEars);
    for (std::size_t k = 0; k < indices.size(); ++k) {
        for (std::size_t e = 0; e < kEars; ++e) {
            const Ear ear = static_cast<Ear>(e);
            std::copy(ir(indices[k], ear), ir(indices[k], ear) + taps_, out.ir(k, ear));
            if (has_delays())
                out.delays_samples_[k * kEars + e] = delay_samples(indices[k], ear);
        }
    }
    return out;
}

namespace {
[[noreturn]] void fail(const Metadata& meta, const std::string& what) {
    std::string where = meta.source_path.empty() ? "HRIR set" : meta.source_path;
    throw InvalidDataError(where + ": " + what);
}
}  // namespace

void HrirSet::validate() const {
    if (measurements() == 0)
        fail(metadata, "no measurements (M = 0)");
    if (taps_ == 0)
        fail(metadata, "IRs have no samples (N = 0)");
    if (!std::isfinite(sample_rate_hz_) || sample_rate_hz_ <= 0.0) {
        std::ostringstream s;
        s << "sample rate must be finite and positive, got " << sample_rate_hz_ << " Hz";
        fail(metadata, s.str());
    }
    if (data_.size() != measurements() * kEars * taps_)
        fail(metadata, "IR data holds " + std::to_string(data_.size()) +
                           " samples, expected M x 2 x N = " +
                           std::to_string(measurements() * kEars * taps_));
    for (std::size_t m = 0; m < measurements(); ++m) {
        const Direction& d = directions_[m];
        if (!std::isfinite(d.azimuth_deg) || !std::isfinite(d.elevation_deg) ||
            !std::isfinite(d.distance_m))
            fail(metadata,
                 "source position of measurement " + std::to_string(m) + " is not finite");
        for (std::size_t e = 0; e < kEars; ++e) {
            const float* x = ir(m, static_cast<Ear>(e));
            for (std::size_t n = 0; n < taps_; ++n) {
                if (!std::isfinite(x[n]))
                    fail(metadata, std::string("IR of measurement ") + std::to_string(m) + ", " +
                                       (e == 0 ? "left" : "right") + " ear, sample " +
                                       std::to_string(n) + " is not finite");
            }
        }
    }
    if (!delays_samples_.empty()) {
        if (delays_samples_.size() != measurements() * kEars)
            fail(metadata,
                 "delays hold " + std::to_string(delays_samples_.size()) +
                     " values, expected M x 2 = " + std::to_string(measurements() * kEars));
        for (std::size_t i = 0; i < delays_samples_.size(); ++i)
            if (!std::isfinite(delays_samples_[i]) || delays_samples_[i] < 0.0)
                fail(metadata, "delay of measurement " + std::to_string(i / kEars) +
                                   " is not a finite non-negative number of samples");
    }
}

}  // namespace pinna
