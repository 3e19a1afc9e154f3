// Where pinna's companion files are, found relative to the file pinna's code was loaded
// from: <prefix>/<bindir>/PROGRAM or <prefix>/libexec/pinna/PROGRAM (executables linked
// with the static library) or <prefix>/<libdir>/libpinna*.so. The build tree has the same layout,
// so one rule serves both, and no absolute path of the build or source tree is compiled into the
// library. Header-only: each shared library asks about itself (pass the address of one of its own
// functions).
#pragma once

#include <dlfcn.h>
#include <limits.h>
#include <stdlib.h>

#include <string>

#ifndef PINNA_INSTALL_BINDIR
#define PINNA_INSTALL_BINDIR "bin"
#endif
#ifndef PINNA_INSTALL_LIBDIR
#define PINNA_INSTALL_LIBDIR "lib"
#endif
#ifndef PINNA_LIBEXEC_SUBDIR
#define PINNA_LIBEXEC_SUBDIR "libexec/pinna"
#endif
#ifndef PINNA_MODELS_SUBDIR
#define PINNA_MODELS_SUBDIR "share/pinna/models"
#endif

namespace pinna::detail {

/// The installation prefix of the file (executable or shared library) that holds
/// `symbol`, or empty when that file is not in a <prefix>/<bindir>, <prefix>/<libdir> or
/// <prefix>/libexec/pinna folder (e.g. a program linked with pinna's static library somewhere
/// else).
inline std::string installation_prefix(const void* symbol) {
    Dl_info info{};
    if (::dladdr(symbol, &info) == 0 || info.dli_fname == nullptr)
        return {};
    char resolved[PATH_MAX];
    // The main executable may be reported by the name it was started with.
    const char* file = info.dli_fname[0] == '/' ? info.dli_fname : "/proc/self/exe";
    if (::realpath(file, resolved) == nullptr)
        return {};
    std::string folder(resolved);
    folder.erase(folder.find_last_of('/'));
    for (const std::string& sub :
         {std::string(PINNA_INSTALL_LIBDIR), std::string(PINNA_INSTALL_BINDIR),
          std::string(PINNA_LIBEXEC_SUBDIR)}) {
        const std::string suffix = "/" + sub;
        if (folder.size() > suffix.size() &&
            folder.compare(folder.size() - suffix.size(), suffix.size(), suffix) == 0)
            return folder.substr(0, folder.size() - suffix.size());
    }
    return {};
}

/// <prefix>/<relative> for the prefix of `symbol`'s file, or empty when it has none.
inline std::string installed_path(const void* symbol, const std::string& relative) {
    const std::string prefix = installation_prefix(symbol);
    return prefix.empty() ? std::string() : prefix + "/" + relative;
}

}  // namespace pinna::detail
