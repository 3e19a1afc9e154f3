#include "cli/wav.hpp"

#include <sndfile.h>

#include <cmath>
#include <string>

#include "pinna/error.hpp"

namespace pinna::cli {

SoundFileReader::SoundFileReader(const std::string& path) : path_(path) {
    SF_INFO info{};
    SNDFILE* f = sf_open(path.c_str(), SFM_READ, &info);
    if (f == nullptr) {
        const int code = sf_error(nullptr);
        const std::string why = sf_strerror(nullptr);
        if (code == SF_ERR_SYSTEM)
            throw IoError(path + ": cannot open: " + why);
        throw MalformedFileError(path + ": not a sound file libsndfile reads (" + why + ")");
    }
    if (info.channels < 1 || info.samplerate < 1 || info.frames < 0) {
        sf_close(f);
        throw MalformedFileError(path + ": " + std::to_string(info.channels) + " channels at " +
                                 std::to_string(info.samplerate) + " Hz: not a usable sound file");
    }
    // Floats from integer formats in [-1, 1); float files as stored.
    sf_command(f, SFC_SET_NORM_FLOAT, nullptr, SF_TRUE);
    file_ = f;
    channels_ = static_cast<std::size_t>(info.channels);
    sample_rate_hz_ = static_cast<double>(info.samplerate);
    frames_ = static_cast<std::int64_t>(info.frames);
}

SoundFileReader::~SoundFileReader() {
    if (file_ != nullptr)
        sf_close(static_cast<SNDFILE*>(file_));
}

std::size_t SoundFileReader::read(float* interleaved, std::size_t frames) {
    SNDFILE* f = static_cast<SNDFILE*>(file_);
    const sf_count_t got = sf_readf_float(f, interleaved, static_cast<sf_count_t>(frames));
    if (got < 0 || sf_error(f) != SF_ERR_NO_ERROR)
        throw MalformedFileError(path_ + ": reading failed: " + sf_strerror(f));
    return static_cast<std::size_t>(got);
}

SoundFileWriter::SoundFileWriter(const std::string& path, std::size_t channels,
                                 double sample_rate_hz, std::int64_t expected_frames)
    : path_(path), channels_(channels) {
    SF_INFO info{};
    info.channels = static_cast<int>(channels);
    info.samplerate = static_cast<int>(std::lround(sample_rate_hz));
    const double bytes = static_cast<double>(expected_frames) * static_cast<double>(channels) * 4.0;
    info.format = (bytes < 4.0e9 ? SF_FORMAT_WAV : SF_FORMAT_RF64) | SF_FORMAT_FLOAT;
    SNDFILE* f = sf_open(path.c_str(), SFM_WRITE, &info);
    if (f == nullptr)
        throw IoError(path + ": cannot create: " + sf_strerror(nullptr));
    // No PEAK chunk: plain fmt + fact + data, which every WAV reader takes.
    sf_command(f, SFC_SET_ADD_PEAK_CHUNK, nullptr, SF_FALSE);
    file_ = f;
}

SoundFileWriter::~SoundFileWriter() {
    if (file_ != nullptr)
        sf_close(static_cast<SNDFILE*>(file_));
}

void SoundFileWriter::write(const float* interleaved, std::size_t frames) {
    SNDFILE* f = static_cast<SNDFILE*>(file_);
    const sf_count_t put = sf_writef_float(f, interleaved, static_cast<sf_count_t>(frames));
    if (put != static_cast<sf_count_t>(frames))
        throw IoError(path_ + ": writing failed: " + sf_strerror(f));
}

void SoundFileWriter::close() {
    SNDFILE* f = static_cast<SNDFILE*>(file_);
    file_ = nullptr;
    sf_write_sync(f);
    if (sf_close(f) != 0)
        throw IoError(path_ + ": closing failed");
}

}  // namespace pinna::cli
