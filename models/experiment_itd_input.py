"""Which ITDs the upsampler should read at the measured directions: the metric's whole
samples (up to v1.4.1) or sub-sample estimates (v1.5.0 on), per LAP level.

    /usr/bin/python3 models/experiment_itd_input.py [ARCHIVE]

The archive's GP alone (its yaw stage on; the latent and level stages do not touch the
ITD), its prior and yaw spreads made again for each of 4 folds of the 28 SONICOM training
subjects (every 4th held out; the folds of train_upsampler_shared.py, cached the same way),
fed each held-out subject's measured ITDs either as they are (sub-sample) or rounded to the
metric's whole samples. Scored against the metric's ITDs, the prediction rounded to whole
samples (what a renderer delivers), measured directions excluded. The validation subjects
are not used. About 30 s once the folds' alignment is cached (train_upsampler_shared.py).
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


def main():
    torch.set_num_threads(1)
    path = sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, "upsampler.pt")
    archive = torch.jit.load(path)
    params = params_of(archive)
    codec = torch.jit.load(os.path.join(HERE, "autoencoder.pt"))
    son, hut = P.load("sonicom"), P.load("hutubs")
    train, _ = P.sonicom_split(son["ids"])
    unit = torch.tensor(son["unit"], dtype=torch.float32)
    inputs = {"sub-sample": son["itd_frac"], "whole samples": np.rint(son["itd_frac"] * P.FS_HZ) / P.FS_HZ}
    err = {c: {k: [] for k in inputs} for c in P.LAP_LEVELS}
    for held, fit, cache_name in TU.training_folds(train):
        model = TU.gp_alone(params, codec, *TU.prior_for(son, hut, fit, cache_name=cache_name))
        for c in P.LAP_LEVELS:
            S, mask = P.lap_split(son["az"], son["el"], c)
            for s in held:
                ref = son["itd"][s].astype(np.float64)
                for k, itd in inputs.items():
                    with torch.no_grad():
                        est = model(unit[S], torch.tensor(son["db"][s][S]),
                                    torch.tensor(itd[s][S], dtype=torch.float32), unit)[1]
                    est = np.rint(est.numpy().astype(np.float64) * P.FS_HZ) / P.FS_HZ
                    err[c][k].append(np.mean(np.abs(est - ref)[mask]) * 1e6)
    print(f"{os.path.basename(path)}: ITD error (us) of the 28 training subjects, 4 folds")
    print("| measured ITDs read as | " + " | ".join(f"from {c}" for c in P.LAP_LEVELS) + " |")
    print("|---|" + "---|" * len(P.LAP_LEVELS))
    for k in inputs:
        print(f"| {k} | " + " | ".join(f"{np.mean(err[c][k]):.2f}" for c in P.LAP_LEVELS) + " |")
    print("| the same, fold 3 (the inner split's tuning subjects) | "
          + " | ".join(" / ".join(f"{np.mean(err[c][k][-len(train[3::4]):]):.2f}" for k in inputs)
                       for c in P.LAP_LEVELS) + " |")


if __name__ == "__main__":
    main()
