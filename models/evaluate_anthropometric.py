"""Reproduce the anthropometric model-card figures.

    /usr/bin/python3 models/evaluate_anthropometric.py [--model models/anthropometric.pt] [--skip-cv]

1. Runs the committed TorchScript model on all 83 HUTUBS subjects with complete
   anthropometry and checks it equals the closed-form estimator refitted on them
   (same code as training), and prints its in-sample LSD / ITD error (a training-set
   fit, not a generalisation figure).
2. Recomputes the 10-fold subject-level cross-validation figures of the estimator and
   the three baselines. Cross-validation needs a fit per fold: the estimator is closed
   form, so this refits it per fold (about 3 minutes on one core); nothing is trained
   by gradient descent.
"""
import argparse
import json
import os
import sys

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import pinna_anthro as PA  # noqa: E402
import pinna_data as P  # noqa: E402
from train_anthropometric import load_complete  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", default=os.path.join(HERE, "anthropometric.pt"))
    ap.add_argument("--skip-cv", action="store_true")
    a = ap.parse_args()
    torch.set_num_threads(1)
    extra = {"meta.json": ""}
    model = torch.jit.load(a.model, _extra_files=extra)
    meta = json.loads(extra["meta.json"])
    h, ok, mirror_idx = load_complete()
    A, db, itd = h["anthro"][ok], h["db"][ok].astype(np.float64), h["itd"][ok].astype(np.float64)
    with torch.no_grad():
        mdb, mitd = model(torch.tensor(A, dtype=torch.float32))
    mdb, mitd = mdb.numpy().astype(np.float64), mitd.numpy().astype(np.float64)
    p = PA.fit_per_ear(A, db, itd, mirror_idx, meta["training"]["alpha"], meta["training"]["components"])
    ndb, nitd = PA.predict_per_ear(p, A)
    print(f"TorchScript vs refit: max |d dB| {np.abs(mdb - ndb).max():.2e}, max |d ITD| {np.abs(mitd - nitd).max():.2e} s")
    s = np.array([PA.subject_scores(db[i], itd[i], mdb[i], mitd[i], P.FS_HZ) for i in range(len(A))])
    print(f"in-sample (training fit, 83 subjects): LSD {s[:, 0].mean():.3f} dB, ITD error {s[:, 1].mean():.2f} us")
    try:
        model(torch.full((1, 37), float("nan")))
        print("ERROR: NaN input accepted")
    except Exception as e:  # torch.jit.Error from TorchScript
        print("NaN input refused: ok (" + str(e).strip().splitlines()[-1] + ")")
    if a.skip_cv:
        return
    cv = PA.cross_validate(A, db, itd, mirror_idx, P.FS_HZ)
    print("\n10-fold subject-level CV over 83 HUTUBS subjects (LSD bins 20 Hz..20 kHz, k < N/2; "
          "ITD rounded to whole samples)")
    print(f"{'method':<16}{'LSD dB':>9}{'ITD err us':>12}")
    for m in ["per_ear_ridge", "population", "nearest", "ridge_pca"]:
        print(f"{m:<16}{cv[m]['lsd_db']:9.3f}{cv[m]['itd_err_us']:12.2f}")


if __name__ == "__main__":
    main()
