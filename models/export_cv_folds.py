"""Export the personaliser of every cross-validation fold into models/cv/.

    /usr/bin/python3 models/export_cv_folds.py      # about 2 minutes on one core

The model card's cross-validation figures come from 10 models, each fitted without the
subjects it is scored on. This script fits them exactly as train_anthropometric.py's
cross-validation does (same fold assignment, seed 0; shrinkage chosen inside each fold)
and exports each as a small TorchScript archive (int8 PCA basis, float16 mean field:
pinna_anthro.CompactPersonalizer) with its held-out subjects in meta.json. With them,
scripts/evaluate_personalizer.sh reproduces the figures through the C++ CLI (pinna
predict, pinna evaluate) without fitting anything. models/cv/folds.json lists the folds
and the model-space scores of the compact archives beside float storage.
"""
import json
import os
import sys

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import pinna_anthro as PA  # noqa: E402
import pinna_data as P  # noqa: E402
from train_anthropometric import load_complete, make_meta  # noqa: E402

SEED = 0  # the fold assignment of pinna_anthro.cross_validate


def main():
    torch.set_num_threads(1)
    h, ok, mirror_idx = load_complete()
    A, db, itd = h["anthro"][ok], h["db"][ok].astype(np.float64), h["itd"][ok].astype(np.float64)
    ids = h["ids"][ok].astype(int)
    excluded = [int(i) for i in h["ids"][~ok]]
    folds = PA.fold_assignment(len(A), PA.FOLDS, SEED)
    out_dir = os.path.join(HERE, "cv")
    os.makedirs(out_dir, exist_ok=True)
    index = dict(seed=SEED, folds=[], subjects=len(A), excluded_nan_rows=excluded,
                 note="model-space scores (pinna_anthro.subject_scores) of each fold's held-out subjects")
    scores = {"float": [], "compact": []}
    for f in range(PA.FOLDS):
        tr, te = folds != f, folds == f
        alpha, _ = PA.choose_alpha(A[tr], db[tr], itd[tr], mirror_idx)
        p = PA.fit_per_ear(A[tr], db[tr], itd[tr], mirror_idx, alpha, PA.K_COMPONENTS)
        held = [int(i) for i in ids[te]]
        meta = make_meta(h, A[tr], [int(i) for i in ids[tr]], excluded, alpha,
                         name=f"pinna-anthropometric-cv-fold{f}", cv_fold=f, cv_folds=PA.FOLDS,
                         cv_seed=SEED, heldout_subjects=held,
                         storage="PCA basis int8 with a scale per component, mean field float16")
        model = torch.jit.script(PA.CompactPersonalizer(p, A.shape[1]))
        model.eval()
        path = os.path.join(out_dir, f"anthropometric.fold{f}.pt")
        torch.jit.save(model, path, _extra_files={"meta.json": json.dumps(meta, indent=1)})
        with torch.no_grad():
            cdb, citd = torch.jit.load(path)(torch.tensor(A[te], dtype=torch.float32))
        fdb, fitd = PA.predict_per_ear(p, A[te])
        rows = {}
        for kind, (e_db, e_itd) in {"float": (fdb, fitd), "compact": (cdb.double().numpy(), citd.double().numpy())}.items():
            rows[kind] = [PA.subject_scores(db[s], itd[s], e_db[j], e_itd[j], P.FS_HZ)
                          for j, s in enumerate(np.where(te)[0])]
            scores[kind] += rows[kind]
        index["folds"].append(dict(fold=f, file=os.path.basename(path), alpha=alpha, heldout_subjects=held,
                                   lsd_db_compact=float(np.mean([r[0] for r in rows["compact"]])),
                                   lsd_db_float=float(np.mean([r[0] for r in rows["float"]])),
                                   max_abs_db_difference=float(np.abs(cdb.double().numpy() - fdb).max())))
        print(f"fold {f}: {len(held)} held out, alpha {alpha:g}, {os.path.getsize(path) / 1e6:.2f} MB, "
              f"LSD compact {index['folds'][-1]['lsd_db_compact']:.4f} / float {index['folds'][-1]['lsd_db_float']:.4f}"
              f", max |d dB| {index['folds'][-1]['max_abs_db_difference']:.4f}")
    for kind, v in scores.items():
        v = np.array(v)
        index[f"cv_{kind}"] = dict(lsd_db=float(v[:, 0].mean()), itd_err_us=float(v[:, 1].mean()))
        print(f"{kind}: LSD {v[:, 0].mean():.4f} dB, ITD error {v[:, 1].mean():.2f} us over {len(v)} subjects")
    with open(os.path.join(out_dir, "folds.json"), "w") as fh:
        json.dump(index, fh, indent=1)


if __name__ == "__main__":
    main()
