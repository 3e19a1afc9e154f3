// HrirSet: a set of head-related impulse responses in memory.
//
// M measurements (directions), 2 receivers (ears: 0 = left, 1 = right), N taps each,
// stored contiguously as [m][ear][tap] floats, with one sample rate for the whole set.
#pragma once

#include <cstddef>
#include <string>
#include <utility>
#include <vector>

#include "pinna/geometry.hpp"
#include "pinna/visibility.hpp"

PINNA_API_BEGIN
namespace pinna {

enum class Ear : int { left = 0, right = 1 };
constexpr std::size_t kEars = 2;

/// Descriptive metadata, mostly SOFA global attributes.
struct Metadata {
    std::string title;
    std::string database_name;
    std::string listener_short_name;
    std::string license;
    std::string comment;
    std::string source_convention;  ///< SOFAConventions of the file it came from, if any
    std::string source_path;        ///< file it was read from, if any
    /// Every global attribute of the source file in file order (name, UTF-8 value); the
    /// named fields above are copies of the usual ones. Carried over by the SOFA writer.
    std::vector<std::pair<std::string, std::string>> attributes;

    /// Value of a global attribute, or empty when absent.
    std::string attribute(const std::string& name) const;
    /// Set or add a global attribute (the named fields are not updated).
    void set_attribute(const std::string& name, const std::string& value);
};

class HrirSet {
  public:
    HrirSet() = default;
    /// A set of `directions.size()` zeroed HRIR pairs of `taps` samples at `sample_rate_hz`.
    HrirSet(double sample_rate_hz, std::size_t taps, std::vector<Direction> directions);

    std::size_t measurements() const noexcept { return directions_.size(); }
    std::size_t taps() const noexcept { return taps_; }
    double sample_rate_hz() const noexcept { return sample_rate_hz_; }
    void set_sample_rate_hz(double fs) noexcept { sample_rate_hz_ = fs; }

    const std::vector<Direction>& directions() const noexcept { return directions_; }
    std::vector<Direction>& directions() noexcept { return directions_; }
    const Direction& direction(std::size_t m) const { return directions_[m]; }

    /// The N taps of measurement m at one ear.
    float* ir(std::size_t m, Ear ear) noexcept {
        return data_.data() + (m * kEars + static_cast<std::size_t>(ear)) * taps_;
    }
    const float* ir(std::size_t m, Ear ear) const noexcept {
        return data_.data() + (m * kEars + static_cast<std::size_t>(ear)) * taps_;
    }
    /// All IRs, M x 2 x N.
    std::vector<float>& data() noexcept { return data_; }
    const std::vector<float>& data() const noexcept { return data_; }

    /// Broadband delays that go with each IR (SOFA Data.Delay), in samples at
    /// sample_rate_hz(); empty when the IRs carry their whole delay themselves. Otherwise
    /// M x 2 values, [m][ear].
    std::vector<double>& delays_samples() noexcept { return delays_samples_; }
    const std::vector<double>& delays_samples() const noexcept { return delays_samples_; }
    bool has_delays() const noexcept { return !delays_samples_.empty(); }
    double delay_samples(std::size_t m, Ear ear) const noexcept {
        return delays_samples_.empty() ? 0.0
                                       : delays_samples_[m * kEars + static_cast<std::size_t>(ear)];
    }

    /// Change the IR length: cut, or pad with zeros at the end. When cutting, the last
    /// `fade_taps` samples kept are faded out with a half Hann window so that the cut makes
    /// no step. Throws InvalidArgumentError for taps == 0.
    void resize_taps(std::size_t taps, std::size_t fade_taps = 0);

    /// Keep only the measurements listed (in that order).
    HrirSet subset(const std::vector<std::size_t>& indices) const;

    /// Throws InvalidDataError naming the first problem: no measurements, no taps, a
    /// sample rate that is not finite and positive, data of the wrong size, NaN/Inf in the
    /// IRs, directions or delays, negative delays.
    void validate() const;

    Metadata metadata;

  private:
    double sample_rate_hz_ = 0.0;
    std::size_t taps_ = 0;
    std::vector<Direction> directions_;
    std::vector<float> data_;
    std::vector<double> delays_samples_;
};

}  // namespace pinna
PINNA_API_END
