// Loading a model archive and checking it against its meta.json and the runner's needs.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "neural/json_value.hpp"
#include "neural/script_module.hpp"
#include "pinna/neural/models.hpp"

namespace pinna::detail {

struct LoadedModel {
    ScriptModule module;
    JsonValue meta;
    ModelInfo info;

    MetaReader meta_reader() const { return MetaReader(meta, info.path); }
};

/// Loads `path` and checks: meta.json present and a JSON object with "kind" equal to
/// `kind`, positive "sample_rate_hz", "taps" (and "bins" = taps/2+1 when given), and every
/// method in `methods` present in the archive (with as many arguments as meta.json's
/// "methods.<name>.inputs" lists, when it lists them). Throws IoError / ModelError.
LoadedModel load_model(const std::string& path, const std::string& kind,
                       const std::vector<std::string>& methods);

/// Calls `method` and checks that it returned `expected.size()` tensors of the expected
/// shapes (-1 matches any size); ModelError naming the output, expected and actual shape.
std::vector<Tensor> call_checked(const LoadedModel& model, const std::string& method,
                                 const std::vector<Tensor>& inputs,
                                 const std::vector<std::vector<std::int64_t>>& expected,
                                 const std::vector<std::string>& output_names);

/// Float32 [n, 3] tensor of unit vectors (SOFA frame); InvalidArgumentError for an empty
/// list or a non-finite angle, naming `what`.
Tensor unit_vectors(const std::vector<Direction>& directions, const std::string& what);

}  // namespace pinna::detail
