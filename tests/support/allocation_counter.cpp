#include "support/allocation_counter.hpp"

#include <atomic>
#include <cstdlib>
#include <new>

namespace {
std::atomic<bool> g_counting{false};
std::atomic<long> g_allocations{0};

void count() noexcept {
    if (g_counting.load(std::memory_order_relaxed))
        g_allocations.fetch_add(1, std::memory_order_relaxed);
}
void* counted_alloc(std::size_t size) noexcept {
    count();
    return std::malloc(size ? size : 1);
}
// Out of line, so that GCC does not pair a free() it sees inlined with the operator new
// it sees in the caller (-Wmismatched-new-delete): every form here comes from malloc or
// aligned_alloc, which free() releases.
__attribute__((noinline)) void release(void* p) noexcept {
    std::free(p);
}
void* counted_aligned_alloc(std::size_t size, std::align_val_t alignment) noexcept {
    count();
    const std::size_t a = static_cast<std::size_t>(alignment);
    const std::size_t rounded = (size + a - 1) / a * a;  // aligned_alloc wants a multiple
    return std::aligned_alloc(a, rounded ? rounded : a);
}
}  // namespace

void* operator new(std::size_t size) {
    if (void* p = counted_alloc(size))
        return p;
    throw std::bad_alloc();
}
void* operator new[](std::size_t size) {
    if (void* p = counted_alloc(size))
        return p;
    throw std::bad_alloc();
}
void* operator new(std::size_t size, const std::nothrow_t&) noexcept {
    return counted_alloc(size);
}
void* operator new[](std::size_t size, const std::nothrow_t&) noexcept {
    return counted_alloc(size);
}
void* operator new(std::size_t size, std::align_val_t a) {
    if (void* p = counted_aligned_alloc(size, a))
        return p;
    throw std::bad_alloc();
}
void* operator new[](std::size_t size, std::align_val_t a) {
    if (void* p = counted_aligned_alloc(size, a))
        return p;
    throw std::bad_alloc();
}
void* operator new(std::size_t size, std::align_val_t a, const std::nothrow_t&) noexcept {
    return counted_aligned_alloc(size, a);
}
void* operator new[](std::size_t size, std::align_val_t a, const std::nothrow_t&) noexcept {
    return counted_aligned_alloc(size, a);
}
void operator delete(void* p) noexcept {
    release(p);
}
void operator delete[](void* p) noexcept {
    release(p);
}
void operator delete(void* p, std::size_t) noexcept {
    release(p);
}
void operator delete[](void* p, std::size_t) noexcept {
    release(p);
}
void operator delete(void* p, const std::nothrow_t&) noexcept {
    release(p);
}
void operator delete[](void* p, const std::nothrow_t&) noexcept {
    release(p);
}
void operator delete(void* p, std::align_val_t) noexcept {
    release(p);
}
void operator delete[](void* p, std::align_val_t) noexcept {
    release(p);
}
void operator delete(void* p, std::size_t, std::align_val_t) noexcept {
    release(p);
}
void operator delete[](void* p, std::size_t, std::align_val_t) noexcept {
    release(p);
}
void operator delete(void* p, std::align_val_t, const std::nothrow_t&) noexcept {
    release(p);
}
void operator delete[](void* p, std::align_val_t, const std::nothrow_t&) noexcept {
    release(p);
}

namespace pinna::test::allocations {
void start() noexcept {
    g_allocations = 0;
    g_counting = true;
}
void pause() noexcept {
    g_counting = false;
}
void resume() noexcept {
    g_counting = true;
}
long stop() noexcept {
    g_counting = false;
    return g_allocations.load();
}
}  // namespace pinna::test::allocations
