// Neural HRTF models: TorchScript archives (models/*.pt) run with LibTorch.
//
// Opt-in: link pinna::torch (defines PINNA_HAS_TORCH); pinna/pinna.hpp does not include
// this header. No LibTorch type appears here: it compiles as fast as the rest of pinna.
//
// Every archive carries a "meta.json" extra file saying what it is ("kind"), its sample
// rate, FFT size and methods; the runners check it at load time and check every output
// shape against it at run time (ModelError naming expected and actual shapes).
//
// The models work on dB magnitudes and interaural time differences (MagnitudeItd,
// pinna/magnitude_itd.hpp), and the runners turn those back into HRIRs with
// render_magnitude_itd: the minimum-phase IR of each magnitude, delayed by a base delay
// (both ears) plus the ITD (lagging ear only), in whole samples.
//
// ITD sign: pinna's everywhere (pinna/time_domain.hpp), t_right - t_left, positive for
// sources on the left. The archives' own convention (the Python side's metrics.md code,
// t_left - t_right) is converted inside the runners.
#pragma once

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "pinna/geometry.hpp"
#include "pinna/hrir_set.hpp"
#include "pinna/magnitude_itd.hpp"
#include "pinna/visibility.hpp"

PINNA_API_BEGIN
namespace pinna {

// ---------------------------------------------------------------------------------------
// Runtime

/// Threads LibTorch uses for one model call (torch::set_num_threads; the first call also
/// sizes the inter-op pool). Throws InvalidArgumentError for a count below 1.
void set_model_threads(int threads);
/// Current intra-op thread count.
int model_threads();

// ---------------------------------------------------------------------------------------
// Model files

constexpr const char* kUpsamplerModelFile = "upsampler.pt";
constexpr const char* kPersonalizationModelFile = "anthropometric.pt";
constexpr const char* kAutoencoderModelFile = "autoencoder.pt";

/// Where pinna looks for its models: $PINNA_MODEL_DIR when set and not empty, else
/// <prefix>/share/pinna/models of the prefix libpinna_torch is installed in (the build
/// tree links it to the source tree's models/), else "models" (relative).
std::string model_directory();
/// model_directory() + "/" + file.
std::string default_model_path(const std::string& file);

/// What an archive's meta.json says about it.
struct ModelInfo {
    std::string path;
    std::string name;
    std::string version;
    std::string kind;  ///< "upsampler", "personalizer", "autoencoder"
    std::string description;
    double sample_rate_hz = 0.0;
    std::size_t taps = 0;  ///< HRIR length, also the FFT size of the spectra
    std::size_t bins = 0;  ///< taps / 2 + 1
    /// The model reads sub-sample ITDs (meta.json "itd_input": "fractional"; upsampler
    /// archives from v1.5.0), not the metric's whole samples ("metric", the default).
    bool fractional_itd = false;
    std::string meta_json;  ///< the whole meta.json text
};

// ---------------------------------------------------------------------------------------
// Upsampler: a few measured directions -> any directions

struct NeuralUpsampleOptions {
    /// Targets within this angle (degrees) of a measured direction get the measured IRs
    /// (the input's own, delays applied) instead of the model's posterior mean, which
    /// treats measurements as noisy (models/README.md). Negative: never.
    double keep_measured_within_deg = 0.5;
    /// Take another lab's measurement chain out before the model and put it back after
    /// (models/upsampler.md, "Other labs"): the mean difference between the measured dB
    /// spectra and the model's population at the measured directions, over both ears and
    /// smoothed over +-8 bins of the model's spectrum (+-1.4 kHz), is subtracted from the
    /// input and added to the output. It is applied in full when the larger of the two ears'
    /// broadband levels (the mean of that difference up to 20 kHz) is at least kChainLevelFullDb
    /// away from the population, not at all within kChainLevelNoneDb (the spread of the training
    /// subjects: a set measured like them is left to the model), linearly between. Above
    /// the upper threshold a change of gain of the input changes the output by exactly
    /// that gain. An input at another sample rate is read as its spectrum on the model's
    /// frequencies (not resampled), and the output is rendered at the input's rate and
    /// length.
    bool equalize_chain = true;
    /// The baseline instead of the model's posterior: the population average at the targets
    /// shifted, per ear and per frequency bin, by the mean difference between the measured
    /// dB spectra and the population at the measured directions (no smoothing, no
    /// threshold); ITDs are the population's. For comparisons (models/upsampler.md).
    bool population_offset_baseline = false;
    /// The head's yaw to assume (degrees, turned to the left: counter-clockwise seen from
    /// above), e.g. 0 for a dummy head known to sit straight. Unset: the model estimates it
    /// from the measured ITDs (Upsampler::head_yaw_deg). A given yaw needs an archive with
    /// the method "forward_at_yaw" (v1.2.0 on; ModelError otherwise); InvalidArgumentError
    /// when not finite.
    std::optional<double> head_yaw_deg;
};

/// NeuralUpsampleOptions::equalize_chain's thresholds on the broadband level (dB).
constexpr double kChainLevelNoneDb = 4.5;
constexpr double kChainLevelFullDb = 7.5;

/// Runs an archive of kind "upsampler" (models/upsampler.pt: a Gaussian-process posterior
/// with a spherical-harmonic population prior, blended with a GP in the autoencoder's latent
/// space; see models/upsampler.md). Const methods are safe to call from several threads.
class Upsampler {
  public:
    /// Loads and checks the archive. Throws IoError (missing file), ModelError (not a
    /// TorchScript archive, meta.json missing or invalid, another kind, a method missing).
    explicit Upsampler(const std::string& path = default_model_path(kUpsamplerModelFile));
    ~Upsampler();
    Upsampler(Upsampler&&) noexcept;
    Upsampler& operator=(Upsampler&&) noexcept;

    const ModelInfo& info() const noexcept;

    /// The one-call path. The measured set (delays applied) is cut (faded) or zero-padded to
    /// the duration of the model's taps at its own rate (not resampled), and its dB spectra
    /// are interpolated onto the model's frequencies (from a set at a lower rate, the bins
    /// above 0.83 of its Nyquist frequency are held at the value there); those magnitudes
    /// (another lab's level and colouring taken out and put back after, see
    /// NeuralUpsampleOptions::equalize_chain) and the metric ITDs go through the model; the
    /// predicted dB spectra are interpolated (linearly in
    /// frequency, the model's Nyquist value held above it) onto an FFT grid at the measured
    /// set's rate and rendered (render_magnitude_itd) at that rate, with the measured set's
    /// leading_ear_delay_samples as base delay, cut to the measured set's length; targets
    /// at measured directions keep the measurement (see NeuralUpsampleOptions). Returns a
    /// set at `targets` (distances kept) with the measured set's sample rate and taps
    /// (after its delays are applied), metadata copied from `measured`. Throws
    /// InvalidDataError for an invalid measured set, InvalidArgumentError for no or
    /// non-finite targets, ModelError when the model fails or returns unexpected shapes.
    HrirSet upsample(const HrirSet& measured, const std::vector<Direction>& targets,
                     const NeuralUpsampleOptions& options = {}) const;

    /// The model's forward pass: magnitudes and ITDs at `targets` from measured ones.
    /// `measured.db` must have the model's fft_size (InvalidArgumentError otherwise) and
    /// finite values (InvalidDataError); its sample rate is not checked.
    MagnitudeItd predict(const MagnitudeItd& measured, const std::vector<Direction>& targets) const;
    /// As above, for a head known to be turned by `head_yaw_deg` (degrees, to the left)
    /// instead of the estimated yaw. ModelError for an archive without "forward_at_yaw",
    /// InvalidArgumentError for a yaw that is not finite.
    MagnitudeItd predict(const MagnitudeItd& measured, const std::vector<Direction>& targets,
                         double head_yaw_deg) const;

    /// The population-average magnitudes and ITDs at `targets` (no measurement), if the
    /// archive has the "population" method (ModelError otherwise).
    MagnitudeItd population(const std::vector<Direction>& targets) const;

    /// The head's yaw (degrees, turned to the left: counter-clockwise seen from above) that
    /// the model assumes for these measurements: since v1.2.0 it estimates the yaw from the
    /// measured ITDs and predicts in the head's own frame (models/upsampler.md, "Head yaw").
    /// 0 for an archive without the method "head_yaw_deg". InvalidArgumentError for no
    /// measured directions, InvalidDataError for a non-finite ITD.
    double head_yaw_deg(const MagnitudeItd& measured) const;
    /// As above, from a measured set read as upsample() reads it.
    double head_yaw_deg(const HrirSet& measured) const;

  private:
    MagnitudeItd predict_at(const MagnitudeItd& measured, const std::vector<Direction>& targets,
                            const double* head_yaw_deg) const;

    struct Impl;
    std::unique_ptr<Impl> impl_;
};

// ---------------------------------------------------------------------------------------
// Personalization: anthropometry -> HRIR set

/// One anthropometric feature a personalization model reads.
struct FeatureInfo {
    std::string name;         ///< column name in anthropometry tables (e.g. "x1", "L_d1")
    std::string unit;         ///< e.g. "cm", "deg" (may be empty)
    std::string description;  ///< e.g. "head width" (may be empty)
    double mean = 0.0;        ///< training mean
    double std = 1.0;         ///< training standard deviation
    double min = 0.0;         ///< smallest training value
    double max = 0.0;         ///< largest training value
};

/// Runs an archive of kind "personalizer" (models/anthropometric.pt: per-ear ridge regression
/// from 37 HUTUBS anthropometric values to dB magnitudes on the HUTUBS grid, ITD from head
/// width; see models/README.md). Rendered IRs get meta.json's "base_delay_samples" as
/// leading-ear delay, or 23 samples (measured HUTUBS sets' mean) when it has none. Const
/// methods are safe to call from several threads.
class PersonalizationModel {
  public:
    /// As Upsampler's constructor, for kind "personalizer"; also checks meta.json's
    /// "features" (name, unit, mean, std, min, max each) and "grid".
    explicit PersonalizationModel(
        const std::string& path = default_model_path(kPersonalizationModelFile));
    ~PersonalizationModel();
    PersonalizationModel(PersonalizationModel&&) noexcept;
    PersonalizationModel& operator=(PersonalizationModel&&) noexcept;

    const ModelInfo& info() const noexcept;
    /// Names of the features predict() reads, in order.
    std::vector<std::string> features() const;
    const std::vector<FeatureInfo>& feature_info() const noexcept;
    /// The directions the model predicts.
    const std::vector<Direction>& grid() const noexcept;

    /// The model's magnitudes and ITDs on its grid for one subject (values in features()
    /// order and units). Throws InvalidArgumentError when the count is not
    /// features().size() (naming both), InvalidDataError naming the first NaN/Inf feature.
    MagnitudeItd predict_spectra(const std::vector<double>& anthropometry) const;

    /// An HRIR set for one subject: on the model's grid, or, when `targets` is given, on
    /// those directions (the model's dB magnitudes and ITDs interpolated barycentrically
    /// from its grid, then rendered: the spectra a time-aligned interpolation mixes).
    /// Sample rate and taps are the model's; metadata names the model.
    HrirSet predict(const std::vector<double>& anthropometry,
                    const std::vector<Direction>* targets = nullptr) const;

    /// One line per feature outside the training range [min, max] or further than
    /// `max_sigma` training standard deviations from the training mean (the model card's
    /// rule: 3), naming the feature, value, unit, range and distance in standard deviations.
    /// Same argument checks as predict_spectra.
    std::vector<std::string> warnings(const std::vector<double>& anthropometry,
                                      double max_sigma = 3.0) const;

  private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

// ---------------------------------------------------------------------------------------
// Latent codec: HRTF magnitudes <-> a small code per direction and ear

/// What LatentCodec::encode returns: everything decode needs.
struct LatentCodes {
    std::size_t latent_size = 0;
    std::vector<Direction> directions;
    /// directions.size() x 2 x latent_size, [m][ear][i].
    std::vector<float> codes;
    /// One per direction, seconds, pinna's sign (ITDs are not encoded by the network).
    std::vector<double> itd_s;
    /// Base delay of the encoded set (samples), applied again by decode.
    double base_delay_samples = 0.0;
    double sample_rate_hz = 0.0;
    Metadata metadata;

    const float* code(std::size_t m, Ear ear) const noexcept {
        return codes.data() + (m * kEars + static_cast<std::size_t>(ear)) * latent_size;
    }
};

/// Runs an archive of kind "autoencoder" (models/autoencoder.pt: encode(db [N, bins]) ->
/// z [N, latent], decode(z) -> db, one row per direction and ear; see models/README.md).
/// ITDs and the base delay travel beside the codes. Const methods are safe to call from
/// several threads.
class LatentCodec {
  public:
    explicit LatentCodec(const std::string& path = default_model_path(kAutoencoderModelFile));
    ~LatentCodec();
    LatentCodec(LatentCodec&&) noexcept;
    LatentCodec& operator=(LatentCodec&&) noexcept;

    const ModelInfo& info() const noexcept;
    std::size_t latent_size() const noexcept;

    /// Codes of every direction and ear of a set (input_spectra), plus its metric ITDs and
    /// leading_ear_delay_samples (converted to the model's rate) as base delay. Throws
    /// InvalidDataError for an invalid set, ModelError when the model fails.
    LatentCodes encode(const HrirSet& set) const;
    /// The magnitudes and metric ITDs encode reads from a set, read as Upsampler::upsample
    /// reads its input: Data.Delay applied, each IR cut (faded) or zero-padded to the
    /// duration of the model's taps at the set's own rate (not resampled), its dB spectrum
    /// interpolated onto the model's frequencies (from a set at a lower rate, the bins above
    /// 0.83 of its Nyquist frequency held at the value there). InvalidDataError for an
    /// invalid set.
    MagnitudeItd input_spectra(const HrirSet& set) const;
    /// Codes of given magnitudes (fft_size must be the model's taps: InvalidArgumentError;
    /// finite values: InvalidDataError); ITDs copied, base delay 0, no metadata.
    LatentCodes encode_spectra(const MagnitudeItd& spectra) const;
    /// The magnitudes the codes stand for, with the codes' ITDs. Throws
    /// InvalidArgumentError for codes of another latent size or inconsistent sizes,
    /// InvalidDataError for NaN/Inf codes.
    MagnitudeItd decode_spectra(const LatentCodes& codes) const;
    /// HRIRs rebuilt from codes (render_magnitude_itd with the codes' base delay).
    HrirSet decode(const LatentCodes& codes) const;

  private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace pinna
PINNA_API_END
