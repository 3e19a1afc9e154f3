"""Train and export the sparse -> dense upsampler (models/upsampler.pt).

    /usr/bin/python3 models/train_upsampler.py [--quick] [--hp-from ARCHIVE]

Data: SONICOM training subjects (all but the 8 fixed validation subjects of
pinna_data.sonicom_validation_ids) and all 86 HUTUBS subjects, each also
left/right mirrored. Steps:
 1. fit every subject's dB magnitudes (order 16; 12 until v1.3.0) and ITD (order 14; 8
    until v1.3.0) with real SH in its own head's frame (since v1.2.0): each subject's
    head yaw is estimated from all its ITDs against the prior subjects' mean ITD
    (estimate_yaw), and the mean refitted, three rounds; the model estimates a new
    subject's yaw from its measured ITDs the same way and predicts in that subject's head
    frame;
 2. prior mean = mean of the SONICOM training subjects; basis = principal components
    of the deviations of each subject from its own database's mean (HUTUBS rows
    weighted by hutubs_weight), frequency axis compressed to P components;
 3. choose the Gaussian-process hyperparameters per LAP level (coordinate descent over
    candidate lists) on an inner split of
    the SONICOM training subjects (21 fit / 7 tune) over the LAP levels (or, with
    --hp-from, take them from an earlier archive: v1.2.0 and v1.3.0 keep v1.0.0's);
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
from pinna_upsampler import Upsampler, _gp_solve, _yaw_rotate, estimate_yaw  # noqa: E402

# The magnitude prior's SH order. v1.3.0 raised it from 12: fitted from all 793 directions
# (four validation subjects), order 12 leaves an LSD of 1.57 dB, 14 1.41, 16 1.27, 20 1.13;
# on the inner split's tuning subjects (the GP alone with its yaw stage, the same
# hyperparameters, ITD order 14) the LSD from 100 / 19 / 5 / 3 directions went 2.393 /
# 3.303 / 4.044 / 3.979 dB (order 12) -> 2.380 / 3.292 / 4.043 / 3.963 (14) -> 2.370 /
# 3.288 / 4.042 / 3.968 (16) -> 2.366 / 3.284 / 4.044 / 3.968 (18) -> 2.364 / 3.281 /
# 4.044 / 3.968 (20). 16 takes most of the gain for 1.7x the coefficients of 12 (20: 2.6x).
MAG_ORDER = 16
# The ITD prior's SH order. v1.3.0 raised it from 8: fitted from all 793 directions, order 8
# leaves the validation subjects' ITDs 7.6 us off on average (rounded to whole samples),
# order 14 3.2; on the inner split's tuning subjects (training subjects only), with the same
# hyperparameters, the ITD error from 100 / 19 / 5 / 3 directions went 8.8 / 13.3 / 15.3 /
# 15.8 us (order 8) -> 8.1 / 12.6 / 14.8 / 16.3 (10) -> 7.5 / 12.0 / 15.5 / 15.6 (12) ->
# 7.1 / 11.8 / 14.2 / 15.1 (14) -> 7.1 / 12.1 / 15.0 / 15.3 (16).
ITD_ORDER = 14
SH_REG = 1e-5
# The magnitude prior's principal components: since v1.4.0 a set of K_MAG per frequency
# band (BAND_EDGES_HZ, the residual GP's bands), each band's weights solved on their own,
# each band's components compressed along frequency to P_FREQ_BAND of its own. Up to
# v1.3.0, 64 components of whole spectra with one weight vector for all bands, compressed
# to 40. On the inner split's tuning subjects (GridEvaluator, the v1.0.0 hyperparameters with
# alpha x2), LSD from 100 / 19 / 5 / 3 directions went 2.371 / 3.277 / 4.037 / 3.964 dB ->
# 2.349 / 3.235 / 4.028 / 3.944 (64 per band), 2.343 / 3.223 / 4.024 / 3.929 (128 per
# band; uncompressed 2.343 / 3.227 / 4.025 / 3.922). 64 per band is shipped: with all
# stages, through the C++ CLI, 128 per band was 0.001 - 0.015 dB better on the validation
# subjects but 1.14 - 1.17x slower from 3 and 19 directions, at twice the size
# (models/upsampler.md, "Per-band components").
K_MAG = 64
K_ITD = 16
P_FREQ_BAND = [8, 8, 10, 14]
# Components shared by the bands (v1.4.0): the first K_SHARED principal components of
# whole spectra (v1.3.0's basis), written in each band's components, with their own prior
# scale per level (train_upsampler_shared.py): the bands' weights then move together
# where few directions are measured.
K_SHARED = 64
BAND_EDGES_HZ = [4000.0, 8000.0, 12000.0]
VERSION = "1.5.2-gp"  # the GP alone; train_upsampler_latent.py adds the latent stage (1.5.4)
HUTUBS_WEIGHT = 0.7  # weight of HUTUBS deviations in the PCA (chosen on the inner split)
# the same in the ITD's PCA (experiment_hutubs_weight.py --itd; none was better on the 28
# training subjects in folds and worse on a validation subject's tail: models/upsampler.md)
HUTUBS_ITD_WEIGHT = 0.7
# The head-yaw stage (estimate_yaw's cfg: prior sd of the yaw in degrees, sd of the ITD
# scale, sd of the ITD offset in us, ITD noise sd in us, largest yaw, step). On sparse
# measurements the model uses YAW_SD_DEG (heads turned by up to 10 - 15 degrees; checked
# on the inner split's tuning subjects turned by 0, +-5 and +-10 degrees,
# experiment_head_yaw.py) and the scale, offset and noise spreads of the training
# subjects (yaw_nuisance); YAW_FIT_CFG aligns the training subjects from all their directions (a
# wide prior: the data decide).
YAW_SD_DEG = 8.0
YAW_SEARCH = [20.0, 0.5]
YAW_FIT_CFG = [20.0, 0.1, 30.0, 15.0, 25.0, 0.25]
ALIGN_ROUNDS = 3
# The ITDs the model reads at the measured directions and builds its ITD prior from
# (v1.5.0 on): sub-sample estimates (pinna_data.itd_fractional_seconds, the archive's
# meta "itd_input": "fractional", ItdEstimator::itd_fractional_s in C++), which round to the
# metric's whole samples. Predictions are still scored against the metric's ITDs ("itd").
# From the v1.4.1 archive's own GP, fed sub-sample ITDs instead of whole samples, the
# validation ITD error from 100 / 19 / 5 / 3 directions went 8.33 / 13.46 / 18.92 / 21.42 us
# -> 7.57 / 13.12 / 18.02 / 21.62 before any retraining.
ITD_KEY = "itd_frac"
ITD_INPUT = {"itd": "metric", "itd_frac": "fractional"}[ITD_KEY]


def band_of_bins():
    f = np.arange(P.BINS) * P.FS_HZ / P.TAPS
    return np.digitize(f, BAND_EDGES_HZ)


def sh_coefs(d, cache_name):
    """SH coefficients of every subject and its mirror image: mag [2S, C, 258], itd [2S, Ci]."""
    path = os.path.join(P.CACHE, cache_name)
    settings = np.array([MAG_ORDER, ITD_ORDER, SH_REG, len(d["ids"]), ITD_KEY == "itd_frac"])
    if os.path.exists(path):
        z = np.load(path)
        if "settings" in z.files and np.array_equal(z["settings"], settings):
            return z["mag"], z["itd"]
    alldb, allitd = _with_mirrors(d)
    S2, M = alldb.shape[:2]
    mag = SH.sh_fit(d["unit"], alldb.transpose(1, 0, 2, 3).reshape(M, -1), MAG_ORDER,
                    SH_REG).reshape(-1, S2, 2 * P.BINS).transpose(1, 0, 2)
    icoef = np.stack([_itd_sh_fit(d["unit"], v) for v in allitd])
    np.savez(path, settings=settings, mag=mag, itd=icoef)
    return mag, icoef


def _valid_itd(v):
    """HUTUBS has a few directions per subject (low elevations) whose metric ITD is wildly
    off (|ITD| >= 1 ms): the ITD fits leave them out."""
    return np.abs(v) < 1000.0


def _itd_sh_fit(unit, v):
    """SH coefficients (ITD_ORDER) of one subject's ITDs v (us) at unit, invalid ones left out."""
    return SH.sh_fit(unit, v, ITD_ORDER, SH_REG, weights=_valid_itd(v).astype(float))


def _with_mirrors(d):
    """dB [2S, M, 2, bins] and ITD (us) [2S, M] of every subject, then their mirror images."""
    db, itd = d["db"].astype(np.float64), d[ITD_KEY].astype(np.float64) * 1e6
    mdb, mitd = P.mirror(db, itd, d["az"], d["el"])
    return np.concatenate([db, mdb]), np.concatenate([itd, mitd])


def subject_yaws(unit, itd_us, itd_mean, cfg=YAW_FIT_CFG):
    """Each subject's head yaw (deg) from all its directions' ITDs [n, M] (us), against the
    population ITD itd_mean (SH coefficients), invalid ITDs (_valid_itd) left out."""
    U = torch.as_tensor(unit, dtype=torch.float64)
    c = torch.tensor(cfg, dtype=torch.float64)
    m = torch.as_tensor(itd_mean, dtype=torch.float64)
    out = []
    for v in itd_us:
        ok = _valid_itd(v)
        out.append(float(estimate_yaw(U[ok], torch.as_tensor(v[ok]), m, ITD_ORDER, c)))
    return np.array(out)


def head_frame(unit, yaw_deg):
    """The grid's directions as seen from a head turned yaw_deg to the left."""
    U = torch.as_tensor(unit, dtype=torch.float64)
    return _yaw_rotate(U, torch.full((len(U),), float(yaw_deg), dtype=torch.float64)).numpy()


def _aligned_itd_fit(unit, itd, yaws):
    """Each subject's ITD SH coefficients in its head's frame."""
    return np.stack([_itd_sh_fit(head_frame(unit, y), v) for v, y in zip(itd, yaws)])


def _aligned_mag_fit(unit, db, yaws):
    """Each subject's dB magnitude SH coefficients in its head's frame."""
    M = len(unit)
    return np.stack([SH.sh_fit(head_frame(unit, y), x.reshape(M, -1), MAG_ORDER, SH_REG)
                     for x, y in zip(db, yaws)])


def aligned_sh_coefs(son, hut, prior_subjects, cache_name):
    """SH coefficients (as sh_coefs) of every SONICOM and HUTUBS subject and mirror image
    in its own head's frame: each subject's yaw is estimated from all its ITDs against the
    mean ITD of the SONICOM prior_subjects (and their mirrors), the subjects refitted in
    their head frames, the mean taken again, ALIGN_ROUNDS times. Returns smag, sitd, hmag,
    hitd, son_yaws [2S], hut_yaws [2H]."""
    path = os.path.join(P.CACHE, cache_name)
    keys = ("smag", "sitd", "hmag", "hitd", "son_yaws", "hut_yaws")
    # what the fits depend on besides the data (the cache is rebuilt when any differs)
    settings = np.array(YAW_FIT_CFG + [ALIGN_ROUNDS, MAG_ORDER, ITD_ORDER, SH_REG, len(son["ids"]), len(hut["ids"]),
                                          ITD_KEY == "itd_frac"])
    if os.path.exists(path):
        z = np.load(path)
        if np.array_equal(z["prior_subjects"], prior_subjects) and "settings" in z.files \
                and np.array_equal(z["settings"], settings):
            return tuple(z[k] for k in keys)
    sdb, sitd_us = _with_mirrors(son)
    hdb, hitd_us = _with_mirrors(hut)
    ns = len(son["ids"])
    sel = np.concatenate([prior_subjects, prior_subjects + ns])
    mean = sh_coefs(son, "sh_sonicom.npz")[1][sel].mean(0)
    for _ in range(ALIGN_ROUNDS):
        ys = subject_yaws(son["unit"], sitd_us, mean)
        yh = subject_yaws(hut["unit"], hitd_us, mean)
        sitd = _aligned_itd_fit(son["unit"], sitd_us, ys)
        mean = sitd[sel].mean(0)
    # the magnitudes only once, in the last round's frames
    smag = _aligned_mag_fit(son["unit"], sdb, ys)
    hmag = _aligned_mag_fit(hut["unit"], hdb, yh)
    hitd = _aligned_itd_fit(hut["unit"], hitd_us, yh)
    out = (smag, sitd, hmag, hitd, ys, yh)
    np.savez(path, prior_subjects=prior_subjects, settings=settings, **dict(zip(keys, out)))
    return out


def _itd_fits(d, subjects, itd_mean, yaws):
    """Each subject's ITD (us) at all its directions (|ITD| < 1 ms) in its head frame against
    the mean ITD scaled and offset: (scales, offsets, residuals)."""
    itd = d[ITD_KEY].astype(np.float64) * 1e6
    scale, offset, resid = [], [], []
    for s in subjects:
        ok = _valid_itd(itd[s])
        p = SH.sh_matrix(head_frame(d["unit"], yaws[s]), ITD_ORDER) @ itd_mean
        X = np.stack([p, np.ones_like(p)], 1)[ok]
        c = np.linalg.lstsq(X, itd[s][ok], rcond=None)[0]
        scale.append(c[0])
        offset.append(c[1])
        resid.append(itd[s][ok] - X @ c)
    return np.array(scale), np.array(offset), np.concatenate(resid)


def yaw_nuisance(son, hut, subjects, sitd, son_yaws, hut_yaws):
    """The spreads the yaw estimate allows for: [sd of the ITD scale, sd of the offset (us),
    sd of the residual (us)]. Offset and residual: the given SONICOM subjects' ITDs against
    the scaled and offset mean ITD of their SH fits (sitd [2S, Ci], subject i's mirror at
    S + i). The scale's spread also holds the spread between databases: HUTUBS' subjects
    have ITDs about 11 % larger than SONICOM's (the sd of the two databases' mean scales is
    added in quadrature), as other labs' are smaller or larger again."""
    ns = len(son["ids"])
    mean = sitd[np.concatenate([subjects, subjects + ns])].mean(0)
    scale, offset, resid = _itd_fits(son, subjects, mean, son_yaws)
    hut_scale = _itd_fits(hut, range(len(hut["ids"])), mean, hut_yaws)[0]
    between = np.std([scale.mean(), hut_scale.mean()])
    return [float(np.hypot(np.std(scale), between)), float(np.std(offset)), float(np.std(resid))]


def prior_for(son, hut, idx, hw=HUTUBS_WEIGHT, cache_name=None, hw_itd=HUTUBS_ITD_WEIGHT):
    """The prior of the SONICOM subjects idx (and HUTUBS, its deviations weighted by hw in
    the magnitudes' components and by hw_itd in the ITD's), and the yaw stage's cfg. The
    alignment is cached under cache_name (default: by the number of subjects; sets of the
    same size that take turns, such as folds, need names of their own)."""
    ns = len(son["ids"])
    sel = np.concatenate([idx, idx + ns])
    smag, sitd, hmag, hitd, ys, yh = aligned_sh_coefs(son, hut, idx, cache_name or f"sh_aligned_{len(idx)}.npz")
    yaw_cfg = [YAW_SD_DEG] + yaw_nuisance(son, hut, idx, sitd, ys, yh) + YAW_SEARCH
    db_grid = son["db"].reshape(ns, len(son["az"]), -1).astype(np.float64)
    return build_prior(smag[sel], sitd[sel], hmag, hitd, db_grid[idx], hw, hw_itd), yaw_cfg


# the module parameters that prior_for / build_prior make
PRIOR_KEYS = ("mag_mean", "mag_basis_cf", "freq_basis", "mag_lam", "mag_comp_band", "mag_shared_c",
              "mag_shared_lam", "mag_chan_var", "itd_mean", "itd_basis", "itd_lam")


def gp_alone(params, codec, prior, yaw_cfg):
    """The archive's module with another prior and yaw cfg, its latent and level stages off."""
    p = dict(params)
    p.update({k: prior[k] for k in PRIOR_KEYS})
    p.update(lat_hp=np.zeros((len(params["hp_counts"]), 4)), lvl_hp=np.zeros((len(params["hp_counts"]), 5)),
             yaw_cfg=np.array(yaw_cfg))
    p.pop("lat_band_w", None)
    return Upsampler(p, codec).eval()


def gp_db(params, codec, son, hut, prior_subjects, subjects, S, cache_name=None):
    """The archive's GP alone (gp_alone: in the head's frame, with its shared components)
    with a prior made from prior_subjects (its alignment cached as in prior_for): each
    subject's dB [M, 2, bins] at every SONICOM direction, from its measurements at the
    directions S."""
    prior = prior_for(son, hut, prior_subjects, cache_name=cache_name)
    return estimate_db(gp_alone(params, codec, *prior), son, subjects, S)


def estimate_db(model, son, subjects, S):
    """A module's dB [M, 2, bins] at every SONICOM direction for each of the subjects, from
    their measurements at the directions S."""
    unit = torch.tensor(son["unit"], dtype=torch.float32)
    out = []
    for s in subjects:
        with torch.no_grad():
            est = model(unit[S], torch.tensor(son["db"][s][S]), torch.tensor(son[ITD_KEY][s][S]), unit)[0]
        out.append(est.numpy().astype(np.float64))
    return out


def pca(rows, k):
    u, s, vt = np.linalg.svd(rows, full_matrices=False)
    k = min(k, len(s) - 1)
    return vt[:k], s[:k] ** 2 / (len(rows) - 1)


def build_prior(son_mag, son_itd, hut_mag, hut_itd, son_db_grid, hutubs_weight,
                hutubs_itd_weight=HUTUBS_ITD_WEIGHT):
    """son_*: training SONICOM subjects incl. mirrors; returns the prior arrays. HUTUBS'
    deviations are weighted by hutubs_weight in the magnitudes' components and by
    hutubs_itd_weight in the ITD's."""
    C = son_mag.shape[1]
    mag_mean = son_mag.mean(0)
    rows = [son_mag - mag_mean]
    if hutubs_weight > 0:
        rows.append(hutubs_weight * (hut_mag - hut_mag.mean(0)))
    rows = np.concatenate(rows).reshape(-1, C, 2, P.BINS)
    # per band: its principal components, compressed along frequency (a frequency basis
    # that is zero outside the band)
    band = band_of_bins()
    fb = np.zeros((sum(P_FREQ_BAND), P.BINS))
    basis_cf = np.zeros((K_MAG, C, 2, sum(P_FREQ_BAND)))
    lam = np.zeros((len(P_FREQ_BAND), K_MAG))
    comp_band = np.repeat(np.arange(len(P_FREQ_BAND)), P_FREQ_BAND)
    vt_all, lam_shared = pca(rows.reshape(len(rows), -1), K_SHARED)
    vt_all = vt_all.reshape(-1, C, 2, P.BINS)
    shared_c = np.zeros((len(P_FREQ_BAND), K_MAG, len(vt_all)))
    for g, pg in enumerate(P_FREQ_BAND):
        bins = np.flatnonzero(band == g)
        vt, lam_g = pca(rows[:, :, :, bins].reshape(len(rows), -1), K_MAG)
        # the shared components in this band's components
        shared_c[g, :len(vt)] = vt @ vt_all[:, :, :, bins].reshape(len(vt_all), -1).T
        basis = vt.reshape(-1, C, 2, len(bins))
        fb_g = np.linalg.svd(basis.reshape(-1, len(bins)), full_matrices=False)[2][:pg]
        cols = np.flatnonzero(comp_band == g)
        fb[np.ix_(cols, bins)] = fb_g
        basis_cf[:len(vt), :, :, cols] = basis @ fb_g.T
        lam[g, :len(vt)] = lam_g
        lam[g, len(vt):] = lam_g[-1] * 1e-6  # (fewer subjects than components: unused)
    itd_mean = son_itd.mean(0)
    irows = [son_itd - itd_mean]
    if hutubs_itd_weight > 0:
        irows.append(hutubs_itd_weight * (hut_itd - hut_itd.mean(0)))
    ivt, ilam = pca(np.concatenate(irows), K_ITD)
    # per-channel variance of the subjects' deviations from the mean on the grid
    chan_var = ((son_db_grid - son_db_grid.mean(0)) ** 2).mean(axis=(0, 1))
    return dict(mag_mean=mag_mean, mag_basis_cf=basis_cf, freq_basis=fb, mag_lam=lam, mag_comp_band=comp_band,
                mag_shared_c=shared_c, mag_shared_lam=lam_shared,
                itd_mean=itd_mean, itd_basis=ivt, itd_lam=ilam, mag_chan_var=chan_var)


class GridEvaluator:
    """Runs the GP posterior on the SONICOM grid with precomputed basis values, in the SOFA
    frame (no yaw stage) and without the components shared by the bands (mag_shared_hp):
    for experiment_residual_mlp.py; what the archive does is ModelEvaluator / gp_alone."""

    def __init__(self, son, prior):
        self.son = son
        U = torch.as_tensor(son["unit"])
        self.cos = (U @ U.T).clamp(-1, 1)
        Ym = SH.real_sh(U, MAG_ORDER)
        self.Ym = Ym
        bc = torch.as_tensor(prior["mag_basis_cf"])
        fb = torch.as_tensor(prior["freq_basis"])
        self.band = torch.as_tensor(np.concatenate([band_of_bins()] * 2))
        # per weight group (one, or one per band): its channels and its basis there [K, M, c]
        lam = np.asarray(prior["mag_lam"])
        self.lam = lam.reshape(1, -1) if lam.ndim == 1 else lam
        comp = np.asarray(prior.get("mag_comp_band", np.zeros(fb.shape[0], int)))
        self.groups = []
        for q in range(len(self.lam)):
            cols = torch.as_tensor(np.flatnonzero(comp == q))
            ch = self.band == q if len(self.lam) > 1 else torch.ones_like(self.band, dtype=torch.bool)
            Bq = torch.einsum("nc,kcep,pb->kneb", Ym, bc[:, :, :, cols], fb[cols]).reshape(bc.shape[0], len(U), -1)
            self.groups.append((ch, Bq[:, :, ch].contiguous()))
        self.Yi = SH.real_sh(U, ITD_ORDER)
        self.Bi = torch.einsum("nc,kc->kn", self.Yi, torch.as_tensor(prior["itd_basis"])).unsqueeze(2)
        self.prior = prior

    def mag(self, subj_db, S, hp):
        S_t = torch.as_tensor(S)
        ys = torch.as_tensor(subj_db.reshape(len(subj_db), -1)[S], dtype=torch.float64)
        g = len(BAND_EDGES_HZ) + 1
        mu = self.Ym @ torch.as_tensor(self.prior["mag_mean"])
        chan_var = torch.as_tensor(self.prior["mag_chan_var"])
        out = mu.clone()
        for q, (ch, Bq) in enumerate(self.groups):
            w, res = _gp_solve(ys[:, ch], mu[S_t][:, ch], Bq[:, S_t], self.cos[S_t][:, S_t], self.cos[:, S_t],
                               torch.as_tensor(hp["alpha"] * self.lam[q]), chan_var[ch], self.band[ch],
                               torch.as_tensor(hp["ell"], dtype=torch.float64),
                               torch.full((g,), hp["const"], dtype=torch.float64),
                               torch.full((g,), hp["nugget"], dtype=torch.float64))
            out[:, ch] += torch.einsum("k,kmj->mj", w, Bq) + res
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


MAG_CANDIDATES = dict(alpha=[0.01, 0.02, 0.03, 0.05, 0.1, 0.2, 0.3, 0.5, 1.0, 2.0], const=[0.1, 0.3, 1.0, 3.0],
                      nugget=[0.03, 0.1, 0.3, 1.0, 3.0], ell=[0.6, 0.8, 1.0, 1.25, 1.6, 2.0])
ITD_CANDIDATES = dict(alpha=[0.1, 0.3, 1.0, 3.0, 10.0], const=[0.1, 0.3, 1.0, 3.0],
                      nugget=[0.01, 0.03, 0.1, 0.3, 1.0], ell=[0.6, 0.8, 1.0, 1.25, 1.6, 2.0])
HP_KEYS = ("alpha", "const", "nugget", "ell")  # column order of the model's hp tables
MAG_ELL_BASE = [0.5, 0.35, 0.25, 0.2]  # angular length per band (unit-vector distance)
ITD_ELL_BASE = 0.3
ITD_VAR_US2 = 400.0


class ModelEvaluator:
    """Runs the module itself (the GP alone, with its head-yaw stage) for one prior, with
    the hyperparameters of one level replaced: what tune() scores since v1.2.0, as the
    yaw stage predicts in each subject's head frame, which GridEvaluator cannot."""

    def __init__(self, son, params, codec):
        self.son, self.params, self.codec = son, dict(params), codec
        self.params["lat_hp"] = np.zeros((len(self.params["hp_counts"]), 4))
        self.unit = torch.tensor(son["unit"], dtype=torch.float32)

    def predict(self, s, S, level, hp, kind):
        """(dB [M, 2, bins], ITD in us [M]) of subject s from the directions S."""
        p = dict(self.params)
        key = "mag_hp" if kind == "mag" else "itd_hp"
        table = np.array(p[key], dtype=np.float64)
        table[list(np.round(p["hp_counts"]).astype(int)).index(level)] = [hp[k] for k in HP_KEYS]
        p[key] = table
        model = Upsampler(p, self.codec)
        d = self.son
        with torch.no_grad():
            db, itd = model(self.unit[S], torch.tensor(d["db"][s][S], dtype=torch.float32),
                            torch.tensor(d[ITD_KEY][s][S], dtype=torch.float32), self.unit)
        return db.numpy().astype(np.float64), itd.numpy().astype(np.float64) * 1e6


def training_folds(train):
    """The 4 folds of the training subjects that the stages tune on: (held, fit,
    cache_name) per fold, every 4th training subject held out (fold 3 holds the inner
    split's tuning subjects), the others fitted, and the name under which prior_for caches
    the fold's alignment."""
    for f in range(4):
        held = train[f::4]
        yield held, np.array([i for i in train if i not in held]), f"sh_aligned_fold{f}.npz"


class FoldEvaluator:
    """ModelEvaluator over the training subjects in the 4 folds of train_upsampler_shared.py
    (every 4th training subject held out, the prior, its yaw spreads and its alignment made
    from the other 21): each subject is predicted by its own fold's module."""

    def __init__(self, son, hut, train, rows, codec, hw=HUTUBS_WEIGHT):
        self.by_subject = {}
        for held, fit, cache_name in training_folds(train):
            prior, yaw_cfg = prior_for(son, hut, fit, hw, cache_name=cache_name)
            ev = ModelEvaluator(son, model_params(prior, *rows, yaw_cfg), codec)
            self.by_subject.update({int(s): ev for s in held})

    def predict(self, s, S, level, hp, kind):
        return self.by_subject[int(s)].predict(s, S, level, hp, kind)


def model_params(prior, mag_hp, itd_hp, yaw_cfg, mag_shared_hp=None):
    """The module's parameters (without the latent stage) from a prior, the
    hyperparameter tables (rows: the LAP levels in ascending order), the yaw stage's cfg and
    the shared components' scales (train_upsampler_shared.py; none when not given)."""
    if mag_shared_hp is None:
        mag_shared_hp = np.zeros((len(P.LAP_LEVELS), 1))
    return dict(mag_shared_hp=np.asarray(mag_shared_hp),
        mag_order=MAG_ORDER, itd_order=ITD_ORDER, bins=P.BINS,
        mag_mean=prior["mag_mean"], mag_basis_cf=prior["mag_basis_cf"], freq_basis=prior["freq_basis"],
        mag_lam=prior["mag_lam"], mag_comp_band=prior["mag_comp_band"], mag_chan_var=prior["mag_chan_var"],
        mag_shared_c=prior["mag_shared_c"], mag_shared_lam=prior["mag_shared_lam"],
        mag_chan_band=np.concatenate([band_of_bins()] * 2), mag_ell=np.array(MAG_ELL_BASE),
        hp_counts=np.array(sorted(P.LAP_LEVELS), float), mag_hp=mag_hp, itd_hp=itd_hp,
        itd_mean=prior["itd_mean"], itd_basis=prior["itd_basis"], itd_lam=prior["itd_lam"],
        itd_chan_var=np.array([ITD_VAR_US2]), itd_ell=np.array([ITD_ELL_BASE]), yaw_cfg=np.array(yaw_cfg))


def level_score(son, ev, subjects, level, hp, kind):
    S, mask = P.lap_split(son["az"], son["el"], level)
    out = []
    for s in subjects:
        if kind == "mag":
            est = ev.predict(s, S, level, hp, kind)[0]
            out.append(P.score(son["db"][s].astype(np.float64)[mask], est[mask])["lsd_db"])
        else:
            ref = son["itd"][s].astype(np.float64) * 1e6
            est = round_itd_us(ev.predict(s, S, level, hp, kind)[1])
            out.append(np.mean(np.abs(ref[mask] - est[mask])))
    return float(np.mean(out))


def tune(son, ev, subjects, kind, quick=False, start=None):
    """Coordinate descent over the candidate lists, separately for each LAP level, from
    start[level] (a dict of HP_KEYS) or fixed values."""
    cands = MAG_CANDIDATES if kind == "mag" else ITD_CANDIDATES
    table = {}
    for level in P.LAP_LEVELS:
        if start is not None:
            hp = dict(start[level])
        else:
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
    ap.add_argument("--hp-from", default=None,
                    help="take the GP's hyperparameters from this archive's meta.json instead of tuning them")
    ap.add_argument("--retune-mag", action="store_true",
                    help="with --hp-from: tune the magnitudes' hyperparameters again on the inner split, "
                         "starting from the archive's")
    ap.add_argument("--retune-itd", action="store_true",
                    help="with --hp-from: the same for the ITD's hyperparameters")
    ap.add_argument("--itd-folds", action="store_true",
                    help="with --retune-itd: tune on all training subjects in 4 folds instead of the inner split")
    ap.add_argument("--mag-folds", action="store_true",
                    help="with --retune-mag: the same for the magnitudes")
    args = ap.parse_args()
    torch.set_num_threads(1)
    np.random.seed(0)
    torch.manual_seed(0)
    t0 = time.time()
    son, hut = P.load("sonicom"), P.load("hutubs")
    ns = len(son["ids"])
    val_ids = P.sonicom_validation_ids(son["ids"])
    train = np.array([i for i in range(ns) if son["ids"][i] not in val_ids])
    inner = train[3::4]
    fit = np.array([i for i in train if i not in inner])
    print("train", son["ids"][train], "inner", son["ids"][inner], "validation (unused)", val_ids)

    hw = HUTUBS_WEIGHT
    codec = torch.jit.load(os.path.join(HERE, "autoencoder.pt"))
    if args.hp_from:
        # the hyperparameters of an earlier archive (v1.2.0, v1.3.0: those tuned for v1.0.0)
        files = {"meta.json": ""}
        torch.jit.load(args.hp_from, _extra_files=files)
        tr = json.loads(files["meta.json"])["training"]
        tab_mag = {c: (tr["inner_tune_lsd_db"][str(c)], dict(zip(HP_KEYS, row)))
                   for c, row in zip(tr["hp_counts"], tr["mag_hp"])}
        tab_itd = {c: (tr["inner_tune_itd_err_us"][str(c)], dict(zip(HP_KEYS, row)))
                   for c, row in zip(tr["hp_counts"], tr["itd_hp"])}
        print("hyperparameters from", args.hp_from, flush=True)
        if args.retune_mag or args.retune_itd:
            fit_prior, fit_yaw_cfg = prior_for(son, hut, fit, hw)
            counts = sorted(P.LAP_LEVELS)
            rows = [np.array([[tab[c][1][k] for k in HP_KEYS] for c in counts]) for tab in (tab_mag, tab_itd)]
            ev = ModelEvaluator(son, model_params(fit_prior, *rows, fit_yaw_cfg), codec)
            mag_folds, itd_folds = args.retune_mag and args.mag_folds, args.retune_itd and args.itd_folds
            folds = FoldEvaluator(son, hut, train, rows, codec, hw) if mag_folds or itd_folds else None
            if mag_folds:
                tab_mag = tune(son, folds, train, "mag", args.quick, start={c: tab_mag[c][1] for c in counts})
                print(f"magnitudes tuned again on the training subjects in 4 folds in {time.time() - t0:.0f} s",
                      flush=True)
            elif args.retune_mag:
                tab_mag = tune(son, ev, inner, "mag", args.quick, start={c: tab_mag[c][1] for c in counts})
                print(f"magnitudes tuned again in {time.time() - t0:.0f} s", flush=True)
            if itd_folds:
                tab_itd = tune(son, folds, train, "itd", args.quick, start={c: tab_itd[c][1] for c in counts})
                print(f"ITDs tuned again on the training subjects in 4 folds in {time.time() - t0:.0f} s", flush=True)
            elif args.retune_itd:
                tab_itd = tune(son, ev, inner, "itd", args.quick, start={c: tab_itd[c][1] for c in counts})
                print(f"ITDs tuned again in {time.time() - t0:.0f} s", flush=True)
    else:
        start = np.array([[0.1, 1.0, 0.3, 1.0]] * len(P.LAP_LEVELS)), np.array([[1.0, 1.0, 0.1, 1.0]] * len(P.LAP_LEVELS))
        fit_prior, fit_yaw_cfg = prior_for(son, hut, fit, hw)
        ev = ModelEvaluator(son, model_params(fit_prior, *start, fit_yaw_cfg), codec)
        tab_mag = tune(son, ev, inner, "mag", args.quick)
        tab_itd = tune(son, ev, inner, "itd", args.quick)
        print(f"tuned in {time.time() - t0:.0f} s", flush=True)

    prior, yaw_cfg = prior_for(son, hut, train, hw)
    print("yaw stage cfg", [round(x, 3) for x in yaw_cfg], flush=True)
    son_yaws, hut_yaws = aligned_sh_coefs(son, hut, train, f"sh_aligned_{len(train)}.npz")[4:]
    counts = sorted(P.LAP_LEVELS)
    mag_hp = np.array([[tab_mag[c][1][k] for k in HP_KEYS] for c in counts])
    itd_hp = np.array([[tab_itd[c][1][k] for k in HP_KEYS] for c in counts])
    params = model_params(prior, mag_hp, itd_hp, yaw_cfg)
    # the latent stage (weight 0 here) is added by train_upsampler_latent.py
    model = torch.jit.script(Upsampler(params, codec))
    model.eval()

    meta = dict(
        name="pinna-upsampler", version=VERSION, kind="upsampler",
        description="Sparse-to-dense HRTF upsampling: Gaussian-process posterior with a spherical-harmonic "
                    "population prior (SONICOM + HUTUBS) in the head's own frame (the head's yaw estimated "
                    "from the measured ITDs). Any measured grid, any target directions.",
        sample_rate_hz=P.FS_HZ, taps=P.TAPS, bins=P.BINS, itd_input=ITD_INPUT,
        methods={
            "forward": {"inputs": [["meas_dirs", "float32", "[S,3]", "unit vectors, SOFA frame x front y left z up"],
                                   ["meas_db", "float32", "[S,2,129]", "dB magnitude, 20*log10|rfft(hrir,256)|, ear 0 = left"],
                                   ["meas_itd_s", "float32", "[S]",
                                    "ITD in seconds, t_left - t_right (metrics.md), sub-sample where "
                                    "itd_input is fractional"],
                                   ["target_dirs", "float32", "[T,3]", "unit vectors"]],
                        "outputs": [["db", "float32", "[T,2,129]", "dB magnitude"],
                                    ["itd_s", "float32", "[T]", "seconds, t_left - t_right"]]},
            "population": {"inputs": [["target_dirs", "float32", "[T,3]", "unit vectors"]],
                           "outputs": [["db", "float32", "[T,2,129]", "dB"], ["itd_s", "float32", "[T]", "s"]]},
            "forward_at_yaw": {"inputs": [["meas_dirs", "float32", "[S,3]", "unit vectors"],
                                          ["meas_db", "float32", "[S,2,129]", "dB magnitude"],
                                          ["meas_itd_s", "float32", "[S]", "ITD in seconds, t_left - t_right"],
                                          ["target_dirs", "float32", "[T,3]", "unit vectors"],
                                          ["yaw_deg", "float32", "[1]",
                                           "the head's yaw to assume, degrees, turned to the left"]],
                               "outputs": [["db", "float32", "[T,2,129]", "dB magnitude"],
                                           ["itd_s", "float32", "[T]", "seconds, t_left - t_right"]]},
            "head_yaw_deg": {"inputs": [["meas_dirs", "float32", "[S,3]", "unit vectors"],
                                        ["meas_itd_s", "float32", "[S]", "ITD in seconds, t_left - t_right"]],
                             "outputs": [["yaw_deg", "float32", "[1]",
                                          "the head's yaw forward() assumes, degrees, turned to the left"]]}},
        output_layout="db[t][ear][bin], ear 0 = left, bin k = k*fs/taps Hz; one-sided spectrum of a 256-tap HRIR",
        training=dict(sonicom_train_ids=[int(i) for i in son["ids"][train]],
                      sonicom_validation_ids=[int(i) for i in val_ids], hutubs_subjects=int(len(hut["ids"])),
                      hutubs_weight=hw, hutubs_itd_weight=HUTUBS_ITD_WEIGHT, hp_counts=counts, hp_columns=list(HP_KEYS),
                      mag_hp=mag_hp.tolist(), itd_hp=itd_hp.tolist(),
                      inner_tune_lsd_db={c: tab_mag[c][0] for c in counts},
                      inner_tune_itd_err_us={c: tab_itd[c][0] for c in counts},
                      hyperparameters_from=(os.path.basename(args.hp_from)
                                              + (", magnitudes tuned again" if args.retune_mag else "")
                                              + (" on the training subjects in 4 folds" if args.retune_mag and args.mag_folds else "")
                                              + (", ITD tuned again" if args.retune_itd else "")
                                              + (" on the training subjects in 4 folds" if args.retune_itd and args.itd_folds else ""))
                      if args.hp_from else "tuned",
                      head_yaw=dict(cfg=yaw_cfg, fit_cfg=YAW_FIT_CFG, align_rounds=ALIGN_ROUNDS,
                                    sonicom_train_yaw_deg={int(son["ids"][i]): round(float(son_yaws[i]), 2)
                                                           for i in train},
                                    hutubs_yaw_sd_deg=float(np.std(hut_yaws[:len(hut["ids"])])))),
        licence_note="Trained on HUTUBS (CC BY 4.0, TU Berlin) and SONICOM (CC BY-SA 3.0, Imperial College London).")
    save_archive(model, meta, args.out, son, val_ids, t0)


def stage_inputs():
    """What the scripts that add a stage to an archive tune on: (son, hut, val_ids, train,
    val, tune, fit, db, mdb): the two databases, the SONICOM validation ids, the indices of
    the training and validation subjects, of the inner split's tuning subjects (every 4th
    training subject) and of the others, and SONICOM's dB magnitudes [n, M, 2, bins] and
    their mirror images."""
    son, hut = P.load("sonicom"), P.load("hutubs")
    val_ids = P.sonicom_validation_ids(son["ids"])
    train, val = P.sonicom_split(son["ids"])
    tune = train[3::4]
    fit = np.array([i for i in train if i not in tune])
    db = son["db"].astype(np.float64)
    mdb, _ = P.mirror(db, son["itd"].astype(np.float64), son["az"], son["el"])
    return son, hut, val_ids, train, val, tune, fit, db, mdb


def save_archive(model, meta, out, son, val_ids, t0):
    """Writes the scripted model with its meta.json to out (through a temporary file) and
    its reference input/output file beside it."""
    tmp = out + ".tmp"
    torch.jit.save(model, tmp, _extra_files={"meta.json": json.dumps(meta, indent=1)})
    os.replace(tmp, out)
    write_reference(out, son, val_ids)
    print(f"saved {out} ({os.path.getsize(out) / 1e6:.2f} MB) in {time.time() - t0:.0f} s", flush=True)


def write_reference(path, son, val_ids):
    """One example (LAP 5 of the first validation subject -> 7 target directions)."""
    m = torch.jit.load(path)
    s = int(np.where(son["ids"] == val_ids[0])[0][0])
    S = P.lap_subset(son["az"], son["el"], 5)
    tgt_azel = np.array([[0, 0], [30, 10], [90, 0], [180, 20], [270, -30], [123, 61], [0, 90]], float)
    md = torch.tensor(son["unit"][S], dtype=torch.float32)
    mdb = torch.tensor(son["db"][s][S], dtype=torch.float32)
    mitd = torch.tensor(son[ITD_KEY][s][S], dtype=torch.float32)
    td = torch.tensor(P.sph_to_unit(tgt_azel[:, 0], tgt_azel[:, 1]), dtype=torch.float32)
    db, itd = m(md, mdb, mitd, td)
    pdb, pitd = m.population(td)
    yaw = m.head_yaw_deg(md, mitd)
    ref = dict(model=os.path.basename(path), note=f"SONICOM P{son['ids'][s]:04d}, LAP-5 measured directions",
               inputs=dict(meas_dirs=md.tolist(), meas_db=mdb.tolist(), meas_itd_s=mitd.tolist(),
                           target_dirs=td.tolist(), target_azel_deg=tgt_azel.tolist()),
               outputs=dict(db=db.tolist(), itd_s=itd.tolist()),
               population_outputs=dict(db=pdb.tolist(), itd_s=pitd.tolist()),
               head_yaw_deg=float(yaw[0]),
               tolerance=dict(db=1e-3, itd_s=1e-8))
    with open(path.replace(".pt", ".ref.json"), "w") as f:
        json.dump(ref, f)


if __name__ == "__main__":
    main()
