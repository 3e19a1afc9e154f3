// Fuzzes the anthropometry CSV/JSON parser: parse, then select every feature of every row.
#include <cstddef>
#include <cstdint>
#include <string>

#include "pinna/anthropometry.hpp"
#include "pinna/error.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string text(reinterpret_cast<const char*>(data), size);
    try {
        const pinna::AnthropometryTable t = pinna::parse_anthropometry(text, "fuzz.csv");
        for (std::size_t r = 0; r < t.rows.size(); ++r) {
            try {
                pinna::select_features(t, r, t.features);
            } catch (const pinna::InvalidDataError&) {
            }
        }
    } catch (const pinna::Error&) {
    }
    return 0;
}
