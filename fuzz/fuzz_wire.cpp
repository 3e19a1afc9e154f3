// Fuzzes the decoders of the messages between pinna and its isolated SOFA process: any
// bytes must decode or throw a pinna::Error, never crash, hang or allocate without bound.
#include <cstddef>
#include <cstdint>
#include <string>

#include "pinna/error.hpp"
#include "sofa/wire.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace pinna::detail;
    const std::string bytes(reinterpret_cast<const char*>(data), size);
    IsolationLimits limits;
    limits.max_measurements = 4096;
    limits.max_taps = 4096;
    try {
        decode_set_result(bytes, "fuzz", limits);
    } catch (const pinna::Error&) {
    }
    try {
        decode_summary_result(bytes, "fuzz");
    } catch (const pinna::Error&) {
    }
    try {
        decode_request(bytes);
    } catch (const pinna::Error&) {
    }
    try {
        decode_done_result(bytes, "fuzz");
    } catch (const pinna::Error&) {
    }
    return 0;
}
