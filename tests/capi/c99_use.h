/* Entry point of tests/capi/c99_use.c for the C++ test. */
#ifndef PINNA_TESTS_C99_USE_H
#define PINNA_TESTS_C99_USE_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Loads a SOFA file, builds an engine and queries a source on the left, all from C99.
 * Returns 1 when the left ear is earlier and louder; writes what it saw to `report`. */
int pinna_c99_query_job(const char* sofa_path, char* report, size_t report_size);

#ifdef __cplusplus
}
#endif

#endif
