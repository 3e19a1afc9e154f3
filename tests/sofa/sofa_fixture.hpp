// Small hand-made SOFA files written straight through netCDF (not through pinna's writer),
// for reader cases no real file covers: cartesian or radian source positions, GeneralFIR-E
// with one emitter, wrong units or dimensions.
#pragma once

#include <array>
#include <cstddef>
#include <string>
#include <vector>

namespace pinna::test {

struct SofaFixture {
    std::string conventions = "SimpleFreeFieldHRIR";
    std::string data_type = "FIR";
    std::string position_type = "spherical";
    std::string position_units = "degree, degree, metre";
    /// SourcePosition rows; M is their count (or `measurements` when positions has one
    /// row shared as I x C).
    std::vector<std::array<double, 3>> positions;
    std::size_t measurements = 0;  ///< 0: positions.size()
    std::size_t taps = 4;
    std::size_t emitters = 1;
    /// Data.IR as M x R x N x E with dimensions 'M,R,N,E' (GeneralFIR-E) instead of M x R x N.
    bool ir_per_emitter = false;
    /// Data.IR dimension order; "MRN" or "MNR" (wrong) are understood.
    std::string ir_order = "MRN";
    double sample_rate_hz = 48000.0;
};

/// Value of tap n of measurement m at receiver r in a fixture's Data.IR.
inline float fixture_sample(std::size_t m, std::size_t r, std::size_t n) {
    return static_cast<float>(m) + 0.25f * static_cast<float>(r) + 0.001f * static_cast<float>(n);
}

/// Writes the fixture; throws std::runtime_error naming the netCDF call that failed.
void write_fixture(const std::string& path, const SofaFixture& spec);

}  // namespace pinna::test
