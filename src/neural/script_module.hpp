// The one wall around LibTorch: loading a TorchScript archive and calling its methods with
// float32 tensors, in types that carry no torch header. Only script_module.cpp includes
// <torch/script.h>, so the rest of pinna_torch compiles at the speed of plain C++.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace pinna::detail {

/// A dense row-major float32 tensor.
struct Tensor {
    std::vector<std::int64_t> shape;
    std::vector<float> values;

    Tensor() = default;
    Tensor(std::vector<std::int64_t> s, std::vector<float> v)
        : shape(std::move(s)), values(std::move(v)) {}
    std::size_t numel() const;
};

/// "[7, 2, 129]".
std::string shape_string(const std::vector<std::int64_t>& shape);

class ScriptModule {
  public:
    /// Loads `path` on the CPU together with its "meta.json" extra file (empty when the
    /// archive has none). Throws IoError when the file cannot be opened, ModelError when it
    /// is not a TorchScript archive.
    ScriptModule(const std::string& path, std::string& meta_json);
    ~ScriptModule();
    ScriptModule(ScriptModule&&) noexcept;
    ScriptModule& operator=(ScriptModule&&) noexcept;

    const std::string& path() const noexcept;
    bool has_method(const std::string& name) const;
    /// Number of arguments of a method, not counting self.
    std::size_t argument_count(const std::string& name) const;

    /// Calls a method under inference mode. The result, a tensor or a tuple/list of
    /// tensors, comes back as float32 tensors. Errors raised by the model become
    /// ModelError naming the file and method. Safe to call from several threads.
    std::vector<Tensor> call(const std::string& method, const std::vector<Tensor>& inputs) const;

  private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

/// torch::set_num_threads (and, the first time, the inter-op pool size).
void set_torch_threads(int threads);
int torch_threads();

}  // namespace pinna::detail
