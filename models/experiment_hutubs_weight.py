"""The weight of HUTUBS subjects in the upsampler's principal components, on the training
subjects in folds (HUTUBS_WEIGHT in train_upsampler.py, chosen on the inner split).

    /usr/bin/python3 models/experiment_hutubs_weight.py [--itd] [ARCHIVE] [WEIGHT ...]

The archive's GP alone (gp_alone: yaw stage on, latent and level stages off, its
hyperparameters as they are), its prior made again for each of the 4 folds of
train_upsampler.training_folds with HUTUBS' deviations weighted by each WEIGHT (default
0.35 0.5 0.7 1.0 1.4), each fold's 7 held-out subjects predicted from the LAP subsets
(measured directions excluded). Prints the mean LSD (dB) and ITD error (us) over the 28.
With --itd only the ITD's components take the WEIGHT (default 0 0.1 0.2 0.35 0.5 0.7), the
magnitudes' keep train_upsampler.HUTUBS_WEIGHT.
The validation subjects are not used. About 1 min per weight once the folds are aligned
and cached (train_upsampler_shared.py).
"""
import os
import sys

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import pinna_data as P  # noqa: E402
import train_upsampler as TU  # noqa: E402
from experiment_learning_curve import scores  # noqa: E402
from reexport_upsampler import params_of  # noqa: E402


def main():
    torch.set_num_threads(1)
    args = [a for a in sys.argv[1:] if a != "--itd"]
    itd_only = "--itd" in sys.argv
    path = args.pop(0) if args and args[0].endswith(".pt") else os.path.join(HERE, "upsampler.pt")
    weights = [float(a) for a in args] or ([0.0, 0.1, 0.2, 0.35, 0.5, 0.7] if itd_only else [0.35, 0.5, 0.7, 1.0, 1.4])
    params = params_of(torch.jit.load(path))
    codec = torch.jit.load(os.path.join(HERE, "autoencoder.pt"))
    son, hut = P.load("sonicom"), P.load("hutubs")
    train, _ = P.sonicom_split(son["ids"])
    unit = torch.tensor(son["unit"], dtype=torch.float32)
    print(f"| HUTUBS weight{' (ITD only)' if itd_only else ''} | " + " | ".join(f"from {c}" for c in P.LAP_LEVELS) + " |")
    print("|---|" + "---|" * len(P.LAP_LEVELS))
    for hw in weights:
        per_fold = []
        mag_hw = TU.HUTUBS_WEIGHT if itd_only else hw
        for held, fit, name in TU.training_folds(train):
            prior = TU.prior_for(son, hut, fit, mag_hw, cache_name=name, hw_itd=hw)
            model = TU.gp_alone(params, codec, *prior)
            per_fold.append(scores(model, son, held, unit))
        # every fold holds 7 subjects: the mean of the folds' means is the mean over the 28
        mean = {c: np.mean([f[c] for f in per_fold], axis=0) for c in P.LAP_LEVELS}
        print(f"| {hw} | " + " | ".join("{:.4f} / {:.2f}".format(*mean[c][:2]) for c in P.LAP_LEVELS) + " |",
              flush=True)
    print("cells: LSD (dB) / ITD error (us), the 28 training subjects in 4 folds")


if __name__ == "__main__":
    main()
