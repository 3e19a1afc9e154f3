"""Experiment behind v1.4.1: the latent stage's blend weight per frequency band instead of
one per level (train_upsampler_latent.py has chosen it so since).

    /usr/bin/python3 models/experiment_latent_band_weights.py [ARCHIVE]

For each LAP level the archive's latent GP (its const, length and nugget) and the archive's
GP give two estimates; the blend (1 - w) GP + w latent is scored with the archive's one
weight (lat_hp's) and with a weight per band (<4, 4-8, 8-12, >12 kHz) chosen by coordinate descent
(two rounds, weights 0 - 0.7) on the inner split's tuning subjects, the prior and the mean
code field made from the other 21 training subjects. The same per-band weights are then
scored on the 8 validation subjects (prior and field from all 28 training subjects).
Measured directions excluded; LSD as train_upsampler_latent.py computes it; the level
stage is not applied. About 3 min.
"""
import json
import os
import sys

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import pinna_data as P  # noqa: E402
import train_upsampler as TU  # noqa: E402
import train_upsampler_latent as TL  # noqa: E402
from reexport_upsampler import archive_from_args  # noqa: E402

WEIGHTS = [0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7]


def main():
    torch.set_num_threads(1)
    archive = sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, "upsampler.pt")
    _, params, codec, meta_text = archive_from_args(["", archive, os.devnull])
    stage = json.loads(meta_text)["training"]["latent_stage"]
    lat_hp = dict(zip(stage["hp_counts"], stage["lat_hp"]))
    son, hut, val_ids, train, val, tune, fit, db, mdb = TU.stage_inputs()
    ns, M = len(son["ids"]), len(son["az"])
    with torch.no_grad():
        def enc(x):
            return codec.encode(torch.tensor(np.ascontiguousarray(x, dtype=np.float32).reshape(-1, P.BINS)))
        codes = enc(db).numpy().astype(np.float64).reshape(ns, M, -1)
        both = np.concatenate([codes, enc(mdb).numpy().astype(np.float64).reshape(ns, M, -1)])
    band = np.asarray(params["mag_chan_band"]).reshape(2, -1)[0]

    def score(subjects, gp, lat, weights, mask):
        w = np.asarray(weights)[band]
        return np.mean([TL.lsd(db[s], (1 - w) * g + w * x, mask) for s, g, x in zip(subjects, gp, lat)])

    chosen = {}
    print("| split | from | one weight | LSD (dB) | weight per band | LSD (dB) |")
    for split, prior_subjects, subjects in (("tuning", fit, tune), ("validation", train, val)):
        aligned = TU.aligned_sh_coefs(son, hut, prior_subjects, f"sh_aligned_{len(prior_subjects)}.npz")
        field = TL.LatentField(codec, son["unit"], both, np.concatenate([prior_subjects, prior_subjects + ns]),
                               aligned[4])
        for level in P.LAP_LEVELS:
            S, mask = P.lap_split(son["az"], son["el"], level)
            const, ell, nugget, w0 = lat_hp[level]
            gp = TU.gp_db(params, codec, son, hut, prior_subjects, subjects, S)
            lat = [TL.level_matched(field.predict(codes[s], S, const, ell, nugget), g) for s, g in zip(subjects, gp)]
            if split == "tuning":
                wb = [w0] * 4
                for _ in range(2):
                    for b in range(4):
                        wb[b] = min(WEIGHTS, key=lambda w: score(subjects, gp, lat, wb[:b] + [w] + wb[b + 1:], mask))
                chosen[level] = wb
            wb = chosen[level]
            print(f"| {split} | {level} | {w0} | {score(subjects, gp, lat, [w0] * 4, mask):.4f} | "
                  f"{' / '.join(str(w) for w in wb)} | {score(subjects, gp, lat, wb, mask):.4f} |", flush=True)


if __name__ == "__main__":
    main()
