#include "dsp/hilbert.hpp"

#include <cmath>
#include <complex>

namespace pinna::detail {

template <typename T>
std::vector<T> BasicHilbertEnvelope<T>::envelope(const T* x) const {
    std::vector<T> out(fft_.size());
    envelope(x, out.data());
    return out;
}

template <typename T>
void BasicHilbertEnvelope<T>::envelope(const T* x, T* out) const {
    const std::size_t n = fft_.size();
    // Work arrays of this thread, grown to the largest size seen: no allocation per call.
    thread_local AlignedVector<std::complex<T>> X;
    thread_local AlignedVector<T> h;
    if (X.size() < fft_.bins())
        X.resize(fft_.bins());
    if (h.size() < n)
        h.resize(n);
    fft_.forward(x, X.data());
    // The analytic signal is x + i h, where h (the Hilbert transform) has the half spectrum
    // -i X[k] for 0 < k < n/2 and zero at DC and, for even n, at Nyquist. (-i X written as
    // a swap: the same values as the complex product, up to the sign of zeros.)
    X[0] = T(0);
    for (std::size_t k = 1; k < fft_.bins(); ++k)
        X[k] = std::complex<T>(X[k].imag(), -X[k].real());
    if (n % 2 == 0)
        X[n / 2] = T(0);
    fft_.inverse_destroying(X.data(), h.data());
    const T scale = T(1) / static_cast<T>(n);  // inverse()'s
    for (std::size_t t = 0; t < n; ++t) {
        const T ht = h[t] * scale;
        out[t] = std::sqrt(x[t] * x[t] + ht * ht);
    }
}

template class BasicHilbertEnvelope<double>;
template class BasicHilbertEnvelope<float>;

}  // namespace pinna::detail
