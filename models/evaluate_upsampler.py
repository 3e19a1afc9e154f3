"""Reproduce the upsampler model-card figures from the committed models/upsampler.pt.

    /usr/bin/python3 models/evaluate_upsampler.py [--model models/upsampler.pt] [--render]

Scores the TorchScript model (as the C++ runner would call it) and the classical
baselines on the 8 SONICOM validation subjects at the LAP levels 100 / 19 / 5 / 3,
all 793 directions scored except the measured ones (metrics.md). Baselines:
  nearest      copy the nearest measured direction (magnitude and ITD);
  barycentric  barycentric weights on the convex-hull triangulation of the measured
               directions, applied to dB magnitudes and to ITD (nearest where the
               target ray meets no triangle, e.g. behind the LAP-5 / LAP-3 sets);
  population   mean dB magnitude / ITD of the SONICOM training subjects (no measurement).
Predicted ITDs are rounded to whole samples before scoring (a renderer with whole-sample
delays, and the metric's integer lag, can only produce those). With --render the model's
output is also turned into minimum-phase HRIRs with delays (delay = predicted ITD minus
the metric ITD of the minimum-phase pair) and scored in the time domain. The model reads
the measured ITDs as its meta.json's "itd_input" says (sub-sample for "fractional"); the
baselines read the metric's whole samples.
"""
import argparse
import json
import os
import sys
import time

import numpy as np
import scipy.spatial
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import pinna_data as P  # noqa: E402


def barycentric_weights(meas_unit, tgt_unit):
    """[T, S] weight matrix (rows sum to 1)."""
    S = len(meas_unit)
    W = np.zeros((len(tgt_unit), S))
    nn, _ = P.nearest_index(tgt_unit, meas_unit)
    if S < 3:
        W[np.arange(len(tgt_unit)), nn] = 1.0
        return W
    faces = np.array([[0, 1, 2]]) if S == 3 else scipy.spatial.ConvexHull(meas_unit).simplices
    Pm = meas_unit[faces].transpose(0, 2, 1)  # F, 3 (xyz), 3 (vertex)
    w = np.einsum("fij,tj->tfi", np.linalg.inv(Pm), tgt_unit)  # T, F, 3
    ok = np.all(w >= -1e-9, axis=2)
    ssum = np.where(ok, w.sum(2), -np.inf)
    best = np.argmax(ssum, axis=1)
    for t in range(len(tgt_unit)):
        if np.isfinite(ssum[t, best[t]]):
            wt = w[t, best[t]] / w[t, best[t]].sum()
            W[t, faces[best[t]]] = wt
        else:
            W[t, nn[t]] = 1.0
    return W


def round_itd(itd_s):
    return np.rint(np.asarray(itd_s) * P.FS_HZ) / P.FS_HZ


def run(model_path, render=False, out_json=None):
    torch.set_num_threads(1)
    son = P.load("sonicom")
    extra = {"meta.json": ""}
    model = torch.jit.load(model_path, _extra_files=extra)
    meta = json.loads(extra["meta.json"])
    val_ids = meta["training"]["sonicom_validation_ids"]
    # the measured ITDs as the archive reads them (the C++ runner: ModelInfo::fractional_itd)
    itd_key = "itd_frac" if meta.get("itd_input") == "fractional" else "itd"
    train_ids = meta["training"]["sonicom_train_ids"]
    assert not set(val_ids) & set(train_ids)
    vi = [int(np.where(son["ids"] == i)[0][0]) for i in val_ids]
    ti = [int(np.where(son["ids"] == i)[0][0]) for i in train_ids]
    M = len(son["az"])
    U = son["unit"]
    pop_db = son["db"][ti].astype(np.float64).mean(0)
    pop_itd = son["itd"][ti].astype(np.float64).mean(0)
    methods = ["model", "nearest", "barycentric", "population"] + (["model_rendered"] if render else [])
    res = {m: {} for m in methods}
    timing = {}
    for L in P.LAP_LEVELS:
        S, mask = P.lap_split(son["az"], son["el"], L)
        nn, _ = P.nearest_index(U, U[S])
        Wb = barycentric_weights(U[S], U)
        acc = {m: [] for m in methods}
        t_model = 0.0
        for s in vi:
            ref_db = son["db"][s].astype(np.float64)
            ref_itd = son["itd"][s].astype(np.float64)
            t = time.time()
            with torch.no_grad():
                db, itd = model(torch.tensor(U[S], dtype=torch.float32), torch.tensor(ref_db[S], dtype=torch.float32),
                                torch.tensor(son[itd_key][s][S], dtype=torch.float32),
                                torch.tensor(U, dtype=torch.float32))
            t_model += time.time() - t
            est = {"model": (db.numpy().astype(np.float64), itd.numpy().astype(np.float64)),
                   "nearest": (ref_db[S][nn], ref_itd[S][nn]),
                   "barycentric": (np.einsum("ts,seb->teb", Wb, ref_db[S]), Wb @ ref_itd[S]),
                   "population": (pop_db, pop_itd)}
            for m in ["model", "nearest", "barycentric", "population"]:
                e_db, e_itd = est[m]
                acc[m].append(P.score(ref_db, e_db, ref_itd, round_itd(e_itd), mask))
            if render:
                e_db, e_itd = est["model"]
                mp = P.render_hrir(e_db, np.zeros(M))
                h = P.render_hrir(e_db, e_itd - P.itd_seconds(mp))
                r_db = P.db_magnitude(h)
                sc = P.score(ref_db, r_db, ref_itd, P.itd_seconds(h), mask)
                sc["ild_err_db"] = float(np.mean(np.abs(P.ild_db_from_hrir(son["ir"][s][mask].astype(np.float64))
                                                        - P.ild_db_from_hrir(h[mask]))))
                acc["model_rendered"].append(sc)
        for m in methods:
            res[m][L] = {k: float(np.mean([a[k] for a in acc[m]])) for k in acc[m][0]}
        timing[L] = t_model / len(vi)
    print(f"SONICOM validation subjects {val_ids}; all {M} directions scored except the measured ones")
    print("LSD per direction and ear (bins 20 Hz..20 kHz, k < N/2), averaged; ITD/ILD mean abs error")
    for key, unit in [("lsd_db", "dB"), ("itd_err_us", "us"), ("ild_err_db", "dB")]:
        print(f"\n{key} ({unit})    " + "".join(f"{L:>9}" for L in P.LAP_LEVELS))
        for m in methods:
            print(f"  {m:<16}" + "".join(f"{res[m][L][key]:9.2f}" for L in P.LAP_LEVELS))
    print("\nmodel time per subject (s, 793 targets):", {L: round(v, 3) for L, v in timing.items()})
    if out_json:
        with open(out_json, "w") as f:
            json.dump(dict(results=res, timing_s=timing, validation_ids=val_ids), f, indent=1)
    return res


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", default=os.path.join(HERE, "upsampler.pt"))
    ap.add_argument("--render", action="store_true")
    ap.add_argument("--json", default=None)
    a = ap.parse_args()
    run(a.model, a.render, a.json)
