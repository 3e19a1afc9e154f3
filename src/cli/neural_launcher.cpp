#include "cli/neural_launcher.hpp"

#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "cli/commands.hpp"
#include "pinna/error.hpp"

namespace pinna::cli {
namespace {

// The folder of this executable, without a trailing slash.
std::string executable_folder() {
    char path[PATH_MAX];
    const ssize_t n = ::readlink("/proc/self/exe", path, sizeof path - 1);
    if (n <= 0)
        return {};
    const std::string exe(path, static_cast<std::size_t>(n));
    return exe.substr(0, exe.find_last_of('/'));
}

bool has_help(const Argv& args) {
    for (const std::string& a : args) {
        if (a == "--")
            break;
        if (a == "--help" || a == "-h")
            return true;
    }
    return false;
}

// Replaces this process with pinna-neural COMMAND ARGS...; returns only when that fails.
int exec_neural(const char* command, const Argv& args) {
    const std::string program = neural_program();
    if (!neural_available()) {
        const std::string why = "this pinna has no neural models: " + program +
                                " is missing (pinna was built or installed without LibTorch; "
                                "set PINNA_NEURAL to pinna-neural's path if it was moved)";
        if (has_help(args)) {
            std::printf("usage: pinna %s ...\n\n%s.\n", command, why.c_str());
            return 0;
        }
        throw ModelError(why);
    }
    std::vector<std::string> words = {program, command};
    words.insert(words.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (std::string& w : words)
        argv.push_back(w.data());
    argv.push_back(nullptr);
    std::fflush(stdout);
    std::fflush(stderr);
    ::execv(program.c_str(), argv.data());
    throw ModelError("cannot start " + program + ": " + std::strerror(errno));
}

}  // namespace

std::string neural_program() {
    const char* env = std::getenv("PINNA_NEURAL");
    if (env != nullptr && *env != '\0')
        return env;
    std::string folder = executable_folder();
    const std::string bin = std::string("/") + PINNA_INSTALL_BINDIR;
    if (folder.size() < bin.size() || folder.compare(folder.size() - bin.size(), bin.size(), bin))
        return folder + "/pinna-neural";  // not in a bin/ folder: look beside pinna
    folder.resize(folder.size() - bin.size());
    return folder + "/" + PINNA_LIBEXEC_SUBDIR + "/pinna-neural";
}

bool neural_available() {
    return ::access(neural_program().c_str(), X_OK) == 0;
}

int run_predict(const Argv& args) {
    return exec_neural("predict", args);
}

int run_encode(const Argv& args) {
    return exec_neural("encode", args);
}

int run_upsample_neural(const Argv& args) {
    return exec_neural("upsample", args);
}

}  // namespace pinna::cli
