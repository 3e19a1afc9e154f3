#include <catch2/catch.hpp>

#include <cmath>
#include <complex>
#include <thread>
#include <vector>

#include "core/vec_math.hpp"
#include "dsp/fft.hpp"
#include "pinna/error.hpp"
#include "pinna/geometry.hpp"

using pinna::kPi;

TEST_CASE("FFT of an impulse is flat and of a delayed impulse is a pure phase ramp") {
    const std::size_t n = 64;
    const pinna::RealFft fft(n);
    REQUIRE(fft.bins() == 33);
    std::vector<double> x(n, 0.0);
    std::vector<std::complex<double>> X(fft.bins());
    x[0] = 1.0;
    fft.forward(x.data(), X.data());
    for (const auto& v : X)
        CHECK(std::abs(v - std::complex<double>(1.0, 0.0)) < 1e-12);

    x[0] = 0.0;
    x[3] = 2.0;
    fft.forward(x.data(), X.data());
    for (std::size_t k = 0; k < X.size(); ++k) {
        const std::complex<double> expected = 2.0 * std::polar(1.0, -2.0 * kPi * 3.0 * k / n);
        CHECK(std::abs(X[k] - expected) < 1e-12);
    }
}

TEST_CASE("FFT of a cosine on a bin has n/2 at that bin only") {
    const std::size_t n = 48;  // not a power of two
    const pinna::RealFft fft(n);
    std::vector<double> x(n);
    for (std::size_t t = 0; t < n; ++t)
        x[t] = std::cos(2.0 * kPi * 5.0 * t / n);
    std::vector<std::complex<double>> X(fft.bins());
    fft.forward(x.data(), X.data());
    for (std::size_t k = 0; k < X.size(); ++k)
        CHECK(std::abs(X[k] - std::complex<double>(k == 5 ? n / 2.0 : 0.0, 0.0)) < 1e-11);
}

TEST_CASE("inverse(forward(x)) == x for odd and even sizes, float and double, input kept") {
    for (std::size_t n : {1u, 2u, 7u, 100u, 255u, 256u}) {
        const pinna::RealFft fft(n);
        const pinna::RealFftF fftf(n);
        std::vector<double> x(n), y(n);
        std::vector<float> xf(n), yf(n);
        for (std::size_t t = 0; t < n; ++t) {
            x[t] = std::sin(0.37 * t) + 0.1 * t;
            xf[t] = static_cast<float>(x[t]);
        }
        std::vector<std::complex<double>> X(fft.bins());
        std::vector<std::complex<float>> Xf(fftf.bins());
        fft.forward(x.data(), X.data());
        fftf.forward(xf.data(), Xf.data());
        const std::vector<std::complex<double>> X_copy = X;
        fft.inverse(X.data(), y.data());
        fftf.inverse(Xf.data(), yf.data());
        CHECK(X == X_copy);  // the c2r input is preserved
        for (std::size_t t = 0; t < n; ++t) {
            CHECK(y[t] == Approx(x[t]).margin(1e-12));
            CHECK(yf[t] == Approx(xf[t]).margin(1e-4));
        }
    }
}

TEST_CASE("FFT runs on unaligned arrays") {
    const std::size_t n = 32;
    const pinna::RealFftF fft(n);
    std::vector<float> storage(n + 1, 0.0f);
    float* x = storage.data() + 1;  // 4-byte aligned only
    x[0] = 1.0f;
    std::vector<std::complex<float>> storage_out(fft.bins() + 1);
    auto* out =
        reinterpret_cast<std::complex<float>*>(reinterpret_cast<float*>(storage_out.data()) + 1);
    fft.forward(x, out);
    for (std::size_t k = 0; k < fft.bins(); ++k)
        CHECK(std::abs(out[k] - std::complex<float>(1.0f)) < 1e-6f);
}

TEST_CASE("one FFT object is used from several threads at once", "[dsp][concurrency]") {
    const std::size_t n = 512;
    const pinna::RealFft fft(n, pinna::FftPlanning::measure);
    std::vector<double> x(n);
    for (std::size_t t = 0; t < n; ++t)
        x[t] = std::cos(0.01 * t * t);
    std::vector<std::complex<double>> expected(fft.bins());
    fft.forward(x.data(), expected.data());
    std::vector<int> failures(4, 0);
    std::vector<std::thread> threads;
    for (int i = 0; i < 4; ++i)
        threads.emplace_back([&, i] {
            std::vector<std::complex<double>> X(fft.bins());
            std::vector<double> y(n);
            for (int r = 0; r < 200; ++r) {
                fft.forward(x.data(), X.data());
                if (X != expected)
                    ++failures[i];
                fft.inverse(X.data(), y.data());
                if (std::abs(y[7] - x[7]) > 1e-12)
                    ++failures[i];
                pinna::RealFft other(64 + i);  // planning concurrently with execution
            }
        });
    for (auto& t : threads)
        t.join();
    for (int f : failures)
        CHECK(f == 0);
}

TEST_CASE("FFT refuses size 0; fast sizes have factors 2, 3, 5") {
    CHECK_THROWS_AS(pinna::RealFft(0), pinna::InvalidArgumentError);
    CHECK(pinna::fast_fft_size(511) == 512);
    CHECK(pinna::fast_fft_size(257) == 270);
    CHECK(pinna::fast_fft_size(7) == 8);
    CHECK(pinna::fast_fft_size(1) == 1);
}

TEST_CASE("moved FFT objects keep working") {
    pinna::RealFft a(16);
    pinna::RealFft b(std::move(a));
    pinna::RealFft c(8);
    c = std::move(b);
    REQUIRE(c.size() == 16);
    std::vector<double> x(16, 1.0);
    std::vector<std::complex<double>> X(c.bins());
    c.forward(x.data(), X.data());
    CHECK(X[0].real() == Approx(16.0));
    CHECK(std::abs(X[3]) < 1e-12);
}
