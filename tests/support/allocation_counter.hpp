// Counts the heap allocations a test binary makes while counting is on: linked into the
// tests of the real-time contracts (query engine, renderer). It replaces every form of
// new/delete, the aligned ones included, with one counting pair, so that the forms stay
// matched (sanitizers check that memory from one form goes back through its twin).
#pragma once

namespace pinna::test::allocations {
void start() noexcept;   ///< reset the count and start counting
void pause() noexcept;   ///< stop counting, keep the count
void resume() noexcept;  ///< count again
long stop() noexcept;    ///< stop counting; the allocations counted since start()
}  // namespace pinna::test::allocations
