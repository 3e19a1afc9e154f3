#include "neural/model_file.hpp"

#include <algorithm>
#include <cmath>

#include "pinna/error.hpp"

namespace pinna::detail {

namespace {

void check_method(const ScriptModule& module, const MetaReader& meta, const std::string& method) {
    if (!module.has_method(method))
        throw ModelError(module.path() + ": the archive has no method '" + method +
                         "' (a runner of this kind needs it)");
    if (!meta.has("methods"))
        return;
    const MetaReader methods = meta.object("methods");
    if (!methods.has(method))
        return;
    const MetaReader m = methods.object(method);
    if (!m.has("inputs") || !m.value("inputs").is_array())
        return;
    const std::size_t listed = m.value("inputs").items().size();
    const std::size_t actual = module.argument_count(method);
    if (listed != actual)
        throw ModelError(module.path() + ": method '" + method + "' takes " +
                         std::to_string(actual) + " arguments but meta.json lists " +
                         std::to_string(listed) + " inputs");
}

}  // namespace

LoadedModel load_model(const std::string& path, const std::string& kind,
                       const std::vector<std::string>& methods) {
    std::string meta_text;
    ScriptModule module(path, meta_text);
    if (meta_text.empty())
        throw ModelError(path +
                         ": the archive has no meta.json extra file (export with "
                         "_extra_files={'meta.json': ...})");
    JsonOptions json;
    json.error_kind = ErrorKind::model;
    JsonValue meta = JsonValue::parse(meta_text, path + ": meta.json", json);
    const MetaReader r(meta, path);
    ModelInfo info;
    info.path = path;
    info.kind = r.string("kind");
    if (info.kind != kind)
        throw ModelError(path + " is a model of kind '" + info.kind + "', not '" + kind + "'");
    info.name = r.string_or("name", "");
    info.version = r.string_or("version", "");
    info.description = r.string_or("description", "");
    info.sample_rate_hz = r.number("sample_rate_hz");
    if (!(info.sample_rate_hz > 0.0) || !std::isfinite(info.sample_rate_hz))
        r.fail("sample_rate_hz", "is not a positive sample rate");
    info.taps = static_cast<std::size_t>(r.integer("taps", 2, 1 << 20));
    info.bins = info.taps / 2 + 1;
    if (r.has("bins") && r.integer("bins", 1, 1 << 20) != static_cast<long long>(info.bins))
        r.fail("bins", "is " + std::to_string(r.integer("bins", 1, 1 << 20)) + ", expected " +
                           std::to_string(info.bins) + " (taps / 2 + 1)");
    const std::string itd_input = r.string_or("itd_input", "metric");
    if (itd_input != "metric" && itd_input != "fractional")
        r.fail("itd_input", "is '" + itd_input + "', expected 'metric' or 'fractional'");
    info.fractional_itd = itd_input == "fractional";
    info.meta_json = meta_text;
    for (const std::string& m : methods)
        check_method(module, r, m);
    return LoadedModel{std::move(module), std::move(meta), std::move(info)};
}

std::vector<Tensor> call_checked(const LoadedModel& model, const std::string& method,
                                 const std::vector<Tensor>& inputs,
                                 const std::vector<std::vector<std::int64_t>>& expected,
                                 const std::vector<std::string>& output_names) {
    std::vector<Tensor> out = model.module.call(method, inputs);
    const std::string where = model.info.path + ": " + method + "()";
    if (out.size() != expected.size())
        throw ModelError(where + " returned " + std::to_string(out.size()) + " tensors, expected " +
                         std::to_string(expected.size()));
    for (std::size_t i = 0; i < out.size(); ++i) {
        bool ok = out[i].shape.size() == expected[i].size();
        for (std::size_t d = 0; ok && d < expected[i].size(); ++d)
            ok = expected[i][d] < 0 || expected[i][d] == out[i].shape[d];
        if (!ok)
            throw ModelError(where + " output '" + output_names[i] + "' has shape " +
                             shape_string(out[i].shape) + ", expected " +
                             shape_string(expected[i]) + " (from meta.json and the inputs)");
        for (const float v : out[i].values)
            if (!std::isfinite(v))
                throw ModelError(where + " output '" + output_names[i] + "' holds NaN or Inf");
    }
    return out;
}

Tensor unit_vectors(const std::vector<Direction>& directions, const std::string& what) {
    check_directions(directions, what);
    Tensor t({static_cast<std::int64_t>(directions.size()), 3}, {});
    t.values.reserve(directions.size() * 3);
    for (const Direction& d : directions) {
        const Vec3 v = unit_vector(d);
        t.values.push_back(static_cast<float>(v.x));
        t.values.push_back(static_cast<float>(v.y));
        t.values.push_back(static_cast<float>(v.z));
    }
    return t;
}

}  // namespace pinna::detail
