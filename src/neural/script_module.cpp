// The only translation unit of pinna that includes LibTorch headers.
#include "neural/script_module.hpp"

#include <torch/script.h>

#include <ATen/Parallel.h>
#include <torch/csrc/jit/runtime/graph_executor.h>

#include <dlfcn.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <mutex>

#include "pinna/error.hpp"

namespace pinna::detail {

std::size_t Tensor::numel() const {
    std::size_t n = 1;
    for (const std::int64_t d : shape)
        n *= static_cast<std::size_t>(d < 0 ? 0 : d);
    return n;
}

std::string shape_string(const std::vector<std::int64_t>& shape) {
    std::string s = "[";
    for (std::size_t i = 0; i < shape.size(); ++i)
        s += (i ? ", " : "") + std::to_string(shape[i]);
    return s + "]";
}

namespace {

// c10::Error messages carry C++ backtraces and, for errors raised inside TorchScript, the
// interpreter's traceback; keep the part a user can act on.
std::string short_message(std::string m) {
    const std::size_t raised = m.rfind("RuntimeError: ");
    if (raised != std::string::npos)
        m = m.substr(raised + std::strlen("RuntimeError: "));
    while (!m.empty() && (m.back() == '\n' || m.back() == ' '))
        m.pop_back();
    const std::size_t newline = m.find('\n');
    if (newline != std::string::npos)
        m = m.substr(0, newline);
    return m;
}

torch::Tensor to_torch(const Tensor& t) {
    if (t.values.size() != t.numel())
        throw InvalidArgumentError("tensor of shape " + shape_string(t.shape) + " given " +
                                   std::to_string(t.values.size()) + " values");
    torch::Tensor out = torch::empty(t.shape, torch::TensorOptions().dtype(torch::kFloat32));
    std::memcpy(out.data_ptr<float>(), t.values.data(), t.values.size() * sizeof(float));
    return out;
}

void collect(const c10::IValue& v, std::vector<Tensor>& out, const std::string& where) {
    if (v.isTensor()) {
        const torch::Tensor t = v.toTensor().to(torch::kCPU, torch::kFloat32).contiguous();
        Tensor r;
        r.shape.assign(t.sizes().begin(), t.sizes().end());
        r.values.assign(t.data_ptr<float>(), t.data_ptr<float>() + t.numel());
        out.push_back(std::move(r));
    } else if (v.isTuple()) {
        for (const c10::IValue& item : v.toTupleRef().elements())
            collect(item, out, where);
    } else if (v.isList()) {
        for (const c10::IValue& item : v.toListRef())
            collect(item, out, where);
    } else {
        throw ModelError(where + " returned " + v.tagKind() + ", expected tensors");
    }
}

}  // namespace

struct ScriptModule::Impl {
    std::string path;
    torch::jit::Module module;
};

ScriptModule::ScriptModule(const std::string& path, std::string& meta_json)
    : impl_(std::make_unique<Impl>()) {
    impl_->path = path;
    {
        std::ifstream probe(path, std::ios::binary);
        if (!probe)
            throw IoError(path + ": cannot open model file (" + std::strerror(errno) + ")");
    }
    torch::jit::ExtraFilesMap extra{{"meta.json", ""}};
    try {
        impl_->module = torch::jit::load(path, torch::kCPU, extra);
    } catch (const c10::Error& e) {
        throw ModelError(path + " is not a TorchScript model archive (" +
                         short_message(e.what_without_backtrace()) + ")");
    } catch (const std::exception& e) {
        throw ModelError(path + " is not a TorchScript model archive (" + short_message(e.what()) +
                         ")");
    }
    impl_->module.eval();
    meta_json = extra["meta.json"];
}

ScriptModule::~ScriptModule() = default;
ScriptModule::ScriptModule(ScriptModule&&) noexcept = default;
ScriptModule& ScriptModule::operator=(ScriptModule&&) noexcept = default;

const std::string& ScriptModule::path() const noexcept {
    return impl_->path;
}

bool ScriptModule::has_method(const std::string& name) const {
    return impl_->module.find_method(name).has_value();
}

std::size_t ScriptModule::argument_count(const std::string& name) const {
    const auto method = impl_->module.find_method(name);
    if (!method)
        throw ModelError(impl_->path + " has no method '" + name + "'");
    const std::size_t n = method->function().getSchema().arguments().size();
    return n == 0 ? 0 : n - 1;
}

std::vector<Tensor> ScriptModule::call(const std::string& method,
                                       const std::vector<Tensor>& inputs) const {
    const std::string where = impl_->path + ": " + method + "()";
    c10::InferenceMode inference;
    torch::NoGradGuard no_grad;
    // The graph executor's optimising plan costs two slow calls of each method (a profiled
    // run, then the optimisation: about 0.25 s and 0.18 s for the upsampler) to gain nothing
    // on these models afterwards (the same outputs, bit for bit, and the same time from the
    // third call on); a CLI process makes one or two calls. The flag is this thread's.
    torch::jit::GraphOptimizerEnabledGuard plain_plan(false);
    std::vector<c10::IValue> args;
    args.reserve(inputs.size());
    for (const Tensor& t : inputs)
        args.emplace_back(to_torch(t));
    c10::IValue result;
    try {
        const auto m = impl_->module.find_method(method);
        if (!m)
            throw ModelError(impl_->path + " has no method '" + method + "'");
        result = (*m)(std::move(args));
    } catch (const c10::Error& e) {
        throw ModelError(where + " failed: " + short_message(e.what_without_backtrace()));
    } catch (const pinna::Error&) {
        throw;
    } catch (const std::exception& e) {  // torch::jit::JITException: raised by the script
        throw ModelError(where + " failed: " + short_message(e.what()));
    }
    std::vector<Tensor> out;
    collect(result, out, where);
    return out;
}

void set_torch_threads(int threads) {
    if (threads < 1)
        throw InvalidArgumentError("model threads: " + std::to_string(threads) +
                                   " is not a positive count");
    // The inter-op pool can be sized once, before it is first used; later calls only
    // change the intra-op count (which is what the models' linear algebra uses).
    static std::once_flag interop_once;
    std::call_once(interop_once, [threads] {
        try {
            at::set_num_interop_threads(threads);
        } catch (const c10::Error&) {
        }
    });
    at::set_num_threads(threads);
    // LibTorch's matrix products go to the system BLAS (libblas.so.3). OpenBLAS, when the
    // alternatives system provides it, runs its own thread pool: give it the same count.
    using SetThreads = void (*)(int);
    if (auto set_blas_threads =
            reinterpret_cast<SetThreads>(::dlsym(RTLD_DEFAULT, "openblas_set_num_threads")))
        set_blas_threads(threads);
}

int torch_threads() {
    return at::get_num_threads();
}

}  // namespace pinna::detail
