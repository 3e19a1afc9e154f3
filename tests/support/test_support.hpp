// Helpers shared by the tests: where the real data lives, temporary folders, fixtures.
#pragma once

#include <string>
#include <vector>

#include "pinna/hrir_set.hpp"

namespace pinna::test {

/// ../shared/datasets (or $PINNA_DATASETS), or empty when it is not there.
std::string datasets_dir();
/// Path of a file below datasets_dir(), or empty when the folder or file is absent.
std::string dataset_file(const std::string& relative);
/// Sorted list of files below datasets_dir()/folder whose name ends with `suffix`.
std::vector<std::string> dataset_files(const std::string& folder, const std::string& suffix);
/// The KEMAR file that Debian's libmysofa1 installs, or empty.
std::string system_kemar();

/// A fresh empty folder under the build tree, removed with its contents at destruction.
class TempDir {
  public:
    TempDir();
    ~TempDir();
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    const std::string& path() const { return path_; }
    std::string file(const std::string& name) const { return path_ + "/" + name; }

  private:
    std::string path_;
};

/// A small synthetic set: `m` directions on a Fibonacci sphere, `taps` samples, each IR a
/// decaying sinusoid whose frequency and onset depend on the direction and ear.
HrirSet synthetic_set(std::size_t m = 64, std::size_t taps = 64, double fs = 48000.0);

/// What a shell command printed (stdout and stderr together) and its exit status (128
/// when it did not exit normally).
struct CommandRun {
    int code = -1;
    std::string out;
};
CommandRun run_command(const std::string& command);

}  // namespace pinna::test

/// Skips the rest of a test case (with a message) when the shared datasets are absent.
#define PINNA_REQUIRE_DATASETS()                                                            \
    do {                                                                                    \
        if (pinna::test::datasets_dir().empty()) {                                          \
            WARN("skipped: ../shared/datasets not found (set PINNA_DATASETS to use data)"); \
            return;                                                                         \
        }                                                                                   \
    } while (0)
