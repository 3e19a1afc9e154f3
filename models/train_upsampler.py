"""Train and export the sparse -> dense upsampler (models/upsampler.pt).

    /usr/bin/python3 models/train_upsampler.py [--quick]

Data: SONICOM training subjects (all but the 8 fixed validation subjects of
pinna_data.sonicom_validation_ids) and all 86 HUTUBS subjects, each also
left/right mirrored. Steps:
 1. fit every subject's dB magnitudes (order 12) and ITD (order 8) with real SH;
 2. prior mean = mean of the SONICOM training subjects; basis = principal components
    of the deviations of each subject from its own database's mean (HUTUBS rows
    weighted by hutubs_weight), frequency axis compressed to P components;
 3. choose the Gaussian-process hyperparameters per LAP level (coordinate descent over
    candidate lists) on an inner split of
    the SONICOM training subjects (21 fit / 7 tune) over the LAP levels;
 4. refit on all training subjects with the chosen hyperparameters and export
    TorchScript with meta.json, plus a reference input/output file.
Validation subjects are never used here.
"""
import argparse
import json
import os
import sys
import time

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import pinna_data as P  # noqa: E402
import pinna_sh as SH  # noqa: E402
from pinna_upsampler import Upsampler, _gp_solve  # noqa: E402

MAG_ORDER = 12
ITD_ORDER = 8
SH_REG = 1e-5
K_MAG = 64
K_ITD = 16
P_FREQ = 40
BAND_EDGES_HZ = [4000.0, 8000.0, 12000.0]
VERSION = "1.0.0"
HUTUBS_WEIGHT = 0.7  # weight of HUTUBS deviations in the PCA (chosen on the inner split)


def band_of_bins():
    f = np.arange(P.BINS) * P.FS_HZ / P.TAPS
    return np.digitize(f, BAND_EDGES_HZ)


def sh_coefs(d, cache_name):
    """SH coefficients of every subject and its mirror image: mag [2S, C, 258], itd [2S, Ci]."""
    path = os.path.join(P.CACHE, cache_name)
    if os.path.exists(path):
        z = np.load(path)
        return z["mag"], z["itd"]
    db, itd = d["db"].astype(np.float64), d["itd"].astype(np.float64) * 1e6
    mdb, mitd = P.mirror(db, itd, d["az"], d["el"])
    S, M = db.shape[:2]
    alldb = np.concatenate([db, mdb]).transpose(1, 0, 2, 3).reshape(M, -1)
    mag = SH.sh_fit(d["unit"], alldb, MAG_ORDER, SH_REG).reshape(-1, 2 * S, 2 * P.BINS).transpose(1, 0, 2)
    allitd = np.concatenate([itd, mitd])
    # HUTUBS has a few directions per subject (low elevations) whose metric ITD is
    # wildly off (|ITD| > 1 ms); they are left out of the ITD fit.
    icoef = np.stack([SH.sh_fit(d["unit"], v, ITD_ORDER, SH_REG, weights=(np.abs(v) < 1000.0).astype(float))
                      for v in allitd])
    np.savez(path, mag=mag, itd=icoef)
    return mag, icoef


def pca(rows, k):
    u, s, vt = np.linalg.svd(rows, full_matrices=False)
    k = min(k, len(s) - 1)
    return vt[:k], s[:k] ** 2 / (len(rows) - 1)


def build_prior(son_mag, son_itd, hut_mag, hut_itd, son_db_grid, hutubs_weight):
    """son_*: training SONICOM subjects incl. mirrors; returns the prior arrays."""
    C = son_mag.shape[1]
    mag_mean = son_mag.mean(0)
    rows = [son_mag - mag_mean]
    if hutubs_weight > 0:
        rows.append(hutubs_weight * (hut_mag - hut_mag.mean(0)))
    rows = np.concatenate(rows).reshape(-1, C * 2 * P.BINS)
    vt, lam = pca(rows, K_MAG)
    basis = vt.reshape(-1, C, 2, P.BINS)
    # frequency compression of the basis
    fb = np.linalg.svd(basis.reshape(-1, P.BINS), full_matrices=False)[2][:P_FREQ]
    basis_cf = basis @ fb.T
    itd_mean = son_itd.mean(0)
    irows = [son_itd - itd_mean]
    if hutubs_weight > 0:
        irows.append(hutubs_weight * (hut_itd - hut_itd.mean(0)))
    ivt, ilam = pca(np.concatenate(irows), K_ITD)
    # per-channel variance of the subjects' deviations from the mean on the grid
    chan_var = ((son_db_grid - son_db_grid.mean(0)) ** 2).mean(axis=(0, 1))
    return dict(mag_mean=mag_mean, mag_basis_cf=basis_cf, freq_basis=fb, mag_lam=lam,
                itd_mean=itd_mean, itd_basis=ivt, itd_lam=ilam, mag_chan_var=chan_var)


class GridEvaluator:
    """Runs the GP posterior on the SONICOM grid with precomputed basis values."""

    def __init__(self, son, prior):
        self.son = son
        U = torch.as_tensor(son["unit"])
        self.cos = (U @ U.T).clamp(-1, 1)
        Ym = SH.real_sh(U, MAG_ORDER)
        self.Ym = Ym
        bc = torch.as_tensor(prior["mag_basis_cf"])
        self.Bm = torch.einsum("nc,kcep,pb->kneb", Ym, bc, torch.as_tensor(prior["freq_basis"])).reshape(
            bc.shape[0], len(U), -1)
        self.Yi = SH.real_sh(U, ITD_ORDER)
        self.Bi = torch.einsum("nc,kc->kn", self.Yi, torch.as_tensor(prior["itd_basis"])).unsqueeze(2)
        self.prior = prior
        self.band = torch.as_tensor(np.concatenate([band_of_bins()] * 2))

    def mag(self, subj_db, S, hp):
        S_t = torch.as_tensor(S)
        ys = torch.as_tensor(subj_db.reshape(len(subj_db), -1)[S], dtype=torch.float64)
        g = len(BAND_EDGES_HZ) + 1
        mu = self.Ym @ torch.as_tensor(self.prior["mag_mean"])
        w, res = _gp_solve(ys, mu[S_t], self.Bm[:, S_t], self.cos[S_t][:, S_t], self.cos[:, S_t],
                           torch.as_tensor(hp["alpha"] * self.prior["mag_lam"]),
                           torch.as_tensor(self.prior["mag_chan_var"]), self.band,
                           torch.as_tensor(hp["ell"], dtype=torch.float64),
                           torch.full((g,), hp["const"], dtype=torch.float64),
                           torch.full((g,), hp["nugget"], dtype=torch.float64))
        out = mu + torch.einsum("k,kmj->mj", w, self.Bm) + res
        return out.numpy().reshape(-1, 2, P.BINS)

    def itd(self, subj_itd_us, S, hp):
        S_t = torch.as_tensor(S)
        ys = torch.as_tensor(subj_itd_us[S], dtype=torch.float64).reshape(-1, 1)
        mu = (self.Yi @ torch.as_tensor(self.prior["itd_mean"])).reshape(-1, 1)
        w, res = _gp_solve(ys, mu[S_t], self.Bi[:, S_t], self.cos[S_t][:, S_t], self.cos[:, S_t],
                           torch.as_tensor(hp["alpha"] * self.prior["itd_lam"]),
                           torch.tensor([hp["var"]], dtype=torch.float64), torch.zeros(1, dtype=torch.long),
                           torch.tensor([hp["ell"]], dtype=torch.float64),
                           torch.tensor([hp["const"]], dtype=torch.float64),
                           torch.tensor([hp["nugget"]], dtype=torch.float64))
        out = mu + torch.einsum("k,kmj->mj", w, self.Bi) + res
        return out.numpy().reshape(-1)


def round_itd_us(itd_us):
    """Predicted ITD rendered with whole-sample delays (what the metric can return)."""
    return np.rint(itd_us * 1e-6 * P.FS_HZ) / P.FS_HZ * 1e6


MAG_CANDIDATES = dict(alpha=[0.01, 0.03, 0.1, 0.3, 1.0], const=[0.1, 0.3, 1.0, 3.0],
                      nugget=[0.03, 0.1, 0.3, 1.0, 3.0], ell=[0.6, 0.8, 1.0, 1.25, 1.6, 2.0])
ITD_CANDIDATES = dict(alpha=[0.1, 0.3, 1.0, 3.0, 10.0], const=[0.1, 0.3, 1.0, 3.0],
                      nugget=[0.01, 0.03, 0.1, 0.3, 1.0], ell=[0.6, 0.8, 1.0, 1.25, 1.6, 2.0])
HP_KEYS = ("alpha", "const", "nugget", "ell")  # column order of the model's hp tables
MAG_ELL_BASE = [0.5, 0.35, 0.25, 0.2]  # angular length per band (unit-vector distance)
ITD_ELL_BASE = 0.3
ITD_VAR_US2 = 400.0


def level_score(son, ev, subjects, level, hp, kind):
    M = len(son["az"])
    S = P.lap_subset(son["az"], son["el"], level)
    mask = np.ones(M, bool)
    mask[S] = False
    out = []
    for s in subjects:
        if kind == "mag":
            h = dict(hp, ell=list(hp["ell"] * np.array(MAG_ELL_BASE)))
            est = ev.mag(son["db"][s].astype(np.float64), S, h)
            out.append(P.score(son["db"][s].astype(np.float64)[mask], est[mask])["lsd_db"])
        else:
            h = dict(hp, ell=hp["ell"] * ITD_ELL_BASE, var=ITD_VAR_US2)
            ref = son["itd"][s].astype(np.float64) * 1e6
            est = round_itd_us(ev.itd(ref, S, h))
            out.append(np.mean(np.abs(ref[mask] - est[mask])))
    return float(np.mean(out))


def tune(son, ev, subjects, kind, quick=False):
    """Coordinate descent over the candidate lists, separately for each LAP level."""
    cands = MAG_CANDIDATES if kind == "mag" else ITD_CANDIDATES
    table = {}
    for level in P.LAP_LEVELS:
        hp = dict(alpha=0.1 if kind == "mag" else 1.0, const=1.0, nugget=0.3 if kind == "mag" else 0.1, ell=1.0)
        best = level_score(son, ev, subjects, level, hp, kind)
        for _ in range(0 if quick else 2):
            for key in HP_KEYS:
                for v in cands[key]:
                    if v == hp[key]:
                        continue
                    trial = dict(hp, **{key: v})
                    sc = level_score(son, ev, subjects, level, trial, kind)
                    if sc < best - 1e-4:
                        best, hp = sc, trial
        print(f"  {kind} level {level}: {hp} -> {best:.4f}", flush=True)
        table[level] = (best, hp)
    return table


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true", help="tiny grid (smoke test)")
    ap.add_argument("--out", default=os.path.join(HERE, "upsampler.pt"))
    args = ap.parse_args()
    torch.set_num_threads(1)
    np.random.seed(0)
    torch.manual_seed(0)
    t0 = time.time()
    son, hut = P.load("sonicom"), P.load("hutubs")
    smag, sitd = sh_coefs(son, "sh_sonicom.npz")
    hmag, hitd = sh_coefs(hut, "sh_hutubs.npz")
    ns = len(son["ids"])
    val_ids = P.sonicom_validation_ids(son["ids"])
    train = np.array([i for i in range(ns) if son["ids"][i] not in val_ids])
    inner = train[3::4]
    fit = np.array([i for i in train if i not in inner])
    print("train", son["ids"][train], "inner", son["ids"][inner], "validation (unused)", val_ids)

    def with_mirror(idx):
        return np.concatenate([idx, idx + ns])

    db_grid = son["db"].reshape(ns, len(son["az"]), -1).astype(np.float64)

    def prior_for(idx, hw):
        return build_prior(smag[with_mirror(idx)], sitd[with_mirror(idx)], hmag, hitd, db_grid[idx], hw)

    hw = HUTUBS_WEIGHT
    ev = GridEvaluator(son, prior_for(fit, hw))
    tab_mag = tune(son, ev, inner, "mag", args.quick)
    tab_itd = tune(son, ev, inner, "itd", args.quick)
    print(f"tuned in {time.time() - t0:.0f} s", flush=True)

    prior = prior_for(train, hw)
    counts = sorted(P.LAP_LEVELS)
    mag_hp = np.array([[tab_mag[c][1][k] for k in HP_KEYS] for c in counts])
    itd_hp = np.array([[tab_itd[c][1][k] for k in HP_KEYS] for c in counts])
    params = dict(
        mag_order=MAG_ORDER, itd_order=ITD_ORDER, bins=P.BINS,
        mag_mean=prior["mag_mean"], mag_basis_cf=prior["mag_basis_cf"], freq_basis=prior["freq_basis"],
        mag_lam=prior["mag_lam"], mag_chan_var=prior["mag_chan_var"],
        mag_chan_band=np.concatenate([band_of_bins()] * 2), mag_ell=np.array(MAG_ELL_BASE),
        hp_counts=np.array(counts, float), mag_hp=mag_hp, itd_hp=itd_hp,
        itd_mean=prior["itd_mean"], itd_basis=prior["itd_basis"], itd_lam=prior["itd_lam"],
        itd_chan_var=np.array([ITD_VAR_US2]), itd_ell=np.array([ITD_ELL_BASE]))
    # the latent stage (weight 0 here) is added by train_upsampler_latent.py
    model = torch.jit.script(Upsampler(params, torch.jit.load(os.path.join(HERE, "autoencoder.pt"))))
    model.eval()

    meta = dict(
        name="pinna-upsampler", version=VERSION, kind="upsampler",
        description="Sparse-to-dense HRTF upsampling: Gaussian-process posterior with a spherical-harmonic "
                    "population prior (SONICOM + HUTUBS). Any measured grid, any target directions.",
        sample_rate_hz=P.FS_HZ, taps=P.TAPS, bins=P.BINS,
        methods={
            "forward": {"inputs": [["meas_dirs", "float32", "[S,3]", "unit vectors, SOFA frame x front y left z up"],
                                   ["meas_db", "float32", "[S,2,129]", "dB magnitude, 20*log10|rfft(hrir,256)|, ear 0 = left"],
                                   ["meas_itd_s", "float32", "[S]", "ITD in seconds, t_left - t_right (metrics.md)"],
                                   ["target_dirs", "float32", "[T,3]", "unit vectors"]],
                        "outputs": [["db", "float32", "[T,2,129]", "dB magnitude"],
                                    ["itd_s", "float32", "[T]", "seconds, t_left - t_right"]]},
            "population": {"inputs": [["target_dirs", "float32", "[T,3]", "unit vectors"]],
                           "outputs": [["db", "float32", "[T,2,129]", "dB"], ["itd_s", "float32", "[T]", "s"]]}},
        output_layout="db[t][ear][bin], ear 0 = left, bin k = k*fs/taps Hz; one-sided spectrum of a 256-tap HRIR",
        training=dict(sonicom_train_ids=[int(i) for i in son["ids"][train]],
                      sonicom_validation_ids=[int(i) for i in val_ids], hutubs_subjects=int(len(hut["ids"])),
                      hutubs_weight=hw, hp_counts=counts, hp_columns=list(HP_KEYS),
                      mag_hp=mag_hp.tolist(), itd_hp=itd_hp.tolist(),
                      inner_tune_lsd_db={c: tab_mag[c][0] for c in counts},
                      inner_tune_itd_err_us={c: tab_itd[c][0] for c in counts}),
        licence_note="Trained on HUTUBS (CC BY 4.0, TU Berlin) and SONICOM (CC BY-SA 3.0, Imperial College London).")
    torch.jit.save(model, args.out, _extra_files={"meta.json": json.dumps(meta, indent=1)})
    write_reference(args.out, son, val_ids)
    print(f"saved {args.out} ({os.path.getsize(args.out) / 1e6:.2f} MB) in {time.time() - t0:.0f} s")


def write_reference(path, son, val_ids):
    """One example (LAP 5 of the first validation subject -> 7 target directions)."""
    m = torch.jit.load(path)
    s = int(np.where(son["ids"] == val_ids[0])[0][0])
    S = P.lap_subset(son["az"], son["el"], 5)
    tgt_azel = np.array([[0, 0], [30, 10], [90, 0], [180, 20], [270, -30], [123, 61], [0, 90]], float)
    md = torch.tensor(son["unit"][S], dtype=torch.float32)
    mdb = torch.tensor(son["db"][s][S], dtype=torch.float32)
    mitd = torch.tensor(son["itd"][s][S], dtype=torch.float32)
    td = torch.tensor(P.sph_to_unit(tgt_azel[:, 0], tgt_azel[:, 1]), dtype=torch.float32)
    db, itd = m(md, mdb, mitd, td)
    pdb, pitd = m.population(td)
    ref = dict(model=os.path.basename(path), note=f"SONICOM P{son['ids'][s]:04d}, LAP-5 measured directions",
               inputs=dict(meas_dirs=md.tolist(), meas_db=mdb.tolist(), meas_itd_s=mitd.tolist(),
                           target_dirs=td.tolist(), target_azel_deg=tgt_azel.tolist()),
               outputs=dict(db=db.tolist(), itd_s=itd.tolist()),
               population_outputs=dict(db=pdb.tolist(), itd_s=pitd.tolist()),
               tolerance=dict(db=1e-3, itd_s=1e-8))
    with open(path.replace(".pt", ".ref.json"), "w") as f:
        json.dump(ref, f)


if __name__ == "__main__":
    main()
