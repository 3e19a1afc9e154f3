#include "dsp/fft.hpp"

#include <fftw3.h>

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "dsp/fftw_planner.hpp"
#include "pinna/error.hpp"

namespace pinna {
namespace detail {

std::mutex& fftw_planner_mutex() noexcept {
    static std::mutex m;
    return m;
}

}  // namespace detail

namespace {

constexpr double kMeasureLimitS = 0.05;  // FftPlanning::measure: per plan

unsigned planner_flags(FftPlanning planning) {
    // FFTW_PRESERVE_INPUT: c2r must not scribble on a const input.
    return (planning == FftPlanning::measure ? FFTW_MEASURE : FFTW_ESTIMATE) | FFTW_PRESERVE_INPUT;
}

// inverse_destroying's plan: FFTW's c2r may then work in its input (FFTW_DESTROY_INPUT is
// FFTW's default for c2r) instead of copying it first.
unsigned destroying_flags(FftPlanning planning) {
    return planning == FftPlanning::measure ? FFTW_MEASURE : FFTW_ESTIMATE;
}

bool aligned(const void* p) noexcept {
    return reinterpret_cast<std::uintptr_t>(p) % kFftAlignment == 0;
}

// The double and single precision FFTW APIs differ only in their prefix.
template <typename T>
struct Fftw;

template <>
struct Fftw<double> {
    using Plan = fftw_plan;
    using Complex = fftw_complex;
    static Plan r2c(int n, double* in, Complex* out, unsigned f) {
        return fftw_plan_dft_r2c_1d(n, in, out, f);
    }
    static Plan c2r(int n, Complex* in, double* out, unsigned f) {
        return fftw_plan_dft_c2r_1d(n, in, out, f);
    }
    static void exec_r2c(Plan p, double* in, Complex* out) { fftw_execute_dft_r2c(p, in, out); }
    static void exec_c2r(Plan p, Complex* in, double* out) { fftw_execute_dft_c2r(p, in, out); }
    static void destroy(Plan p) { fftw_destroy_plan(p); }
    static void set_timelimit(double seconds) { fftw_set_timelimit(seconds); }
};

template <>
struct Fftw<float> {
    using Plan = fftwf_plan;
    using Complex = fftwf_complex;
    static Plan r2c(int n, float* in, Complex* out, unsigned f) {
        return fftwf_plan_dft_r2c_1d(n, in, out, f);
    }
    static Plan c2r(int n, Complex* in, float* out, unsigned f) {
        return fftwf_plan_dft_c2r_1d(n, in, out, f);
    }
    static void exec_r2c(Plan p, float* in, Complex* out) { fftwf_execute_dft_r2c(p, in, out); }
    static void exec_c2r(Plan p, Complex* in, float* out) { fftwf_execute_dft_c2r(p, in, out); }
    static void destroy(Plan p) { fftwf_destroy_plan(p); }
    static void set_timelimit(double seconds) { fftwf_set_timelimit(seconds); }
};

}  // namespace

template <typename T>
struct BasicRealFft<T>::Impl {
    // Planned on kFftAlignment-aligned arrays, so FFTW may use SIMD; executed only on such.
    typename Fftw<T>::Plan forward = nullptr;
    typename Fftw<T>::Plan inverse = nullptr;
    typename Fftw<T>::Plan inverse_destroying = nullptr;
    T scale = 1;

    void destroy() noexcept {
        if (forward)
            Fftw<T>::destroy(forward);
        if (inverse)
            Fftw<T>::destroy(inverse);
        if (inverse_destroying)
            Fftw<T>::destroy(inverse_destroying);
    }
};

// Per-thread aligned copies for callers whose arrays are not aligned: every transform then
// runs the same plan, so results never depend on where the caller's arrays happen to be.
template <typename T>
struct Scratch {
    AlignedVector<T> real;
    AlignedVector<std::complex<T>> spectrum;
    static Scratch& of_this_thread(std::size_t size) {
        thread_local Scratch s;
        if (s.real.size() < size)
            s.real.resize(size);
        if (s.spectrum.size() < size / 2 + 1)
            s.spectrum.resize(size / 2 + 1);
        return s;
    }
};

template <typename T>
BasicRealFft<T>::BasicRealFft(std::size_t size, FftPlanning planning) : size_(size) {
    if (size == 0)
        throw InvalidArgumentError("RealFft: the transform size must be at least 1");
    if (size > static_cast<std::size_t>(1) << 30)
        throw InvalidArgumentError("RealFft: transform size " + std::to_string(size) +
                                   " is larger than 2^30");
    // Planning scratch (FFTW_MEASURE overwrites the arrays it plans on), aligned so that
    // the first plans may use SIMD.
    AlignedVector<T> real(size);
    AlignedVector<std::complex<T>> spectrum(size / 2 + 1);
    auto* c = reinterpret_cast<typename Fftw<T>::Complex*>(spectrum.data());
    auto impl = std::make_unique<Impl>();
    impl->scale = T(1) / static_cast<T>(size);
    {
        std::lock_guard<std::mutex> lock(detail::fftw_planner_mutex());
        const unsigned flags = planner_flags(planning);
        const int n = static_cast<int>(size);
        // FFTW_MEASURE can search for seconds on a busy machine; the limit (global in
        // FFTW, so set and cleared under the planner lock) keeps construction short.
        if (planning == FftPlanning::measure)
            Fftw<T>::set_timelimit(kMeasureLimitS);
        impl->forward = Fftw<T>::r2c(n, real.data(), c, flags);
        impl->inverse = Fftw<T>::c2r(n, c, real.data(), flags);
        impl->inverse_destroying = Fftw<T>::c2r(n, c, real.data(), destroying_flags(planning));
        Fftw<T>::set_timelimit(FFTW_NO_TIMELIMIT);
        if (!impl->forward || !impl->inverse || !impl->inverse_destroying) {
            impl->destroy();
            throw InvalidArgumentError("RealFft: FFTW could not plan a transform of size " +
                                       std::to_string(size));
        }
    }
    impl_ = std::move(impl);
}

template <typename T>
BasicRealFft<T>::~BasicRealFft() {
    if (!impl_)
        return;
    std::lock_guard<std::mutex> lock(detail::fftw_planner_mutex());
    impl_->destroy();
}

template <typename T>
BasicRealFft<T>::BasicRealFft(BasicRealFft&&) noexcept = default;

template <typename T>
BasicRealFft<T>& BasicRealFft<T>::operator=(BasicRealFft&& other) noexcept {
    if (this != &other) {
        BasicRealFft tmp(std::move(*this));  // releases our plans under the lock
        size_ = other.size_;
        impl_ = std::move(other.impl_);
    }
    return *this;
}

template <typename T>
void BasicRealFft<T>::forward(const T* in, Complex* out) const noexcept {
    using C = typename Fftw<T>::Complex;
    if (aligned(in) && aligned(out)) {
        // r2c plans never modify their input; FFTW's signature is just not const-correct.
        Fftw<T>::exec_r2c(impl_->forward, const_cast<T*>(in), reinterpret_cast<C*>(out));
        return;
    }
    Scratch<T>& s = Scratch<T>::of_this_thread(size_);
    std::copy(in, in + size_, s.real.begin());
    Fftw<T>::exec_r2c(impl_->forward, s.real.data(), reinterpret_cast<C*>(s.spectrum.data()));
    std::copy(s.spectrum.begin(), s.spectrum.begin() + bins(), out);
}

template <typename T>
void BasicRealFft<T>::inverse(const Complex* in, T* out) const noexcept {
    inverse_unscaled(in, out);
    const T scale = impl_->scale;
    for (std::size_t i = 0; i < size_; ++i)
        out[i] *= scale;
}

template <typename T>
void BasicRealFft<T>::inverse_unscaled(const Complex* in, T* out) const noexcept {
    // Planned with FFTW_PRESERVE_INPUT, so the input is left untouched.
    using C = typename Fftw<T>::Complex;
    if (aligned(in) && aligned(out)) {
        Fftw<T>::exec_c2r(impl_->inverse, reinterpret_cast<C*>(const_cast<Complex*>(in)), out);
    } else {
        Scratch<T>& s = Scratch<T>::of_this_thread(size_);
        std::copy(in, in + bins(), s.spectrum.begin());
        Fftw<T>::exec_c2r(impl_->inverse, reinterpret_cast<C*>(s.spectrum.data()), s.real.data());
        std::copy(s.real.begin(), s.real.begin() + size_, out);
    }
}

template <typename T>
void BasicRealFft<T>::inverse_destroying(Complex* in, T* out) const noexcept {
    using C = typename Fftw<T>::Complex;
    if (aligned(in) && aligned(out)) {
        Fftw<T>::exec_c2r(impl_->inverse_destroying, reinterpret_cast<C*>(in), out);
    } else {
        Scratch<T>& s = Scratch<T>::of_this_thread(size_);
        std::copy(in, in + bins(), s.spectrum.begin());
        Fftw<T>::exec_c2r(impl_->inverse_destroying, reinterpret_cast<C*>(s.spectrum.data()),
                          s.real.data());
        std::copy(s.real.begin(), s.real.begin() + size_, out);
    }
}

template class BasicRealFft<double>;
template class BasicRealFft<float>;

std::size_t fast_fft_size(std::size_t n) noexcept {
    if (n <= 1)
        return 1;
    for (std::size_t m = n;; ++m) {
        std::size_t r = m;
        for (std::size_t p : {2u, 3u, 5u})
            while (r % p == 0)
                r /= p;
        if (r == 1)
            return m;
    }
}

}  // namespace pinna
