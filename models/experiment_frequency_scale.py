"""Frequency scaling around the upsampler's GP, on the training subjects in folds: much of
the spectral difference between listeners is a stretch of the frequency axis (larger
pinnae put their features lower; Middlebrooks 1999), which a prior of principal components
can only spread over many components.

    /usr/bin/python3 models/experiment_frequency_scale.py [ARCHIVE] [SHRINK ...]

Each subject's scale k is the one (0.80 ... 1.25 in steps of 0.01) for which the population
mean, read at k f, best matches its dB magnitudes at f over 2 - 16 kHz once each ear's mean
difference is taken out. The archive's GP alone (gp_alone: yaw stage on, latent and level
stages off), in each of the 4 folds of train_upsampler.training_folds, three ways: as it
is; with the held-out subject's measurements read at f / k (k from them, against the
prior's mean) and the prediction read back at k f; and with a prior made from
scale-normalised subjects (every SONICOM and HUTUBS subject read at f / k, its k from all
its directions against the fold's population mean), the held-out subject's k estimated
from its measured directions against that prior's mean and shrunk towards 1
(k' = 1 + SHRINK (k - 1); default SHRINK 0 0.3 0.5 0.65 0.8 1), its measurements read at
f / k' and the prediction at k' f. Prints the mean LSD (dB, measured directions excluded)
over the 28 subjects; the ITD path is unchanged. The validation subjects are not used.
About 1.5 min per fold (the normalised folds' alignments are cached as
models/cache/scale_norm_*.npz).
"""
import os
import sys

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import pinna_data as P  # noqa: E402
import train_upsampler as TU  # noqa: E402
from reexport_upsampler import params_of  # noqa: E402

FREQ_HZ = np.arange(P.BINS) * P.FS_HZ / P.TAPS
FIT_BAND = (FREQ_HZ >= 2000.0) & (FREQ_HZ <= 16000.0)
SCALES = np.round(np.arange(0.80, 1.2501, 0.01), 3)


def stretch_matrix(k):
    """[B, B]: x @ stretch_matrix(k) reads x at k f (linear interpolation, held at the ends)."""
    return np.stack([np.interp(FREQ_HZ * k, FREQ_HZ, e) for e in np.eye(P.BINS)])


_STRETCH = {k: stretch_matrix(k) for k in SCALES}


def estimate_scale(db, population):
    """The k of SCALES for which population [S, 2, B] read at k f best matches db [S, 2, B]
    (mean square over FIT_BAND after each ear's mean difference)."""
    cost = []
    for k in SCALES:
        d = (db - population @ _STRETCH[k])[..., FIT_BAND]
        d = d - d.mean(axis=(0, 2), keepdims=True)
        cost.append(np.mean(d * d))
    return SCALES[int(np.argmin(cost))]


def scale_normalised(d, population):
    """d with every subject's dB magnitudes read at f / k, k from all its directions."""
    out = dict(d)
    db = d["db"].astype(np.float64)
    out["db"] = np.stack([x @ stretch_matrix(1.0 / estimate_scale(x, population)) for x in db]).astype(d["db"].dtype)
    return out


def main():
    torch.set_num_threads(1)
    args = sys.argv[1:]
    path = args.pop(0) if args and args[0].endswith(".pt") else os.path.join(HERE, "upsampler.pt")
    shrinks = [float(a) for a in args] or [0.0, 0.3, 0.5, 0.65, 0.8, 1.0]
    params = params_of(torch.jit.load(path))
    codec = torch.jit.load(os.path.join(HERE, "autoencoder.pt"))
    son, hut = P.load("sonicom"), P.load("hutubs")
    train, _ = P.sonicom_split(son["ids"])
    unit = torch.tensor(son["unit"], dtype=torch.float32)
    hut_unit = torch.tensor(hut["unit"], dtype=torch.float32)
    lsd = {c: {s: [] for s in ["GP", "GP scaled"] + shrinks} for c in P.LAP_LEVELS}

    def lsd_of(model, S, db, itd, s, mask, k=None):
        x = db if k is None else db @ stretch_matrix(1.0 / k)
        with torch.no_grad():
            out, _ = model(unit[S], torch.tensor(x, dtype=torch.float32), itd, unit)
        out = out.numpy().astype(np.float64)
        if k is not None:
            out = out @ stretch_matrix(k)
        return P.score(son["db"][s].astype(np.float64)[mask], out[mask])["lsd_db"]

    for held, fit, name in TU.training_folds(train):
        gp = TU.gp_alone(params, codec, *TU.prior_for(son, hut, fit, cache_name=name))
        with torch.no_grad():
            son_n = scale_normalised(son, gp.population(unit)[0].numpy().astype(np.float64))
            hut_n = scale_normalised(hut, gp.population(hut_unit)[0].numpy().astype(np.float64))
        scaled = TU.gp_alone(params, codec, *TU.prior_for(son_n, hut_n, fit, cache_name="scale_norm_" + name))
        for c in P.LAP_LEVELS:
            S, mask = P.lap_split(son["az"], son["el"], c)
            with torch.no_grad():
                population = scaled.population(unit[S])[0].numpy().astype(np.float64)
                gp_population = gp.population(unit[S])[0].numpy().astype(np.float64)
            for s in held:
                db = son["db"][s][S].astype(np.float64)
                itd = torch.tensor(son[TU.ITD_KEY][s][S], dtype=torch.float32)
                lsd[c]["GP"].append(lsd_of(gp, S, db, itd, s, mask))
                lsd[c]["GP scaled"].append(lsd_of(gp, S, db, itd, s, mask, estimate_scale(db, gp_population)))
                k = estimate_scale(db, population)
                for shrink in shrinks:
                    lsd[c][shrink].append(lsd_of(scaled, S, db, itd, s, mask, 1.0 + shrink * (k - 1.0)))
        print(f"{name} done", flush=True)
    print(f"{os.path.basename(path)}'s GP alone, the 28 training subjects in 4 folds, LSD (dB):")
    print("| prior, test-time scale | " + " | ".join(f"from {c}" for c in P.LAP_LEVELS) + " |")
    print("|---|" + "---|" * len(P.LAP_LEVELS))
    for key in lsd[P.LAP_LEVELS[0]]:
        labels = {"GP": "as shipped, none", "GP scaled": "as shipped, shrink 1.0"}
        label = labels.get(key, f"scale-normalised, shrink {key}")
        print(f"| {label} | " + " | ".join(f"{np.mean(lsd[c][key]):.4f}" for c in P.LAP_LEVELS) + " |")


if __name__ == "__main__":
    main()
