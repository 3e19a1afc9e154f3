// BinauralRenderer: fractional delay lines, uniformly partitioned overlap-save convolution
// with spectra summed per ear, and a one-block crossfade on every change of filter.
#include <algorithm>
#include <atomic>
#include <cmath>
#include <complex>
#include <cstring>
#include <string>
#include <vector>

#include "dsp/fft.hpp"
#include "pinna/error.hpp"
#include "pinna/render.hpp"
#include "render/aligned.hpp"
#include "render/kernels.hpp"

namespace pinna {
namespace {

// Spectra are kept as interleaved floats (re, im): the layout of std::complex<float>.
std::complex<float>* as_complex(float* p) noexcept {
    return reinterpret_cast<std::complex<float>*>(p);
}

constexpr std::size_t kMinBlock = 16;
constexpr std::size_t kMaxBlock = 4096;
constexpr std::size_t kMaxSources = 65536;
constexpr double kMinRateHz = 8000.0;
constexpr double kMaxRateHz = 384000.0;
// Room the default delay lines leave above the first HRTF's largest delay, for a later
// HRTF with longer delays.
constexpr double kDelayHeadroomS = 0.010;

// How the convolution is cut: blocks of B new samples, filters in P partitions of L taps,
// FFTs of N >= B + L - 1 points (overlap-save keeps the last B outputs of each frame).
struct BlockLayout {
    std::size_t block = 0;       // B
    std::size_t partition = 0;   // L: B, or the whole IR when it fits in one partition
    std::size_t partitions = 0;  // P
    std::size_t fft_size = 0;    // N
    std::size_t bins = 0;        // N / 2 + 1
    std::size_t chunks = 0;      // of kChunkBins bins (kernels.hpp)
    std::size_t stride() const noexcept {
        return chunks * detail::kChunkFloats;
    }  // floats per spectrum
    std::size_t capacity() const noexcept { return partition * partitions; }

    static BlockLayout make(std::size_t block, std::size_t taps) {
        BlockLayout l;
        l.block = block;
        if (taps <= block) {
            l.partition = taps;
            l.partitions = 1;
        } else {
            l.partition = block;
            l.partitions = (taps + block - 1) / block;
        }
        // An even size with factors 2, 3, 5 only: FFTW's fast paths.
        std::size_t n = fast_fft_size(block + l.partition - 1);
        while (n % 2 != 0)
            n = fast_fft_size(n + 1);
        l.fft_size = n;
        l.bins = n / 2 + 1;
        l.chunks = detail::chunks_for(l.bins);
        return l;
    }
};

bool same_weights(const QueryWeights& a, const QueryWeights& b) noexcept {
    if (a.count != b.count)
        return false;
    for (int k = 0; k < a.count; ++k)
        if (a.index[k] != b.index[k] || a.weight[k] != b.weight[k])
            return false;
    return true;
}

float finite_or(float value, float fallback) noexcept {
    return std::isfinite(value) ? value : fallback;
}

}  // namespace

// ---------------------------------------------------------------------------------------
// The prepared HRTF: the partition spectra of every measured IR.

struct RendererHrtf::Impl {
    std::shared_ptr<const QueryEngine> engine;
    std::size_t fft_size = 0;  // of the layout it was made for
    std::size_t partition = 0;
    std::size_t partitions = 0;     // this set's partitions (<= the layout's)
    std::size_t stride = 0;         // floats per spectrum
    detail::AlignedFloats spectra;  // [m][ear][p] chunked spectra, scaled by 1 / N
    float max_delay_samples = 0.0f;

    const float* spectrum(std::uint32_t m, std::size_t ear, std::size_t p) const noexcept {
        return spectra.data() +
               ((static_cast<std::size_t>(m) * kEars + ear) * partitions + p) * stride;
    }
};

RendererHrtf::RendererHrtf(std::unique_ptr<Impl> impl) noexcept : impl_(std::move(impl)) {}
RendererHrtf::RendererHrtf(RendererHrtf&&) noexcept = default;
RendererHrtf& RendererHrtf::operator=(RendererHrtf&&) noexcept = default;
RendererHrtf::~RendererHrtf() = default;

std::size_t RendererHrtf::memory_bytes() const noexcept {
    return impl_ ? impl_->spectra.size() * sizeof(float) : 0;
}

namespace {

// Spectra of every measured IR, cut into the layout's partitions. IRs longer than the
// layout holds are cut, their last taps faded out with a half Hann window so that the cut
// makes no step.
std::unique_ptr<RendererHrtf::Impl> build_hrtf(std::shared_ptr<const QueryEngine> engine,
                                               const BlockLayout& layout, const RealFftF& fft) {
    auto h = std::make_unique<RendererHrtf::Impl>();
    const std::size_t taps = std::min(engine->taps(), layout.capacity());
    h->fft_size = layout.fft_size;
    h->partition = layout.partition;
    h->partitions = (taps + layout.partition - 1) / layout.partition;
    h->stride = layout.stride();
    const std::size_t M = engine->measurements();
    h->spectra = detail::AlignedFloats(M * kEars * h->partitions * h->stride);

    std::vector<float> fade(taps, 1.0f);
    if (engine->taps() > taps) {
        const std::size_t n = std::max<std::size_t>(1, taps / 16);
        for (std::size_t i = 0; i < n; ++i)
            fade[taps - n + i] = static_cast<float>(
                0.5 * (1.0 + std::cos(3.14159265358979323846 * static_cast<double>(i + 1) /
                                      static_cast<double>(n + 1))));
    }
    detail::AlignedFloats frame(detail::round_up_to_line(layout.fft_size));
    detail::AlignedFloats spectrum(detail::round_up_to_line(2 * layout.bins));
    const float scale = 1.0f / static_cast<float>(layout.fft_size);
    for (std::size_t m = 0; m < M; ++m)
        for (std::size_t e = 0; e < kEars; ++e) {
            const Ear ear = static_cast<Ear>(e);
            const float* ir = engine->measurement_ir(m, ear);
            h->max_delay_samples =
                std::max(h->max_delay_samples, engine->measurement_delay_samples(m, ear));
            for (std::size_t p = 0; p < h->partitions; ++p) {
                std::fill(frame.data(), frame.data() + layout.fft_size, 0.0f);
                const std::size_t begin = p * layout.partition;
                const std::size_t end = std::min(taps, begin + layout.partition);
                for (std::size_t t = begin; t < end; ++t)
                    frame[t - begin] = ir[t] * fade[t];
                fft.forward(frame.data(), as_complex(spectrum.data()));
                detail::pack_spectrum(
                    spectrum.data(), layout.bins, scale,
                    const_cast<float*>(h->spectrum(static_cast<std::uint32_t>(m), e, p)));
            }
        }
    h->engine = std::move(engine);
    return h;
}

}  // namespace

// ---------------------------------------------------------------------------------------
// The renderer.

struct BinauralRenderer::Impl {
    struct Source {
        // What the setters ask for.
        Vec3 direction{1.0, 0.0, 0.0};
        bool world = false;
        bool direct = false;
        float target_gain = 1.0f;
        bool clear = false;  // set_direct changed the path: forget the old signal
        // Where the last block ended.
        float gain = 1.0f;
        float delay[kEars] = {0.0f, 0.0f};
        QueryWeights weights;
        Vec3 where;         // the head-relative direction `weights` were looked up for
        bool fresh = true;  // no filter or delay yet: start at the target, no ramp or fade
        bool idle = true;   // silent long enough that every buffer below is zero
        std::size_t silent_blocks = 0;
        std::size_t newest = 0;  // slot of the newest spectrum in `spectra`
        std::size_t write = 0;   // where the next block goes in `history`
        // Buffers (in `memory`).
        float* history = nullptr;  // input samples: reach before `write`, room after
        float* frame[kEars] = {nullptr, nullptr};    // N delayed samples: the overlap-save frame
        float* spectra[kEars] = {nullptr, nullptr};  // P frame spectra, a ring
        float* filter[kEars] = {nullptr, nullptr};   // P partition spectra of the filter
    };

    BlockLayout layout;
    double sample_rate_hz = 0.0;
    std::size_t max_sources = 0;
    FilterTransition transition = FilterTransition::crossfade;
    float max_delay_samples = 0.0f;
    std::size_t reach = 0;         // history samples before the block
    std::size_t history_size = 0;  // floats of a source's history buffer
    std::size_t idle_after = 0;    // silent blocks after which a source's buffers are zero
    RealFftF fft;  // planned on aligned arrays; every array it runs on is aligned too

    // HRTFs: the current one is the audio thread's; `pending` goes from the control thread
    // to the audio thread, `retired` back. The audio thread takes a pending HRTF only when
    // it has a free retired slot, so it never has to free one itself. Between two set_hrtf
    // calls (each frees the retired) at most two HRTFs retire, hence two slots.
    RendererHrtf::Impl* current = nullptr;
    std::atomic<RendererHrtf::Impl*> pending{nullptr};
    std::atomic<RendererHrtf::Impl*> retired[2] = {{nullptr}, {nullptr}};
    std::atomic<std::uint64_t> swaps{0};

    std::vector<Source> sources;
    detail::AlignedFloats memory;  // every source's buffers
    Quaternion head;

    // Scratch of the audio thread.
    detail::AlignedFloats accumulators;  // [common, old, new][ear] chunked spectra
    detail::AlignedFloats complex_scratch;
    detail::AlignedFloats time_old, time_new;
    detail::AlignedFloats silence, padded_input, direct_out;
    // The paths of every change within a block (filter crossfade, delay, gain), from the
    // previous block's value (0, just before the block) to the new one (1 at the last
    // sample). Continuous motion follows the linear ramp: a piecewise-linear path through
    // the per-block targets, whose slope changes little from block to block. A jump (an
    // HRTF swap, a nearest-neighbour switch of filter and delay) follows the raised cosine,
    // whose zero slope at both ends puts no kink at the block boundaries: on KEMAR it
    // takes the >4 kHz leakage of a swap from -62 dB to -92 dB. For continuous motion the
    // cosine would make the delay speed pulse at the block rate (sidebands at +-fs/B
    // 14 dB higher), so it is kept for jumps.
    detail::AlignedFloats linear_ramp, smooth_ramp;
    detail::AlignedFloats out[kEars];

    Impl(std::shared_ptr<const QueryEngine> engine, const RendererOptions& options)
        : layout(checked_layout(engine, options)),
          sample_rate_hz(engine->sample_rate_hz()),
          max_sources(options.max_sources),
          transition(options.transition),
          fft(layout.fft_size, FftPlanning::measure) {
        std::unique_ptr<RendererHrtf::Impl> first = build_hrtf(std::move(engine), layout, fft);
        const double delay = options.max_delay_samples > 0.0
                                 ? options.max_delay_samples
                                 : first->max_delay_samples + kDelayHeadroomS * sample_rate_hz;
        max_delay_samples = static_cast<float>(delay);
        reach = static_cast<std::size_t>(std::ceil(delay)) + 3;
        const std::size_t B = layout.block, N = layout.fft_size, P = layout.partitions;
        idle_after = (reach + B - 1) / B + 1 + (N + B - 1) / B + P + 1;
        allocate_sources();
        const std::size_t stride = layout.stride();
        accumulators = detail::AlignedFloats(3 * kEars * stride);
        complex_scratch = detail::AlignedFloats(detail::round_up_to_line(2 * layout.bins));
        time_old = detail::AlignedFloats(detail::round_up_to_line(N));
        time_new = detail::AlignedFloats(detail::round_up_to_line(N));
        silence = detail::AlignedFloats(B);
        padded_input = detail::AlignedFloats(B);
        direct_out = detail::AlignedFloats(B);
        linear_ramp = detail::AlignedFloats(B);
        smooth_ramp = detail::AlignedFloats(B);
        for (std::size_t n = 0; n < B; ++n) {
            const double r = static_cast<double>(n + 1) / static_cast<double>(B);
            linear_ramp[n] = static_cast<float>(r);
            smooth_ramp[n] = static_cast<float>(0.5 - 0.5 * std::cos(3.14159265358979323846 * r));
        }
        for (auto& o : out)
            o = detail::AlignedFloats(B);
        current = first.release();
    }

    ~Impl() {
        delete current;
        delete pending.load();
        for (auto& r : retired)
            delete r.load();
    }

    static BlockLayout checked_layout(const std::shared_ptr<const QueryEngine>& engine,
                                      const RendererOptions& o) {
        if (!engine)
            throw InvalidArgumentError("BinauralRenderer: the QueryEngine is null");
        if (o.block_size < kMinBlock || o.block_size > kMaxBlock)
            throw InvalidArgumentError(
                "BinauralRenderer: block size " + std::to_string(o.block_size) + " is outside " +
                std::to_string(kMinBlock) + " .. " + std::to_string(kMaxBlock) + " samples");
        if (o.max_sources < 1 || o.max_sources > kMaxSources)
            throw InvalidArgumentError("BinauralRenderer: max_sources " +
                                       std::to_string(o.max_sources) + " is outside 1 .. " +
                                       std::to_string(kMaxSources));
        if (!(o.max_delay_samples >= 0.0) || !std::isfinite(o.max_delay_samples) ||
            o.max_delay_samples > 10.0 * engine->sample_rate_hz())
            throw InvalidArgumentError("BinauralRenderer: max_delay_samples " +
                                       std::to_string(o.max_delay_samples) +
                                       " is not between 0 and 10 s of samples");
        const std::size_t taps = o.max_taps != 0 ? o.max_taps : engine->taps();
        if (taps > (std::size_t{1} << 20))
            throw InvalidArgumentError("BinauralRenderer: max_taps " + std::to_string(taps) +
                                       " is more than 2^20");
        return BlockLayout::make(o.block_size, taps);
    }

    void allocate_sources() {
        const std::size_t B = layout.block, N = layout.fft_size, P = layout.partitions;
        // Twice what a block reads: the kept samples are moved to the front only once every
        // (reach + B) / B blocks or so, not every block.
        history_size = detail::round_up_to_line(2 * (reach + B));
        const std::size_t history = history_size;
        const std::size_t frame = detail::round_up_to_line(N);
        const std::size_t ring = P * layout.stride();
        const std::size_t per_source = history + kEars * (frame + 2 * ring);
        memory = detail::AlignedFloats(per_source * max_sources);
        sources.resize(max_sources);
        float* p = memory.data();
        for (Source& s : sources) {
            s.history = p;
            s.write = reach;
            p += history;
            for (std::size_t e = 0; e < kEars; ++e) {
                s.frame[e] = p;
                p += frame;
                s.spectra[e] = p;
                p += ring;
                s.filter[e] = p;
                p += ring;
            }
        }
    }

    void clear_source(Source& s) noexcept {
        const std::size_t N = layout.fft_size, ring = layout.partitions * layout.stride();
        std::fill(s.history, s.history + history_size, 0.0f);
        s.write = reach;
        for (std::size_t e = 0; e < kEars; ++e) {
            std::fill(s.frame[e], s.frame[e] + N, 0.0f);
            std::fill(s.spectra[e], s.spectra[e] + ring, 0.0f);
            std::fill(s.filter[e], s.filter[e] + ring, 0.0f);
        }
        s.fresh = true;
        s.idle = true;
        s.silent_blocks = 0;
        s.newest = 0;
        s.clear = false;
    }

    // --- HRTF hand-over ------------------------------------------------------------

    // Audio thread, at the start of a block: takes a pending HRTF when a retired slot is
    // free. Returns whether it did.
    bool take_pending_hrtf() noexcept {
        if (pending.load(std::memory_order_acquire) == nullptr)
            return false;
        std::atomic<RendererHrtf::Impl*>* slot = nullptr;
        for (auto& r : retired)
            if (r.load(std::memory_order_acquire) == nullptr) {
                slot = &r;
                break;
            }
        if (slot == nullptr)
            return false;
        RendererHrtf::Impl* next = pending.exchange(nullptr, std::memory_order_acq_rel);
        if (next == nullptr)
            return false;
        // Only the control thread empties a slot, and only the audio thread fills one, so
        // the slot found free is still free.
        slot->store(current, std::memory_order_release);
        current = next;
        swaps.fetch_add(1, std::memory_order_release);
        return true;
    }

    void release_retired() noexcept {
        for (auto& r : retired)
            delete r.exchange(nullptr, std::memory_order_acq_rel);
    }

    // --- One block -----------------------------------------------------------------

    Vec3 head_relative(const Source& s) const noexcept {
        return s.world ? world_to_head(head, s.direction) : s.direction;
    }

    // Renders B samples into out[0], out[1]. inputs[s] + offset holds `valid` samples
    // (fewer than B only for the last block of a stream).
    void render_block(const float* const* inputs, std::size_t offset, std::size_t valid) noexcept {
        const bool swapped = take_pending_hrtf();
        const RendererHrtf::Impl& hrtf = *current;
        const std::size_t B = layout.block, N = layout.fft_size, P = layout.partitions;
        const std::size_t stride = layout.stride(), chunks = layout.chunks;
        float* acc = accumulators.data();
        std::fill(acc, acc + accumulators.size(), 0.0f);
        std::fill(direct_out.data(), direct_out.data() + B, 0.0f);
        auto accumulator = [&](int which, std::size_t e) { return acc + (which * 2 + e) * stride; };
        bool any_change = false;

        for (std::size_t index = 0; index < sources.size(); ++index) {
            Source& s = sources[index];
            if (s.clear)
                clear_source(s);
            const float* in = inputs != nullptr ? inputs[index] : nullptr;
            if (in == nullptr) {
                if (s.idle)
                    continue;
                if (++s.silent_blocks > idle_after) {
                    s.idle = true;
                    continue;
                }
                in = silence.data();
            } else {
                in += offset;
                if (valid < B) {
                    std::copy(in, in + valid, padded_input.data());
                    std::fill(padded_input.data() + valid, padded_input.data() + B, 0.0f);
                    in = padded_input.data();
                }
                s.silent_blocks = 0;
                if (s.idle) {
                    s.idle = false;
                    s.fresh = true;
                }
            }
            const float gain = s.target_gain;
            if (s.fresh)
                s.gain = gain;

            if (s.direct) {
                for (std::size_t n = 0; n < B; ++n)
                    direct_out[n] += (s.gain + (gain - s.gain) * linear_ramp[n]) * in[n];
                s.gain = gain;
                s.fresh = false;
                continue;
            }

            // A source that stays where it was (the same head-relative vector, the same
            // HRTF) keeps its weights and delays: no lookup.
            const Vec3 where = head_relative(s);
            const bool same_place = !s.fresh && !swapped && where.x == s.where.x &&
                                    where.y == s.where.y && where.z == s.where.z;
            QueryWeights w = s.weights;
            float delay[kEars] = {s.delay[0], s.delay[1]};
            if (!same_place) {
                hrtf.engine->weights(where, w);
                for (std::size_t e = 0; e < kEars; ++e) {
                    delay[e] = 0.0f;
                    for (int k = 0; k < w.count; ++k)
                        delay[e] += w.weight[k] * hrtf.engine->measurement_delay_samples(
                                                      w.index[k], static_cast<Ear>(e));
                    delay[e] = std::min(std::max(delay[e], 0.0f), max_delay_samples);
                }
                s.where = where;
            }
            if (s.fresh)
                std::copy(delay, delay + kEars, s.delay);

            // A jump of filter and delay: a swap, or a nearest-neighbour switch (one measurement
            // before and after, another one).
            const bool jump = swapped || (w.count == 1 && s.weights.count == 1 &&
                                          w.index[0] != s.weights.index[0]);
            const float* delay_ramp = jump ? smooth_ramp.data() : linear_ramp.data();

            // The input through each ear's delay line into the newest frame spectrum.
            if (s.write + B > history_size) {
                std::memmove(s.history, s.history + (s.write - reach), reach * sizeof(float));
                s.write = reach;
            }
            std::copy(in, in + B, s.history + s.write);
            const float* window = s.history + (s.write - reach);
            s.write += B;
            const std::size_t newest = (s.newest + 1) % P;
            for (std::size_t e = 0; e < kEars; ++e) {
                float* frame = s.frame[e];
                std::memmove(frame, frame + B, (N - B) * sizeof(float));
                detail::read_delayed(window, reach, B, s.delay[e], delay[e], s.gain, gain,
                                     delay_ramp, linear_ramp.data(), frame + (N - B));
                fft.forward(frame, as_complex(complex_scratch.data()));
                detail::pack_spectrum(complex_scratch.data(), layout.bins, 1.0f,
                                      s.spectra[e] + newest * stride);
                s.delay[e] = delay[e];
            }
            s.newest = newest;
            s.gain = gain;

            // The filter: unchanged (one product into the common sum), changing (products
            // with the old and the new filter into the two sums that are crossfaded), or
            // new without a fade (a fresh source, or the no-crossfade comparison mode).
            bool changing = swapped || !same_weights(w, s.weights);
            if (changing && (s.fresh || transition == FilterTransition::switch_at_block)) {
                set_filter(s, hrtf, w);
                changing = false;
            }
            s.weights = w;
            s.fresh = false;
            for (std::size_t e = 0; e < kEars; ++e)
                for (std::size_t p = 0; p < P; ++p) {
                    const float* x = s.spectra[e] + ((newest + P - p) % P) * stride;
                    float* h = s.filter[e] + p * stride;
                    if (!changing) {
                        detail::multiply_add(x, h, accumulator(0, e), chunks);
                    } else if (p < hrtf.partitions) {
                        const float* m[3];
                        float wk[3] = {0.0f, 0.0f, 0.0f};
                        for (int k = 0; k < 3; ++k) {
                            const bool used = k < w.count;
                            m[k] = hrtf.spectrum(w.index[used ? k : 0], e, p);
                            wk[k] = used ? w.weight[k] : 0.0f;
                        }
                        detail::multiply_add_changing(x, h, m[0], m[1], m[2], wk[0], wk[1], wk[2],
                                                      accumulator(1, e), accumulator(2, e), chunks);
                    } else {
                        detail::multiply_add_fading_out(x, h, accumulator(1, e), chunks);
                    }
                }
            any_change = any_change || changing;
        }

        for (std::size_t e = 0; e < kEars; ++e) {
            float* y = out[e].data();
            const float* common = accumulator(0, e);
            if (!any_change) {
                inverse(common, nullptr, time_new.data());
                std::copy(time_new.data() + (N - B), time_new.data() + N, y);
            } else {
                inverse(common, accumulator(1, e), time_old.data());
                inverse(common, accumulator(2, e), time_new.data());
                // In a swap block every source jumps: the smooth path; otherwise linear.
                const float* crossfade = swapped ? smooth_ramp.data() : linear_ramp.data();
                const float* a = time_old.data() + (N - B);
                const float* b = time_new.data() + (N - B);
                for (std::size_t n = 0; n < B; ++n)
                    y[n] = a[n] + crossfade[n] * (b[n] - a[n]);
            }
            for (std::size_t n = 0; n < B; ++n)
                y[n] += direct_out[n];
        }
    }

    // The source's filter becomes the mix `w` of the HRTF's spectra (no fade).
    void set_filter(Source& s, const RendererHrtf::Impl& hrtf, const QueryWeights& w) noexcept {
        const std::size_t stride = layout.stride();
        for (std::size_t e = 0; e < kEars; ++e)
            for (std::size_t p = 0; p < layout.partitions; ++p) {
                float* h = s.filter[e] + p * stride;
                if (p >= hrtf.partitions) {
                    std::fill(h, h + stride, 0.0f);
                    continue;
                }
                const float* m[3] = {nullptr, nullptr, nullptr};
                for (int k = 0; k < w.count; ++k)
                    m[k] = hrtf.spectrum(w.index[k], e, p);
                if (w.count < 1)
                    std::fill(h, h + stride, 0.0f);
                else
                    detail::mix_spectra(m, w.weight, w.count, h, layout.chunks);
            }
    }

    // Time signal (N samples) of the spectrum a (+ b when given).
    void inverse(const float* a, const float* b, float* time) noexcept {
        detail::unpack_sum(a, b, layout.bins, complex_scratch.data());
        fft.inverse_unscaled(as_complex(complex_scratch.data()), time);
    }
};

// ---------------------------------------------------------------------------------------

namespace {

std::shared_ptr<const QueryEngine> engine_for(const HrirSet& set, double sample_rate_hz,
                                              const QueryEngineOptions& engine_options) {
    if (!(sample_rate_hz >= kMinRateHz && sample_rate_hz <= kMaxRateHz))
        throw InvalidArgumentError(
            "BinauralRenderer: sample rate " + std::to_string(sample_rate_hz) +
            " Hz is outside the 8000 .. 384000 Hz the HRTF set (at " +
            std::to_string(set.sample_rate_hz()) + " Hz) can be resampled to");
    QueryEngineOptions o = engine_options;
    o.sample_rate_hz = sample_rate_hz;
    return std::make_shared<const QueryEngine>(set, o);
}

}  // namespace

BinauralRenderer::BinauralRenderer(std::shared_ptr<const QueryEngine> engine,
                                   const RendererOptions& options)
    : impl_(std::make_unique<Impl>(std::move(engine), options)) {}

BinauralRenderer::BinauralRenderer(const HrirSet& set, double sample_rate_hz,
                                   const RendererOptions& options,
                                   const QueryEngineOptions& engine_options)
    : BinauralRenderer(engine_for(set, sample_rate_hz, engine_options), options) {}

BinauralRenderer::~BinauralRenderer() = default;

double BinauralRenderer::sample_rate_hz() const noexcept {
    return impl_->sample_rate_hz;
}
std::size_t BinauralRenderer::block_size() const noexcept {
    return impl_->layout.block;
}
std::size_t BinauralRenderer::max_sources() const noexcept {
    return impl_->max_sources;
}
std::size_t BinauralRenderer::tail_samples() const noexcept {
    return impl_->layout.capacity() + impl_->reach;
}
std::size_t BinauralRenderer::fft_size() const noexcept {
    return impl_->layout.fft_size;
}
std::size_t BinauralRenderer::partitions() const noexcept {
    return impl_->layout.partitions;
}

void BinauralRenderer::set_direction(std::size_t source, const Vec3& head_relative) noexcept {
    if (source >= impl_->sources.size())
        return;
    impl_->sources[source].direction = head_relative;
    impl_->sources[source].world = false;
}
void BinauralRenderer::set_direction(std::size_t source, const Direction& head_relative) noexcept {
    set_direction(source, unit_vector(head_relative));
}
void BinauralRenderer::set_world_direction(std::size_t source, const Vec3& world) noexcept {
    if (source >= impl_->sources.size())
        return;
    impl_->sources[source].direction = world;
    impl_->sources[source].world = true;
}
void BinauralRenderer::set_world_direction(std::size_t source, const Direction& world) noexcept {
    set_world_direction(source, unit_vector(world));
}
void BinauralRenderer::set_head_orientation(const HeadOrientation& orientation) noexcept {
    impl_->head = to_quaternion(orientation);
}
void BinauralRenderer::set_head_orientation(const Quaternion& orientation) noexcept {
    impl_->head = orientation;
}
void BinauralRenderer::set_gain(std::size_t source, float gain) noexcept {
    if (source < impl_->sources.size())
        impl_->sources[source].target_gain = finite_or(gain, 0.0f);
}
void BinauralRenderer::set_direct(std::size_t source, bool direct) noexcept {
    if (source >= impl_->sources.size() || impl_->sources[source].direct == direct)
        return;
    impl_->sources[source].direct = direct;
    impl_->sources[source].clear = true;
}

void BinauralRenderer::set_loudspeakers(const LoudspeakerLayout& layout, float lfe_gain) {
    if (layout.directions.size() > impl_->sources.size())
        throw InvalidArgumentError("BinauralRenderer: layout '" + layout.name + "' has " +
                                   std::to_string(layout.directions.size()) +
                                   " channels, more than max_sources " +
                                   std::to_string(impl_->sources.size()));
    for (std::size_t c = 0; c < layout.directions.size(); ++c) {
        const bool lfe = static_cast<int>(c) == layout.lfe_channel;
        set_world_direction(c, layout.directions[c]);
        set_direct(c, lfe);
        set_gain(c, lfe ? lfe_gain : 1.0f);
    }
}

void BinauralRenderer::process(const float* const* inputs, float* left, float* right,
                               std::size_t frames) noexcept {
    Impl& s = *impl_;
    const std::size_t B = s.layout.block;
    for (std::size_t done = 0; done < frames; done += B) {
        const std::size_t valid = std::min(B, frames - done);
        s.render_block(inputs, done, valid);
        std::copy(s.out[0].data(), s.out[0].data() + valid, left + done);
        std::copy(s.out[1].data(), s.out[1].data() + valid, right + done);
    }
}

void BinauralRenderer::reset() noexcept {
    for (auto& s : impl_->sources)
        impl_->clear_source(s);
}

RendererHrtf BinauralRenderer::prepare_hrtf(std::shared_ptr<const QueryEngine> engine) const {
    if (!engine)
        throw InvalidArgumentError("BinauralRenderer::prepare_hrtf: the QueryEngine is null");
    const double rate = engine->sample_rate_hz();
    if (std::fabs(rate - impl_->sample_rate_hz) > 1e-9 * impl_->sample_rate_hz)
        throw InvalidArgumentError(
            "BinauralRenderer::prepare_hrtf: the engine runs at " + std::to_string(rate) +
            " Hz, the renderer at " + std::to_string(impl_->sample_rate_hz) +
            " Hz; build the engine with QueryEngineOptions::sample_rate_hz = the renderer's");
    return RendererHrtf(build_hrtf(std::move(engine), impl_->layout, impl_->fft));
}

void BinauralRenderer::set_hrtf(RendererHrtf&& hrtf) {
    if (!hrtf.impl_)
        throw InvalidArgumentError("BinauralRenderer::set_hrtf: the HRTF is empty (moved from)");
    if (hrtf.impl_->fft_size != impl_->layout.fft_size ||
        hrtf.impl_->partition != impl_->layout.partition)
        throw InvalidArgumentError(
            "BinauralRenderer::set_hrtf: the HRTF was prepared for another renderer's block "
            "layout");
    impl_->release_retired();
    delete impl_->pending.exchange(hrtf.impl_.release(), std::memory_order_acq_rel);
}

std::uint64_t BinauralRenderer::hrtf_swaps() const noexcept {
    return impl_->swaps.load(std::memory_order_acquire);
}

void BinauralRenderer::release_retired_hrtfs() noexcept {
    impl_->release_retired();
}

}  // namespace pinna
