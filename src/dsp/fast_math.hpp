// Single-precision log, exp, sine/cosine and atan2 that the compiler can vectorise.
//
// glibc's functions are accurate to the last bit but are calls with branches, one value at
// a time; a minimum-phase split evaluates them on every bin of every IR of a set, where
// they took more time than the FFTs. These are straight-line code (range reduction by
// bit manipulation and rounding tricks, then a polynomial), so that a loop over an array
// of them becomes SIMD code. Accuracy, checked in tests/dsp/test_fast_math.cpp over their
// whole ranges: log and exp within 2e-7 relative, sin/cos within 2e-7 absolute for
// |x| <= 1000, atan2 within 1.2e-5 rad. Arguments outside the documented ranges give
// unspecified (finite or not) results, never undefined behaviour.
#pragma once

#include <cstdint>
#include <cstring>

// Loops of these functions are also compiled for AVX2 (twice the SIMD width) on x86-64 with
// GCC, chosen at load time when the CPU has it. Not under sanitizers (their runtimes and
// ifunc resolvers do not mix).
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) && \
    !defined(__SANITIZE_ADDRESS__) && !defined(__SANITIZE_THREAD__)
#define PINNA_VECTOR_CLONES __attribute__((target_clones("avx2", "default")))
#else
#define PINNA_VECTOR_CLONES
#endif

namespace pinna::detail {

inline float bits_to_float(std::uint32_t u) noexcept {
    float f;
    std::memcpy(&f, &u, sizeof f);
    return f;
}

inline std::uint32_t float_to_bits(float f) noexcept {
    std::uint32_t u;
    std::memcpy(&u, &f, sizeof u);
    return u;
}

/// Rounds to the nearest integer (ties to even) for |x| < 2^22, as a float: adding and
/// subtracting 1.5 * 2^23 leaves no fraction bits.
inline float round_float(float x) noexcept {
    constexpr float magic = 12582912.0f;
    return (x + magic) - magic;
}

/// ln(x) for positive normal x.
inline float fast_log(float x) noexcept {
    const std::uint32_t u = float_to_bits(x);
    // x = m * 2^e with m in [sqrt(1/2), sqrt(2)): take the exponent, then move mantissas
    // above sqrt(2) down an octave.
    std::int32_t e = static_cast<std::int32_t>((u >> 23) & 0xffu) - 127;
    float m = bits_to_float((u & 0x007fffffu) | 0x3f800000u);  // [1, 2)
    const bool high = m > 1.41421356f;
    m = high ? 0.5f * m : m;
    e = high ? e + 1 : e;
    const float f = m - 1.0f;  // [-0.293, 0.414]
    const float z = f * f;
    // ln(1 + f) = f - f^2/2 + f^3 P(f), P a minimax fit (Cephes logf).
    float p = 7.0376836292e-2f;
    p = p * f - 1.1514610310e-1f;
    p = p * f + 1.1676998740e-1f;
    p = p * f - 1.2420140846e-1f;
    p = p * f + 1.4249322787e-1f;
    p = p * f - 1.6668057665e-1f;
    p = p * f + 2.0000714765e-1f;
    p = p * f - 2.4999993993e-1f;
    p = p * f + 3.3333331174e-1f;
    const float ef = static_cast<float>(e);
    // ln 2 split in two so that e * ln2 keeps its precision.
    return (f + (p * f * z - 0.5f * z - 2.12194440e-4f * ef)) + 0.693359375f * ef;
}

/// e^x for x in [-87, 88] (clamped there).
inline float fast_exp(float x) noexcept {
    x = x < -87.0f ? -87.0f : (x > 88.0f ? 88.0f : x);
    const float n = round_float(x * 1.44269504089f);
    const float r = (x - n * 0.693359375f) + n * 2.12194440e-4f;  // |r| <= ln2 / 2
    // e^r = 1 + r + r^2 Q(r), Q a minimax fit (Cephes expf).
    float q = 1.9875691500e-4f;
    q = q * r + 1.3981999507e-3f;
    q = q * r + 8.3334519073e-3f;
    q = q * r + 4.1665795894e-2f;
    q = q * r + 1.6666665459e-1f;
    q = q * r + 5.0000001201e-1f;
    const float er = q * r * r + r + 1.0f;
    const std::int32_t ni = static_cast<std::int32_t>(n);
    return er * bits_to_float(static_cast<std::uint32_t>(ni + 127) << 23);
}

/// sin(x) and cos(x) for |x| <= 1000.
inline void fast_sincos(float x, float& s, float& c) noexcept {
    const float q = round_float(x * 0.636619772f);  // nearest multiple of pi/2
    // x - q pi/2 with pi/2 in three parts, so that the reduction is exact for |q| < 2^10.
    const float r = ((x - q * 1.5703125f) - q * 4.837512969970703125e-4f) -
                    q * 7.54978995489188216e-8f;  // [-pi/4, pi/4]
    const float z = r * r;
    // Minimax polynomials on [-pi/4, pi/4] (Cephes sinf, cosf).
    const float sr =
        ((-1.9515295891e-4f * z + 8.3321608736e-3f) * z - 1.6666654611e-1f) * z * r + r;
    const float cr =
        ((2.443315711809948e-5f * z - 1.388731625493765e-3f) * z + 4.166664568298827e-2f) * z * z -
        0.5f * z + 1.0f;
    const std::int32_t quadrant = static_cast<std::int32_t>(q) & 3;
    const bool swap = (quadrant & 1) != 0;
    const float sin_sign = (quadrant & 2) != 0 ? -1.0f : 1.0f;
    const float cos_sign = ((quadrant + 1) & 2) != 0 ? -1.0f : 1.0f;
    s = sin_sign * (swap ? cr : sr);
    c = cos_sign * (swap ? sr : cr);
}

/// atan2(y, x) in [-pi, pi]; 0 for y = x = 0.
inline float fast_atan2(float y, float x) noexcept {
    const float ax = x < 0.0f ? -x : x, ay = y < 0.0f ? -y : y;
    const bool steep = ay > ax;
    const float num = steep ? ax : ay, den = steep ? ay : ax;
    const float t = den > 0.0f ? num / den : 0.0f;  // [0, 1]
    const float z = t * t;
    // atan(t) on [0, 1], error below 1e-5 rad (Abramowitz and Stegun 4.4.49).
    float a = 0.0208351f;
    a = a * z - 0.0851330f;
    a = a * z + 0.1801410f;
    a = a * z - 0.3302995f;
    a = a * z + 0.9998660f;
    a *= t;
    a = steep ? 1.57079633f - a : a;
    a = x < 0.0f ? 3.14159265f - a : a;
    return y < 0.0f ? -a : a;
}

}  // namespace pinna::detail
