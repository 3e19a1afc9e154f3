/* query_moving_source FILE.sofa, in C99 through pinna's C API:
 *   gcc -std=c99 app.c $(pkg-config --cflags --libs pinna) -o query_moving_source
 * Loads an HRTF set, builds a query engine, then queries a source circling the listener
 * and prints the delays each ear's delay line needs. */
#include <pinna/pinna.h>

#include <stdio.h>
#include <stdlib.h>

static int fail(const char* what, pinna_status status) {
    fprintf(stderr, "query_moving_source: %s: %s (%s)\n", what, pinna_last_error(),
            pinna_status_name(status));
    return 1;
}

int main(int argc, char** argv) {
    pinna_hrtf* hrtf = NULL;
    pinna_engine* engine = NULL;
    pinna_engine_options options;
    pinna_status status;
    float *left, *right;
    int block, rc = 0;

    if (argc != 2) {
        fprintf(stderr, "usage: query_moving_source FILE.sofa\n");
        return 2;
    }
    if (pinna_abi_version() != PINNA_ABI_VERSION) {
        fprintf(stderr, "query_moving_source: libpinna ABI %d, built for %d\n", pinna_abi_version(),
                PINNA_ABI_VERSION);
        return 1;
    }
    status = pinna_hrtf_load(argv[1], &hrtf);
    if (status != PINNA_OK)
        return fail("load", status);
    pinna_engine_options_init(&options);
    options.sample_rate_hz = 48000.0;
    status = pinna_engine_create(hrtf, &options, &engine);
    pinna_hrtf_free(hrtf);
    if (status != PINNA_OK)
        return fail("engine", status);
    printf("pinna %s: %lu taps at %.0f Hz\n", pinna_version(),
           (unsigned long)pinna_engine_taps(engine), pinna_engine_sample_rate_hz(engine));

    left = (float*)malloc(pinna_engine_taps(engine) * sizeof(float));
    right = (float*)malloc(pinna_engine_taps(engine) * sizeof(float));
    for (block = 0; block <= 8 && left && right; ++block) {
        float delay_left, delay_right;
        const double azimuth = 45.0 * block;
        status = pinna_engine_query_direction(engine, azimuth, 0.0, left, right, &delay_left,
                                              &delay_right);
        if (status != PINNA_OK) {
            rc = fail("query", status);
            break;
        }
        printf("azimuth %5.1f deg: delay left %6.2f, right %6.2f samples\n", azimuth, delay_left,
               delay_right);
    }
    free(left);
    free(right);
    pinna_engine_free(engine);
    return rc;
}
