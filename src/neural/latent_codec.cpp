// LatentCodec: runs models of kind "autoencoder" (models/autoencoder.pt), meta "latent":
//   encode(db [N, bins] float32) -> z [N, latent]
//   decode(z [N, latent])        -> db [N, bins]
// one row per direction and ear; ITDs and delays are carried beside the codes.
#include <algorithm>
#include <cmath>
#include <string>

#include "neural/features.hpp"
#include "neural/model_file.hpp"
#include "pinna/delay.hpp"
#include "pinna/error.hpp"
#include "pinna/magnitude_itd.hpp"
#include "pinna/neural/models.hpp"

namespace pinna {

using detail::Tensor;

struct LatentCodec::Impl {
    detail::LoadedModel model;
    std::size_t latent_size = 0;
};

LatentCodec::LatentCodec(const std::string& path) {
    detail::LoadedModel model = detail::load_model(path, "autoencoder", {"encode", "decode"});
    const auto latent = static_cast<std::size_t>(model.meta_reader().integer("latent", 1, 1 << 16));
    impl_ = std::make_unique<Impl>(Impl{std::move(model), latent});
}

LatentCodec::~LatentCodec() = default;
LatentCodec::LatentCodec(LatentCodec&&) noexcept = default;
LatentCodec& LatentCodec::operator=(LatentCodec&&) noexcept = default;

const ModelInfo& LatentCodec::info() const noexcept {
    return impl_->model.info;
}

std::size_t LatentCodec::latent_size() const noexcept {
    return impl_->latent_size;
}

LatentCodes LatentCodec::encode_spectra(const MagnitudeItd& spectra) const {
    const ModelInfo& info = impl_->model.info;
    const SpectrumSet& db = spectra.db;
    const std::size_t M = db.measurements();
    if (M == 0)
        throw InvalidArgumentError("LatentCodec::encode: no directions");
    if (db.fft_size != info.taps)
        throw InvalidArgumentError("LatentCodec::encode: spectra of a " +
                                   std::to_string(db.fft_size) + "-point FFT, the model (" +
                                   info.path + ") expects " + std::to_string(info.taps));
    if (db.data.size() != M * kEars * info.bins || spectra.itd_s.size() != M)
        throw InvalidArgumentError("LatentCodec::encode: " + std::to_string(db.data.size()) +
                                   " dB values and " + std::to_string(spectra.itd_s.size()) +
                                   " ITDs for " + std::to_string(M) + " directions");
    for (std::size_t i = 0; i < db.data.size(); ++i)
        if (!std::isfinite(db.data[i]))
            throw InvalidDataError("LatentCodec::encode: dB magnitude of direction " +
                                   std::to_string(i / (kEars * info.bins)) + " is not finite");
    const auto N = static_cast<std::int64_t>(M * kEars);
    const auto bins = static_cast<std::int64_t>(info.bins);
    const auto L = static_cast<std::int64_t>(impl_->latent_size);
    const Tensor rows({N, bins}, std::vector<float>(db.data.begin(), db.data.end()));
    std::vector<Tensor> z = detail::call_checked(impl_->model, "encode", {rows}, {{N, L}}, {"z"});
    LatentCodes codes;
    codes.latent_size = impl_->latent_size;
    codes.directions = db.directions;
    codes.codes = std::move(z[0].values);
    codes.itd_s = spectra.itd_s;
    codes.sample_rate_hz = info.sample_rate_hz;
    return codes;
}

MagnitudeItd LatentCodec::input_spectra(const HrirSet& set) const {
    return detail::model_features(with_delays_applied(set), impl_->model.info);
}

LatentCodes LatentCodec::encode(const HrirSet& set) const {
    const ModelInfo& info = impl_->model.info;
    // Read at the set's own rate, not resampled (a resampler's pass band would take the top
    // of the spectrum).
    const HrirSet native = with_delays_applied(set);
    LatentCodes codes = encode_spectra(detail::model_features(native, info));
    codes.base_delay_samples =
        leading_ear_delay_samples(native) * info.sample_rate_hz / native.sample_rate_hz();
    codes.metadata = set.metadata;
    return codes;
}

MagnitudeItd LatentCodec::decode_spectra(const LatentCodes& codes) const {
    const ModelInfo& info = impl_->model.info;
    const std::size_t M = codes.directions.size();
    if (codes.latent_size != impl_->latent_size)
        throw InvalidArgumentError("LatentCodec::decode: codes of size " +
                                   std::to_string(codes.latent_size) + ", the model (" + info.path +
                                   ") uses " + std::to_string(impl_->latent_size));
    if (M == 0 || codes.codes.size() != M * kEars * codes.latent_size || codes.itd_s.size() != M)
        throw InvalidArgumentError("LatentCodec::decode: " + std::to_string(codes.codes.size()) +
                                   " code values and " + std::to_string(codes.itd_s.size()) +
                                   " ITDs for " + std::to_string(M) + " directions");
    for (std::size_t i = 0; i < codes.codes.size(); ++i)
        if (!std::isfinite(codes.codes[i]))
            throw InvalidDataError("LatentCodec::decode: code of direction " +
                                   std::to_string(i / (kEars * codes.latent_size)) +
                                   " holds NaN or Inf");
    const auto N = static_cast<std::int64_t>(M * kEars);
    const auto bins = static_cast<std::int64_t>(info.bins);
    const Tensor z({N, static_cast<std::int64_t>(codes.latent_size)}, codes.codes);
    const std::vector<Tensor> db =
        detail::call_checked(impl_->model, "decode", {z}, {{N, bins}}, {"db"});
    MagnitudeItd out;
    out.db.sample_rate_hz = info.sample_rate_hz;
    out.db.fft_size = info.taps;
    out.db.directions = codes.directions;
    out.db.data.assign(db[0].values.begin(), db[0].values.end());
    out.itd_s = codes.itd_s;
    return out;
}

HrirSet LatentCodec::decode(const LatentCodes& codes) const {
    MagnitudeItdRenderOptions render;
    render.taps = impl_->model.info.taps;
    render.base_delay_samples = std::max(0.0, codes.base_delay_samples);
    HrirSet out = render_magnitude_itd(decode_spectra(codes), render);
    out.metadata = codes.metadata;
    return out;
}

}  // namespace pinna
