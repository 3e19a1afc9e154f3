// Two signals through one biquad cascade in lock step (pinna::filter_sections for a pair):
// each result is bitwise what filter_sections gives for that signal alone, in about the
// time of one, as the two recursions overlap in the CPU.
#pragma once

#include <cstddef>
#include <vector>

#include "pinna/time_domain.hpp"

namespace pinna::detail {

/// filter_sections(sections, in0, out0, n) and filter_sections(sections, in1, out1, n).
/// Each input may equal its output.
void filter_sections_pair(const std::vector<Biquad>& sections, const double* in0, double* out0,
                          const double* in1, double* out1, std::size_t n) noexcept;

/// The same for four signals (in[l] -> out[l]; each input may equal its output).
void filter_sections_quad(const std::vector<Biquad>& sections, const double* const in[4],
                          double* const out[4], std::size_t n) noexcept;

}  // namespace pinna::detail
