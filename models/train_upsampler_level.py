"""Add the level stage to the upsampler (models/upsampler.pt), without training the GP or
the latent stage again.

    /usr/bin/python3 models/train_upsampler_level.py [--folds] [ARCHIVE] [OUT]

The ILD metric is the difference of the two ears' broadband levels. The GP predicts dB
magnitudes bin by bin, and a broadband level computed from them (by Parseval) inherits
every bin's error, weighted by the bin's power. The level stage makes a second estimate
of the quantity itself, built as the ITD's: each ear's broadband level (dB) over
directions is the population's mean level field plus principal components of the
subjects' deviations (both real SH of order LVL_ORDER, in the head's frame; one weight
vector for both ears) plus a residual GP with covariance `const + exp((cos angle - 1)/ell^2)
+ nugget*delta`; its posterior mean given the levels at the measured directions is the
estimate. The GP's spectra at each target are then shifted, per ear, by a weight times the
difference between that level and their own. The shape of every spectrum stays the GP's
(and the latent stage's).

Chosen on training subjects only (validation subjects are scored, never chosen on):
 1. the level fields: the levels of every SONICOM training subject, every HUTUBS subject
    and their mirror images, each fitted with real SH in its head's frame (the yaws of
    train_upsampler.aligned_sh_coefs); the mean of the SONICOM ones, and the principal
    components of each subject's deviation from its database's mean (HUTUBS rows weighted
    by train_upsampler.HUTUBS_WEIGHT, as the magnitudes');
 2. per LAP level, alpha (the components' prior scale), const, ell, nugget and the weight
    (a grid), on the inner split's tuning subjects (every 4th SONICOM training subject)
    with the GP's prior, its yaw stage's spreads, the latent stage's mean code field and the
    level fields all made without them: the setting with the lowest ILD error among those
    whose LSD is at most the stage-less model's (weight 0) plus LSD_SLACK_DB. With --folds
    (since v1.5.3), on all 28 training subjects in the 4 folds of train_upsampler_shared.py
    instead, each fold's module and level fields made without its 7 subjects;
 3. the archive is written with the level fields of all training subjects.
Then prints the archive's LSD and ILD error on the 8 validation subjects with and without
the stage (measured directions excluded). About 5 min (--folds: about 8).
"""
import itertools
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
import train_upsampler as TU  # noqa: E402
from pinna_upsampler import Upsampler  # noqa: E402
from reexport_upsampler import archive_from_args  # noqa: E402
from train_upsampler_latent import LatentField  # noqa: E402

LVL_ORDER = 14
K_LVL = 16
ALPHA = [0.3, 1.0, 3.0]
CONST = [0.1, 1.0]
ELL = [0.2, 0.3, 0.5, 0.7]
NUGGET = [0.01, 0.1, 0.3]
WEIGHTS = [0.25, 0.5, 0.75, 1.0]
LSD_SLACK_DB = 0.001
HP_COLUMNS = ["alpha", "const", "ell", "nugget", "weight"]


def level_coefs(levels, yaws, unit):
    """SH coefficients [n, Cv, 2] of each subject's levels [n, M, 2], fitted in its head's
    frame (yaws [n] in degrees)."""
    return np.stack([SH.sh_fit(TU.head_frame(unit, y), x, LVL_ORDER, TU.SH_REG) for x, y in zip(levels, yaws)])


def level_prior(son_coefs, hut_coefs):
    """(mean [Cv, 2], basis [K, Cv, 2], variances [K]) from the SONICOM prior subjects' and
    the HUTUBS subjects' coefficients (mirror images included)."""
    mean = son_coefs.mean(0)
    rows = np.concatenate([(son_coefs - mean).reshape(len(son_coefs), -1),
                           TU.HUTUBS_WEIGHT * (hut_coefs - hut_coefs.mean(0)).reshape(len(hut_coefs), -1)])
    _, sv, vt = np.linalg.svd(rows, full_matrices=False)
    return mean, vt[:K_LVL].reshape(K_LVL, -1, 2), sv[:K_LVL] ** 2 / len(rows)


def level_fields(head_unit, prior):
    """The prior's mean [M, 2] and components [K, M, 2] on the grid in a head's frame, and
    their variances."""
    mean, basis, lam = prior
    Y = SH.sh_matrix(head_unit, LVL_ORDER)
    return Y @ mean, np.einsum("mc,kce->kme", Y, basis), lam


def shifted(db, meas_levels, S, head_unit, prior, cos, hp, fields=None):
    """What the module's _level_shift does to db [M, 2, bins] on the grid (head_unit: the
    grid in the subject's head frame; hp: HP_COLUMNS; fields: level_fields(head_unit,
    prior), when already made)."""
    alpha, const, ell, nugget, weight = hp
    mu, B, lam = fields or level_fields(head_unit, prior)
    Ki = np.linalg.inv(const + np.exp((cos[np.ix_(S, S)] - 1.0) / ell ** 2) + nugget * np.eye(len(S)))
    r = meas_levels - mu[S]
    Bs = B[:, S, :]
    A = np.diag(1.0 / (alpha * lam)) + sum(Bs[:, :, e] @ Ki @ Bs[:, :, e].T for e in range(2))
    w = np.linalg.solve(A, sum(Bs[:, :, e] @ Ki @ r[:, e] for e in range(2)))
    res = r - np.einsum("k,kse->se", w, Bs)
    level = mu + np.einsum("k,kme->me", w, B) + (const + np.exp((cos[:, S] - 1.0) / ell ** 2)) @ Ki @ res
    return db + weight * (level - P.energy_db_from_db(db))[:, :, None]


def run(model, son, s, S):
    """(dB [M, 2, bins] at every grid direction, the yaw) of subject s from the directions S."""
    U = torch.tensor(son["unit"], dtype=torch.float32)
    md, mitd = U[S], torch.tensor(son[TU.ITD_KEY][s][S], dtype=torch.float32)
    with torch.no_grad():
        db = model(md, torch.tensor(son["db"][s][S], dtype=torch.float32), mitd, U)[0]
        yaw = float(model.head_yaw_deg(md, mitd)[0])
    return db.numpy().astype(np.float64), yaw


def scores(son, subjects, S, ests):
    mask = np.ones(len(son["az"]), bool)
    mask[S] = False
    sc = [P.score(son["db"][s].astype(np.float64)[mask], e[mask]) for s, e in zip(subjects, ests)]
    return np.mean([x["lsd_db"] for x in sc]), np.mean([x["ild_err_db"] for x in sc])


def main():
    torch.set_num_threads(1)
    t0 = time.time()
    folds = "--folds" in sys.argv
    out, params, codec, meta_text = archive_from_args([a for a in sys.argv if a != "--folds"])
    for k in ("lvl_order", "lvl_mean", "lvl_basis", "lvl_lam", "lvl_hp"):
        params.pop(k, None)
    son, hut, val_ids, train, val, tune, fit, db, mdb = TU.stage_inputs()
    ns, M = len(son["ids"]), len(son["az"])
    unit = son["unit"]
    cos = np.clip(unit @ unit.T, -1.0, 1.0)
    levels = P.energy_db_from_db(np.concatenate([db, mdb]))  # [2 ns, M, 2]: subject i, its mirror ns + i
    hut_levels = P.energy_db_from_db(TU._with_mirrors(hut)[0])

    def with_mirror(idx):
        return np.concatenate([idx, idx + ns])

    def aligned(prior_subjects):
        return TU.aligned_sh_coefs(son, hut, prior_subjects, f"sh_aligned_{len(prior_subjects)}.npz")

    with torch.no_grad():
        enc = lambda x: codec.encode(torch.tensor(np.ascontiguousarray(x, dtype=np.float32).reshape(-1, P.BINS)))
        codes = np.concatenate([enc(db).numpy(), enc(mdb).numpy()]).astype(np.float64).reshape(2 * ns, M, -1)

    def held_out(held, prior_subjects, cache_name):
        """(held, the module as trained without them (GP prior, yaw spreads, latent field),
        the level fields' prior without them)."""
        ys, yh = TU.aligned_sh_coefs(son, hut, prior_subjects, cache_name)[4:]
        prior, yaw_cfg = TU.prior_for(son, hut, prior_subjects, cache_name=cache_name)
        fit_params = TU.model_params(prior, params["mag_hp"], params["itd_hp"], yaw_cfg, params.get("mag_shared_hp"))
        fit_params.update(lat_order=params["lat_order"], lat_hp=params["lat_hp"],
                          lat_mean=LatentField(codec, unit, codes, with_mirror(prior_subjects), ys).coef)
        if "lat_band_w" in params:
            fit_params.update(lat_band_w=params["lat_band_w"])
        return held, Upsampler(fit_params, codec), fit_params, level_prior(
            level_coefs(levels, ys, unit)[with_mirror(prior_subjects)], level_coefs(hut_levels, yh, hut["unit"]))

    if folds:
        sets = [held_out(*fold) for fold in TU.training_folds(train)]
    else:
        sets = [held_out(tune, fit, f"sh_aligned_{len(fit)}.npz")]
    tuned_on = np.concatenate([h for h, _, _, _ in sets])

    def pooled(per_set):
        """The mean over every held-out subject of per-set (LSD, ILD error) means."""
        n = np.array([len(h) for h, _, _, _ in sets], float)
        return tuple(np.asarray(per_set).T @ n / n.sum())

    counts = sorted(P.LAP_LEVELS)
    table = {}
    for level in P.LAP_LEVELS:
        S = P.lap_subset(son["az"], son["el"], level)
        runs = [[run(m, son, s, S) for s in h] for h, m, _, _ in sets]
        fields = [[level_fields(TU.head_frame(unit, y), pr) for _, y in r] for r, (_, _, _, pr) in zip(runs, sets)]
        base = pooled([scores(son, h, S, [x[0] for x in r]) for r, (h, _, _, _) in zip(runs, sets)])
        res = {}
        for hp in itertools.product(ALPHA, CONST, ELL, NUGGET, WEIGHTS):
            res[hp] = pooled([scores(son, h, S, [shifted(d, levels[s][S], S, None, pr, cos, hp, fl)
                                                  for s, (d, _), fl in zip(h, r, fs)])
                              for r, fs, (h, _, _, pr) in zip(runs, fields, sets)])
        ok = {hp: v for hp, v in res.items() if v[0] <= base[0] + LSD_SLACK_DB}
        hp = min(ok, key=lambda h: ok[h][1]) if ok else (1.0, 1.0, 0.3, 0.1, 0.0)
        table[level] = hp
        got = res.get(hp, base)
        print(f"level {level}: {hp} -> LSD {got[0]:.4f} dB, ILD error {got[1]:.4f} dB on the {len(tuned_on)} "
              f"tuning subjects "
              f"(without the stage {base[0]:.4f}, {base[1]:.4f})", flush=True)
    # the emulation above against the module itself (the first set's first subject, every level)
    held, fit_model, fit_params, prior_fit = sets[0]
    check = Upsampler(dict(fit_params, lvl_order=LVL_ORDER, lvl_mean=prior_fit[0], lvl_basis=prior_fit[1],
                           lvl_lam=prior_fit[2], lvl_hp=np.array([list(table[c]) for c in counts])), codec)
    worst = 0.0
    for level in P.LAP_LEVELS:
        S = P.lap_subset(son["az"], son["el"], level)
        d, y = run(fit_model, son, held[0], S)
        emulated = shifted(d, levels[held[0]][S], S, TU.head_frame(unit, y), prior_fit, cos, table[level])
        worst = max(worst, float(np.abs(run(check, son, held[0], S)[0] - emulated).max()))
    print(f"module against the tuning's emulation: largest difference {worst:.2e} dB", flush=True)
    if worst > 1e-2:
        raise SystemExit("the tuning's emulation does not match the module")

    ys_all, yh_all = aligned(train)[4:]
    mean, basis, lam = level_prior(level_coefs(levels, ys_all, unit)[with_mirror(train)],
                                   level_coefs(hut_levels, yh_all, hut["unit"]))
    params.update(lvl_order=LVL_ORDER, lvl_mean=mean, lvl_basis=basis, lvl_lam=lam,
                  lvl_hp=np.array([list(table[c]) for c in counts]))
    model = torch.jit.script(Upsampler(params, codec))
    model.eval()
    meta = json.loads(meta_text)
    meta["version"] = "1.5.4"
    meta["description"] = (meta["description"].split(" Level stage:")[0] + " Level stage: each ear's broadband level "
                           "interpolated by its own GP, the spectra moved towards it.")
    meta["training"]["level_stage"] = dict(
        lvl_order=LVL_ORDER, components=K_LVL, hp_counts=counts, lvl_hp_columns=HP_COLUMNS,
        lvl_hp=params["lvl_hp"].tolist(), tuned_on_sonicom_ids=sorted(int(i) for i in son["ids"][tuned_on]),
        tuned_in_folds=folds)
    TU.save_archive(model, meta, out, son, val_ids, t0)

    print("validation (8 SONICOM subjects, measured directions excluded), the archive with and without the stage:")
    print("| from | LSD (dB) without / with | ILD error (dB) without / with |")
    off = dict(params, lvl_hp=np.zeros_like(params["lvl_hp"]))
    without = Upsampler(off, codec)
    for level in P.LAP_LEVELS:
        S = P.lap_subset(son["az"], son["el"], level)
        a = scores(son, val, S, [run(without, son, s, S)[0] for s in val])
        b = scores(son, val, S, [run(model, son, s, S)[0] for s in val])
        print(f"| {level} | {a[0]:.3f} / {b[0]:.3f} | {a[1]:.3f} / {b[1]:.3f} |", flush=True)


if __name__ == "__main__":
    main()
