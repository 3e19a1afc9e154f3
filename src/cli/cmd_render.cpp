// pinna render: a sound file through an HRTF set to a binaural float WAV, with a fixed or
// moving source, a turning head, or virtual loudspeakers for multichannel input.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "cli/args.hpp"
#include "cli/commands.hpp"
#include "cli/wav.hpp"
#include "pinna/atomic_file.hpp"
#include "pinna/error.hpp"
#include "pinna/render.hpp"
#include "pinna/sofa.hpp"

namespace pinna::cli {

const char* const kRenderHelp =
    "usage: pinna render IN.wav -o OUT.wav --sofa SET.sofa\n"
    "                    [--direction AZ,EL | --trajectory FILE.csv] [--head FILE.csv]\n"
    "                    [--layout stereo|5.1|7.1|'AZ,EL AZ,EL ...'] [--block N]\n"
    "                    [--interpolation barycentric|nearest] [--lfe-gain DB] [--tail]\n\n"
    "Renders a sound file (any format libsndfile reads) through an HRTF set to a 32-bit float\n"
    "stereo WAV (written atomically) with pinna's streaming binaural renderer: minimum-phase\n"
    "filters with fractional delays, crossfaded at every change, so that moving sources and a\n"
    "turning head make no click (docs/renderer.md). The set is resampled to the file's rate\n"
    "when they differ. The output has the input's length; --tail appends the ringing of the\n"
    "filters after the input ends. Angles in degrees, SOFA convention: azimuth counter-\n"
    "clockwise from the front (90 = left), elevation up.\n\n"
    "A mono file is one source:\n"
    "  --direction AZ,EL      fixed direction (default 0,0: in front)\n"
    "  --trajectory FILE.csv  header time_s,azimuth_deg,elevation_deg; rows in time order;\n"
    "                         directions move along the great circle between rows, and hold\n"
    "                         before the first row and after the last\n"
    "A multichannel file plays through virtual loudspeakers:\n"
    "  --layout NAME|LIST     stereo (L R: +-30), 5.1 (L R C LFE Ls Rs: +-30, 0, -, +-110),\n"
    "                         7.1 (L R C LFE Lb Rb Ls Rs: +-30, 0, -, +-135, +-90), or one\n"
    "                         AZ,EL per channel ('30,0 -30,0 0,90'); default by channel count:\n"
    "                         2 stereo, 6 5.1, 8 7.1\n"
    "  --lfe-gain DB          level of the LFE channel, sent to both ears unfiltered (default 0)\n"
    "Both:\n"
    "  --head FILE.csv        head orientation, header time_s,yaw_deg,pitch_deg,roll_deg (yaw\n"
    "                         left, pitch nose up, roll right ear down); sources and\n"
    "                         loudspeakers stay put in the world while the head turns\n"
    "  --block N              samples per block, 16..4096 (default 512: directions are\n"
    "                         updated and crossfaded every 512 samples)\n"
    "  --interpolation M      barycentric (default) or nearest\n"
    "  --tail                 append the filters' tail after the input's end\n"
    "  -o, --output OUT.wav   output file (required)\n";

namespace {

// One parsed CSV row of numbers and the line it came from.
struct CsvRow {
    std::size_t line = 0;
    std::vector<double> values;
};

std::string trim(const std::string& s) {
    const auto begin = s.find_first_not_of(" \t\r");
    if (begin == std::string::npos)
        return "";
    const auto end = s.find_last_not_of(" \t\r");
    return s.substr(begin, end - begin + 1);
}

std::vector<std::string> split(const std::string& s, char separator) {
    std::vector<std::string> fields;
    std::stringstream in(s);
    for (std::string field; std::getline(in, field, separator);)
        fields.push_back(trim(field));
    if (!s.empty() && s.back() == separator)
        fields.push_back("");
    return fields;
}

bool parse_number(const std::string& text, double& value) {
    if (text.empty())
        return false;
    char* end = nullptr;
    value = std::strtod(text.c_str(), &end);
    return end == text.c_str() + text.size() && std::isfinite(value);
}

// The rows of a CSV file with the given header; times (the first column) must not
// decrease. Errors name the file and line.
std::vector<CsvRow> read_csv(const std::string& path, const std::vector<std::string>& header) {
    std::ifstream file(path, std::ios::binary);
    if (!file || !std::filesystem::is_regular_file(path))
        throw IoError(path + ": cannot open (missing, unreadable or not a file)");
    std::stringstream in;
    in << file.rdbuf();
    std::string joined;
    for (const std::string& h : header)
        joined += (joined.empty() ? "" : ",") + h;
    std::vector<CsvRow> rows;
    std::size_t line_number = 0;
    bool seen_header = false;
    for (std::string line; std::getline(in, line);) {
        ++line_number;
        if (trim(line).empty())
            continue;
        const std::vector<std::string> fields = split(line, ',');
        const std::string where = path + " line " + std::to_string(line_number) + ": ";
        if (!seen_header) {
            if (fields != header)
                throw MalformedFileError(where + "expected the header '" + joined + "', got '" +
                                         trim(line) + "'");
            seen_header = true;
            continue;
        }
        if (fields.size() != header.size())
            throw MalformedFileError(
                where + "expected " + std::to_string(header.size()) + " numbers (" + joined +
                "), got " + std::to_string(fields.size()) + " fields: '" + trim(line) + "'");
        CsvRow row;
        row.line = line_number;
        for (std::size_t i = 0; i < fields.size(); ++i) {
            double v = 0.0;
            if (!parse_number(fields[i], v))
                throw MalformedFileError(where + header[i] + " '" + fields[i] +
                                         "' is not a finite number");
            row.values.push_back(v);
        }
        if (!rows.empty() && row.values[0] < rows.back().values[0])
            throw MalformedFileError(where + "time " + fields[0] +
                                     " s is before the previous "
                                     "row's (rows must be in time order)");
        rows.push_back(row);
    }
    if (!seen_header)
        throw MalformedFileError(path + ": empty; expected the header '" + joined + "'");
    if (rows.empty())
        throw MalformedFileError(path + ": no rows after the header");
    return rows;
}

// Directions along the great circle between rows, held outside them.
class DirectionPath {
  public:
    explicit DirectionPath(const std::string& path) {
        for (const CsvRow& row : read_csv(path, {"time_s", "azimuth_deg", "elevation_deg"})) {
            const Vec3 u = unit_vector(Direction{row.values[1], row.values[2], 1.0});
            if (!points_.empty() && row.values[0] > times_.back()) {
                const Vec3& a = points_.back();
                const double dot = a.x * u.x + a.y * u.y + a.z * u.z;
                if (dot < -1.0 + 1e-9)
                    throw MalformedFileError(
                        path + " line " + std::to_string(row.line) +
                        ": opposite to the previous row's direction, so the great circle "
                        "between them is undefined; add a row in between");
            }
            times_.push_back(row.values[0]);
            points_.push_back(u);
        }
    }

    Vec3 at(double t) const {
        if (t <= times_.front())
            return points_.front();
        const std::size_t i = static_cast<std::size_t>(
            std::upper_bound(times_.begin(), times_.end(), t) - times_.begin());
        if (i >= times_.size())
            return points_.back();
        const double t0 = times_[i - 1], t1 = times_[i];
        const double f = (t - t0) / (t1 - t0);
        const Vec3& a = points_[i - 1];
        const Vec3& b = points_[i];
        const double dot = std::max(-1.0, std::min(1.0, a.x * b.x + a.y * b.y + a.z * b.z));
        const double angle = std::acos(dot);
        if (angle < 1e-9)
            return a;
        const double ka = std::sin((1.0 - f) * angle) / std::sin(angle);
        const double kb = std::sin(f * angle) / std::sin(angle);
        return {ka * a.x + kb * b.x, ka * a.y + kb * b.y, ka * a.z + kb * b.z};
    }

  private:
    std::vector<double> times_;
    std::vector<Vec3> points_;
};

// Head orientations along the shorter rotation between rows, held outside them.
class OrientationPath {
  public:
    explicit OrientationPath(const std::string& path) {
        for (const CsvRow& row : read_csv(path, {"time_s", "yaw_deg", "pitch_deg", "roll_deg"})) {
            times_.push_back(row.values[0]);
            rotations_.push_back(
                to_quaternion(HeadOrientation{row.values[1], row.values[2], row.values[3]}));
        }
    }

    Quaternion at(double t) const {
        if (t <= times_.front())
            return rotations_.front();
        const std::size_t i = static_cast<std::size_t>(
            std::upper_bound(times_.begin(), times_.end(), t) - times_.begin());
        if (i >= times_.size())
            return rotations_.back();
        const double f = (t - times_[i - 1]) / (times_[i] - times_[i - 1]);
        return slerp(rotations_[i - 1], rotations_[i], f);
    }

  private:
    std::vector<double> times_;
    std::vector<Quaternion> rotations_;
};

Direction parse_direction(const std::string& text, const std::string& what) {
    const std::vector<std::string> parts = split(text, ',');
    double az = 0.0, el = 0.0;
    if (parts.size() != 2 || !parse_number(parts[0], az) || !parse_number(parts[1], el))
        throw UsageError(what + " must be AZ,EL in degrees (e.g. 30,0), got '" + text + "'");
    if (el < -90.0 || el > 90.0)
        throw UsageError(what + ": elevation " + parts[1] + " is outside -90 .. 90 degrees");
    return {az, el, 1.0};
}

// A layout name, or directions separated by spaces or semicolons.
LoudspeakerLayout parse_layout(const std::string& text) {
    if (text == "stereo" || text == "5.1" || text == "7.1")
        return loudspeaker_layout(text);
    std::string list = text;
    std::replace(list.begin(), list.end(), ';', ' ');
    std::stringstream in(list);
    std::vector<Direction> directions;
    for (std::string item; in >> item;)
        directions.push_back(parse_direction(item, "--layout direction"));
    if (directions.empty())
        throw UsageError("--layout must be stereo, 5.1, 7.1 or a list of AZ,EL directions");
    return loudspeaker_layout(directions);
}

const char* channel_word(std::size_t n) {
    return n == 1 ? "channel" : "channels";
}

}  // namespace

int run_render(const Argv& argv) {
    const Args args(argv, {"--tail"},
                    {"-o", "--output", "--sofa", "--direction", "--trajectory", "--head",
                     "--layout", "--block", "--interpolation", "--lfe-gain"});
    args.expect_positionals(1, "an input sound file");
    const std::string in_path = args.positionals()[0];
    const std::string out_path = args.get("-o", args.get("--output"));
    if (out_path.empty())
        throw UsageError("-o OUT.wav is required");
    const std::string sofa_path = args.get("--sofa");
    if (sofa_path.empty())
        throw UsageError("--sofa SET.sofa is required");
    if (args.has("--direction") && args.has("--trajectory"))
        throw UsageError("give --direction or --trajectory, not both");
    const long block = args.get_long("--block", 512);
    if (block < 16 || block > 4096)
        throw UsageError("--block must be 16..4096, got " + std::to_string(block));
    const std::string method = args.get("--interpolation", "barycentric");
    if (method != "barycentric" && method != "nearest")
        throw UsageError("--interpolation must be barycentric or nearest, got '" + method + "'");
    const double lfe_gain_db = args.get_double("--lfe-gain", 0.0);
    const Direction fixed = args.has("--direction")
                                ? parse_direction(args.get("--direction"), "--direction")
                                : Direction{0.0, 0.0, 1.0};

    SoundFileReader reader(in_path);
    const std::size_t channels = reader.channels();
    const double rate = reader.sample_rate_hz();

    // Sources: one for a mono file, a loudspeaker layout otherwise.
    LoudspeakerLayout layout;
    if (channels == 1) {
        if (args.has("--layout"))
            throw UsageError(in_path +
                             " is mono: --layout is for multichannel files (use "
                             "--direction or --trajectory)");
    } else {
        if (args.has("--direction") || args.has("--trajectory"))
            throw UsageError(in_path + " has " + std::to_string(channels) +
                             " channels: --direction and --trajectory are for mono files "
                             "(multichannel files play through --layout)");
        if (args.has("--layout"))
            layout = parse_layout(args.get("--layout"));
        else if (channels == 2)
            layout = loudspeaker_layout("stereo");
        else if (channels == 6)
            layout = loudspeaker_layout("5.1");
        else if (channels == 8)
            layout = loudspeaker_layout("7.1");
        else
            throw InvalidDataError(in_path + " has " + std::to_string(channels) +
                                   " channels: give --layout with one AZ,EL per channel");
        if (layout.directions.size() != channels)
            throw InvalidDataError(in_path + " has " + std::to_string(channels) + " " +
                                   channel_word(channels) + ", but layout '" + layout.name +
                                   "' has " + std::to_string(layout.directions.size()));
    }
    std::unique_ptr<DirectionPath> trajectory;
    if (args.has("--trajectory"))
        trajectory = std::make_unique<DirectionPath>(args.get("--trajectory"));
    std::unique_ptr<OrientationPath> head;
    if (args.has("--head"))
        head = std::make_unique<OrientationPath>(args.get("--head"));

    const HrirSet set = read_sofa(sofa_path);
    if (rate < 8000.0 || rate > 384000.0)
        throw InvalidDataError(in_path + " is at " + std::to_string(std::lround(rate)) +
                               " Hz: the set " + sofa_path + " (" +
                               std::to_string(std::lround(set.sample_rate_hz())) +
                               " Hz) can only be resampled to 8000 .. 384000 Hz");
    QueryEngineOptions engine_options;
    engine_options.interpolation = parse_interpolation_method(method);
    engine_options.build_threads = 0;
    RendererOptions options;
    options.block_size = static_cast<std::size_t>(block);
    options.max_sources = channels;
    BinauralRenderer renderer(set, rate, options, engine_options);
    if (channels == 1)
        renderer.set_world_direction(0, fixed);
    else
        renderer.set_loudspeakers(layout, static_cast<float>(std::pow(10.0, lfe_gain_db / 20.0)));

    const std::size_t B = renderer.block_size();
    const std::int64_t in_frames = reader.frames();
    const std::size_t tail = args.flag("--tail") ? renderer.tail_samples() : 0;
    std::int64_t written = 0;
    write_atomically(out_path, [&](const std::string& temporary) {
        SoundFileWriter writer(temporary, 2, rate, in_frames + static_cast<std::int64_t>(tail));
        // Chunks of whole blocks: one read and one write per chunk.
        const std::size_t chunk = B * std::max<std::size_t>(1, 8192 / B);
        std::vector<float> interleaved(chunk * channels), stereo(2 * chunk);
        std::vector<std::vector<float>> planar(channels, std::vector<float>(chunk));
        std::vector<float> left(chunk), right(chunk);
        std::vector<const float*> inputs(channels);
        std::int64_t position = 0;
        auto render_chunk = [&](std::size_t frames, bool silent) {
            for (std::size_t start = 0; start < frames; start += B) {
                const std::size_t n = std::min(B, frames - start);
                // Directions for the block's last sample, where its filter is fully new.
                const double t =
                    static_cast<double>(position + static_cast<std::int64_t>(start + B - 1)) / rate;
                if (trajectory)
                    renderer.set_world_direction(0, trajectory->at(t));
                if (head)
                    renderer.set_head_orientation(head->at(t));
                for (std::size_t c = 0; c < channels; ++c)
                    inputs[c] = silent ? nullptr : planar[c].data() + start;
                renderer.process(inputs.data(), left.data() + start, right.data() + start, n);
            }
            for (std::size_t i = 0; i < frames; ++i) {
                stereo[2 * i] = left[i];
                stereo[2 * i + 1] = right[i];
            }
            writer.write(stereo.data(), frames);
            position += static_cast<std::int64_t>(frames);
            written += static_cast<std::int64_t>(frames);
        };
        for (;;) {
            const std::size_t got = reader.read(interleaved.data(), chunk);
            if (got == 0)
                break;
            for (std::size_t i = 0; i < got; ++i)
                for (std::size_t c = 0; c < channels; ++c)
                    planar[c][i] = interleaved[i * channels + c];
            render_chunk(got, false);
        }
        for (std::size_t left_over = tail; left_over > 0;) {
            const std::size_t n = std::min(chunk, left_over);
            render_chunk(n, true);
            left_over -= n;
        }
        writer.close();
    });
    std::printf(
        "%s: %zu %s, %lld frames at %g Hz -> %s: stereo float WAV, %lld frames%s; set %s "
        "(%zu directions at %g Hz%s), block %zu\n",
        in_path.c_str(), channels, channel_word(channels), static_cast<long long>(in_frames), rate,
        out_path.c_str(), static_cast<long long>(written), tail ? " (with the tail)" : "",
        sofa_path.c_str(), set.measurements(), set.sample_rate_hz(),
        set.sample_rate_hz() != rate ? ", resampled" : "", B);
    return 0;
}

}  // namespace pinna::cli
