#include "render_support.hpp"

#include <cmath>
#include <map>
#include <mutex>
#include <utility>

#include "dsp/fft.hpp"
#include "pinna/sofa.hpp"
#include "support/test_support.hpp"

namespace pinna::test {
namespace {
constexpr double kPi = 3.14159265358979323846;
}

HrirSet long_synthetic_set(std::size_t m, std::size_t taps, double decay_samples, double fs) {
    std::vector<Direction> dirs(m);
    const double golden = kPi * (3.0 - std::sqrt(5.0));
    for (std::size_t i = 0; i < m; ++i) {
        const double z = 1.0 - 2.0 * (static_cast<double>(i) + 0.5) / static_cast<double>(m);
        dirs[i] = {wrap_azimuth_deg(rad_to_deg(golden * static_cast<double>(i))),
                   rad_to_deg(std::asin(z)), 1.5};
    }
    HrirSet set(fs, taps, dirs);
    for (std::size_t i = 0; i < m; ++i) {
        const Vec3 u = unit_vector(dirs[i]);
        for (std::size_t e = 0; e < kEars; ++e) {
            const double side = e == 0 ? u.y : -u.y;
            const std::size_t onset = static_cast<std::size_t>(std::lround(12.0 - 8.0 * side));
            const double f = 2000.0 + 1500.0 * (u.z + 1.0) + 500.0 * static_cast<double>(e);
            float* x = set.ir(i, static_cast<Ear>(e));
            for (std::size_t n = onset; n < taps; ++n) {
                const double t = static_cast<double>(n - onset);
                x[n] = static_cast<float>((1.0 + 0.5 * side) * std::exp(-t / decay_samples) *
                                          std::cos(2.0 * kPi * f * t / fs));
            }
        }
    }
    set.metadata.title = "long synthetic";
    return set;
}

std::vector<double> delayed(const std::vector<float>& x, double d) {
    const long whole = static_cast<long>(std::floor(d));
    const long k = whole > 1 ? whole - 1 : 0;
    const double u = d - static_cast<double>(k);
    // Lagrange basis on the nodes 0, 1, 2, 3 (delays k .. k + 3), evaluated at u.
    const double c[4] = {-(u - 1) * (u - 2) * (u - 3) / 6.0, u * (u - 2) * (u - 3) / 2.0,
                         -u * (u - 1) * (u - 3) / 2.0, u * (u - 1) * (u - 2) / 6.0};
    std::vector<double> y(x.size(), 0.0);
    for (std::size_t n = 0; n < x.size(); ++n)
        for (long j = 0; j < 4; ++j) {
            const long m = static_cast<long>(n) - k - j;
            if (m >= 0)
                y[n] += c[j] * x[static_cast<std::size_t>(m)];
        }
    return y;
}

std::vector<double> convolve_delayed(const std::vector<float>& x, const float* h, std::size_t taps,
                                     double delay_samples) {
    const std::vector<double> xd = delayed(x, delay_samples);
    std::vector<double> y(x.size(), 0.0);
    for (std::size_t n = 0; n < x.size(); ++n) {
        double acc = 0.0;
        for (std::size_t t = 0; t < taps && t <= n; ++t)
            acc += static_cast<double>(h[t]) * xd[n - t];
        y[n] = acc;
    }
    return y;
}

double high_band_db(const std::vector<float>& signal, std::size_t begin, std::size_t end, double fs,
                    double cutoff_hz) {
    const std::size_t n = end - begin;
    const RealFft fft(n);
    std::vector<double> x(n);
    for (std::size_t i = 0; i < n; ++i) {
        const double p = 2.0 * kPi * static_cast<double>(i) / static_cast<double>(n - 1);
        const double w =
            0.35875 - 0.48829 * std::cos(p) + 0.14128 * std::cos(2 * p) - 0.01168 * std::cos(3 * p);
        x[i] = w * signal[begin + i];
    }
    std::vector<RealFft::Complex> spectrum(fft.bins());
    fft.forward(x.data(), spectrum.data());
    double total = 0.0, high = 0.0;
    for (std::size_t k = 0; k < spectrum.size(); ++k) {
        const double e = std::norm(spectrum[k]);
        total += e;
        if (static_cast<double>(k) * fs / static_cast<double>(n) > cutoff_hz)
            high += e;
    }
    return 10.0 * std::log10(std::max(high, 1e-300) / total);
}

std::vector<float> tone(double frequency_hz, std::size_t frames, double fs) {
    std::vector<float> x(frames);
    for (std::size_t i = 0; i < frames; ++i)
        x[i] = static_cast<float>(0.5 *
                                  std::sin(2.0 * kPi * frequency_hz * static_cast<double>(i) / fs));
    return x;
}

Stereo render(BinauralRenderer& renderer, const std::vector<std::vector<float>>& inputs,
              const std::function<void(std::size_t, BinauralRenderer&)>& before_block) {
    const std::size_t frames = inputs.empty() ? 0 : inputs[0].size();
    const std::size_t B = renderer.block_size();
    Stereo out;
    out.left.assign(frames, 0.0f);
    out.right.assign(frames, 0.0f);
    std::vector<const float*> pointers(renderer.max_sources(), nullptr);
    for (std::size_t start = 0, block = 0; start < frames; start += B, ++block) {
        if (before_block)
            before_block(block, renderer);
        for (std::size_t s = 0; s < inputs.size(); ++s)
            pointers[s] = inputs[s].data() + start;
        renderer.process(pointers.data(), out.left.data() + start, out.right.data() + start,
                         std::min(B, frames - start));
    }
    return out;
}

std::shared_ptr<const QueryEngine> kemar_engine(InterpolationMethod method, double rate) {
    // Read and split once per process: the tests share the engines.
    static std::mutex mutex;
    static std::map<std::pair<int, double>, std::shared_ptr<const QueryEngine>> cache;
    const std::string path = system_kemar();
    if (path.empty())
        return nullptr;
    std::lock_guard<std::mutex> lock(mutex);
    auto& engine = cache[{static_cast<int>(method), rate}];
    if (!engine) {
        QueryEngineOptions o;
        o.interpolation = method;
        o.sample_rate_hz = rate;
        o.build_threads = 0;
        engine = std::make_shared<const QueryEngine>(read_sofa(path), o);
    }
    return engine;
}

}  // namespace pinna::test
