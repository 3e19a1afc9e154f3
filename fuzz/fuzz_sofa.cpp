// Fuzzes pinna's SOFA reading path from memory: every input must load and validate, or
// fail with a pinna::Error. Anything else (a crash, a sanitizer report, another exception,
// a hang, an allocation beyond the fuzzer's limit) is a finding.
#include <cstddef>
#include <cstdint>

#include "pinna/error.hpp"
#include "pinna/sofa.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    pinna::SofaReadOptions options;
    options.max_file_bytes = 8u << 20;
    try {
        const pinna::HrirSet set = pinna::read_sofa_memory(data, size, "fuzz.sofa", options);
        set.validate();
    } catch (const pinna::Error&) {
    }
    return 0;
}
