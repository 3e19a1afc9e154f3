// The C API: same answers as the C++ API, and every entry point answers bad input (null
// pointers, bad sizes, corrupt data) with a status and a message, never an exception.
#include <catch2/catch.hpp>

#include <cstring>
#include <fstream>
#include <iterator>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "capi/c99_use.h"
#include "pinna/pinna.h"
#include "pinna/query.hpp"
#include "pinna/render.hpp"
#include "pinna/sofa.hpp"
#include "support/test_support.hpp"

namespace {

// A small SOFA file written by pinna (in a folder that lives as long as the test binary).
const std::string& fixture_path() {
    static const pinna::test::TempDir dir;
    static const std::string path = [] {
        const std::string p = dir.file("set.sofa");
        pinna::write_sofa(pinna::test::synthetic_set(100, 64, 48000.0), p);
        return p;
    }();
    return path;
}

std::string slurp(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

bool mentions(const char* text) {
    return std::strstr(pinna_last_error(), text) != nullptr;
}

struct Handles {
    pinna_hrtf* hrtf = nullptr;
    pinna_engine* engine = nullptr;
    pinna_renderer* renderer = nullptr;
    ~Handles() {
        pinna_renderer_free(renderer);
        pinna_engine_free(engine);
        pinna_hrtf_free(hrtf);
    }
};

}  // namespace

TEST_CASE("C API: version and ABI", "[capi]") {
    CHECK(pinna_abi_version() == PINNA_ABI_VERSION);
    CHECK(std::string(pinna_version()).find('.') != std::string::npos);
    CHECK(std::string(pinna_status_name(PINNA_ERROR_MALFORMED_FILE)) == "malformed file");
    CHECK(std::string(pinna_status_name(PINNA_OK)) == "ok");
    CHECK(std::string(pinna_status_name(static_cast<pinna_status>(99))) == "unknown status");
}

TEST_CASE("C API: a set from a file and from memory, as the C++ reader sees it", "[capi]") {
    const pinna::HrirSet cpp = pinna::read_sofa(fixture_path());
    Handles h;
    REQUIRE(pinna_hrtf_load(fixture_path().c_str(), &h.hrtf) == PINNA_OK);
    pinna_hrtf_info info{};
    REQUIRE(pinna_hrtf_get_info(h.hrtf, &info) == PINNA_OK);
    CHECK(info.measurements == cpp.measurements());
    CHECK(info.taps == cpp.taps());
    CHECK(info.sample_rate_hz == cpp.sample_rate_hz());
    double az = 0, el = 0, r = 0;
    REQUIRE(pinna_hrtf_get_direction(h.hrtf, 7, &az, &el, &r) == PINNA_OK);
    CHECK(az == cpp.direction(7).azimuth_deg);
    CHECK(el == cpp.direction(7).elevation_deg);
    CHECK(r == cpp.direction(7).distance_m);

    const std::string bytes = slurp(fixture_path());
    pinna_hrtf* from_memory = nullptr;
    REQUIRE(pinna_hrtf_load_memory(bytes.data(), bytes.size(), "bundled.sofa", &from_memory) ==
            PINNA_OK);
    pinna_hrtf_info info2{};
    REQUIRE(pinna_hrtf_get_info(from_memory, &info2) == PINNA_OK);
    CHECK(info2.measurements == info.measurements);
    pinna_hrtf_free(from_memory);
}

TEST_CASE("C API: queries equal the C++ engine's, bit for bit", "[capi]") {
    const pinna::QueryEngine cpp(pinna::read_sofa(fixture_path()));
    Handles h;
    REQUIRE(pinna_hrtf_load(fixture_path().c_str(), &h.hrtf) == PINNA_OK);
    REQUIRE(pinna_engine_create(h.hrtf, nullptr, &h.engine) == PINNA_OK);
    REQUIRE(pinna_engine_taps(h.engine) == cpp.taps());
    CHECK(pinna_engine_sample_rate_hz(h.engine) == cpp.sample_rate_hz());
    const std::size_t n = cpp.taps();
    std::vector<float> l(n), r(n), cl(n), cr(n);
    for (const pinna::Direction d :
         {pinna::Direction{30, 10, 1}, pinna::Direction{200, -40, 1}, pinna::Direction{0, 90, 1}}) {
        float dl = 0, dr = 0;
        REQUIRE(pinna_engine_query_direction(h.engine, d.azimuth_deg, d.elevation_deg, l.data(),
                                             r.data(), &dl, &dr) == PINNA_OK);
        pinna::EarDelays delays;
        cpp.query(d, cl.data(), cr.data(), delays);
        CHECK(l == cl);
        CHECK(r == cr);
        CHECK(dl == delays.left_samples);
        CHECK(dr == delays.right_samples);
    }
    // Delay pointers are optional.
    CHECK(pinna_engine_query(h.engine, 1, 0, 0, l.data(), r.data(), nullptr, nullptr) == PINNA_OK);
}

TEST_CASE("C API: options reach the engine", "[capi]") {
    Handles h;
    REQUIRE(pinna_hrtf_load(fixture_path().c_str(), &h.hrtf) == PINNA_OK);
    pinna_engine_options o;
    pinna_engine_options_init(&o);
    CHECK(o.interpolation == PINNA_INTERPOLATION_BARYCENTRIC);
    CHECK(o.build_threads == 1);
    o.sample_rate_hz = 44100.0;
    o.taps = 32;
    REQUIRE(pinna_engine_create(h.hrtf, &o, &h.engine) == PINNA_OK);
    CHECK(pinna_engine_taps(h.engine) == 32);
    CHECK(pinna_engine_sample_rate_hz(h.engine) == 44100.0);
}

TEST_CASE("C API: null pointers, bad sizes and corrupt data are statuses", "[capi][errors]") {
    Handles h;
    REQUIRE(pinna_hrtf_load(fixture_path().c_str(), &h.hrtf) == PINNA_OK);
    REQUIRE(pinna_engine_create(h.hrtf, nullptr, &h.engine) == PINNA_OK);
    REQUIRE(pinna_renderer_create(h.engine, nullptr, &h.renderer) == PINNA_OK);
    std::vector<float> buf(1024);
    float* p = buf.data();
    pinna_hrtf* hrtf = reinterpret_cast<pinna_hrtf*>(1);  // must be reset to NULL on failure
    pinna_engine* engine = nullptr;
    pinna_renderer* renderer = nullptr;
    pinna_hrtf_info info;

    // Null pointers: invalid argument, naming the function and the argument.
    CHECK(pinna_hrtf_load(nullptr, &hrtf) == PINNA_ERROR_INVALID_ARGUMENT);
    CHECK(hrtf == nullptr);
    CHECK(mentions("pinna_hrtf_load"));
    CHECK(mentions("path"));
    CHECK(pinna_hrtf_load("x.sofa", nullptr) == PINNA_ERROR_INVALID_ARGUMENT);
    CHECK(pinna_hrtf_load_memory(nullptr, 10, "n", &hrtf) == PINNA_ERROR_INVALID_ARGUMENT);
    CHECK(pinna_hrtf_load_memory(p, 10, "n", nullptr) == PINNA_ERROR_INVALID_ARGUMENT);
    CHECK(pinna_hrtf_get_info(nullptr, &info) == PINNA_ERROR_INVALID_ARGUMENT);
    CHECK(pinna_hrtf_get_info(h.hrtf, nullptr) == PINNA_ERROR_INVALID_ARGUMENT);
    CHECK(pinna_hrtf_get_direction(nullptr, 0, nullptr, nullptr, nullptr) ==
          PINNA_ERROR_INVALID_ARGUMENT);
    CHECK(pinna_engine_create(nullptr, nullptr, &engine) == PINNA_ERROR_INVALID_ARGUMENT);
    CHECK(pinna_engine_create(h.hrtf, nullptr, nullptr) == PINNA_ERROR_INVALID_ARGUMENT);
    CHECK(pinna_engine_query(nullptr, 1, 0, 0, p, p, nullptr, nullptr) ==
          PINNA_ERROR_INVALID_ARGUMENT);
    CHECK(pinna_engine_query(h.engine, 1, 0, 0, nullptr, p, nullptr, nullptr) ==
          PINNA_ERROR_INVALID_ARGUMENT);
    CHECK(mentions("left"));
    CHECK(pinna_engine_query(h.engine, 1, 0, 0, p, nullptr, nullptr, nullptr) ==
          PINNA_ERROR_INVALID_ARGUMENT);
    CHECK(pinna_engine_query_direction(nullptr, 0, 0, p, p, nullptr, nullptr) ==
          PINNA_ERROR_INVALID_ARGUMENT);
    CHECK(pinna_renderer_create(nullptr, nullptr, &renderer) == PINNA_ERROR_INVALID_ARGUMENT);
    CHECK(pinna_renderer_create(h.engine, nullptr, nullptr) == PINNA_ERROR_INVALID_ARGUMENT);
    CHECK(pinna_renderer_set_direction(nullptr, 0, 0, 0) == PINNA_ERROR_INVALID_ARGUMENT);
    CHECK(pinna_renderer_set_world_direction(nullptr, 0, 0, 0) == PINNA_ERROR_INVALID_ARGUMENT);
    CHECK(pinna_renderer_set_head_orientation(nullptr, 0, 0, 0) == PINNA_ERROR_INVALID_ARGUMENT);
    CHECK(pinna_renderer_set_head_quaternion(nullptr, 1, 0, 0, 0) == PINNA_ERROR_INVALID_ARGUMENT);
    CHECK(pinna_renderer_set_gain(nullptr, 0, 1.0f) == PINNA_ERROR_INVALID_ARGUMENT);
    CHECK(pinna_renderer_process(nullptr, nullptr, p, p, 16) == PINNA_ERROR_INVALID_ARGUMENT);
    CHECK(pinna_renderer_process(h.renderer, nullptr, nullptr, p, 16) ==
          PINNA_ERROR_INVALID_ARGUMENT);
    CHECK(pinna_renderer_set_hrtf(nullptr, h.engine) == PINNA_ERROR_INVALID_ARGUMENT);
    CHECK(pinna_renderer_set_hrtf(h.renderer, nullptr) == PINNA_ERROR_INVALID_ARGUMENT);
    // Queries of null handles answer zeros; freeing null does nothing.
    CHECK(pinna_engine_taps(nullptr) == 0);
    CHECK(pinna_engine_sample_rate_hz(nullptr) == 0.0);
    CHECK(pinna_renderer_block_size(nullptr) == 0);
    pinna_hrtf_free(nullptr);
    pinna_engine_free(nullptr);
    pinna_renderer_free(nullptr);
    pinna_engine_options_init(nullptr);
    pinna_renderer_options_init(nullptr);

    // Bad sizes and options.
    CHECK(pinna_hrtf_get_direction(h.hrtf, 100, nullptr, nullptr, nullptr) ==
          PINNA_ERROR_INVALID_ARGUMENT);
    CHECK(mentions("100"));
    pinna_engine_options eo;
    pinna_engine_options_init(&eo);
    const int seven = 7;  // stored as a C caller may store it (no C++ cast to the enum)
    std::memcpy(&eo.interpolation, &seven, sizeof seven);
    CHECK(pinna_engine_create(h.hrtf, &eo, &engine) == PINNA_ERROR_INVALID_ARGUMENT);
    CHECK(engine == nullptr);
    pinna_engine_options_init(&eo);
    eo.sample_rate_hz = -5.0;
    CHECK(pinna_engine_create(h.hrtf, &eo, &engine) == PINNA_ERROR_INVALID_ARGUMENT);
    pinna_renderer_options ro;
    pinna_renderer_options_init(&ro);
    ro.block_size = 3;
    CHECK(pinna_renderer_create(h.engine, &ro, &renderer) == PINNA_ERROR_INVALID_ARGUMENT);
    CHECK(renderer == nullptr);
    CHECK(pinna_renderer_set_direction(h.renderer, 16, 0, 0) == PINNA_ERROR_INVALID_ARGUMENT);
    CHECK(mentions("max_sources"));
    CHECK(pinna_renderer_set_gain(h.renderer, 1000, 1.0f) == PINNA_ERROR_INVALID_ARGUMENT);

    // Corrupt data and missing files.
    const std::string garbage(4096, '\x5a');
    CHECK(pinna_hrtf_load_memory(garbage.data(), garbage.size(), "garbage.sofa", &hrtf) ==
          PINNA_ERROR_MALFORMED_FILE);
    CHECK(mentions("garbage.sofa"));
    std::string truncated = slurp(fixture_path());
    truncated.resize(truncated.size() / 3);
    CHECK(pinna_hrtf_load_memory(truncated.data(), truncated.size(), nullptr, &hrtf) ==
          PINNA_ERROR_MALFORMED_FILE);
    CHECK(pinna_hrtf_load("/nonexistent/x.sofa", &hrtf) == PINNA_ERROR_IO);
    CHECK(mentions("/nonexistent/x.sofa"));
    CHECK(hrtf == nullptr);
}

TEST_CASE("C API: the last error is per thread", "[capi][errors]") {
    pinna_hrtf* hrtf = nullptr;
    REQUIRE(pinna_hrtf_load("/nonexistent/main.sofa", &hrtf) == PINNA_ERROR_IO);
    std::string other;
    std::thread([&] {
        pinna_hrtf* h = nullptr;
        pinna_hrtf_load("/nonexistent/thread.sofa", &h);
        other = pinna_last_error();
    }).join();
    CHECK(other.find("thread.sofa") != std::string::npos);
    CHECK(mentions("main.sofa"));
}

TEST_CASE("C API: the renderer renders as the C++ one", "[capi]") {
    Handles h;
    REQUIRE(pinna_hrtf_load(fixture_path().c_str(), &h.hrtf) == PINNA_OK);
    REQUIRE(pinna_engine_create(h.hrtf, nullptr, &h.engine) == PINNA_OK);
    pinna_renderer_options o;
    pinna_renderer_options_init(&o);
    o.block_size = 64;
    o.max_sources = 2;
    REQUIRE(pinna_renderer_create(h.engine, &o, &h.renderer) == PINNA_OK);
    CHECK(pinna_renderer_block_size(h.renderer) == 64);

    pinna::RendererOptions co;
    co.block_size = 64;
    co.max_sources = 2;
    pinna::BinauralRenderer cpp(
        std::make_shared<const pinna::QueryEngine>(pinna::read_sofa(fixture_path())), co);
    std::vector<float> in(64), l(64), r(64), cl(64), cr(64);
    for (std::size_t t = 0; t < 64; ++t)
        in[t] = static_cast<float>(t % 7) - 3.0f;
    const float* inputs[2] = {in.data(), nullptr};
    REQUIRE(pinna_renderer_set_direction(h.renderer, 0, 60.0, 20.0) == PINNA_OK);
    REQUIRE(pinna_renderer_set_gain(h.renderer, 0, 0.5f) == PINNA_OK);
    cpp.set_direction(0, pinna::Direction{60.0, 20.0, 1.0});
    cpp.set_gain(0, 0.5f);
    for (int block = 0; block < 3; ++block) {
        REQUIRE(pinna_renderer_process(h.renderer, inputs, l.data(), r.data(), 64) == PINNA_OK);
        cpp.process(inputs, cl.data(), cr.data(), 64);
        CHECK(l == cl);
        CHECK(r == cr);
    }
    // A world direction with the head turned left by 60 degrees is the same source.
    REQUIRE(pinna_renderer_set_head_orientation(h.renderer, 60.0, 0.0, 0.0) == PINNA_OK);
    REQUIRE(pinna_renderer_set_world_direction(h.renderer, 0, 120.0, 20.0) == PINNA_OK);
    REQUIRE(pinna_renderer_process(h.renderer, inputs, l.data(), r.data(), 64) == PINNA_OK);
    cpp.process(inputs, cl.data(), cr.data(), 64);
    for (std::size_t t = 0; t < 64; ++t) {
        CHECK(l[t] == Approx(cl[t]).margin(1e-5));
        CHECK(r[t] == Approx(cr[t]).margin(1e-5));
    }
    // A swap to another engine is accepted at the same rate.
    REQUIRE(pinna_renderer_set_hrtf(h.renderer, h.engine) == PINNA_OK);
}

TEST_CASE("C API: a C99 program's whole job", "[capi]") {
    char report[256] = "";
    const std::string kemar = pinna::test::system_kemar();
    const std::string& path = kemar.empty() ? fixture_path() : kemar;
    INFO(path);
    const int ok = pinna_c99_query_job(path.c_str(), report, sizeof report);
    INFO(report);
    INFO(pinna_last_error());
    CHECK(ok == 1);
}
