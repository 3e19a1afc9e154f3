#include "dsp/fft.hpp"

#include <fftw3.h>

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

unsigned planner_flags(FftPlanning planning) {
    // FFTW_UNALIGNED: the plans run on caller arrays of any alignment.
    // FFTW_PRESERVE_INPUT: c2r must not scribble on a const input.
    return (planning == FftPlanning::measure ? FFTW_MEASURE : FFTW_ESTIMATE) | FFTW_UNALIGNED |
           FFTW_PRESERVE_INPUT;
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
};

}  // namespace

template <typename T>
struct BasicRealFft<T>::Impl {
    typename Fftw<T>::Plan forward = nullptr;
    typename Fftw<T>::Plan inverse = nullptr;
    T scale = 1;
};

template <typename T>
BasicRealFft<T>::BasicRealFft(std::size_t size, FftPlanning planning) : size_(size) {
    if (size == 0)
        throw InvalidArgumentError("RealFft: the transform size must be at least 1");
    if (size > static_cast<std::size_t>(1) << 30)
        throw InvalidArgumentError("RealFft: transform size " + std::to_string(size) +
                                   " is larger than 2^30");
    // Planning scratch: FFTW_MEASURE overwrites the arrays it plans on.
    std::vector<T> real(size);
    std::vector<std::complex<T>> spectrum(size / 2 + 1);
    auto* c = reinterpret_cast<typename Fftw<T>::Complex*>(spectrum.data());
    auto impl = std::make_unique<Impl>();
    impl->scale = T(1) / static_cast<T>(size);
    {
        std::lock_guard<std::mutex> lock(detail::fftw_planner_mutex());
        const unsigned flags = planner_flags(planning);
        impl->forward = Fftw<T>::r2c(static_cast<int>(size), real.data(), c, flags);
        impl->inverse = Fftw<T>::c2r(static_cast<int>(size), c, real.data(), flags);
        if (!impl->forward || !impl->inverse) {
            if (impl->forward)
                Fftw<T>::destroy(impl->forward);
            if (impl->inverse)
                Fftw<T>::destroy(impl->inverse);
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
    Fftw<T>::destroy(impl_->forward);
    Fftw<T>::destroy(impl_->inverse);
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
    // r2c plans never modify their input; FFTW's signature is just not const-correct.
    Fftw<T>::exec_r2c(impl_->forward, const_cast<T*>(in),
                      reinterpret_cast<typename Fftw<T>::Complex*>(out));
}

template <typename T>
void BasicRealFft<T>::inverse(const Complex* in, T* out) const noexcept {
    // Planned with FFTW_PRESERVE_INPUT, so the input is left untouched.
    Fftw<T>::exec_c2r(impl_->inverse,
                      reinterpret_cast<typename Fftw<T>::Complex*>(const_cast<Complex*>(in)), out);
    const T s = impl_->scale;
    for (std::size_t i = 0; i < size_; ++i)
        out[i] *= s;
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
