/* pinna's C API: HRTF sets, real-time HRIR queries and binaural rendering for engines
 * written in C, Rust, C# (P/Invoke) or anything else that binds C.
 *
 * C99. Opaque handles, created and freed in pairs (pinna_*_free accepts NULL). Every call
 * that can fail returns a pinna_status; on failure pinna_last_error() gives the message,
 * the same text as the C++ exception (it names the file, variable or value), valid until
 * the calling thread's next failing pinna call. No C++ exception crosses this boundary.
 *
 * Real-time calls (pinna_engine_query*, pinna_renderer_set_* and pinna_renderer_process)
 * allocate nothing and take no lock; queries on one engine are safe from many threads at
 * once. A renderer is driven by one audio thread, with one control thread at a time for
 * pinna_renderer_set_hrtf.
 *
 * Conventions, as in the C++ API: directions in the SOFA frame (x front, y left, z up;
 * azimuth counter-clockwise from the front, elevation up, in degrees), delays in samples at
 * the engine's sample rate, IRs as float arrays of pinna_engine_taps() samples.
 *
 * Link with `pkg-config --cflags --libs pinna`, or CMake's pinna::pinna. */
#ifndef PINNA_PINNA_H
#define PINNA_PINNA_H

#include <stddef.h>
#include <stdint.h>

#if defined(_WIN32)
#define PINNA_C_API
#else
#define PINNA_C_API __attribute__((visibility("default")))
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* The version of this C API's binary interface: changes whenever a struct layout or a
 * function signature changes. Compare it with pinna_abi_version() at run time. */
#define PINNA_ABI_VERSION 1

typedef enum pinna_status {
    PINNA_OK = 0,
    PINNA_ERROR_IO = 1,                     /* missing file, permission, full disk */
    PINNA_ERROR_MALFORMED_FILE = 2,         /* not a valid SOFA/HDF5 file */
    PINNA_ERROR_UNSUPPORTED_CONVENTION = 3, /* a valid SOFA file that is not an HRIR set */
    PINNA_ERROR_INVALID_DATA = 4,           /* NaN, zero rate, wrong sizes */
    PINNA_ERROR_INVALID_ARGUMENT = 5,       /* a bad option, a null pointer, a bad size */
    PINNA_ERROR_MODEL = 6,                  /* (neural models; not used by this header) */
    PINNA_ERROR_OUT_OF_MEMORY = 7,
    PINNA_ERROR_INTERNAL = 8
} pinna_status;

/* "0.2.0" */
PINNA_C_API const char* pinna_version(void);
/* PINNA_ABI_VERSION of the library actually loaded. */
PINNA_C_API int pinna_abi_version(void);
/* The message of this thread's last failure ("" when none). */
PINNA_C_API const char* pinna_last_error(void);
/* A short name for a status, e.g. "malformed file". */
PINNA_C_API const char* pinna_status_name(pinna_status status);

/* ---------------------------------------------------------------------------------------
 * HRTF sets (any SOFA file pinna reads as HRIRs; parsed in an isolated process, so a
 * corrupt file or buffer cannot crash the caller). */

typedef struct pinna_hrtf pinna_hrtf;

PINNA_C_API pinna_status pinna_hrtf_load(const char* path, pinna_hrtf** out);
/* A SOFA file image in memory (e.g. bundled with an application). `name` is used in
 * messages and may be NULL. The bytes are copied; the caller keeps them. */
PINNA_C_API pinna_status pinna_hrtf_load_memory(const void* bytes, size_t size, const char* name,
                                                pinna_hrtf** out);
PINNA_C_API void pinna_hrtf_free(pinna_hrtf* hrtf);

typedef struct pinna_hrtf_info {
    size_t measurements;   /* directions M */
    size_t taps;           /* IR length N */
    double sample_rate_hz; /* of the IRs */
} pinna_hrtf_info;

PINNA_C_API pinna_status pinna_hrtf_get_info(const pinna_hrtf* hrtf, pinna_hrtf_info* out);
/* Direction of measurement m < measurements, in degrees and metres. */
PINNA_C_API pinna_status pinna_hrtf_get_direction(const pinna_hrtf* hrtf, size_t m,
                                                  double* azimuth_deg, double* elevation_deg,
                                                  double* distance_m);

/* ---------------------------------------------------------------------------------------
 * Query engine: HRIRs for any direction, in real time. */

typedef struct pinna_engine pinna_engine;

typedef enum pinna_interpolation {
    PINNA_INTERPOLATION_NEAREST = 0,
    PINNA_INTERPOLATION_BARYCENTRIC = 1
} pinna_interpolation;

typedef struct pinna_engine_options {
    pinna_interpolation interpolation; /* default barycentric */
    double sample_rate_hz;             /* output rate; 0 keeps the set's (default) */
    size_t taps;                       /* output IR length; 0 keeps the set's (default) */
    unsigned build_threads;            /* threads for the build; 0: every core (default 1) */
} pinna_engine_options;

/* Fills `options` with the defaults. */
PINNA_C_API void pinna_engine_options_init(pinna_engine_options* options);
/* Builds an engine (the set is copied; it may be freed afterwards). `options` may be NULL
 * for the defaults. Takes time (minimum-phase split of every IR): not for an audio thread. */
PINNA_C_API pinna_status pinna_engine_create(const pinna_hrtf* hrtf,
                                             const pinna_engine_options* options,
                                             pinna_engine** out);
PINNA_C_API void pinna_engine_free(pinna_engine* engine);
PINNA_C_API size_t pinna_engine_taps(const pinna_engine* engine);
PINNA_C_API double pinna_engine_sample_rate_hz(const pinna_engine* engine);

/* The minimum-phase IRs (taps floats each, caller-owned) and each ear's delay (samples) for
 * the direction of the vector (x, y, z) (any non-zero length; zero or non-finite is the
 * front). Real-time safe. Delay pointers may be NULL. */
PINNA_C_API pinna_status pinna_engine_query(const pinna_engine* engine, double x, double y,
                                            double z, float* left, float* right,
                                            float* left_delay_samples, float* right_delay_samples);
/* The same for azimuth and elevation in degrees. */
PINNA_C_API pinna_status pinna_engine_query_direction(const pinna_engine* engine,
                                                      double azimuth_deg, double elevation_deg,
                                                      float* left, float* right,
                                                      float* left_delay_samples,
                                                      float* right_delay_samples);

/* ---------------------------------------------------------------------------------------
 * Binaural renderer: mono sources at moving directions to two ear signals, block by block,
 * click-free (docs/renderer.md). */

typedef struct pinna_renderer pinna_renderer;

typedef struct pinna_renderer_options {
    size_t block_size;        /* 16 .. 4096 samples per block (default 256) */
    size_t max_sources;       /* 1 .. 65536 (default 16) */
    size_t max_taps;          /* longest HRIR of any later HRTF; 0: the engine's (default) */
    double max_delay_samples; /* longest ear delay; 0: the engine's largest + 10 ms */
} pinna_renderer_options;

PINNA_C_API void pinna_renderer_options_init(pinna_renderer_options* options);
/* A renderer at the engine's sample rate. The renderer shares the engine: they may be freed
 * in either order. `options` may be NULL for the defaults. */
PINNA_C_API pinna_status pinna_renderer_create(const pinna_engine* engine,
                                               const pinna_renderer_options* options,
                                               pinna_renderer** out);
PINNA_C_API void pinna_renderer_free(pinna_renderer* renderer);
PINNA_C_API size_t pinna_renderer_block_size(const pinna_renderer* renderer);

/* Audio thread; real-time safe. A source index >= max_sources is refused. */
PINNA_C_API pinna_status pinna_renderer_set_direction(pinna_renderer* renderer, size_t source,
                                                      double azimuth_deg, double elevation_deg);
PINNA_C_API pinna_status pinna_renderer_set_world_direction(pinna_renderer* renderer, size_t source,
                                                            double azimuth_deg,
                                                            double elevation_deg);
PINNA_C_API pinna_status pinna_renderer_set_head_orientation(pinna_renderer* renderer,
                                                             double yaw_deg, double pitch_deg,
                                                             double roll_deg);
PINNA_C_API pinna_status pinna_renderer_set_head_quaternion(pinna_renderer* renderer, double w,
                                                            double x, double y, double z);
PINNA_C_API pinna_status pinna_renderer_set_gain(pinna_renderer* renderer, size_t source,
                                                 float gain);
/* `inputs`: max_sources pointers (NULL entries are silent sources) to `frames` samples;
 * `left` and `right` receive `frames` samples. */
PINNA_C_API pinna_status pinna_renderer_process(pinna_renderer* renderer,
                                                const float* const* inputs, float* left,
                                                float* right, size_t frames);

/* Control thread: hands over another engine's HRTF (same sample rate), crossfaded in at a
 * later block; never blocks the audio thread. */
PINNA_C_API pinna_status pinna_renderer_set_hrtf(pinna_renderer* renderer,
                                                 const pinna_engine* engine);

#ifdef __cplusplus
}
#endif

#endif /* PINNA_PINNA_H */
