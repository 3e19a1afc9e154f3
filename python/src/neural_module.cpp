// pinna._neural: the LibTorch runners (pinna::torch, pinna/neural/models.hpp), a module of
// their own so that `import pinna` loads no LibTorch; pinna/__init__.py imports it on first
// use of a model class. Built only when pinna_torch is.
#include <string>
#include <vector>

#include "common.hpp"
#include "pinna/error.hpp"
#include "pinna/neural/models.hpp"

namespace pinna::python {

namespace {

py::dict info_dict(const ModelInfo& i) {
    py::dict d;
    d["path"] = i.path;
    d["name"] = i.name;
    d["version"] = i.version;
    d["kind"] = i.kind;
    d["description"] = i.description;
    d["sample_rate_hz"] = i.sample_rate_hz;
    d["taps"] = i.taps;
    d["bins"] = i.bins;
    d["meta_json"] = i.meta_json;
    return d;
}

std::string model_path(const py::object& path, const char* file) {
    return path.is_none() ? default_model_path(file) : to_path(path);
}

std::vector<double> anthropometry(py::handle values) {
    DoubleArray a = DoubleArray::ensure(values);
    if (!a)
        throw InvalidArgumentError("anthropometry: expected a sequence of numbers");
    check_shape(a, {-1}, "anthropometry");
    return {a.data(), a.data() + a.size()};
}

}  // namespace

}  // namespace pinna::python

PYBIND11_MODULE(_neural, m) {
    using namespace pinna;
    using namespace pinna::python;
    m.doc() = "pinna's neural runners (libpinna_torch, LibTorch). Use them through `pinna`.";
    // The types (HrirSet, MagnitudeItd, ...) and the error translation come from _pinna.
    py::module_::import("pinna._pinna");

    m.def("set_model_threads", &set_model_threads, py::arg("threads"),
          "Threads LibTorch uses for one model call.");
    m.def("model_threads", &model_threads);
    m.def("model_directory", &model_directory,
          "Where pinna looks for its models: $PINNA_MODEL_DIR, else <prefix>/share/pinna/models "
          "of the libpinna_torch in use.");
    m.def("default_model_path", &default_model_path, py::arg("file"));

    py::class_<Upsampler>(m, "Upsampler", R"(The upsampling model (models/upsampler.pt: a
Gaussian-process posterior with an SH population prior, blended with a GP in the
autoencoder's latent space): a few measured directions to any directions. Thread-safe.)")
        .def(py::init([](const py::object& path) {
                 const std::string p = model_path(path, kUpsamplerModelFile);
                 py::gil_scoped_release release;
                 return std::make_unique<Upsampler>(p);
             }),
             py::arg("path") = py::none(),
             "Loads and checks an archive (default: the shipped upsampler.pt). Raises IoError or "
             "ModelError.")
        .def_property_readonly("info", [](const Upsampler& u) { return info_dict(u.info()); })
        .def(
            "upsample",
            [](const Upsampler& u, const HrirSet& measured, py::handle targets,
               double keep_measured_within_deg, bool equalize_chain, bool population_offset,
               std::optional<double> head_yaw_deg) {
                const std::vector<Direction> t = to_directions(targets, "Upsampler.upsample");
                NeuralUpsampleOptions o;
                o.keep_measured_within_deg = keep_measured_within_deg;
                o.equalize_chain = equalize_chain;
                o.population_offset_baseline = population_offset;
                o.head_yaw_deg = head_yaw_deg;
                py::gil_scoped_release release;
                return u.upsample(measured, t, o);
            },
            py::arg("measured"), py::arg("targets"), py::arg("keep_measured_within_deg") = 0.5,
            py::arg("equalize_chain") = true, py::arg("population_offset") = false,
            py::arg("head_yaw_deg") = py::none(),
            "The measured set at `targets`, at its own rate and length, as `pinna upsample "
            "--method neural` gives it (equalize_chain=False: --no-chain-eq; "
            "population_offset=True: the --population-offset baseline; head_yaw_deg: "
            "--head-yaw, the head's yaw to assume instead of the estimate). Releases the GIL.")
        .def(
            "predict",
            [](const Upsampler& u, const MagnitudeItd& measured, py::handle targets) {
                const std::vector<Direction> t = to_directions(targets, "Upsampler.predict");
                py::gil_scoped_release release;
                return u.predict(measured, t);
            },
            py::arg("measured"), py::arg("targets"),
            "The model's forward pass: MagnitudeItd at `targets` from measured ones.")
        .def(
            "population",
            [](const Upsampler& u, py::handle targets) {
                const std::vector<Direction> t = to_directions(targets, "Upsampler.population");
                py::gil_scoped_release release;
                return u.population(t);
            },
            py::arg("targets"), "The population-average MagnitudeItd at `targets`.")
        .def(
            "head_yaw_deg",
            [](const Upsampler& u, const HrirSet& measured) {
                py::gil_scoped_release release;
                return u.head_yaw_deg(measured);
            },
            py::arg("measured"),
            "The head's yaw (degrees, turned to the left) the model assumes for a measured set "
            "(models/upsampler.md, \"Head yaw\"); 0 for an archive without the yaw stage.")
        .def(
            "head_yaw_deg",
            [](const Upsampler& u, const MagnitudeItd& measured) {
                py::gil_scoped_release release;
                return u.head_yaw_deg(measured);
            },
            py::arg("measured"), "As above, from the model's inputs (MagnitudeItd).");

    py::class_<PersonalizationModel>(m, "PersonalizationModel", R"(The personalization model
(models/anthropometric.pt): head and ear measurements to an HRIR set. Thread-safe.)")
        .def(py::init([](const py::object& path) {
                 const std::string p = model_path(path, kPersonalizationModelFile);
                 py::gil_scoped_release release;
                 return std::make_unique<PersonalizationModel>(p);
             }),
             py::arg("path") = py::none())
        .def_property_readonly("info",
                               [](const PersonalizationModel& p) { return info_dict(p.info()); })
        .def_property_readonly("features", &PersonalizationModel::features,
                               "Names of the values predict() reads, in order.")
        .def_property_readonly("feature_info",
                               [](const PersonalizationModel& p) {
                                   py::list out;
                                   for (const FeatureInfo& f : p.feature_info()) {
                                       py::dict d;
                                       d["name"] = f.name;
                                       d["unit"] = f.unit;
                                       d["description"] = f.description;
                                       d["mean"] = f.mean;
                                       d["std"] = f.std;
                                       d["min"] = f.min;
                                       d["max"] = f.max;
                                       out.append(d);
                                   }
                                   return out;
                               })
        .def_property_readonly(
            "grid", [](const PersonalizationModel& p) { return directions_array(p.grid()); })
        .def(
            "predict_spectra",
            [](const PersonalizationModel& p, py::handle values) {
                const std::vector<double> a = anthropometry(values);
                py::gil_scoped_release release;
                return p.predict_spectra(a);
            },
            py::arg("anthropometry"), "MagnitudeItd on the model's grid for one subject.")
        .def(
            "predict",
            [](const PersonalizationModel& p, py::handle values, py::object targets) {
                const std::vector<double> a = anthropometry(values);
                std::vector<Direction> t;
                const bool has_targets = !targets.is_none();
                if (has_targets)
                    t = to_directions(targets, "PersonalizationModel.predict");
                py::gil_scoped_release release;
                return p.predict(a, has_targets ? &t : nullptr);
            },
            py::arg("anthropometry"), py::arg("targets") = py::none(),
            "An HRIR set for one subject (values in `features` order), on the model's grid or at "
            "`targets`. Releases the GIL.")
        .def(
            "warnings",
            [](const PersonalizationModel& p, py::handle values, double max_sigma) {
                return p.warnings(anthropometry(values), max_sigma);
            },
            py::arg("anthropometry"), py::arg("max_sigma") = 3.0,
            "One line per value outside the training range or further than max_sigma standard "
            "deviations from the training mean.");

    py::class_<LatentCodes>(m, "LatentCodes",
                            "Autoencoder codes of a set, with its ITDs and base delay.")
        .def_readonly("latent_size", &LatentCodes::latent_size)
        .def_property_readonly(
            "codes",
            [](py::object self) {
                auto& c = self.cast<LatentCodes&>();
                return view(c.codes.data(),
                            {static_cast<py::ssize_t>(c.directions.size()), 2,
                             static_cast<py::ssize_t>(c.latent_size)},
                            self);
            },
            "float32 [M, 2, latent_size], a view.")
        .def_property_readonly("directions",
                               [](py::object self) {
                                   return directions_view(self.cast<LatentCodes&>().directions,
                                                          self);
                               })
        .def_property_readonly("itd_s",
                               [](py::object self) {
                                   auto& c = self.cast<LatentCodes&>();
                                   return view(c.itd_s.data(),
                                               {static_cast<py::ssize_t>(c.itd_s.size())}, self);
                               })
        .def_readwrite("base_delay_samples", &LatentCodes::base_delay_samples)
        .def_readonly("sample_rate_hz", &LatentCodes::sample_rate_hz)
        .def_readwrite("metadata", &LatentCodes::metadata)
        .def("__len__", [](const LatentCodes& c) { return c.directions.size(); });

    py::class_<LatentCodec>(m, "LatentCodec", R"(The autoencoder (models/autoencoder.pt): dB
magnitudes of one direction and ear to a small code and back. Thread-safe.)")
        .def(py::init([](const py::object& path) {
                 const std::string p = model_path(path, kAutoencoderModelFile);
                 py::gil_scoped_release release;
                 return std::make_unique<LatentCodec>(p);
             }),
             py::arg("path") = py::none())
        .def_property_readonly("info", [](const LatentCodec& c) { return info_dict(c.info()); })
        .def_property_readonly("latent_size", &LatentCodec::latent_size)
        .def("encode", &LatentCodec::encode, py::arg("set"),
             py::call_guard<py::gil_scoped_release>(),
             "Codes of every direction and ear of a set (read as input_spectra reads it).")
        .def("input_spectra", &LatentCodec::input_spectra, py::arg("set"),
             py::call_guard<py::gil_scoped_release>(),
             "The MagnitudeItd encode reads from a set: its spectra at its own rate (not "
             "resampled) on the model's frequencies, and its metric ITDs.")
        .def("encode_spectra", &LatentCodec::encode_spectra, py::arg("spectra"),
             py::call_guard<py::gil_scoped_release>(), "Codes of given MagnitudeItd.")
        .def("decode_spectra", &LatentCodec::decode_spectra, py::arg("codes"),
             py::call_guard<py::gil_scoped_release>(), "The MagnitudeItd the codes stand for.")
        .def("decode", &LatentCodec::decode, py::arg("codes"),
             py::call_guard<py::gil_scoped_release>(),
             "HRIRs rebuilt from codes (minimum phase, the codes' ITDs and base delay).");
}
