#include <cstdio>

#include "pinna/sofa.hpp"

int main(int argc, char** argv) {
    if (argc < 2) return 2;
    auto s = pinna::read_sofa(argv[1]);
    std::printf("%zu %zu %g\n", s.measurements(), s.taps(), s.sample_rate_hz());
    return 0;
}
