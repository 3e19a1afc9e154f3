// Sound files for the CLI, through libsndfile: any format it reads in (WAV, AIFF, FLAC,
// ...), 32-bit float WAV out. Samples are floats, interleaved by frame.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace pinna::cli {

class SoundFileReader {
  public:
    /// Opens `path`. Throws IoError when it cannot be opened (missing, unreadable) and
    /// MalformedFileError when libsndfile does not recognise it as a sound file.
    explicit SoundFileReader(const std::string& path);
    ~SoundFileReader();
    SoundFileReader(const SoundFileReader&) = delete;
    SoundFileReader& operator=(const SoundFileReader&) = delete;

    std::size_t channels() const noexcept { return channels_; }
    double sample_rate_hz() const noexcept { return sample_rate_hz_; }
    std::int64_t frames() const noexcept { return frames_; }

    /// Reads up to `frames` frames into `interleaved` (frames x channels() floats, integer
    /// formats scaled to [-1, 1)); returns how many it read, 0 at the end. Throws
    /// MalformedFileError when the file is cut or corrupt.
    std::size_t read(float* interleaved, std::size_t frames);

  private:
    std::string path_;
    void* file_ = nullptr;  // SNDFILE*
    std::size_t channels_ = 0;
    double sample_rate_hz_ = 0.0;
    std::int64_t frames_ = 0;
};

class SoundFileWriter {
  public:
    /// Creates a 32-bit float WAV file at `path` for about `expected_frames` frames (RF64
    /// when they would not fit WAV's 4 GiB). Throws IoError.
    SoundFileWriter(const std::string& path, std::size_t channels, double sample_rate_hz,
                    std::int64_t expected_frames);
    ~SoundFileWriter();
    SoundFileWriter(const SoundFileWriter&) = delete;
    SoundFileWriter& operator=(const SoundFileWriter&) = delete;

    /// Appends `frames` frames. Throws IoError when the disk refuses.
    void write(const float* interleaved, std::size_t frames);
    /// Finishes the header and closes the file. Throws IoError.
    void close();

  private:
    std::string path_;
    void* file_ = nullptr;  // SNDFILE*
    std::size_t channels_ = 0;
};

}  // namespace pinna::cli
