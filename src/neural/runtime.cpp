// Thread count and where the shipped models live.
#include <cstdlib>
#include <string>

#include "core/install_paths.hpp"
#include "neural/script_module.hpp"
#include "pinna/neural/models.hpp"

namespace pinna {

void set_model_threads(int threads) {
    detail::set_torch_threads(threads);
}

int model_threads() {
    return detail::torch_threads();
}

std::string model_directory() {
    const char* env = std::getenv("PINNA_MODEL_DIR");
    if (env != nullptr && *env != '\0')
        return env;
    const std::string installed = detail::installed_path(
        reinterpret_cast<const void*>(&model_directory), PINNA_MODELS_SUBDIR);
    return installed.empty() ? std::string("models") : installed;
}

std::string default_model_path(const std::string& file) {
    return model_directory() + "/" + file;
}

}  // namespace pinna
