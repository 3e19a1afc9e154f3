// Real-input FFTs of one fixed size, planned once (FFTW behind a wall: no FFTW type here).
//
// A BasicRealFft<T> makes its plans at construction; forward() and inverse() then only
// execute them on the caller's arrays: const, noexcept, no lock, and safe to
// call from several threads at once on the same object. Construction and destruction take
// a process-wide lock, because FFTW's planner is not thread-safe.
//
// Speed: FFTW runs its SIMD code only on arrays aligned as the ones it planned on. The plans
// are made on kFftAlignment-aligned arrays (allocate with AlignedVector); arrays of other
// alignments are copied through per-thread aligned scratch (allocated on a thread's first
// such call), so a transform's result never depends on where its arrays are.
#pragma once

#include <complex>
#include <cstddef>
#include <memory>
#include <new>
#include <vector>

namespace pinna {

/// Alignment (bytes) that gives FFTW's SIMD plans: a cache line, more than AVX-512 needs.
constexpr std::size_t kFftAlignment = 64;

/// std::allocator with kFftAlignment-aligned blocks.
template <typename T>
struct AlignedAllocator {
    using value_type = T;
    AlignedAllocator() noexcept = default;
    template <typename U>
    AlignedAllocator(const AlignedAllocator<U>&) noexcept {}
    T* allocate(std::size_t n) {
        return static_cast<T*>(::operator new[](n * sizeof(T), std::align_val_t{kFftAlignment}));
    }
    void deallocate(T* p, std::size_t) noexcept {
        ::operator delete[](p, std::align_val_t{kFftAlignment});
    }
    template <typename U>
    bool operator==(const AlignedAllocator<U>&) const noexcept {
        return true;
    }
    template <typename U>
    bool operator!=(const AlignedAllocator<U>&) const noexcept {
        return false;
    }
};

template <typename T>
using AlignedVector = std::vector<T, AlignedAllocator<T>>;

/// How much effort planning spends. `estimate` plans in microseconds and is deterministic;
/// `measure` times candidate algorithms for faster execution (up to 2x on sizes with
/// factors 3 and 5), at most 50 ms per plan.
enum class FftPlanning { estimate, measure };

template <typename T>
class BasicRealFft {
  public:
    using Complex = std::complex<T>;

    /// Plans transforms of `size` real samples (any size >= 1; powers of two and sizes
    /// with small prime factors are fastest). Throws InvalidArgumentError for size 0.
    explicit BasicRealFft(std::size_t size, FftPlanning planning = FftPlanning::estimate);
    ~BasicRealFft();
    BasicRealFft(BasicRealFft&&) noexcept;
    BasicRealFft& operator=(BasicRealFft&&) noexcept;
    BasicRealFft(const BasicRealFft&) = delete;
    BasicRealFft& operator=(const BasicRealFft&) = delete;

    /// Number of real samples n.
    std::size_t size() const noexcept { return size_; }
    /// Number of complex bins of the half spectrum, n/2 + 1.
    std::size_t bins() const noexcept { return size_ / 2 + 1; }

    /// out[k] = sum_t in[t] exp(-2 pi i k t / n), k = 0 .. n/2 (unnormalised).
    /// `in` holds size() values, `out` bins(); they must not overlap. With
    /// kFftAlignment-aligned arrays: no allocation, no copy.
    void forward(const T* in, Complex* out) const noexcept;

    /// Inverse of forward(), scaled by 1/n so that inverse(forward(x)) == x. The imaginary
    /// parts of bin 0 and (for even n) bin n/2 are ignored. `in` is not modified.
    void inverse(const Complex* in, T* out) const noexcept;
    /// inverse() without the 1/n scale (inverse_unscaled(forward(x)) == n x), for callers
    /// that fold the scale into their spectra (the renderer's filters).
    void inverse_unscaled(const Complex* in, T* out) const noexcept;

    /// inverse_unscaled() free to overwrite `in` (left unspecified): FFTW's c2r then skips
    /// the copy of its input, up to 1.7x faster at 256 points. For scratch spectra. Its own
    /// plan, so its rounding may differ from inverse_unscaled()'s.
    void inverse_destroying(Complex* in, T* out) const noexcept;

  private:
    struct Impl;
    std::size_t size_ = 0;
    std::unique_ptr<Impl> impl_;
};

using RealFft = BasicRealFft<double>;
using RealFftF = BasicRealFft<float>;

/// The smallest size >= n whose only prime factors are 2, 3 and 5 (fast FFT sizes).
std::size_t fast_fft_size(std::size_t n) noexcept;

}  // namespace pinna
