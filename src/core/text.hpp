// Text encodings met in SOFA files: UTF-8, and Latin-1 from older writers.
#pragma once

#include <cstddef>
#include <string>

namespace pinna::detail {

/// Length (1..4) of the valid UTF-8 sequence starting at s[i], or 0.
std::size_t utf8_sequence_length(const std::string& s, std::size_t i) noexcept;

/// True when the whole of `s` is valid UTF-8.
bool is_valid_utf8(const std::string& s) noexcept;

/// `text` as UTF-8: valid UTF-8 sequences pass unchanged, any other byte is taken as
/// Latin-1 (what older SOFA writers stored, e.g. 0xF6 for o with umlaut) and converted.
std::string to_utf8(const std::string& text);

}  // namespace pinna::detail
