// A thread's few most recently made objects of one kind: for objects whose construction
// plans FFTs or designs filters (far more work than one use), kept from call to call.
#pragma once

#include <cstddef>
#include <memory>
#include <vector>

namespace pinna::detail {

/// This thread's object for which `matches(object)` is true, or a new one from `make()` (a
/// std::unique_ptr<T>), the oldest dropped beyond `Capacity`. Each instantiation (each
/// function calling this with its own lambdas) has its own cache. The reference is good
/// until this thread has asked that function for `Capacity` other objects.
template <typename T, std::size_t Capacity = 4, typename Matches, typename Make>
T& thread_cached(const Matches& matches, const Make& make) {
    thread_local std::vector<std::unique_ptr<T>> cache;
    for (const std::unique_ptr<T>& object : cache)
        if (matches(*object))
            return *object;
    if (cache.size() >= Capacity)
        cache.erase(cache.begin());
    cache.push_back(make());
    return *cache.back();
}

}  // namespace pinna::detail
