"""How the upsampler's GP gains with the number of SONICOM training subjects in its prior:
a learning curve, to judge what more subjects could do for issue #13's remaining gaps.

    /usr/bin/python3 models/experiment_learning_curve.py [ARCHIVE]

The archive's GP alone (gp_alone: its yaw stage on, the latent and level stages off, its
hyperparameters as they are), its prior and yaw spreads made again from 7, 14, 21 and 28 of
the 28 SONICOM training subjects (all 86 HUTUBS subjects in every prior, as in training):
the 7 of each of the 4 folds of train_upsampler.training_folds, the two pairs of folds
(0 + 1, 2 + 3), the 4 folds' complements and all 28. Each prior predicts the 8 validation
subjects from the LAP subsets (measured directions excluded; LSD and ILD error on the dB
output, ITD error rounded to whole samples against the metric's ITDs); the rows are means
over the priors of a size. The validation subjects play no part in any prior; the
hyperparameters were tuned for priors of 21 and 28 subjects, which favours those rows.
1.5 min once the folds of train_upsampler_shared.py are aligned and cached (models/cache);
the alignment of every new subset is cached there too.
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


def subsets(train):
    """(size, subjects, alignment cache name) of every prior of the curve."""
    folds = list(TU.training_folds(train))
    out = [(7, held, f"sh_aligned_held{f}.npz") for f, (held, _, _) in enumerate(folds)]
    for f in (0, 2):
        pair = np.sort(np.concatenate([folds[f][0], folds[f + 1][0]]))
        out.append((14, pair, f"sh_aligned_pair{f}{f + 1}.npz"))
    out += [(21, fit, name) for _, fit, name in folds]
    out.append((28, np.asarray(train), f"sh_aligned_{len(train)}.npz"))
    return out


def scores(model, son, subjects, unit):
    """Per LAP level, the mean (LSD dB, ITD error us, ILD error dB) over the subjects."""
    out = {}
    for c in P.LAP_LEVELS:
        S, mask = P.lap_split(son["az"], son["el"], c)
        rows = []
        for s in subjects:
            with torch.no_grad():
                db, itd = model(unit[S], torch.tensor(son["db"][s][S]),
                                torch.tensor(son[TU.ITD_KEY][s][S], dtype=torch.float32), unit)
            sc = P.score(son["db"][s].astype(np.float64)[mask], db.numpy().astype(np.float64)[mask])
            itd = np.rint(itd.numpy().astype(np.float64) * P.FS_HZ) / P.FS_HZ
            rows.append((sc["lsd_db"], np.mean(np.abs(itd - son["itd"][s])[mask]) * 1e6, sc["ild_err_db"]))
        out[c] = np.mean(rows, axis=0)
    return out


def main():
    torch.set_num_threads(1)
    path = sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, "upsampler.pt")
    params = params_of(torch.jit.load(path))
    codec = torch.jit.load(os.path.join(HERE, "autoencoder.pt"))
    son, hut = P.load("sonicom"), P.load("hutubs")
    train, val = P.sonicom_split(son["ids"])
    unit = torch.tensor(son["unit"], dtype=torch.float32)
    curve = {}
    for n, subjects, name in subsets(train):
        model = TU.gp_alone(params, codec, *TU.prior_for(son, hut, subjects, cache_name=name))
        curve.setdefault(n, []).append(scores(model, son, val, unit))
        print(f"prior of {n} SONICOM subjects ({name}) done", flush=True)
    print(f"{os.path.basename(path)}'s GP alone, 8 SONICOM validation subjects, measured directions excluded:")
    print("| SONICOM subjects in the prior (priors) | " + " | ".join(f"from {c}" for c in P.LAP_LEVELS) + " |")
    print("|---|" + "---|" * len(P.LAP_LEVELS))
    for n in sorted(curve):
        mean = {c: np.mean([r[c] for r in curve[n]], axis=0) for c in P.LAP_LEVELS}
        print(f"| {n} ({len(curve[n])}) | " + " | ".join("{:.3f} / {:.2f} / {:.3f}".format(*mean[c])
                                                           for c in P.LAP_LEVELS) + " |")
    print("cells: LSD (dB) / ITD error (us) / ILD error (dB)")


if __name__ == "__main__":
    main()
