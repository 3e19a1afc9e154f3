// QueryEngine: HRIRs for arbitrary directions on an audio thread.
//
// Build once (allocation, resampling, minimum-phase split, triangulation and lookup tables
// all happen here), then call query() as often as needed: it is noexcept, allocates
// nothing, takes no lock, and may be called from any number of threads at once on a const
// engine. Like libmysofa's getfilter, it returns minimum-phase IRs plus a broadband delay
// per ear: apply the delays with your own (fractional) delay lines, so that moving sources
// change delay smoothly instead of comb-filtering.
//
// This header includes nothing heavy: no libmysofa, FFTW, netCDF, Eigen or LibTorch.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>

#include "pinna/geometry.hpp"
#include "pinna/hrir_set.hpp"
#include "pinna/interpolate.hpp"
#include "pinna/visibility.hpp"

PINNA_API_BEGIN
namespace pinna {

struct QueryEngineOptions {
    /// `nearest` (the nearest measured direction) or `barycentric` (the three measured
    /// directions of the triangle around the query, barycentric weights); `sh` is refused.
    InterpolationMethod interpolation = InterpolationMethod::barycentric;
    /// Output sample rate; 0 keeps the set's. Resampled at build time.
    double sample_rate_hz = 0.0;
    /// Output IR length; 0 keeps the (resampled) set's. Cut or zero-padded at build time.
    std::size_t taps = 0;
    /// Threads for the one-off build (the minimum-phase split and delay alignment of every
    /// IR, most of the build time); 0: one per hardware thread. The engine is the same
    /// whatever the count.
    unsigned build_threads = 1;
};

/// Delays to apply to the returned IRs, in samples at the engine's sample rate.
struct EarDelays {
    float left_samples = 0.0f;
    float right_samples = 0.0f;
};

/// The measurements one query mixes: `count` (1 or 3) indices with non-negative weights
/// summing to 1.
struct QueryWeights {
    std::uint32_t index[3] = {0, 0, 0};
    float weight[3] = {0.0f, 0.0f, 0.0f};
    int count = 0;
};

class QueryEngine {
  public:
    /// Builds from a set (validated first; Data.Delay applied). Throws pinna::Error.
    explicit QueryEngine(const HrirSet& set, const QueryEngineOptions& options = {});
    ~QueryEngine();
    QueryEngine(QueryEngine&&) noexcept;
    QueryEngine& operator=(QueryEngine&&) noexcept;
    QueryEngine(const QueryEngine&) = delete;
    QueryEngine& operator=(const QueryEngine&) = delete;

    std::size_t taps() const noexcept;
    double sample_rate_hz() const noexcept;
    std::size_t measurements() const noexcept;
    /// Bytes held by the engine's tables and IRs.
    std::size_t memory_bytes() const noexcept;

    /// IRs (taps() floats each) and delays for the direction of the cartesian vector
    /// (x front, y left, z up; any non-zero length). A zero or non-finite vector is treated
    /// as the front.
    void query(const Vec3& direction, float* left, float* right, EarDelays& delays) const noexcept;
    void query(const Direction& direction, float* left, float* right,
               EarDelays& delays) const noexcept {
        query(unit_vector(direction), left, right, delays);
    }

    // The lower layer, for callers that mix the filters themselves (e.g. in the frequency
    // domain, as pinna::BinauralRenderer does). query() is exactly: weights(), then for
    // each ear the weighted sum of measurement_ir() and of measurement_delay_samples().
    // All are noexcept, allocation-free and safe to call concurrently.

    /// Which measurements the query for `direction` mixes, and their weights (same
    /// direction handling as query()).
    void weights(const Vec3& direction, QueryWeights& out) const noexcept;
    /// The minimum-phase IR (taps() floats) of measurement m < measurements().
    const float* measurement_ir(std::size_t m, Ear ear) const noexcept;
    /// The delay (samples at sample_rate_hz()) that goes with measurement_ir(m, ear).
    float measurement_delay_samples(std::size_t m, Ear ear) const noexcept;
    /// The measured direction m.
    const Direction& measurement_direction(std::size_t m) const noexcept;

  private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace pinna
PINNA_API_END
