// Deterministic mutation test of the SOFA reader: a few hundred byte-level mutations of
// real files (bit flips, truncations, inserted garbage, huge declared sizes). Each mutant
// must load and validate, or fail with a pinna::Error, within a time bound and a memory
// cap (those of the isolated reader, SofaReadOptions::isolate, which is what makes a crash
// of the HDF5 parser a clean error).
#include <catch2/catch.hpp>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <random>
#include <sstream>

#include "pinna/error.hpp"
#include "pinna/sofa.hpp"
#include "support/test_support.hpp"

using namespace pinna;

namespace {

constexpr unsigned kTimeLimitS = 10;
constexpr std::size_t kMemoryCapBytes = std::size_t{1} << 30;

std::string slurp(const std::string& path) {
    std::ifstream f(path, std::ios::binary);
    std::ostringstream s;
    s << f.rdbuf();
    return s.str();
}

// Outcome of loading one mutant through pinna's default (isolated) reader with a tight
// time limit and memory cap: 0 loaded and valid, 1 pinna::Error, 2 anything else.
int load(const std::string& bytes, const std::string& name, double& seconds) {
    SofaReadOptions options;
    options.time_limit_s = kTimeLimitS;
    options.memory_limit_bytes = kMemoryCapBytes;
    const auto start = std::chrono::steady_clock::now();
    int code = 0;
    try {
        read_sofa_memory(bytes.data(), bytes.size(), name, options).validate();
    } catch (const Error&) {
        code = 1;
    } catch (...) {
        code = 2;
    }
    seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return code;
}

std::vector<std::string> mutants(const std::string& original, std::mt19937& rng, int count) {
    std::vector<std::string> out;
    std::uniform_int_distribution<std::size_t> offset(0, original.size() - 1);
    std::uniform_int_distribution<int> byte(0, 255), kind(0, 4);
    for (int i = 0; i < count; ++i) {
        std::string m = original;
        switch (kind(rng)) {
            case 0:  // flip 1..8 random bits
                for (int k = 0, n = 1 + byte(rng) % 8; k < n; ++k)
                    m[offset(rng)] ^= static_cast<char>(1 << (byte(rng) % 8));
                break;
            case 1:  // truncate
                m.resize(offset(rng));
                break;
            case 2:  // insert garbage
                m.insert(offset(rng), std::string(1 + byte(rng), static_cast<char>(byte(rng))));
                break;
            case 3:  // overwrite a run with 0xff (huge sizes, undefined addresses)
                for (std::size_t k = offset(rng), end = std::min(m.size(), k + 8); k < end; ++k)
                    m[k] = '\xff';
                break;
            case 4: {  // replace a small little-endian integer (a likely dimension) with a huge one
                for (int tries = 0; tries < 1000; ++tries) {
                    const std::size_t at = offset(rng) & ~std::size_t{3};
                    if (at + 8 > m.size())
                        continue;
                    std::uint32_t v;
                    std::memcpy(&v, &m[at], 4);
                    if (v >= 2 && v <= 100000) {
                        const std::uint64_t huge = (std::uint64_t{1} << (28 + byte(rng) % 30)) + v;
                        std::memcpy(&m[at], &huge, 8);
                        break;
                    }
                }
                break;
            }
        }
        out.push_back(std::move(m));
    }
    return out;
}

void mutate_and_check(const std::string& original, const std::string& label, int count,
                      unsigned seed) {
    std::mt19937 rng(seed);
    int loaded = 0, refused = 0;
    double slowest = 0.0;
    for (const std::string& m : mutants(original, rng, count)) {
        double seconds = 0.0;
        const int outcome = load(m, label, seconds);
        CAPTURE(label, m.size(), outcome, seconds);
        REQUIRE(outcome <= 1);  // loaded, or refused with a pinna::Error
        REQUIRE(seconds < kTimeLimitS + 5.0);
        slowest = std::max(slowest, seconds);
        (outcome == 0 ? loaded : refused)++;
    }
    WARN(label << ": " << loaded << " mutants loaded and validated, " << refused
               << " refused with an error");
}

}  // namespace

TEST_CASE("mutants of a file pinna wrote load or fail cleanly", "[robustness][mutation]") {
    test::TempDir dir;
    const std::string path = dir.file("fixture.sofa");
    write_sofa(test::synthetic_set(40, 32), path);
    mutate_and_check(slurp(path), "synthetic.sofa", 200, 11);
}

TEST_CASE("mutants of real SOFA files load or fail cleanly", "[robustness][mutation][data]") {
    PINNA_REQUIRE_DATASETS();
    for (const char* name :
         {"sofa-zoo/testfile.sofa", "sofa-zoo/Pulse.sofa", "malformed/fail-issue-163.sofa"}) {
        const std::string path = test::dataset_file(name);
        if (path.empty())
            continue;
        mutate_and_check(slurp(path), name, 100, 23);
    }
}
