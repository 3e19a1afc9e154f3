// BinauralRenderer: mono sources at directions around a listener rendered to the two ear
// signals in real time: moving sources, a turning head and HRTF swaps without clicks.
//
// Signal chain, per source and ear (docs/renderer.md has the diagram):
//   input -> fractional delay line (the ear's delay from the QueryEngine, moved across
//   the block; 4-point Lagrange, exact at whole samples) -> gain (ramped) -> FFT of
//   the overlap-save frame -> x the minimum-phase HRTF (uniformly partitioned, the up to 3
//   measurements of the direction mixed in the frequency domain) -> summed over sources
//   per ear -> one inverse FFT per ear.
// When a source's filter changes (it moved, the head turned, a new HRTF arrived), the block
// is rendered through both the old and the new filter and crossfaded over the block
// (linearly for continuous motion; along a raised cosine for jumps: an HRTF swap, a
// nearest-neighbour switch): two spectral sums per ear, four inverse FFTs per block
// whatever the source count.
//
// Latency: none beyond the block. process() returns, for input samples [n, n + B), the ear
// signals of samples [n, n + B): an impulse at input sample k comes out at k + the ear's
// delay (latency_samples() is 0).
//
// Threads: one audio thread calls the setters and process(), which are noexcept, allocate
// nothing and take no lock. One control thread (at a time) may prepare and hand over a new
// HRTF (prepare_hrtf, set_hrtf) while the audio thread runs; the swap takes effect at the
// start of a later block, crossfaded over that block, and the retired HRTF is freed on the
// control thread, never on the audio thread.
//
// This header includes no FFTW type.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "pinna/geometry.hpp"
#include "pinna/query.hpp"
#include "pinna/visibility.hpp"

PINNA_API_BEGIN
namespace pinna {

/// A head orientation as three angles in degrees, in the SOFA axes (x front, y left, z up),
/// applied in this order (intrinsic z-y'-x'', as aircraft yaw, pitch and roll):
struct HeadOrientation {
    double yaw_deg = 0.0;    ///< about z: positive turns the head to the left
    double pitch_deg = 0.0;  ///< about the head's left-right axis: positive raises the nose
    double roll_deg = 0.0;   ///< about the head's front axis: positive lowers the right ear
};

/// A rotation as a quaternion w + x i + y j + z k. As a head orientation it rotates
/// head coordinates into world coordinates (SOFA axes); it need not be normalised.
struct Quaternion {
    double w = 1.0;
    double x = 0.0;
    double y = 0.0;
    double z = 0.0;
};

/// The unit quaternion of a yaw/pitch/roll orientation.
Quaternion to_quaternion(const HeadOrientation& orientation) noexcept;

/// Where a world-frame vector lies for a head of orientation `head` (the vector rotated by
/// the inverse of `head`). A zero or non-finite quaternion is the identity.
Vec3 world_to_head(const Quaternion& head, const Vec3& world) noexcept;

/// Spherical linear interpolation from a (t = 0) to b (t = 1) along the shorter rotation.
Quaternion slerp(const Quaternion& a, const Quaternion& b, double t) noexcept;

/// What happens when a source's filter changes between two blocks.
enum class FilterTransition {
    /// The block is rendered through the old and the new filter and crossfaded over the
    /// block (click-free; the default).
    crossfade,
    /// The new filter replaces the old one at the block boundary, with no crossfade. Clicks:
    /// only there to measure what the crossfade removes.
    switch_at_block,
};

struct RendererOptions {
    /// Samples per block, 16 .. 4096 (any size, not only powers of two).
    std::size_t block_size = 256;
    /// Number of sources process() takes, 1 .. 65536.
    std::size_t max_sources = 16;
    /// Longest HRIR (taps) any HRTF of this renderer may have, the first included; 0: the
    /// first engine's taps. Longer IRs of a later HRTF are cut, their last taps faded out.
    std::size_t max_taps = 0;
    /// Longest ear delay the delay lines hold, in samples; 0: the first engine's largest
    /// measured delay plus 10 ms (room for a later HRTF). Longer delays are clamped.
    double max_delay_samples = 0.0;
    FilterTransition transition = FilterTransition::crossfade;
};

/// Virtual loudspeakers: one direction per input channel (head-relative when the head is
/// not turned; they stay put in the world when it turns), and at most one LFE channel,
/// which is sent to both ears without HRTF or delay.
struct LoudspeakerLayout {
    std::string name;
    std::vector<Direction> directions;  ///< one per channel, in channel order
    int lfe_channel = -1;               ///< index of the LFE channel, or -1
};

/// A standard layout, in the WAV / SMPTE channel order:
///  - "stereo": L +30, R -30 (ITU-R BS.775);
///  - "5.1": L +30, R -30, C 0, LFE, Ls +110, Rs -110 (ITU-R BS.775);
///  - "7.1": L +30, R -30, C 0, LFE, Lb +135, Rb -135, Ls +90, Rs -90 (ITU-R BS.2051
///    system I; sofalizer puts the back pair at +-150).
/// All at elevation 0. Throws InvalidArgumentError naming the known layouts otherwise.
LoudspeakerLayout loudspeaker_layout(const std::string& name);

/// A layout of one loudspeaker per direction, no LFE. Throws InvalidArgumentError for an
/// empty list or a non-finite angle.
LoudspeakerLayout loudspeaker_layout(const std::vector<Direction>& directions);

/// An HRTF prepared for one renderer: the partitioned spectra of every measured IR of a
/// QueryEngine, for the renderer's block and FFT sizes. Made by
/// BinauralRenderer::prepare_hrtf off the audio thread (it allocates and runs FFTs).
class RendererHrtf {
  public:
    RendererHrtf(RendererHrtf&&) noexcept;
    RendererHrtf& operator=(RendererHrtf&&) noexcept;
    ~RendererHrtf();
    /// Bytes of spectra held.
    std::size_t memory_bytes() const noexcept;

    struct Impl;

  private:
    friend class BinauralRenderer;
    explicit RendererHrtf(std::unique_ptr<Impl> impl) noexcept;
    std::unique_ptr<Impl> impl_;
};

class BinauralRenderer {
  public:
    /// Renders at the engine's sample rate through its minimum-phase IRs and delays, mixed
    /// with its interpolation (nearest or barycentric). Plans the FFTs, precomputes the
    /// spectra of every measured IR and allocates every buffer. Throws InvalidArgumentError
    /// for options out of range.
    BinauralRenderer(std::shared_ptr<const QueryEngine> engine, const RendererOptions& options);
    /// The same from a set, resampled to `sample_rate_hz` (8 kHz .. 384 kHz) at build time.
    BinauralRenderer(const HrirSet& set, double sample_rate_hz, const RendererOptions& options,
                     const QueryEngineOptions& engine_options = {});
    ~BinauralRenderer();
    BinauralRenderer(const BinauralRenderer&) = delete;
    BinauralRenderer& operator=(const BinauralRenderer&) = delete;

    double sample_rate_hz() const noexcept;
    std::size_t block_size() const noexcept;
    std::size_t max_sources() const noexcept;
    /// Samples between an input sample and the output sample it is heard in, beyond the
    /// ear's own delay: 0.
    std::size_t latency_samples() const noexcept { return 0; }
    /// How long the output keeps ringing after a source falls silent: the longest IR plus
    /// the longest delay the delay lines hold, plus the interpolator's reach.
    std::size_t tail_samples() const noexcept;
    /// FFT size and number of filter partitions of the overlap-save convolution.
    std::size_t fft_size() const noexcept;
    std::size_t partitions() const noexcept;

    // --- Audio thread: noexcept, no allocation, no lock. Source indices >= max_sources()
    // --- are ignored. Values take effect at the next process() call, ramped across it.

    /// The source's direction relative to the head (any non-zero length; zero or
    /// non-finite is the front). Not turned by the head orientation.
    void set_direction(std::size_t source, const Vec3& head_relative) noexcept;
    void set_direction(std::size_t source, const Direction& head_relative) noexcept;
    /// The source's direction in the world; heard through the head orientation.
    void set_world_direction(std::size_t source, const Vec3& world) noexcept;
    void set_world_direction(std::size_t source, const Direction& world) noexcept;
    /// The head orientation for world directions (identity at first).
    void set_head_orientation(const HeadOrientation& orientation) noexcept;
    void set_head_orientation(const Quaternion& orientation) noexcept;
    /// Linear gain of the source (distance attenuation, level), 1 at first; non-finite: 0.
    void set_gain(std::size_t source, float gain) noexcept;
    /// A direct source goes to both ears unfiltered and undelayed (an LFE channel).
    void set_direct(std::size_t source, bool direct) noexcept;

    /// Sources 0 .. C-1 become the layout's loudspeakers (world directions, LFE direct with
    /// `lfe_gain`, the others gain 1). Throws InvalidArgumentError, changing nothing, when
    /// the layout has more channels than max_sources().
    void set_loudspeakers(const LoudspeakerLayout& layout, float lfe_gain = 1.0f);

    /// Renders one block. `inputs` holds max_sources() pointers to `frames` samples each; a
    /// null pointer (or a null `inputs`) is a silent source, which costs nothing once its
    /// tail has played out. `frames` should be block_size(); more are rendered as
    /// consecutive blocks, and a last block of fewer frames is rendered as a full block
    /// padded with zeros of which the first `frames` samples are returned (the end of a
    /// stream: the next call starts block_size() - frames samples later).
    void process(const float* const* inputs, float* left, float* right,
                 std::size_t frames) noexcept;

    /// Forgets every source's signal, delays and filters (silence, as after construction),
    /// keeping directions, gains, head orientation and the HRTF.
    void reset() noexcept;

    // --- Control thread.

    /// Prepares an HRTF for this renderer from another engine (built on any thread): the
    /// engine must have the renderer's sample rate; IRs longer than the renderer's taps are
    /// cut with a fade-out. Throws InvalidArgumentError for another sample rate.
    RendererHrtf prepare_hrtf(std::shared_ptr<const QueryEngine> engine) const;
    /// Hands the HRTF to the audio thread, never blocking it: it takes effect at the start
    /// of a later process() call (crossfaded over that block). An HRTF handed over before
    /// and not yet taken is dropped (freed here). Frees the HRTFs the audio thread retired.
    void set_hrtf(RendererHrtf&& hrtf);
    void set_hrtf(std::shared_ptr<const QueryEngine> engine) {
        set_hrtf(prepare_hrtf(std::move(engine)));
    }
    /// How many HRTF swaps have taken effect (any thread).
    std::uint64_t hrtf_swaps() const noexcept;
    /// Frees the HRTFs the audio thread has retired (set_hrtf does it too).
    void release_retired_hrtfs() noexcept;

  private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace pinna
PINNA_API_END
