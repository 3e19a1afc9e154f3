// The sample loops of a QueryEngine query (defined in query_engine.cpp), also used by the
// query benchmark's memory-traffic floor so that both run the same code.
#pragma once

#include <cstddef>

namespace pinna::detail {

/// y = wa * a + wb * b + wc * c over n samples (no overlap between y and the inputs).
void mix3(float* y, const float* a, const float* b, const float* c, float wa, float wb, float wc,
          std::size_t n) noexcept;

/// y = wa * a over n samples.
void scale(float* y, const float* a, float wa, std::size_t n) noexcept;

}  // namespace pinna::detail
