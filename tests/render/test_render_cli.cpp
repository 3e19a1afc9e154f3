// `pinna render` as a user runs it: outputs against the library, layouts, paths, errors.
#include <catch2/catch.hpp>

#ifdef PINNA_CLI_PATH

#include <sys/wait.h>

#include <array>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>

#include "pinna/render.hpp"
#include "pinna/sofa.hpp"
#include "render_support.hpp"
#include "support/test_support.hpp"

using namespace pinna;

namespace {

using Run = test::CommandRun;

Run pinna_cli(const std::string& args) {
    return test::run_command(std::string(PINNA_CLI_PATH) + " " + args);
}

void put_u32(std::ofstream& f, std::uint32_t v) {
    f.write(reinterpret_cast<const char*>(&v), 4);
}
void put_u16(std::ofstream& f, std::uint16_t v) {
    f.write(reinterpret_cast<const char*>(&v), 2);
}

// A 16-bit PCM WAV of `channels` interleaved channels (values in [-1, 1)).
void write_wav16(const std::string& path, const std::vector<float>& interleaved,
                 std::size_t channels, std::uint32_t rate) {
    std::ofstream f(path, std::ios::binary);
    const std::uint32_t bytes = static_cast<std::uint32_t>(interleaved.size() * 2);
    f.write("RIFF", 4);
    put_u32(f, 36 + bytes);
    f.write("WAVEfmt ", 8);
    put_u32(f, 16);
    put_u16(f, 1);
    put_u16(f, static_cast<std::uint16_t>(channels));
    put_u32(f, rate);
    put_u32(f, rate * static_cast<std::uint32_t>(channels) * 2);
    put_u16(f, static_cast<std::uint16_t>(channels * 2));
    put_u16(f, 16);
    f.write("data", 4);
    put_u32(f, bytes);
    for (float v : interleaved)
        put_u16(f,
                static_cast<std::uint16_t>(static_cast<std::int16_t>(std::lround(v * 32767.0f))));
}

// The samples the 16-bit file holds, as libsndfile returns them (divided by 32768).
std::vector<float> quantised(const std::vector<float>& x) {
    std::vector<float> q(x.size());
    for (std::size_t i = 0; i < x.size(); ++i)
        q[i] = static_cast<float>(std::lround(x[i] * 32767.0f)) / 32768.0f;
    return q;
}

struct Wav {
    std::uint16_t format = 0, channels = 0, bits = 0;
    std::uint32_t rate = 0;
    std::vector<float> samples;  // interleaved
};

// Reads a float WAV chunk by chunk (fmt, data; others skipped).
Wav read_float_wav(const std::string& path) {
    std::ifstream f(path, std::ios::binary);
    std::vector<char> b((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
    REQUIRE(b.size() >= 12);
    REQUIRE(std::memcmp(b.data(), "RIFF", 4) == 0);
    REQUIRE(std::memcmp(b.data() + 8, "WAVE", 4) == 0);
    Wav w;
    for (std::size_t i = 12; i + 8 <= b.size();) {
        std::uint32_t n = 0;
        std::memcpy(&n, b.data() + i + 4, 4);
        const char* body = b.data() + i + 8;
        if (std::memcmp(b.data() + i, "fmt ", 4) == 0) {
            std::memcpy(&w.format, body, 2);
            std::memcpy(&w.channels, body + 2, 2);
            std::memcpy(&w.rate, body + 4, 4);
            std::memcpy(&w.bits, body + 14, 2);
        } else if (std::memcmp(b.data() + i, "data", 4) == 0) {
            w.samples.resize(n / 4);
            std::memcpy(w.samples.data(), body, w.samples.size() * 4);
        }
        i += 8 + n + (n & 1);
    }
    return w;
}

std::vector<float> noise(std::size_t n, unsigned seed) {
    std::mt19937 rng(seed);
    std::uniform_real_distribution<float> u(-0.4f, 0.4f);
    std::vector<float> x(n);
    for (float& v : x)
        v = u(rng);
    return x;
}

struct Fixture {
    test::TempDir dir;
    std::string sofa = dir.file("set.sofa");
    HrirSet set = test::synthetic_set(120, 64, 48000.0);
    Fixture() { write_sofa(set, sofa); }
};

double max_difference(const std::vector<float>& a, const std::vector<float>& b) {
    REQUIRE(a.size() == b.size());
    double d = 0.0;
    for (std::size_t i = 0; i < a.size(); ++i)
        d = std::max(d, static_cast<double>(std::fabs(a[i] - b[i])));
    return d;
}

}  // namespace

TEST_CASE("pinna render: a fixed mono source equals the library's render", "[render][cli]") {
    Fixture fx;
    const std::vector<float> x = noise(48000 / 2 + 77, 1);
    write_wav16(fx.dir.file("in.wav"), x, 1, 48000);
    const Run r = pinna_cli("render " + fx.dir.file("in.wav") + " -o " + fx.dir.file("out.wav") +
                            " --sofa " + fx.sofa + " --direction 40,-10 --block 128");
    INFO(r.out);
    REQUIRE(r.code == 0);
    const Wav w = read_float_wav(fx.dir.file("out.wav"));
    CHECK(w.format == 3);  // IEEE float
    CHECK(w.bits == 32);
    CHECK(w.channels == 2);
    CHECK(w.rate == 48000);
    REQUIRE(w.samples.size() == 2 * x.size());  // the input's length

    RendererOptions o;
    o.block_size = 128;
    o.max_sources = 1;
    BinauralRenderer renderer(read_sofa(fx.sofa), 48000.0, o);
    renderer.set_direction(0, Direction{40.0, -10.0, 1.0});
    const test::Stereo y = test::render(renderer, {quantised(x)});
    std::vector<float> interleaved(2 * x.size());
    for (std::size_t i = 0; i < x.size(); ++i) {
        interleaved[2 * i] = y.left[i];
        interleaved[2 * i + 1] = y.right[i];
    }
    CHECK(max_difference(w.samples, interleaved) < 1e-5);
}

TEST_CASE("pinna render: trajectories and head paths", "[render][cli]") {
    Fixture fx;
    const std::vector<float> x = noise(48000, 2);
    write_wav16(fx.dir.file("in.wav"), x, 1, 48000);
    auto write = [&](const std::string& name, const std::string& text) {
        std::ofstream(fx.dir.file(name)) << text;
        return fx.dir.file(name);
    };
    const std::string base = "render " + fx.dir.file("in.wav") + " --sofa " + fx.sofa + " -o ";
    SECTION(
        "a trajectory that stays put equals --direction; one turning head equals the other "
        "way round") {
        const std::string still =
            write("still.csv", "time_s,azimuth_deg,elevation_deg\n0,30,0\n0.5,30,0\n");
        REQUIRE(pinna_cli(base + fx.dir.file("a.wav") + " --direction 30,0").code == 0);
        REQUIRE(pinna_cli(base + fx.dir.file("b.wav") + " --trajectory " + still).code == 0);
        // (Runs differ in the last bits: FFTW times its plans in each process.)
        CHECK(max_difference(read_float_wav(fx.dir.file("a.wav")).samples,
                             read_float_wav(fx.dir.file("b.wav")).samples) < 1e-5);
        // The head turned 60 degrees to the left, a source at 90 in the world: heard at 30.
        const std::string head = write("head.csv", "time_s,yaw_deg,pitch_deg,roll_deg\n0,60,0,0\n");
        REQUIRE(pinna_cli(base + fx.dir.file("c.wav") + " --direction 90,0 --head " + head).code ==
                0);
        CHECK(max_difference(read_float_wav(fx.dir.file("a.wav")).samples,
                             read_float_wav(fx.dir.file("c.wav")).samples) < 1e-5);
    }
    SECTION("bad rows are refused naming the line, and no output is left") {
        const std::string bad =
            write("bad.csv", "time_s,azimuth_deg,elevation_deg\n0,0,0\n0.5,abc,0\n");
        const Run r = pinna_cli(base + fx.dir.file("out.wav") + " --trajectory " + bad);
        CHECK(r.code == 1);
        CHECK(r.out.find("line 3") != std::string::npos);
        CHECK(r.out.find("azimuth_deg 'abc'") != std::string::npos);
        CHECK_FALSE(std::filesystem::exists(fx.dir.file("out.wav")));
        const std::string back =
            write("back.csv", "time_s,azimuth_deg,elevation_deg\n1,0,0\n0.5,10,0\n");
        const Run r2 = pinna_cli(base + fx.dir.file("out.wav") + " --trajectory " + back);
        CHECK(r2.code == 1);
        CHECK(r2.out.find("line 3") != std::string::npos);
        const std::string header = write("header.csv", "t,az,el\n0,0,0\n");
        const Run r3 = pinna_cli(base + fx.dir.file("out.wav") + " --trajectory " + header);
        CHECK(r3.code == 1);
        CHECK(r3.out.find("time_s,azimuth_deg,elevation_deg") != std::string::npos);
        const std::string opposite =
            write("opposite.csv", "time_s,azimuth_deg,elevation_deg\n0,0,0\n1,180,0\n");
        const Run r4 = pinna_cli(base + fx.dir.file("out.wav") + " --trajectory " + opposite);
        CHECK(r4.code == 1);
        CHECK(r4.out.find("line 3") != std::string::npos);
        const std::string head = write("head.csv", "time_s,yaw_deg,pitch_deg,roll_deg\n0,1,2\n");
        const Run r5 = pinna_cli(base + fx.dir.file("out.wav") + " --head " + head);
        CHECK(r5.code == 1);
        CHECK(r5.out.find("line 2") != std::string::npos);
    }
}

TEST_CASE("pinna render: multichannel files and their layouts", "[render][cli]") {
    Fixture fx;
    const std::size_t frames = 9000;
    std::vector<float> six(6 * frames);
    const std::vector<float> n = noise(six.size(), 3);
    six = n;
    write_wav16(fx.dir.file("six.wav"), six, 6, 48000);
    const std::string base = " --sofa " + fx.sofa + " -o " + fx.dir.file("out.wav");
    // 6 channels: 5.1 by default, the same as asked for.
    REQUIRE(pinna_cli("render " + fx.dir.file("six.wav") + base).code == 0);
    const Wav a = read_float_wav(fx.dir.file("out.wav"));
    REQUIRE(a.samples.size() == 2 * frames);
    REQUIRE(pinna_cli("render " + fx.dir.file("six.wav") + base + " --layout 5.1").code == 0);
    CHECK(max_difference(read_float_wav(fx.dir.file("out.wav")).samples, a.samples) < 1e-5);
    // A wrong channel count is refused, naming both counts.
    const Run seven = pinna_cli("render " + fx.dir.file("six.wav") + base + " --layout 7.1");
    CHECK(seven.code == 1);
    CHECK(seven.out.find("6 channels") != std::string::npos);
    CHECK(seven.out.find("'7.1' has 8") != std::string::npos);
    std::vector<float> four(4 * frames, 0.1f);
    write_wav16(fx.dir.file("four.wav"), four, 4, 48000);
    const Run no_layout = pinna_cli("render " + fx.dir.file("four.wav") + base);
    CHECK(no_layout.code == 1);
    CHECK(no_layout.out.find("4 channels") != std::string::npos);
    // A list of directions is a layout.
    const Run listed = pinna_cli("render " + fx.dir.file("four.wav") + base +
                                 " --layout '45,0 -45,0 135,0 -135,0'");
    INFO(listed.out);
    CHECK(listed.code == 0);
    // --direction is for mono files.
    CHECK(pinna_cli("render " + fx.dir.file("four.wav") + base + " --direction 0,0").code == 2);
}

TEST_CASE("pinna render: rates, the tail, usage", "[render][cli]") {
    Fixture fx;
    const std::vector<float> x = noise(4410, 4);
    write_wav16(fx.dir.file("in44.wav"), x, 1, 44100);
    const std::string base = " --sofa " + fx.sofa + " -o " + fx.dir.file("out.wav");
    // The 48 kHz set is resampled to the file's 44.1 kHz; --tail adds the filters' ringing.
    const Run r = pinna_cli("render " + fx.dir.file("in44.wav") + base + " --tail");
    INFO(r.out);
    REQUIRE(r.code == 0);
    const Wav w = read_float_wav(fx.dir.file("out.wav"));
    CHECK(w.rate == 44100);
    CHECK(w.samples.size() > 2 * x.size());
    // A rate the set cannot be resampled to.
    write_wav16(fx.dir.file("in4k.wav"), x, 1, 4000);
    const Run low = pinna_cli("render " + fx.dir.file("in4k.wav") + base);
    CHECK(low.code == 1);
    CHECK(low.out.find("4000 Hz") != std::string::npos);
    // Usage errors: exit 2.
    CHECK(pinna_cli("render " + fx.dir.file("in44.wav") + " -o " + fx.dir.file("o.wav")).code == 2);
    CHECK(pinna_cli("render " + fx.dir.file("in44.wav") + base + " --block 8").code == 2);
    CHECK(pinna_cli("render " + fx.dir.file("in44.wav") + base + " --direction 10").code == 2);
    const Run missing = pinna_cli("render " + fx.dir.file("nope.wav") + base);
    CHECK(missing.code == 1);
    CHECK(missing.out.find("nope.wav") != std::string::npos);
}

#endif  // PINNA_CLI_PATH
