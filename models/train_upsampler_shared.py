"""Chooses, per LAP level, the prior scales of the magnitude prior's two sets of components
(v1.4.0): each band's own components (the alpha column of mag_hp, as a multiple of the
archive's) and the components shared by the bands (mag_shared_hp), and writes them into
the archive. Run after train_upsampler.py, before train_upsampler_latent.py.

    /usr/bin/python3 models/train_upsampler_shared.py [ARCHIVE] [OUT]

Scored on all 28 SONICOM training subjects, in 4 folds (every 4th training subject held
out; the prior, its yaw spreads and its alignment made from the other 21), the GP alone
with its yaw stage (the latent and level stages off), LAP levels, measured directions
excluded; the lowest mean LSD over the 28 wins. The validation subjects are not used.
About 4 min (the folds' alignment: 2 more the first time).
"""
import json
import os
import sys
import time

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import pinna_data as P  # noqa: E402
import train_upsampler as TU  # noqa: E402
from pinna_upsampler import Upsampler  # noqa: E402
from reexport_upsampler import archive_from_args  # noqa: E402

ALPHA_FACTORS = [0.25, 0.5, 1.0]
SHARED_SCALES = [0.0, 0.1, 0.3, 1.0, 3.0]


def main():
    torch.set_num_threads(1)
    t0 = time.time()
    out, params, codec, meta_text = archive_from_args(sys.argv)
    son, hut = P.load("sonicom"), P.load("hutubs")
    train, _ = P.sonicom_split(son["ids"])
    counts = sorted(P.LAP_LEVELS)
    # the hyperparameters as train_upsampler.py wrote them (this script's factors not applied)
    base = np.array(json.loads(meta_text)["training"]["mag_hp"], dtype=np.float64)
    # lsd[level][(factor, scale)] = LSD of each held-out subject
    lsd = {c: {(a, g): [] for a in ALPHA_FACTORS for g in SHARED_SCALES} for c in counts}
    for f, (held, fit, cache_name) in enumerate(TU.training_folds(train)):
        prior, yaw_cfg = TU.prior_for(son, hut, fit, cache_name=cache_name)
        for a in ALPHA_FACTORS:
            for g in SHARED_SCALES:
                hp = base.copy()
                hp[:, 0] *= a
                model = TU.gp_alone(dict(params, mag_hp=hp, mag_shared_hp=np.full((len(counts), 1), g)), codec,
                                    prior, yaw_cfg)
                for c in counts:
                    S, mask = P.lap_split(son["az"], son["el"], c)
                    for s, est in zip(held, TU.estimate_db(model, son, held, S)):
                        lsd[c][(a, g)].append(P.score(son["db"][s].astype(np.float64)[mask], est[mask])["lsd_db"])
        print(f"fold {f} done ({time.time() - t0:.0f} s)", flush=True)
    choice = {}
    for c in counts:
        means = {k: float(np.mean(v)) for k, v in lsd[c].items()}
        choice[c] = min(means, key=means.get)
        print(f"level {c}: " + "  ".join(f"a x{a} g {g}: {m:.4f}" for (a, g), m in sorted(means.items())), flush=True)
        print(f"  chosen a x{choice[c][0]}, g {choice[c][1]}: {means[choice[c]]:.4f} dB (own components alone, "
              f"a x1: {means[(1.0, 0.0)]:.4f})", flush=True)
    params["mag_hp"] = base.copy()
    params["mag_hp"][:, 0] *= [choice[c][0] for c in counts]
    params["mag_shared_hp"] = np.array([[choice[c][1]] for c in counts])
    model = torch.jit.script(Upsampler(params, codec))
    model.eval()
    meta = json.loads(meta_text)
    # meta.json's mag_hp stays train_upsampler.py's (what --hp-from reads): the module's
    # alpha column is that times alpha_factors
    meta["training"]["shared_components"] = dict(
        hp_counts=counts, mag_shared_hp=params["mag_shared_hp"].reshape(-1).tolist(),
        alpha_factors=[choice[c][0] for c in counts], chosen_on="the 28 SONICOM training subjects, 4 folds",
        fold_lsd_db={c: float(np.mean(lsd[c][choice[c]])) for c in counts})
    son_val = P.sonicom_validation_ids(son["ids"])
    TU.save_archive(model, meta, out, son, son_val, t0)


if __name__ == "__main__":
    main()
