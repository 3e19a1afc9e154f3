#include "dsp/hilbert.hpp"

#include <cmath>
#include <complex>

namespace pinna::detail {

std::vector<double> HilbertEnvelope::envelope(const double* x) const {
    const std::size_t n = fft_.size();
    AlignedVector<std::complex<double>> X(fft_.bins());
    fft_.forward(x, X.data());
    // The analytic signal is x + i h, where h (the Hilbert transform) has the half spectrum
    // -i X[k] for 0 < k < n/2 and zero at DC and, for even n, at Nyquist.
    X[0] = 0.0;
    for (std::size_t k = 1; k < X.size(); ++k)
        X[k] *= std::complex<double>(0.0, -1.0);
    if (n % 2 == 0)
        X[n / 2] = 0.0;
    AlignedVector<double> h(n);
    fft_.inverse(X.data(), h.data());
    std::vector<double> envelope(n);
    for (std::size_t t = 0; t < n; ++t)
        envelope[t] = std::sqrt(x[t] * x[t] + h[t] * h[t]);
    return envelope;
}

}  // namespace pinna::detail
