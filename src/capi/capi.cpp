// The C API (include/pinna/pinna.h) over the C++ one. Every entry point catches every
// exception and turns it into a status plus a thread-local message; the real-time entry
// points check their arguments and call noexcept C++ functions, so they allocate nothing
// even when they fail (the message goes into a fixed thread-local buffer).
#include "pinna/pinna.h"

#include <cmath>
#include <cstdio>
#include <cstring>
#include <exception>
#include <memory>
#include <new>
#include <string>
#include <utility>

#include "pinna/error.hpp"
#include "pinna/hrir_set.hpp"
#include "pinna/query.hpp"
#include "pinna/render.hpp"
#include "pinna/sofa.hpp"

#ifndef PINNA_VERSION
#define PINNA_VERSION "unknown"
#endif

struct pinna_hrtf {
    pinna::HrirSet set;
};

struct pinna_engine {
    std::shared_ptr<const pinna::QueryEngine> engine;
};

struct pinna_renderer {
    std::unique_ptr<pinna::BinauralRenderer> renderer;
};

namespace {

// Fixed storage: setting a message never allocates (real-time calls may fail too).
thread_local char g_last_error[1024] = "";

pinna_status fail(pinna_status status, const char* message) noexcept {
    std::strncpy(g_last_error, message, sizeof g_last_error - 1);
    g_last_error[sizeof g_last_error - 1] = '\0';
    return status;
}

pinna_status status_of(pinna::ErrorKind kind) noexcept {
    switch (kind) {
        case pinna::ErrorKind::io:
            return PINNA_ERROR_IO;
        case pinna::ErrorKind::malformed_file:
            return PINNA_ERROR_MALFORMED_FILE;
        case pinna::ErrorKind::unsupported_convention:
            return PINNA_ERROR_UNSUPPORTED_CONVENTION;
        case pinna::ErrorKind::invalid_data:
            return PINNA_ERROR_INVALID_DATA;
        case pinna::ErrorKind::invalid_argument:
            return PINNA_ERROR_INVALID_ARGUMENT;
        case pinna::ErrorKind::model:
            return PINNA_ERROR_MODEL;
    }
    return PINNA_ERROR_INTERNAL;
}

// Runs `body` (which returns nothing or throws) and maps what it throws.
template <typename Body>
pinna_status guarded(Body&& body) noexcept {
    try {
        body();
        return PINNA_OK;
    } catch (const pinna::Error& e) {
        return fail(status_of(e.kind()), e.what());
    } catch (const std::bad_alloc&) {
        return fail(PINNA_ERROR_OUT_OF_MEMORY, "out of memory");
    } catch (const std::exception& e) {
        return fail(PINNA_ERROR_INTERNAL, e.what());
    } catch (...) {
        return fail(PINNA_ERROR_INTERNAL, "unknown error");
    }
}

pinna_status null_argument(const char* function, const char* argument) noexcept {
    char message[256];
    std::snprintf(message, sizeof message, "%s: %s is NULL", function, argument);
    return fail(PINNA_ERROR_INVALID_ARGUMENT, message);
}

#define PINNA_REQUIRE(pointer) \
    if ((pointer) == nullptr)  \
    return null_argument(__func__, #pointer)

// A C caller may store any int in an enum member; in C++, loading a value outside the
// enum's range is undefined, so the member is read as the int it is.
static_assert(sizeof(pinna_interpolation) == sizeof(int), "C enums are int-sized");
pinna::InterpolationMethod method_of(const pinna_interpolation& member) {
    int i = 0;
    std::memcpy(&i, &member, sizeof i);
    if (i == PINNA_INTERPOLATION_NEAREST)
        return pinna::InterpolationMethod::nearest;
    if (i == PINNA_INTERPOLATION_BARYCENTRIC)
        return pinna::InterpolationMethod::barycentric;
    throw pinna::InvalidArgumentError("pinna_engine_create: interpolation " + std::to_string(i) +
                                      " is not PINNA_INTERPOLATION_NEAREST or _BARYCENTRIC");
}

pinna_status check_source(const pinna_renderer* r, std::size_t source, const char* function) {
    if (source >= r->renderer->max_sources()) {
        char message[256];
        std::snprintf(message, sizeof message, "%s: source %zu is not below max_sources %zu",
                      function, source, r->renderer->max_sources());
        return fail(PINNA_ERROR_INVALID_ARGUMENT, message);
    }
    return PINNA_OK;
}

}  // namespace

extern "C" {

const char* pinna_version(void) {
    return PINNA_VERSION;
}

int pinna_abi_version(void) {
    return PINNA_ABI_VERSION;
}

const char* pinna_last_error(void) {
    return g_last_error;
}

const char* pinna_status_name(pinna_status status) {
    switch (status) {
        case PINNA_OK:
            return "ok";
        case PINNA_ERROR_IO:
        case PINNA_ERROR_MALFORMED_FILE:
        case PINNA_ERROR_UNSUPPORTED_CONVENTION:
        case PINNA_ERROR_INVALID_DATA:
        case PINNA_ERROR_INVALID_ARGUMENT:
        case PINNA_ERROR_MODEL:
            return pinna::to_string(static_cast<pinna::ErrorKind>(status - 1));
        case PINNA_ERROR_OUT_OF_MEMORY:
            return "out of memory";
        case PINNA_ERROR_INTERNAL:
            return "internal error";
    }
    return "unknown status";
}

pinna_status pinna_hrtf_load(const char* path, pinna_hrtf** out) {
    PINNA_REQUIRE(out);
    *out = nullptr;
    PINNA_REQUIRE(path);
    return guarded([&] { *out = new pinna_hrtf{pinna::read_sofa(path)}; });
}

pinna_status pinna_hrtf_load_memory(const void* bytes, size_t size, const char* name,
                                    pinna_hrtf** out) {
    PINNA_REQUIRE(out);
    *out = nullptr;
    PINNA_REQUIRE(bytes);
    return guarded([&] {
        *out = new pinna_hrtf{
            pinna::read_sofa_memory(bytes, size, name != nullptr ? name : "SOFA image")};
    });
}

void pinna_hrtf_free(pinna_hrtf* hrtf) {
    delete hrtf;
}

pinna_status pinna_hrtf_get_info(const pinna_hrtf* hrtf, pinna_hrtf_info* out) {
    PINNA_REQUIRE(hrtf);
    PINNA_REQUIRE(out);
    out->measurements = hrtf->set.measurements();
    out->taps = hrtf->set.taps();
    out->sample_rate_hz = hrtf->set.sample_rate_hz();
    return PINNA_OK;
}

pinna_status pinna_hrtf_get_direction(const pinna_hrtf* hrtf, size_t m, double* azimuth_deg,
                                      double* elevation_deg, double* distance_m) {
    PINNA_REQUIRE(hrtf);
    if (m >= hrtf->set.measurements()) {
        char message[256];
        std::snprintf(message, sizeof message,
                      "pinna_hrtf_get_direction: measurement %zu is not below %zu", m,
                      hrtf->set.measurements());
        return fail(PINNA_ERROR_INVALID_ARGUMENT, message);
    }
    const pinna::Direction& d = hrtf->set.direction(m);
    if (azimuth_deg)
        *azimuth_deg = d.azimuth_deg;
    if (elevation_deg)
        *elevation_deg = d.elevation_deg;
    if (distance_m)
        *distance_m = d.distance_m;
    return PINNA_OK;
}

void pinna_engine_options_init(pinna_engine_options* options) {
    if (options == nullptr)
        return;
    const pinna::QueryEngineOptions defaults;
    options->interpolation = PINNA_INTERPOLATION_BARYCENTRIC;
    options->sample_rate_hz = defaults.sample_rate_hz;
    options->taps = defaults.taps;
    options->build_threads = defaults.build_threads;
}

pinna_status pinna_engine_create(const pinna_hrtf* hrtf, const pinna_engine_options* options,
                                 pinna_engine** out) {
    PINNA_REQUIRE(out);
    *out = nullptr;
    PINNA_REQUIRE(hrtf);
    return guarded([&] {
        pinna_engine_options o;
        pinna_engine_options_init(&o);
        if (options != nullptr)
            o = *options;
        pinna::QueryEngineOptions cpp;
        cpp.interpolation = method_of(o.interpolation);
        cpp.sample_rate_hz = o.sample_rate_hz;
        cpp.taps = o.taps;
        cpp.build_threads = o.build_threads;
        *out = new pinna_engine{std::make_shared<const pinna::QueryEngine>(hrtf->set, cpp)};
    });
}

void pinna_engine_free(pinna_engine* engine) {
    delete engine;
}

size_t pinna_engine_taps(const pinna_engine* engine) {
    return engine != nullptr ? engine->engine->taps() : 0;
}

double pinna_engine_sample_rate_hz(const pinna_engine* engine) {
    return engine != nullptr ? engine->engine->sample_rate_hz() : 0.0;
}

pinna_status pinna_engine_query(const pinna_engine* engine, double x, double y, double z,
                                float* left, float* right, float* left_delay_samples,
                                float* right_delay_samples) {
    PINNA_REQUIRE(engine);
    PINNA_REQUIRE(left);
    PINNA_REQUIRE(right);
    pinna::EarDelays delays;
    engine->engine->query(pinna::Vec3{x, y, z}, left, right, delays);
    if (left_delay_samples)
        *left_delay_samples = delays.left_samples;
    if (right_delay_samples)
        *right_delay_samples = delays.right_samples;
    return PINNA_OK;
}

pinna_status pinna_engine_query_direction(const pinna_engine* engine, double azimuth_deg,
                                          double elevation_deg, float* left, float* right,
                                          float* left_delay_samples, float* right_delay_samples) {
    const pinna::Vec3 u = pinna::unit_vector(pinna::Direction{azimuth_deg, elevation_deg, 1.0});
    return pinna_engine_query(engine, u.x, u.y, u.z, left, right, left_delay_samples,
                              right_delay_samples);
}

void pinna_renderer_options_init(pinna_renderer_options* options) {
    if (options == nullptr)
        return;
    const pinna::RendererOptions defaults;
    options->block_size = defaults.block_size;
    options->max_sources = defaults.max_sources;
    options->max_taps = defaults.max_taps;
    options->max_delay_samples = defaults.max_delay_samples;
}

pinna_status pinna_renderer_create(const pinna_engine* engine,
                                   const pinna_renderer_options* options, pinna_renderer** out) {
    PINNA_REQUIRE(out);
    *out = nullptr;
    PINNA_REQUIRE(engine);
    return guarded([&] {
        pinna_renderer_options o;
        pinna_renderer_options_init(&o);
        if (options != nullptr)
            o = *options;
        pinna::RendererOptions cpp;
        cpp.block_size = o.block_size;
        cpp.max_sources = o.max_sources;
        cpp.max_taps = o.max_taps;
        cpp.max_delay_samples = o.max_delay_samples;
        *out = new pinna_renderer{std::make_unique<pinna::BinauralRenderer>(engine->engine, cpp)};
    });
}

void pinna_renderer_free(pinna_renderer* renderer) {
    delete renderer;
}

size_t pinna_renderer_block_size(const pinna_renderer* renderer) {
    return renderer != nullptr ? renderer->renderer->block_size() : 0;
}

pinna_status pinna_renderer_set_direction(pinna_renderer* renderer, size_t source,
                                          double azimuth_deg, double elevation_deg) {
    PINNA_REQUIRE(renderer);
    if (const pinna_status s = check_source(renderer, source, __func__))
        return s;
    renderer->renderer->set_direction(source, pinna::Direction{azimuth_deg, elevation_deg, 1.0});
    return PINNA_OK;
}

pinna_status pinna_renderer_set_world_direction(pinna_renderer* renderer, size_t source,
                                                double azimuth_deg, double elevation_deg) {
    PINNA_REQUIRE(renderer);
    if (const pinna_status s = check_source(renderer, source, __func__))
        return s;
    renderer->renderer->set_world_direction(source,
                                            pinna::Direction{azimuth_deg, elevation_deg, 1.0});
    return PINNA_OK;
}

pinna_status pinna_renderer_set_head_orientation(pinna_renderer* renderer, double yaw_deg,
                                                 double pitch_deg, double roll_deg) {
    PINNA_REQUIRE(renderer);
    renderer->renderer->set_head_orientation(pinna::HeadOrientation{yaw_deg, pitch_deg, roll_deg});
    return PINNA_OK;
}

pinna_status pinna_renderer_set_head_quaternion(pinna_renderer* renderer, double w, double x,
                                                double y, double z) {
    PINNA_REQUIRE(renderer);
    renderer->renderer->set_head_orientation(pinna::Quaternion{w, x, y, z});
    return PINNA_OK;
}

pinna_status pinna_renderer_set_gain(pinna_renderer* renderer, size_t source, float gain) {
    PINNA_REQUIRE(renderer);
    if (const pinna_status s = check_source(renderer, source, __func__))
        return s;
    renderer->renderer->set_gain(source, gain);
    return PINNA_OK;
}

pinna_status pinna_renderer_process(pinna_renderer* renderer, const float* const* inputs,
                                    float* left, float* right, size_t frames) {
    PINNA_REQUIRE(renderer);
    PINNA_REQUIRE(left);
    PINNA_REQUIRE(right);
    renderer->renderer->process(inputs, left, right, frames);
    return PINNA_OK;
}

pinna_status pinna_renderer_set_hrtf(pinna_renderer* renderer, const pinna_engine* engine) {
    PINNA_REQUIRE(renderer);
    PINNA_REQUIRE(engine);
    return guarded([&] { renderer->renderer->set_hrtf(engine->engine); });
}

}  // extern "C"
