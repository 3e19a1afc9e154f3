/* The C API used from C99 (compiled with -std=c99 -pedantic -Werror by tests/CMakeLists.txt):
 * the header must be valid C, and a C program's whole job must work through it. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "c99_use.h"
#include "pinna/pinna.h"

int pinna_c99_query_job(const char* sofa_path, char* report, size_t report_size) {
    pinna_hrtf* hrtf = NULL;
    pinna_engine* engine = NULL;
    pinna_engine_options options;
    pinna_hrtf_info info;
    float* left = NULL;
    float* right = NULL;
    float delays[2] = {0.0f, 0.0f};
    double energy = 0.0;
    size_t taps, t;
    int ok = 0;

    if (pinna_abi_version() != PINNA_ABI_VERSION)
        return 0;
    if (pinna_hrtf_load(sofa_path, &hrtf) != PINNA_OK)
        goto done;
    if (pinna_hrtf_get_info(hrtf, &info) != PINNA_OK)
        goto done;
    pinna_engine_options_init(&options);
    options.interpolation = PINNA_INTERPOLATION_BARYCENTRIC;
    if (pinna_engine_create(hrtf, &options, &engine) != PINNA_OK)
        goto done;
    taps = pinna_engine_taps(engine);
    left = (float*)calloc(taps, sizeof(float));
    right = (float*)calloc(taps, sizeof(float));
    if (left == NULL || right == NULL)
        goto done;
    /* A source on the left: the left ear hears it first and louder. */
    if (pinna_engine_query_direction(engine, 90.0, 0.0, left, right, &delays[0], &delays[1]) !=
        PINNA_OK)
        goto done;
    for (t = 0; t < taps; ++t)
        energy += (double)left[t] * left[t] - (double)right[t] * right[t];
    snprintf(report, report_size, "M=%lu taps=%lu fs=%.0f delays=%.3f,%.3f louder=%s",
             (unsigned long)info.measurements, (unsigned long)taps, info.sample_rate_hz, delays[0],
             delays[1], energy > 0.0 ? "left" : "right");
    ok = delays[0] < delays[1] && energy > 0.0;
done:
    free(left);
    free(right);
    pinna_engine_free(engine);
    pinna_hrtf_free(hrtf);
    return ok;
}
