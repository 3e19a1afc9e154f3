// Thread count and where the shipped models live.
#include <cstdlib>
#include <string>

#include "neural/script_module.hpp"
#include "pinna/neural/models.hpp"

namespace pinna {

void set_model_threads(int threads) {
    detail::set_torch_threads(threads);
}

int model_threads() {
    return detail::torch_threads();
}

namespace {
// This file is src/neural/runtime.cpp of the source tree (CMake compiles it by its absolute
// path), so the tree's models/ folder is three levels up from __FILE__.
std::string source_tree_models() {
    std::string path = __FILE__;
    for (int up = 0; up < 3; ++up) {
        const std::size_t slash = path.find_last_of('/');
        if (slash == std::string::npos)
            return "models";
        path.erase(slash);
    }
    return (path.empty() ? std::string("") : path) + "/models";
}
}  // namespace

std::string model_directory() {
    const char* env = std::getenv("PINNA_MODEL_DIR");
    if (env != nullptr && *env != '\0')
        return env;
    return source_tree_models();
}

std::string default_model_path(const std::string& file) {
    return model_directory() + "/" + file;
}

}  // namespace pinna
