#include "dsp/hilbert.hpp"

#include <cmath>
#include <complex>

namespace pinna::detail {

std::vector<double> HilbertEnvelope::envelope(const double* x) const {
    std::vector<double> out(fft_.size());
    envelope(x, out.data());
    return out;
}

void HilbertEnvelope::envelope(const double* x, double* out) const {
    const std::size_t n = fft_.size();
    // Work arrays of this thread, grown to the largest size seen: no allocation per call.
    thread_local AlignedVector<std::complex<double>> X;
    thread_local AlignedVector<double> h;
    if (X.size() < fft_.bins())
        X.resize(fft_.bins());
    if (h.size() < n)
        h.resize(n);
    fft_.forward(x, X.data());
    // The analytic signal is x + i h, where h (the Hilbert transform) has the half spectrum
    // -i X[k] for 0 < k < n/2 and zero at DC and, for even n, at Nyquist.
    X[0] = 0.0;
    for (std::size_t k = 1; k < fft_.bins(); ++k)
        X[k] *= std::complex<double>(0.0, -1.0);
    if (n % 2 == 0)
        X[n / 2] = 0.0;
    fft_.inverse(X.data(), h.data());
    for (std::size_t t = 0; t < n; ++t)
        out[t] = std::sqrt(x[t] * x[t] + h[t] * h[t]);
}

}  // namespace pinna::detail
