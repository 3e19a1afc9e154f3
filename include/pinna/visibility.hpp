// Which symbols libpinna exports: it is built with hidden symbols, and every public header
// wraps its declarations in PINNA_API_BEGIN ... PINNA_API_END, which exports exactly those
// (and whatever is defined for them in the library's sources).
#pragma once

#if defined(_WIN32)
#define PINNA_API_BEGIN
#define PINNA_API_END
#else
#define PINNA_API_BEGIN _Pragma("GCC visibility push(default)")
#define PINNA_API_END _Pragma("GCC visibility pop")
#endif
