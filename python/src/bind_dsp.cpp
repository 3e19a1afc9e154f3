// Representations: spectra, dB magnitudes, DTF/CTF, onsets, ITD, minimum phase, delays,
// resampling, dB magnitude + ITD.
#include <cstring>
#include <string>
#include <vector>

#include "common.hpp"
#include "pinna/delay.hpp"
#include "pinna/error.hpp"
#include "pinna/magnitude_itd.hpp"
#include "pinna/resample.hpp"
#include "pinna/spectrum.hpp"
#include "pinna/time_domain.hpp"

namespace pinna::python {

namespace {

using release_gil = py::call_guard<py::gil_scoped_release>;

// ---------------------------------------------------------------------------------------
// HrtfSet (complex128) and SpectrumSet (float64): values [M, 2, bins]

template <typename T>
void bind_frequency_set(py::module_& m, const char* name, const char* doc) {
    using Set = FrequencySet<T>;
    using Array = py::array_t<T, py::array::c_style | py::array::forcecast>;
    py::class_<Set>(m, name, doc)
        .def(py::init([name](const py::array& values_in, py::handle directions,
                             double sample_rate_hz, std::size_t fft_size) {
                 Array values = Array::ensure(values_in);
                 if (!values)
                     throw py::error_already_set();
                 Set s;
                 s.sample_rate_hz = sample_rate_hz;
                 s.fft_size = fft_size;
                 s.directions = to_directions(directions, name);
                 check_shape(values,
                             {static_cast<py::ssize_t>(s.directions.size()), 2,
                              static_cast<py::ssize_t>(s.bins())},
                             name);
                 s.data.assign(values.data(), values.data() + values.size());
                 return s;
             }),
             py::arg("values"), py::arg("directions"), py::arg("sample_rate_hz"),
             py::arg("fft_size"),
             "From arrays (copied): values [M, 2, fft_size // 2 + 1], directions [M, 2|3].")
        .def_property(
            "values",
            [](py::object self) {
                auto& s = self.cast<Set&>();
                return view(s.data.data(),
                            {static_cast<py::ssize_t>(s.measurements()), 2,
                             static_cast<py::ssize_t>(s.bins())},
                            self);
            },
            [](Set& s, const py::array& values_in) {
                Array values = Array::ensure(values_in);
                if (!values)
                    throw py::error_already_set();
                check_shape(values,
                            {static_cast<py::ssize_t>(s.measurements()), 2,
                             static_cast<py::ssize_t>(s.bins())},
                            "values");
                std::copy(values.data(), values.data() + values.size(), s.data.begin());
            },
            "[M, 2, bins] view of the set's values; bin k is at k * sample_rate_hz / fft_size Hz.")
        .def_property_readonly(
            "directions",
            [](py::object self) { return directions_view(self.cast<Set&>().directions, self); })
        .def_readonly("sample_rate_hz", &Set::sample_rate_hz)
        .def_readonly("fft_size", &Set::fft_size)
        .def_property_readonly("bins", &Set::bins)
        .def_property_readonly("measurements", &Set::measurements)
        .def_property_readonly(
            "frequencies_hz",
            [](const Set& s) {
                std::vector<double> f(s.bins());
                for (std::size_t k = 0; k < f.size(); ++k)
                    f[k] = s.frequency_hz(k);
                return copy_array(f);
            },
            "The frequency of every bin, Hz.")
        .def("__len__", &Set::measurements)
        .def("copy", [](const Set& s) { return s; })
        .def("__repr__", [name](const Set& s) {
            return std::string("<pinna.") + name + " " + std::to_string(s.measurements()) +
                   " directions x 2 ears x " + std::to_string(s.bins()) + " bins (" +
                   std::to_string(s.fft_size) + "-point FFT at " +
                   std::to_string(static_cast<long long>(s.sample_rate_hz)) + " Hz)>";
        });
}

MinimumPhaseOptions minimum_phase_options(std::size_t oversample, double floor_db,
                                          const std::string& delay) {
    MinimumPhaseOptions o;
    o.oversample = oversample;
    o.floor_db = floor_db;
    if (delay == "cross_correlation")
        o.delay = MinimumPhaseOptions::Delay::cross_correlation;
    else if (delay == "onset")
        o.delay = MinimumPhaseOptions::Delay::onset;
    else if (delay == "none")
        o.delay = MinimumPhaseOptions::Delay::none;
    else
        throw InvalidArgumentError("delay must be 'cross_correlation', 'onset' or 'none', got '" +
                                   delay + "'");
    return o;
}

FloatArray one_ir(const py::array& a, const char* what) {
    FloatArray ir = FloatArray::ensure(a);
    if (!ir)
        throw py::error_already_set();
    check_shape(ir, {-1}, what);
    return ir;
}

void check_pair(const FloatArray& left, const FloatArray& right, std::size_t taps,
                const char* what) {
    if (static_cast<std::size_t>(left.size()) != taps ||
        static_cast<std::size_t>(right.size()) != taps)
        throw InvalidArgumentError(
            std::string(what) + ": the estimator is for " + std::to_string(taps) + " taps, got " +
            std::to_string(left.size()) + " and " + std::to_string(right.size()));
}

py::array_t<float> float_array(const std::vector<float>& v) {
    return copy_array(v);
}

void bind_spectrum(py::module_& m) {
    bind_frequency_set<std::complex<double>>(
        m, "HrtfSet",
        "Complex transfer functions per direction, ear and bin, complex128 [M, 2, bins].");
    bind_frequency_set<double>(
        m, "SpectrumSet",
        "Real values (dB magnitudes) per direction, ear and bin, float64 [M, 2, bins].");
    m.attr("MAGNITUDE_FLOOR_DB") = kMagnitudeFloorDb;

    m.def("to_hrtf", &to_hrtf, py::arg("set"), py::arg("fft_size") = 0, release_gil(),
          "FFT of every IR, zero-padded to fft_size (0: the set's taps). Delays the set carries "
          "in `delays` are not part of the spectra: with_delays_applied() first if needed.");
    m.def("to_hrirs", &to_hrirs, py::arg("hrtf"), py::arg("taps") = 0, release_gil(),
          "Inverse FFT of every transfer function, the first `taps` samples (0: fft_size).");
    m.def(
        "magnitude_db",
        [](const HrtfSet& hrtf, double floor_db) { return magnitude_db(hrtf, floor_db); },
        py::arg("hrtf"), py::arg("floor_db") = kMagnitudeFloorDb, release_gil(),
        "20 log10 max(|H|, floor) per bin.");
    m.def(
        "magnitude_db",
        [](const HrirSet& set, std::size_t fft_size, double floor_db) {
            return magnitude_db(to_hrtf(set, fft_size), floor_db);
        },
        py::arg("set"), py::arg("fft_size") = 0, py::arg("floor_db") = kMagnitudeFloorDb,
        release_gil(), "dB magnitudes of a set's IRs: magnitude_db(to_hrtf(set, fft_size)).");
    m.def("minimum_phase_hrirs", &minimum_phase_hrirs, py::arg("spectrum_db"), py::arg("taps") = 0,
          py::arg("oversample") = 4, release_gil(),
          "Minimum-phase HRIRs of `taps` samples (0: fft_size) with the given dB magnitudes; "
          "the cepstrum has oversample x max(fft_size, taps) points (power of two).");
    m.def(
        "split_dtf",
        [](const HrtfSet& hrtf) {
            DtfSplit s;
            {
                py::gil_scoped_release release;
                s = split_dtf(hrtf);
            }
            return py::make_tuple(std::move(s.dtf),
                                  copy_array(s.ctf, {2, static_cast<py::ssize_t>(s.dtf.bins())}));
        },
        py::arg("hrtf"),
        "DTF/CTF split: (dtf HrtfSet, ctf float64 [2, bins]). The CTF is the RMS over directions "
        "of the magnitudes per ear and bin; the DTF is HRTF / CTF (keeps the phase).");
    m.def(
        "join_dtf",
        [](const HrtfSet& dtf, const py::array& ctf_in) {
            DoubleArray ctf = DoubleArray::ensure(ctf_in);
            if (!ctf)
                throw py::error_already_set();
            check_shape(ctf, {2, static_cast<py::ssize_t>(dtf.bins())}, "join_dtf: ctf");
            DtfSplit s{dtf, std::vector<double>(ctf.data(), ctf.data() + ctf.size())};
            py::gil_scoped_release release;
            return join_dtf(s);
        },
        py::arg("dtf"), py::arg("ctf"), "DTF x CTF: the HRTF again.");
}

void bind_time_domain(py::module_& m) {
    m.def(
        "butterworth_lowpass",
        [](int order, double cutoff_hz, double sample_rate_hz) {
            const std::vector<Biquad> s = butterworth_lowpass(order, cutoff_hz, sample_rate_hz);
            py::array_t<double> sos({static_cast<py::ssize_t>(s.size()), py::ssize_t{6}});
            double* w = sos.mutable_data();
            for (const Biquad& b : s)
                for (double v : {b.b0, b.b1, b.b2, 1.0, b.a1, b.a2})
                    *w++ = v;
            return sos;
        },
        py::arg("order"), py::arg("cutoff_hz"), py::arg("sample_rate_hz"),
        "Digital Butterworth low-pass as second-order sections [order / 2, 6], rows "
        "[b0 b1 b2 1 a1 a2] as scipy.signal.butter(..., output='sos') gives.");
    m.def(
        "filter_sections",
        [](const py::array& sos_in, const py::array& x_in) {
            DoubleArray sos = DoubleArray::ensure(sos_in), x = DoubleArray::ensure(x_in);
            if (!sos || !x)
                throw py::error_already_set();
            check_shape(sos, {-1, 6}, "filter_sections: sos");
            check_shape(x, {-1}, "filter_sections: x");
            std::vector<Biquad> s;
            for (py::ssize_t i = 0; i < sos.shape(0); ++i) {
                const double* r = sos.data() + 6 * i;
                if (r[3] != 1.0)
                    throw InvalidArgumentError("filter_sections: a0 must be 1 in every section");
                s.push_back(Biquad{r[0], r[1], r[2], r[4], r[5]});
            }
            py::array_t<double> y(x.size());
            filter_sections(s, x.data(), y.mutable_data(), static_cast<std::size_t>(x.size()));
            return y;
        },
        py::arg("sos"), py::arg("x"),
        "Runs the cascade over x from a zero state (as scipy's sosfilt).");

    m.def(
        "onset_samples",
        [](const py::array& ir_in, double threshold_db, bool fractional) {
            const FloatArray ir = one_ir(ir_in, "onset_samples");
            return onset_samples(ir.data(), static_cast<std::size_t>(ir.size()),
                                 OnsetOptions{threshold_db, fractional});
        },
        py::arg("ir"), py::arg("threshold_db") = -20.0, py::arg("fractional") = true,
        "Onset of one IR in samples: the first sample reaching threshold_db relative to the "
        "peak, refined to a fraction of a sample when fractional.");
    m.def(
        "onsets",
        [](const HrirSet& set, double threshold_db, bool fractional) {
            py::array_t<double> out({static_cast<py::ssize_t>(set.measurements()), py::ssize_t{2}});
            double* w = out.mutable_data();
            py::gil_scoped_release release;
            for (std::size_t i = 0; i < set.measurements(); ++i)
                for (Ear ear : {Ear::left, Ear::right})
                    *w++ = onset_samples(set.ir(i, ear), set.taps(),
                                         OnsetOptions{threshold_db, fractional});
            return out;
        },
        py::arg("set"), py::arg("threshold_db") = -20.0, py::arg("fractional") = true,
        "Onsets of every IR of a set, samples [M, 2] (delays in `delays` not included).");

    py::class_<ItdEstimator>(m, "ItdEstimator", R"(ITD of HRIR pairs of one length and rate.

Sign (pinna's everywhere): t_right - t_left, positive for sources on the left.
itd_samples is the LAP challenge metric: 3 kHz 10th-order Butterworth low-pass, Hilbert
envelopes, whole-sample cross-correlation peak; the fractional variants refine the peak.)")
        .def(py::init<double, std::size_t, double, int>(), py::arg("sample_rate_hz"),
             py::arg("taps"), py::arg("lowpass_hz") = kItdLowpassHz,
             py::arg("lowpass_order") = kItdLowpassOrder)
        .def_property_readonly("taps", &ItdEstimator::taps)
        .def_property_readonly("sample_rate_hz", &ItdEstimator::sample_rate_hz)
        .def(
            "itd_samples",
            [](const ItdEstimator& e, const py::array& l, const py::array& r) {
                const FloatArray left = one_ir(l, "itd_samples"), right = one_ir(r, "itd_samples");
                check_pair(left, right, e.taps(), "itd_samples");
                return e.itd_samples(left.data(), right.data());
            },
            py::arg("left"), py::arg("right"))
        .def(
            "itd_s",
            [](const ItdEstimator& e, const py::array& l, const py::array& r) {
                const FloatArray left = one_ir(l, "itd_s"), right = one_ir(r, "itd_s");
                check_pair(left, right, e.taps(), "itd_s");
                return e.itd_s(left.data(), right.data());
            },
            py::arg("left"), py::arg("right"))
        .def(
            "itd_fractional_samples",
            [](const ItdEstimator& e, const py::array& l, const py::array& r) {
                const FloatArray left = one_ir(l, "itd_fractional_samples"),
                                 right = one_ir(r, "itd_fractional_samples");
                check_pair(left, right, e.taps(), "itd_fractional_samples");
                return e.itd_fractional_samples(left.data(), right.data());
            },
            py::arg("left"), py::arg("right"))
        .def(
            "itd_fractional_s",
            [](const ItdEstimator& e, const py::array& l, const py::array& r) {
                const FloatArray left = one_ir(l, "itd_fractional_s"),
                                 right = one_ir(r, "itd_fractional_s");
                check_pair(left, right, e.taps(), "itd_fractional_s");
                return e.itd_fractional_s(left.data(), right.data());
            },
            py::arg("left"), py::arg("right"))
        .def(
            "lowpassed_envelope",
            [](const ItdEstimator& e, const py::array& x) {
                const FloatArray ir = one_ir(x, "lowpassed_envelope");
                if (static_cast<std::size_t>(ir.size()) != e.taps())
                    throw InvalidArgumentError("lowpassed_envelope: expected " +
                                               std::to_string(e.taps()) + " taps");
                return copy_array(e.lowpassed_envelope(ir.data()));
            },
            py::arg("ir"));

    m.def(
        "itd_s",
        [](const HrirSet& set) {
            std::vector<double> itd;
            {
                py::gil_scoped_release release;
                itd = itd_s(set);
            }
            return copy_array(itd);
        },
        py::arg("set"),
        "Metric (whole-sample) ITD of every measurement in seconds [M]; positive on the left.");
    m.def(
        "itd_fractional_s",
        [](const HrirSet& set) {
            std::vector<double> itd;
            {
                py::gil_scoped_release release;
                itd = itd_fractional_s(set);
            }
            return copy_array(itd);
        },
        py::arg("set"), "Sub-sample ITD of every measurement in seconds [M].");

    m.def(
        "minimum_phase",
        [](const py::array& ir_in, std::size_t oversample, double floor_db,
           const std::string& delay) {
            const FloatArray ir = one_ir(ir_in, "minimum_phase");
            const MinimumPhaseIr r =
                minimum_phase(ir.data(), static_cast<std::size_t>(ir.size()),
                              minimum_phase_options(oversample, floor_db, delay));
            return py::make_tuple(float_array(r.ir), r.delay_samples);
        },
        py::arg("ir"), py::arg("oversample") = 8, py::arg("floor_db") = kMagnitudeFloorDb,
        py::arg("delay") = "cross_correlation",
        "Splits one IR into (minimum-phase IR, pure delay in samples); delay is measured by "
        "'cross_correlation', 'onset' or not at all ('none').");
    m.def(
        "minimum_phase_from_magnitude",
        [](const py::array& magnitude_in, std::size_t fft_size, std::size_t taps,
           std::size_t oversample, double floor_db) {
            DoubleArray mag = DoubleArray::ensure(magnitude_in);
            if (!mag)
                throw py::error_already_set();
            check_shape(mag, {static_cast<py::ssize_t>(fft_size / 2 + 1)},
                        "minimum_phase_from_magnitude: magnitude (fft_size // 2 + 1 values)");
            return float_array(minimum_phase_from_magnitude(
                mag.data(), fft_size, taps, minimum_phase_options(oversample, floor_db, "none")));
        },
        py::arg("magnitude"), py::arg("fft_size"), py::arg("taps"), py::arg("oversample") = 8,
        py::arg("floor_db") = kMagnitudeFloorDb,
        "The minimum-phase IR of `taps` samples with the linear magnitudes of an fft_size-point "
        "spectrum.");
    m.def(
        "to_minimum_phase",
        [](const HrirSet& set, std::size_t oversample, double floor_db, const std::string& delay) {
            const MinimumPhaseOptions o = minimum_phase_options(oversample, floor_db, delay);
            py::gil_scoped_release release;
            return to_minimum_phase(set, o);
        },
        py::arg("set"), py::arg("oversample") = 8, py::arg("floor_db") = kMagnitudeFloorDb,
        py::arg("delay") = "cross_correlation",
        "Every IR split: minimum-phase IRs with their pure delays in `delays`.");
    m.def("from_minimum_phase", &from_minimum_phase, py::arg("set"), py::arg("taps") = 0,
          release_gil(), "Each IR delayed by its delay (the inverse of to_minimum_phase).");
}

void bind_delays_and_rates(py::module_& m) {
    m.def(
        "delay_signal",
        [](const py::array& x_in, double delay_samples, py::object out_size) {
            const FloatArray x = one_ir(x_in, "delay_signal");
            const auto n = out_size.is_none() ? static_cast<std::size_t>(x.size())
                                              : out_size.cast<std::size_t>();
            py::array_t<float> out(static_cast<py::ssize_t>(n));
            delay_signal(x.data(), static_cast<std::size_t>(x.size()), delay_samples,
                         out.mutable_data(), n);
            return out;
        },
        py::arg("x"), py::arg("delay_samples"), py::arg("out_size") = py::none(),
        "x delayed by delay_samples (fractional: Kaiser-windowed sinc), out_size samples "
        "(default len(x)).");
    m.def("with_delays_applied", &with_delays_applied, py::arg("set"), release_gil(),
          "A validated copy with its delays baked into the IRs (no `delays` left).");
    m.def(
        "resample",
        [](const HrirSet& set, double rate, double cutoff, std::size_t half_length, double beta,
           bool keep_frequency_response) {
            ResampleOptions o;
            o.cutoff = cutoff;
            o.half_length = half_length;
            o.kaiser_beta = beta;
            o.keep_frequency_response = keep_frequency_response;
            py::gil_scoped_release release;
            return resample(set, rate, o);
        },
        py::arg("set"), py::arg("sample_rate_hz"), py::arg("cutoff") = ResampleOptions{}.cutoff,
        py::arg("half_length") = ResampleOptions{}.half_length,
        py::arg("kaiser_beta") = ResampleOptions{}.kaiser_beta,
        py::arg("keep_frequency_response") = ResampleOptions{}.keep_frequency_response,
        "The set at another sample rate (band-limited, Kaiser-windowed sinc). With "
        "keep_frequency_response (default) each IR keeps its frequency response (samples "
        "scaled by old / new rate); otherwise its waveform's values.");
    m.def("conform", &conform, py::arg("set"), py::arg("sample_rate_hz"), py::arg("taps"),
          release_gil(),
          "Delays applied, resampled to sample_rate_hz and cut (faded) or padded to `taps`.");
}

void bind_magnitude_itd(py::module_& m) {
    py::class_<MagnitudeItd>(
        m, "MagnitudeItd",
        "dB magnitudes (a SpectrumSet) and ITDs in seconds (t_right - t_left), "
        "the representation of pinna's neural models.")
        .def(py::init([](SpectrumSet db, const py::array& itd_in) {
                 DoubleArray itd = DoubleArray::ensure(itd_in);
                 if (!itd)
                     throw py::error_already_set();
                 check_shape(itd, {static_cast<py::ssize_t>(db.measurements())},
                             "MagnitudeItd: itd_s");
                 return MagnitudeItd{std::move(db),
                                     std::vector<double>(itd.data(), itd.data() + itd.size())};
             }),
             py::arg("db"), py::arg("itd_s"))
        .def_property_readonly(
            "db", [](MagnitudeItd& s) -> SpectrumSet& { return s.db; },
            py::return_value_policy::reference_internal)
        .def_property_readonly(
            "itd_s",
            [](py::object self) {
                auto& s = self.cast<MagnitudeItd&>();
                return view(s.itd_s.data(), {static_cast<py::ssize_t>(s.itd_s.size())}, self);
            },
            "ITDs in seconds [M], a view.")
        .def("__repr__", [](const MagnitudeItd& s) {
            return "<pinna.MagnitudeItd " + std::to_string(s.db.measurements()) + " directions x " +
                   std::to_string(s.db.bins()) + " bins>";
        });
    m.def(
        "magnitude_itd",
        [](const HrirSet& set, bool fractional) {
            py::gil_scoped_release release;
            return magnitude_itd(
                set, fractional ? ItdResolution::fractional : ItdResolution::whole_samples);
        },
        py::arg("set"), py::arg("fractional") = false,
        "dB magnitudes (fft_size = taps) and ITDs of a set (delays applied first): the LAP "
        "metric's whole samples, or with fractional=True sub-sample ones (itd_fractional_s).");
    m.def("leading_ear_delay_samples", &leading_ear_delay_samples, py::arg("set"), release_gil(),
          "Mean leading-ear pure delay of the set's minimum-phase decompositions, samples.");
    m.def(
        "render_magnitude_itd",
        [](const MagnitudeItd& spectra, std::size_t taps, double base_delay_samples,
           bool match_metric_itd, std::size_t oversample) {
            MagnitudeItdRenderOptions o;
            o.taps = taps;
            o.base_delay_samples = base_delay_samples;
            o.match_metric_itd = match_metric_itd;
            o.oversample = oversample;
            py::gil_scoped_release release;
            return render_magnitude_itd(spectra, o);
        },
        py::arg("spectra"), py::arg("taps") = 0, py::arg("base_delay_samples") = 0.0,
        py::arg("match_metric_itd") = true, py::arg("oversample") = 1,
        "HRIRs from dB magnitudes and ITDs: minimum-phase IRs, delayed by the base delay plus "
        "the ITD on the lagging ear. oversample: the cepstrum's length over the spectra's "
        "FFT size (see minimum_phase_hrirs).");
}

}  // namespace

void bind_dsp(py::module_& m) {
    bind_spectrum(m);
    bind_time_domain(m);
    bind_delays_and_rates(m);
    bind_magnitude_itd(m);
}

}  // namespace pinna::python
