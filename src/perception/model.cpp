// The Baumgartner et al. (2014) model put together: template analysis once, then per target
// set and sagittal plane the comparison (Eq. 4), similarity (Eq. 5), binaural weighting
// (Eq. 6), sensorimotor mapping (Eq. 7), normalisation (Eq. 8) and the error measures.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <string>

#include "core/vec_math.hpp"
#include "perception/stages.hpp"
#include "pinna/error.hpp"
#include "pinna/hrir_set.hpp"
#include "pinna/perception.hpp"

namespace pinna {

namespace {

using namespace perception;

// Directions stored in single precision (libmysofa reads positions as floats) sit a few
// 1e-6 degrees off their nominal polar angle; a target nominally at the edge of the scored
// range must not drop out. The same slack as extractsp's coverage test (dx).
constexpr double kPolarRangeSlackDeg = 0.01;

std::string number(double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%g", v);
    return buf;
}

void require(bool ok, const std::string& what) {
    if (!ok)
        throw InvalidArgumentError("perception: " + what);
}

// Spectral-gradient profiles of some directions of a set: [i][ear][gradient].
struct Profiles {
    std::size_t gradients = 0;
    std::vector<double> values;
    const double* of(std::size_t i, std::size_t ear) const {
        return values.data() + (i * kEars + ear) * gradients;
    }
};

// The bands, shared by template and target (the centre frequencies do not depend on the
// sample rate; the filters do).
struct Bands {
    std::vector<double> centres_hz;
    std::size_t distance = 1;
    std::size_t gradients() const { return centres_hz.size() - distance; }
};

void check_set(const HrirSet& set, const Bands& bands, const char* role) {
    set.validate();
    const double nyquist = set.sample_rate_hz() / 2.0;
    if (!(bands.centres_hz.back() < nyquist))
        throw InvalidDataError(std::string("perception: the ") + role + " set's sample rate " +
                               number(set.sample_rate_hz()) + " Hz is too low: the highest band (" +
                               number(bands.centres_hz.back()) +
                               " Hz) must lie below its Nyquist frequency; resample it "
                               "(pinna::resample) or lower highest_frequency_hz");
}

// Positive-gradient profiles of `which` directions of `set`, after the DTF step.
Profiles analyse(const HrirSet& set, const std::vector<std::size_t>& which, const Bands& bands,
                 DtfMethod dtf, const char* role) {
    const std::vector<double> irs = directional_irs(set, which, dtf);
    const GammatoneFilterbank bank(bands.centres_hz, set.sample_rate_hz());
    Profiles out;
    out.gradients = bands.gradients();
    out.values.resize(which.size() * kEars * out.gradients);
    std::vector<double> levels(bank.bands());
    const std::size_t n = set.taps();
    for (std::size_t i = 0; i < which.size(); ++i)
        for (std::size_t e = 0; e < kEars; ++e) {
            bank.levels_db(irs.data() + (i * kEars + e) * n, n, levels.data());
            for (std::size_t b = 0; b < levels.size(); ++b)
                if (!std::isfinite(levels[b])) {
                    const Direction& d = set.direction(which[i]);
                    throw InvalidDataError(std::string("perception: the ") + role + " set's IR " +
                                           std::to_string(which[i]) + " (azimuth " +
                                           number(d.azimuth_deg) + ", elevation " +
                                           number(d.elevation_deg) + ") " +
                                           (e == 0 ? "left" : "right") + " ear is silent in the " +
                                           number(bands.centres_hz[b]) + " Hz band");
                }
            positive_gradients(levels.data(), levels.size(), bands.distance,
                               out.values.data() + (i * kEars + e) * out.gradients);
        }
    return out;
}

// One sagittal plane of the template, with everything that does not depend on the target.
struct TemplatePlane {
    double lateral_deg = 0.0;
    PlaneSelection selection;
    Profiles profiles;
    std::vector<double> spline;  // [regular response][template direction]
    std::size_t regular_count = 0;
    std::size_t regular_offset = 0;    // index of the first regular response angle
    std::vector<double> response_deg;  // the whole response grid
    std::vector<double> kernel;        // motor scatter; empty when switched off
    double left_weight = 0.5;
};

}  // namespace

void Baumgartner2014Options::validate() const {
    auto finite = [](double v) { return std::isfinite(v); };
    require(finite(sensitivity) && sensitivity > 0.0,
            "sensitivity S must be finite and positive, got " + number(sensitivity));
    require(finite(selectivity_per_db) && selectivity_per_db > 0.0,
            "selectivity (Gamma) must be finite and positive, got " + number(selectivity_per_db));
    require(finite(motor_scatter_deg) && motor_scatter_deg >= 0.0,
            "motor scatter (epsilon) must be finite and not negative, got " +
                number(motor_scatter_deg));
    require(finite(binaural_weighting_deg) && binaural_weighting_deg > 0.0,
            "binaural weighting coefficient (Phi) must be finite and positive, got " +
                number(binaural_weighting_deg));
    require(finite(lowest_frequency_hz) && finite(highest_frequency_hz) &&
                lowest_frequency_hz > 0.0 && highest_frequency_hz > lowest_frequency_hz,
            "the filterbank needs 0 < lowest_frequency_hz < highest_frequency_hz, got " +
                number(lowest_frequency_hz) + " and " + number(highest_frequency_hz));
    require(erb_band_centres_hz(lowest_frequency_hz, highest_frequency_hz).size() >= 2,
            "the filterbank range " + number(lowest_frequency_hz) + ".." +
                number(highest_frequency_hz) + " Hz holds fewer than 2 bands 1 ERB apart");
    require(!lateral_angles_deg.empty(), "lateral_angles_deg is empty");
    for (double a : lateral_angles_deg)
        require(finite(a) && std::abs(a) < 90.0,
                "lateral angle " + number(a) + " is not in (-90, 90) degrees");
    require(finite(min_target_polar_deg) && finite(max_target_polar_deg) &&
                min_target_polar_deg <= max_target_polar_deg,
            "the scored polar range " + number(min_target_polar_deg) + ".." +
                number(max_target_polar_deg) + " is empty or not finite");
    require(dtf == DtfMethod::log_mean_minimum_phase || dtf == DtfMethod::none,
            "unknown DtfMethod");
}

struct Baumgartner2014Model::Impl {
    Baumgartner2014Options options;
    Bands bands;
    std::vector<TemplatePlane> planes;

    // Selections of every plane of a set and the union of their directions, so that the
    // DTF step (which transforms the whole set) runs once per set.
    struct Selections {
        std::vector<PlaneSelection> planes;
        std::vector<std::size_t> all;            // sorted union of the planes' indices
        std::map<std::size_t, std::size_t> row;  // set index -> position in `all`
    };
    Selections select(const HrirSet& set) const {
        Selections s;
        for (double lat : options.lateral_angles_deg)
            s.planes.push_back(select_sagittal_plane(set.directions(), lat));
        for (const PlaneSelection& p : s.planes)
            s.all.insert(s.all.end(), p.indices.begin(), p.indices.end());
        std::sort(s.all.begin(), s.all.end());
        s.all.erase(std::unique(s.all.begin(), s.all.end()), s.all.end());
        for (std::size_t i = 0; i < s.all.size(); ++i)
            s.row[s.all[i]] = i;
        return s;
    }

    static Profiles rows_of(const Profiles& all, const Selections& s,
                            const std::vector<std::size_t>& indices) {
        Profiles out;
        out.gradients = all.gradients;
        const std::size_t stride = kEars * all.gradients;
        out.values.resize(indices.size() * stride);
        for (std::size_t i = 0; i < indices.size(); ++i) {
            const double* src = all.values.data() + s.row.at(indices[i]) * stride;
            std::copy(src, src + stride, out.values.begin() + static_cast<long>(i * stride));
        }
        return out;
    }

    void build(const HrirSet& listener) {
        options.validate();
        bands.centres_hz =
            erb_band_centres_hz(options.lowest_frequency_hz, options.highest_frequency_hz);
        bands.distance = gradient_band_distance(bands.centres_hz);
        if (bands.distance >= bands.centres_hz.size())
            throw InvalidArgumentError("perception: too few bands for a spectral gradient");
        check_set(listener, bands, "template");
        const Selections sel = select(listener);
        for (std::size_t p = 0; p < sel.planes.size(); ++p)
            if (sel.planes[p].indices.size() < 3)
                throw TooFewDirectionsError("perception: the template set has " +
                                                std::to_string(sel.planes[p].indices.size()) +
                                                " directions within 2.5 degrees of lateral angle " +
                                                number(options.lateral_angles_deg[p]) +
                                                "; the model needs at least 3 in a sagittal plane",
                                            options.lateral_angles_deg[p],
                                            sel.planes[p].indices.size(), 3);
        const Profiles all = analyse(listener, sel.all, bands, options.dtf, "template");
        for (std::size_t p = 0; p < sel.planes.size(); ++p)
            planes.push_back(make_plane(options.lateral_angles_deg[p], sel.planes[p],
                                        rows_of(all, sel, sel.planes[p].indices)));
    }

    TemplatePlane make_plane(double lat, const PlaneSelection& selection, Profiles profiles) const {
        TemplatePlane t;
        t.lateral_deg = lat;
        t.selection = selection;
        t.profiles = std::move(profiles);
        t.left_weight = 1.0 / (1.0 + std::exp(-lat / options.binaural_weighting_deg));

        // Regular response grid: 5-degree steps from the first multiple of 5 at or above the
        // lowest template angle up to the highest.
        const double lo = selection.polar_deg.front(), hi = selection.polar_deg.back();
        const double first = std::ceil(lo / kResponseStepDeg) * kResponseStepDeg;
        if (first > hi)
            throw TooFewDirectionsError("perception: the template's directions at lateral angle " +
                                            number(lat) + " span less than one " +
                                            number(kResponseStepDeg) + "-degree response step",
                                        lat, selection.indices.size(), 3);
        t.regular_count =
            static_cast<std::size_t>(std::floor((hi - first) / kResponseStepDeg + 1e-9)) + 1;
        std::vector<double> regular(t.regular_count);
        for (std::size_t r = 0; r < t.regular_count; ++r)
            regular[r] = first + kResponseStepDeg * static_cast<double>(r);
        t.spline = spline_matrix(selection.polar_deg, regular);

        if (options.motor_scatter_deg > 0.0) {
            // Pad with zero similarity to -90 .. 265 so that the scatter's circular
            // convolution runs over the whole circle (72 steps of 5 degrees).
            const auto below =
                static_cast<std::size_t>(std::llround((first - (-90.0)) / kResponseStepDeg));
            const auto above = static_cast<std::size_t>(
                std::max(0LL, std::llround((265.0 - regular.back()) / kResponseStepDeg)));
            t.regular_offset = below;
            for (std::size_t r = 0; r < below; ++r)
                t.response_deg.push_back(-90.0 + kResponseStepDeg * static_cast<double>(r));
            t.response_deg.insert(t.response_deg.end(), regular.begin(), regular.end());
            for (std::size_t r = 1; r <= above; ++r)
                t.response_deg.push_back(regular.back() +
                                         kResponseStepDeg * static_cast<double>(r));
            // The scatter widens away from the median plane: the same arc length on a
            // smaller circle of the sphere.
            const double scatter = options.motor_scatter_deg / std::cos(lat * (kPi / 180.0));
            t.kernel = von_mises_kernel(t.response_deg.size(), scatter);
        } else {
            t.regular_offset = 0;
            t.response_deg = regular;
        }
        return t;
    }

    SagittalPlanePrediction predict_plane(const TemplatePlane& t, const PlaneSelection& target,
                                          const Profiles& target_profiles,
                                          const std::vector<std::size_t>& scored) const {
        SagittalPlanePrediction out;
        out.lateral_deg = t.lateral_deg;
        out.template_polar_deg = t.selection.polar_deg;
        out.template_indices = t.selection.indices;
        out.response_polar_deg = t.response_deg;
        out.max_lateral_offset_deg =
            std::max(t.selection.max_lateral_offset_deg, target.max_lateral_offset_deg);
        const std::size_t templates = t.selection.indices.size();
        const std::size_t responses = t.response_deg.size();
        const std::size_t g_count = t.profiles.gradients;
        const double gamma = options.selectivity_per_db, s0 = options.sensitivity;
        const double w_left = t.left_weight;

        std::vector<double> similarity(templates), padded(responses), pmv(responses);
        // Chance: responses uniform over the response angles in the scored polar range, as
        // AMT's calibration normalises errors (pmv2ppp(ones(49, 44)): -30..210); with the
        // whole circle scored it is AMT's pmv2ppp('chance').
        std::vector<double> uniform(responses, 0.0);
        for (std::size_t l = 0; l < responses; ++l)
            if (t.response_deg[l] >= options.min_target_polar_deg - kPolarRangeSlackDeg &&
                t.response_deg[l] <= options.max_target_polar_deg + kPolarRangeSlackDeg)
                uniform[l] = 1.0;
        double qe_sum = 0.0, pe_sum = 0.0, chance_qe = 0.0, chance_pe = 0.0;
        std::size_t pe_count = 0, chance_pe_count = 0;
        for (std::size_t k = 0; k < scored.size(); ++k) {
            const std::size_t i = scored[k];
            for (std::size_t j = 0; j < templates; ++j) {
                double s[kEars];
                for (std::size_t e = 0; e < kEars; ++e) {
                    const double* a = target_profiles.of(i, e);
                    const double* b = t.profiles.of(j, e);
                    double sigma = 0.0;
                    for (std::size_t g = 0; g < g_count; ++g)
                        sigma += std::abs(a[g] - b[g]);
                    sigma /= static_cast<double>(g_count);
                    s[e] = 1.0 + kMatlabEps - 1.0 / (1.0 + std::exp(-gamma * (sigma - s0)));
                }
                similarity[j] = w_left * s[0] + (1.0 - w_left) * s[1];
            }
            std::fill(padded.begin(), padded.end(), 0.0);
            for (std::size_t r = 0; r < t.regular_count; ++r) {
                const double* w = t.spline.data() + r * templates;
                double v = 0.0;
                for (std::size_t j = 0; j < templates; ++j)
                    v += w[j] * similarity[j];
                padded[t.regular_offset + r] = std::max(v, 0.0);  // the spline may undershoot
            }
            if (!t.kernel.empty()) {
                for (std::size_t l = 0; l < responses; ++l) {
                    double v = 0.0;
                    for (std::size_t m = 0; m < responses; ++m)
                        v += padded[m] * t.kernel[(l + responses - m) % responses];
                    pmv[l] = v;
                }
            } else {
                pmv = padded;
            }
            double total = 0.0;
            for (double v : pmv)
                total += v;
            for (double& v : pmv)
                v /= total + kMatlabEps;

            const double target_deg = target.polar_deg[i];
            const TargetErrors e = pmv_errors(pmv.data(), t.response_deg, target_deg);
            out.target_polar_deg.push_back(target_deg);
            out.target_indices.push_back(target.indices[i]);
            out.probabilities.insert(out.probabilities.end(), pmv.begin(), pmv.end());
            out.quadrant_error_percent_per_target.push_back(100.0 * e.quadrant_error);
            out.polar_rms_error_deg_per_target.push_back(e.polar_rms_error_deg);
            qe_sum += e.quadrant_error;
            if (std::isfinite(e.polar_rms_error_deg)) {
                pe_sum += e.polar_rms_error_deg;
                ++pe_count;
            }
            const TargetErrors c = pmv_errors(uniform.data(), t.response_deg, target_deg);
            chance_qe += c.quadrant_error;
            if (std::isfinite(c.polar_rms_error_deg)) {
                chance_pe += c.polar_rms_error_deg;
                ++chance_pe_count;
            }
        }
        const double n = static_cast<double>(scored.size());
        out.quadrant_error_percent = 100.0 * qe_sum / n;
        out.polar_rms_error_deg = pe_count ? pe_sum / static_cast<double>(pe_count) : NAN;
        out.chance_quadrant_error_percent = 100.0 * chance_qe / n;
        out.chance_polar_rms_error_deg =
            chance_pe_count ? chance_pe / static_cast<double>(chance_pe_count) : NAN;
        return out;
    }

    LocalizationPrediction predict(const HrirSet& target) const {
        check_set(target, bands, "target");
        const Selections sel = select(target);
        // Targets scored per plane: positions within the plane's selection.
        std::vector<std::vector<std::size_t>> scored(planes.size());
        std::vector<std::size_t> needed;
        for (std::size_t p = 0; p < planes.size(); ++p) {
            const PlaneSelection& s = sel.planes[p];
            for (std::size_t i = 0; i < s.indices.size(); ++i)
                if (s.polar_deg[i] >= options.min_target_polar_deg - kPolarRangeSlackDeg &&
                    s.polar_deg[i] <= options.max_target_polar_deg + kPolarRangeSlackDeg) {
                    scored[p].push_back(i);
                    needed.push_back(s.indices[i]);
                }
            if (scored[p].empty())
                throw TooFewDirectionsError(
                    "perception: the target set has no direction within 2.5 degrees of "
                    "lateral angle " +
                        number(planes[p].lateral_deg) + " with a polar angle in " +
                        number(options.min_target_polar_deg) + ".." +
                        number(options.max_target_polar_deg) + " degrees",
                    planes[p].lateral_deg, 0, 1);
        }
        // Only the scored directions go through the filterbank.
        std::sort(needed.begin(), needed.end());
        needed.erase(std::unique(needed.begin(), needed.end()), needed.end());
        std::map<std::size_t, std::size_t> row_of;  // set index -> row of `all`
        for (std::size_t i = 0; i < needed.size(); ++i)
            row_of[needed[i]] = i;
        const Profiles all = analyse(target, needed, bands, options.dtf, "target");

        LocalizationPrediction out;
        for (std::size_t p = 0; p < planes.size(); ++p) {
            // Profiles indexed by position in the plane's selection (unscored rows unused).
            Profiles plane_profiles;
            plane_profiles.gradients = all.gradients;
            const std::size_t stride = kEars * all.gradients;
            plane_profiles.values.assign(sel.planes[p].indices.size() * stride, 0.0);
            for (std::size_t i : scored[p]) {
                const double* src =
                    all.values.data() + row_of.at(sel.planes[p].indices[i]) * stride;
                std::copy(src, src + stride,
                          plane_profiles.values.begin() + static_cast<long>(i * stride));
            }
            out.planes.push_back(
                predict_plane(planes[p], sel.planes[p], plane_profiles, scored[p]));
        }
        const double n = static_cast<double>(out.planes.size());
        for (const SagittalPlanePrediction& p : out.planes) {
            out.quadrant_error_percent += p.quadrant_error_percent / n;
            out.polar_rms_error_deg += p.polar_rms_error_deg / n;
            out.chance_quadrant_error_percent += p.chance_quadrant_error_percent / n;
            out.chance_polar_rms_error_deg += p.chance_polar_rms_error_deg / n;
        }
        return out;
    }
};

Baumgartner2014Model::Baumgartner2014Model(const HrirSet& listener, Baumgartner2014Options options)
    : impl_(std::make_unique<Impl>()) {
    impl_->options = std::move(options);
    impl_->build(listener);
}
Baumgartner2014Model::~Baumgartner2014Model() = default;
Baumgartner2014Model::Baumgartner2014Model(Baumgartner2014Model&&) noexcept = default;
Baumgartner2014Model& Baumgartner2014Model::operator=(Baumgartner2014Model&&) noexcept = default;

LocalizationPrediction Baumgartner2014Model::predict(const HrirSet& target) const {
    return impl_->predict(target);
}

const Baumgartner2014Options& Baumgartner2014Model::options() const noexcept {
    return impl_->options;
}

LocalizationPrediction predict_localization(const HrirSet& listener, const HrirSet& target,
                                            const Baumgartner2014Options& options) {
    return Baumgartner2014Model(listener, options).predict(target);
}

}  // namespace pinna
