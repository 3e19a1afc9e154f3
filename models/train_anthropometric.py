"""Train and export the anthropometry -> HRTF personaliser (models/anthropometric.pt).

    /usr/bin/python3 models/train_anthropometric.py

HUTUBS only (86 subjects; the 3 with NaN anthropometry rows, 18, 79 and 92, are
left out of training and evaluation: 83 subjects). Runs the 10-fold subject-level
cross-validation of the estimator and the baselines (pinna_anthro.cross_validate),
chooses the ridge shrinkage by 5-fold CV on all 83 subjects, fits on all of them and
exports TorchScript with meta.json and a reference input/output file.
"""
import json
import os
import sys
import time

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import pinna_anthro as PA  # noqa: E402
import pinna_data as P  # noqa: E402

VERSION = "1.0.0"


def load_complete():
    h = P.load("hutubs")
    ok = ~np.isnan(h["anthro"]).any(1)
    mirror_idx, ang = P.nearest_index(h["unit"] * np.array([1.0, -1.0, 1.0]), h["unit"])
    assert ang.max() < 0.5
    return h, ok, mirror_idx


def make_meta(h, A, train_ids, excluded_ids, alpha, name="pinna-anthropometric", **training):
    """meta.json of a personaliser fitted on anthropometry rows A (subjects train_ids)."""
    names = list(h["anthro_names"])
    feats = [dict(name=n, description=PA.feature_info(n)[0], unit=PA.feature_info(n)[1],
                  mean=float(A[:, i].mean()), std=float(A[:, i].std()), min=float(A[:, i].min()),
                  max=float(A[:, i].max())) for i, n in enumerate(names)]
    return dict(
        name=name, version=VERSION, kind="personalizer",
        description="HRTF set (dB magnitudes + ITD) on the HUTUBS grid predicted from 37 anthropometric "
                    "values: per-ear ridge regression (strong shrinkage) to PCA weights; ITD from head width.",
        sample_rate_hz=P.FS_HZ, taps=P.TAPS, bins=P.BINS,
        features=feats,
        normalisation="features[i] are used raw; mean/std/min/max above are the training population's "
                      "(warn when |x - mean| > 3 std or outside [min, max])",
        grid=dict(azimuth_deg=h["az"].tolist(), elevation_deg=h["el"].tolist(), distance_m=h["dist"].tolist()),
        methods={"forward": {"inputs": [["features", "float32", "[B,37]", "CSV column order, NaN refused"]],
                             "outputs": [["db", "float32", "[B,440,2,129]", "dB magnitude, ear 0 = left"],
                                         ["itd_s", "float32", "[B,440]", "seconds, t_left - t_right"]]}},
        output_layout="db[b][direction][ear][bin], directions in 'grid' order, bin k = k*fs/taps Hz",
        training=dict(dataset="HUTUBS", subjects=train_ids, excluded_nan_rows=excluded_ids, alpha=alpha,
                      components=PA.K_COMPONENTS, **training),
        licence_note="Trained on HUTUBS (TU Berlin, CC BY 4.0).")


def main():
    torch.set_num_threads(1)
    np.random.seed(0)
    t0 = time.time()
    h, ok, mirror_idx = load_complete()
    A, db, itd = h["anthro"][ok], h["db"][ok].astype(np.float64), h["itd"][ok].astype(np.float64)
    print(f"{ok.sum()} subjects with complete anthropometry; left out: {h['ids'][~ok].tolist()}")
    cv = PA.cross_validate(A, db, itd, mirror_idx, P.FS_HZ)
    print(json.dumps(cv, indent=1))
    alpha, inner = PA.choose_alpha(A, db, itd, mirror_idx)
    print("final alpha", alpha, inner)
    p = PA.fit_per_ear(A, db, itd, mirror_idx, alpha, PA.K_COMPONENTS)
    meta = make_meta(h, A, [int(i) for i in h["ids"][ok]], [int(i) for i in h["ids"][~ok]], alpha,
                     cv_folds=PA.FOLDS, cv=cv)
    model = torch.jit.script(PA.Personalizer(p, len(h["anthro_names"])))
    model.eval()
    out = os.path.join(HERE, "anthropometric.pt")
    torch.jit.save(model, out, _extra_files={"meta.json": json.dumps(meta, indent=1)})
    # reference: first complete subject
    x = torch.tensor(A[:1], dtype=torch.float32)
    rdb, ritd = torch.jit.load(out)(x)
    sel = [0, 100, 200, 439]
    ref = dict(model="anthropometric.pt", note=f"HUTUBS pp{h['ids'][ok][0]} anthropometry",
               inputs=dict(features=x[0].tolist()),
               outputs=dict(direction_indices=sel, db=rdb[0, sel].tolist(), itd_s=ritd[0].tolist(),
                            db_sum=float(rdb.double().sum())),
               tolerance=dict(db=1e-3, itd_s=1e-8, db_sum_relative=1e-5))
    with open(os.path.join(HERE, "anthropometric.ref.json"), "w") as f:
        json.dump(ref, f)
    with open(os.path.join(HERE, "anthropometric.cv.json"), "w") as f:
        json.dump(dict(cv=cv, final_alpha=alpha, inner_cv=inner), f, indent=1)
    print(f"saved {out} ({os.path.getsize(out) / 1e6:.2f} MB) in {time.time() - t0:.0f} s")


if __name__ == "__main__":
    main()
