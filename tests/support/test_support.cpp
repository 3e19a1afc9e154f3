#include "support/test_support.hpp"

#include <dirent.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <stdexcept>

#include "core/vec_math.hpp"

namespace pinna::test {
namespace {
bool exists(const std::string& p) {
    struct stat st {};
    return ::stat(p.c_str(), &st) == 0;
}
void remove_tree(const std::string& path) {
    if (DIR* d = ::opendir(path.c_str())) {
        while (dirent* e = ::readdir(d)) {
            const std::string name = e->d_name;
            if (name == "." || name == "..")
                continue;
            const std::string child = path + "/" + name;
            struct stat st {};
            if (::lstat(child.c_str(), &st) == 0 && S_ISDIR(st.st_mode))
                remove_tree(child);
            else
                ::unlink(child.c_str());
        }
        ::closedir(d);
    }
    ::rmdir(path.c_str());
}
}  // namespace

std::string datasets_dir() {
    if (const char* env = std::getenv("PINNA_DATASETS"))
        return exists(env) ? env : "";
    return exists(PINNA_DATASETS_DIR) ? PINNA_DATASETS_DIR : "";
}

std::string dataset_file(const std::string& relative) {
    const std::string dir = datasets_dir();
    if (dir.empty())
        return {};
    const std::string p = dir + "/" + relative;
    return exists(p) ? p : "";
}

std::vector<std::string> dataset_files(const std::string& folder, const std::string& suffix) {
    std::vector<std::string> out;
    const std::string dir = datasets_dir();
    if (dir.empty())
        return out;
    const std::string full = dir + "/" + folder;
    if (DIR* d = ::opendir(full.c_str())) {
        while (dirent* e = ::readdir(d)) {
            const std::string name = e->d_name;
            if (name.size() >= suffix.size() &&
                name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0)
                out.push_back(full + "/" + name);
        }
        ::closedir(d);
    }
    std::sort(out.begin(), out.end());
    return out;
}

std::string system_kemar() {
    const std::string p = "/usr/share/libmysofa/MIT_KEMAR_normal_pinna.sofa";
    return exists(p) ? p : "";
}

TempDir::TempDir() {
    std::string tmpl = std::string(PINNA_BINARY_DIR) + "/test-tmp-XXXXXX";
    if (!::mkdtemp(tmpl.data()))
        throw std::runtime_error("cannot create temporary folder " + tmpl);
    path_ = tmpl;
}

TempDir::~TempDir() {
    remove_tree(path_);
}

HrirSet synthetic_set(std::size_t m, std::size_t taps, double fs) {
    std::vector<Direction> dirs(m);
    const double golden = kPi * (3.0 - std::sqrt(5.0));
    for (std::size_t i = 0; i < m; ++i) {
        const double z = 1.0 - 2.0 * (static_cast<double>(i) + 0.5) / static_cast<double>(m);
        dirs[i] = {wrap_azimuth_deg(rad_to_deg(golden * static_cast<double>(i))),
                   rad_to_deg(std::asin(z)), 1.5};
    }
    HrirSet set(fs, taps, dirs);
    for (std::size_t i = 0; i < m; ++i) {
        const Vec3 u = unit_vector(dirs[i]);
        for (std::size_t e = 0; e < kEars; ++e) {
            const double side = e == 0 ? u.y : -u.y;  // towards this ear: earlier and louder
            const std::size_t onset = static_cast<std::size_t>(std::lround(8.0 - 4.0 * side));
            const double f = 2000.0 + 1500.0 * (u.z + 1.0) + 500.0 * e;
            float* x = set.ir(i, static_cast<Ear>(e));
            for (std::size_t n = onset; n < taps; ++n) {
                const double t = static_cast<double>(n - onset);
                x[n] = static_cast<float>((1.0 + 0.5 * side) * std::exp(-t / 6.0) *
                                          std::cos(2.0 * kPi * f * t / fs));
            }
        }
    }
    set.metadata.title = "synthetic";
    return set;
}

CommandRun run_command(const std::string& command) {
    CommandRun r;
    std::FILE* p = ::popen((command + " 2>&1").c_str(), "r");
    if (p == nullptr)
        throw std::runtime_error("popen failed for: " + command);
    std::array<char, 4096> buf{};
    std::size_t n;
    while ((n = std::fread(buf.data(), 1, buf.size(), p)) > 0)
        r.out.append(buf.data(), n);
    const int status = ::pclose(p);
    r.code = WIFEXITED(status) ? WEXITSTATUS(status) : 128;
    return r;
}

}  // namespace pinna::test
