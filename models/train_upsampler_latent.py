"""Add the latent stage to the upsampler (models/upsampler.pt), without training the GP again.

    /usr/bin/python3 models/train_upsampler_latent.py [--folds] [ARCHIVE] [OUT]

The latent stage is the issue's "autoencoder with the GP in latent space": every measured
spectrum is encoded by the autoencoder (autoencoder.pt: PCA + MLPs, trained on HUTUBS +
SONICOM training subjects), the codes' deviation from the population's mean code field
is interpolated over the sphere by a Gaussian process, the result is decoded at the
targets, and the decoded dB magnitudes are blended with the spherical-harmonic GP's:
db = (1 - w) db_GP + w db_latent, where db_latent is first shifted per target and ear to the
GP's broadband level (so the ILD stays the GP's).

Chosen on training subjects only (validation subjects are scored, never chosen on):
 1. the mean code field: the codes of the SONICOM training subjects and their mirror
    images, each fitted with real SH (order 12) in its head's frame (the yaws of
    train_upsampler.aligned_sh_coefs), the fits averaged;
 2. per LAP level, the latent GP's const, length and nugget (a grid) and then the blend
    weight w, by the LSD on the inner split's tuning subjects (every 4th SONICOM training
    subject), with the mean code field and the SH GP's prior made without them; with
    --folds (since v1.5.4) on all 28 training subjects in the 4 folds of
    train_upsampler.training_folds, each fold's mean code field and prior made without it;
 3. the archive is written with the mean code field of all training subjects.
Prints the side-by-side LSD of the GP, the latent GP and the blend on the 8 validation
subjects (measured directions excluded), as in models/upsampler.md. That table runs the
GP on the grid without the head-yaw stage (as the tuning above does; the tuning subjects
sit within 3.4 degrees of straight); evaluate_upsampler.py scores the archive itself.
1 - 3 min (aligning the inner split's subjects the first time); --folds: about 4 times that.
"""
import itertools
import json
import os
import sys
import time

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import pinna_data as P  # noqa: E402
import pinna_sh as SH  # noqa: E402
import train_upsampler as TU  # noqa: E402
from pinna_upsampler import Upsampler  # noqa: E402
from reexport_upsampler import archive_from_args  # noqa: E402

LAT_ORDER = 12
CONST = [0.0, 0.3, 1.0]
ELL = [0.3, 0.5, 0.8, 1.2]
NUGGET = [0.01, 0.1, 0.3, 1.0]
WEIGHTS = [0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6]
# Since v1.4.1 the weight is then chosen again per frequency band (the residual GP's bands),
# by coordinate descent from the one weight, two rounds over BAND_WEIGHTS, on the same
# tuning subjects (experiment_latent_band_weights.py).
BAND_WEIGHTS = [0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7]
BAND_ROUNDS = 2


class LatentField:
    """The latent GP on the SONICOM grid for one mean code field."""

    def __init__(self, codec, unit, codes, subjects, yaws):
        """The mean code field in the head's frame: the mean of the subjects' own SH fits,
        each made in its head's frame (yaws [n] in degrees, per row of codes)."""
        self.codec, self.unit = codec, unit
        self.cos = unit @ unit.T
        self.coef = np.mean([SH.sh_fit(TU.head_frame(unit, yaws[s]), codes[s].reshape(len(unit), -1), LAT_ORDER,
                                       TU.SH_REG) for s in subjects], axis=0)
        self.mean = SH.sh_matrix(unit, LAT_ORDER) @ self.coef

    def predict(self, z, S, const, ell, nugget):
        """Decoded dB [M, 2, bins] from the codes z [M, 2 * latent] at directions S."""
        r = z[S] - self.mean[S]
        K = const + np.exp((self.cos[np.ix_(S, S)] - 1.0) / ell ** 2) + nugget * np.eye(len(S))
        zt = self.mean + (const + np.exp((self.cos[:, S] - 1.0) / ell ** 2)) @ np.linalg.solve(K, r)
        with torch.no_grad():
            db = self.codec.decode(torch.tensor(zt.reshape(-1, zt.shape[1] // 2), dtype=torch.float32))
        return db.numpy().astype(np.float64).reshape(len(self.unit), 2, -1)


def level_matched(latent, gp):
    """The latent estimate with each ear's broadband level made the GP's (as the module does)."""
    return latent + (P.energy_db_from_db(gp) - P.energy_db_from_db(latent))[..., None]


def lsd(truth, est, mask):
    return P.score(truth[mask], est[mask])["lsd_db"]


def main():
    torch.set_num_threads(1)
    t0 = time.time()
    folds = "--folds" in sys.argv
    out, params, codec, meta_text = archive_from_args([a for a in sys.argv if a != "--folds"])
    son, hut, val_ids, train, val, tune, fit, db, mdb = TU.stage_inputs()
    ns, M = len(son["ids"]), len(son["az"])
    with torch.no_grad():
        enc = lambda x: codec.encode(torch.tensor(np.ascontiguousarray(x, dtype=np.float32).reshape(-1, P.BINS)))
        codes = enc(db).numpy().astype(np.float64).reshape(ns, M, -1)
        mcodes = enc(mdb).numpy().astype(np.float64).reshape(ns, M, -1)
    both = np.concatenate([codes, mcodes])  # subject i and its mirror image ns + i

    def with_mirror(idx):
        return np.concatenate([idx, idx + ns])

    counts = sorted(P.LAP_LEVELS)

    def aligned(prior_subjects):
        return TU.aligned_sh_coefs(son, hut, prior_subjects, f"sh_aligned_{len(prior_subjects)}.npz")

    def gp_estimates(prior_subjects, subjects, level, cache_name=None):
        # the archive's GP with a prior made from prior_subjects (since v1.4.0;
        # GridEvaluator's GP before)
        return TU.gp_db(params, codec, son, hut, prior_subjects, subjects, P.lap_subset(son["az"], son["el"], level),
                        cache_name)

    def held_out(held, prior_subjects, cache_name):
        """(held, their GP's prior subjects, its alignment's cache name, the latent field
        made without them)."""
        ys = TU.aligned_sh_coefs(son, hut, prior_subjects, cache_name)[4]
        return held, prior_subjects, cache_name, LatentField(codec, son["unit"], both, with_mirror(prior_subjects), ys)

    if folds:
        sets = [held_out(*fold) for fold in TU.training_folds(train)]
    else:
        sets = [held_out(tune, fit, f"sh_aligned_{len(fit)}.npz")]
    # every tuning subject with the latent field made without it
    tuned = [(s, field) for held, _, _, field in sets for s in held]
    table = {}
    for level in P.LAP_LEVELS:
        S, mask = P.lap_split(son["az"], son["el"], level)
        latent_lsd = {}
        for hp in itertools.product(CONST, ELL, NUGGET):
            latent_lsd[hp] = np.mean([lsd(db[s], f.predict(codes[s], S, *hp), mask) for s, f in tuned])
        hp = min(latent_lsd, key=latent_lsd.get)
        gp = [g for held, prior_subjects, cache_name, _ in sets
              for g in gp_estimates(prior_subjects, held, level, cache_name)]
        lat = [level_matched(f.predict(codes[s], S, *hp), g) for (s, f), g in zip(tuned, gp)]
        blend = {w: np.mean([lsd(db[s], (1 - w) * g + w * x, mask) for (s, _), g, x in zip(tuned, gp, lat)])
                 for w in WEIGHTS}
        w = min(blend, key=blend.get)
        band = np.asarray(params["mag_chan_band"]).reshape(2, -1)[0]

        def band_lsd(weights):
            wv = np.asarray(weights)[band]
            return np.mean([lsd(db[s], (1 - wv) * g + wv * x, mask) for (s, _), g, x in zip(tuned, gp, lat)])
        wb = [w] * (int(band.max()) + 1)
        for _ in range(BAND_ROUNDS):
            for b in range(len(wb)):
                wb[b] = min(BAND_WEIGHTS, key=lambda v: band_lsd(wb[:b] + [v] + wb[b + 1:]))
        table[level] = (hp, w, wb)
        print(f"level {level}: latent GP {hp} -> {latent_lsd[hp]:.4f} dB on the {len(tuned)} tuning subjects; "
              f"blend weight {w} -> {blend[w]:.4f} (GP alone {blend[0.0]:.4f}); per band {wb} -> "
              f"{band_lsd(wb):.4f}", flush=True)

    field = LatentField(codec, son["unit"], both, with_mirror(train), aligned(train)[4])
    params.update(lat_order=LAT_ORDER, lat_mean=field.coef,
                  lat_hp=np.array([list(table[c][0]) + [table[c][1]] for c in counts]),
                  lat_band_w=np.array([table[c][2] for c in counts]))
    model = torch.jit.script(Upsampler(params, codec))
    model.eval()
    meta = json.loads(meta_text)
    meta["version"] = "1.5.4"
    meta["description"] = (meta["description"] + " Latent stage: the autoencoder's codes interpolated by a GP "
                           "in its latent space, decoded and blended with the GP's dB magnitudes.")
    meta["training"]["latent_stage"] = dict(
        lat_order=LAT_ORDER, hp_counts=counts, lat_hp_columns=["const", "ell", "nugget", "weight"],
        lat_hp=params["lat_hp"].tolist(), band_weights=params["lat_band_w"].tolist(),
        tuned_on_sonicom_ids=sorted(int(son["ids"][s]) for s, _ in tuned), tuned_in_folds=folds)
    TU.save_archive(model, meta, out, son, val_ids, t0)

    print("validation (8 SONICOM subjects, measured directions excluded), LSD dB:")
    print("LSD / ILD error (dB) | GP | latent GP | blend, one weight | blend, weight per band (shipped) |")
    for level in P.LAP_LEVELS:
        S, mask = P.lap_split(son["az"], son["el"], level)
        hp, w, wb = table[level]
        wv = np.asarray(wb)[np.asarray(params["mag_chan_band"]).reshape(2, -1)[0]]
        gp = gp_estimates(train, val, level)
        lat = [field.predict(codes[s], S, *hp) for s in val]
        blend = [(1 - w) * g + w * level_matched(x, g) for g, x in zip(gp, lat)]
        blend_b = [(1 - wv) * g + wv * level_matched(x, g) for g, x in zip(gp, lat)]
        rows = [[np.mean([P.score(db[s][mask], e[mask])[k] for s, e in zip(val, ests)])
                 for ests in (gp, lat, blend, blend_b)] for k in ("lsd_db", "ild_err_db")]
        print(f"| {level} | " + " | ".join(f"{a:.3f} / {b:.3f}" for a, b in zip(*rows)) + " |", flush=True)


if __name__ == "__main__":
    main()
