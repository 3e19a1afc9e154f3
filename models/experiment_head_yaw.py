"""The head-yaw stage's settings (train_upsampler: YAW_SD_DEG and yaw_nuisance) against
others, on training subjects only. Reproduces the "head yaw" tables of models/upsampler.md.

    /usr/bin/python3 models/experiment_head_yaw.py [--archive models/upsampler.pt]

The inner split's 7 tuning subjects (every 4th SONICOM training subject) are scored at
the LAP levels, measured directions excluded, with the prior built from the other 21 (in
their head frames, train_upsampler.aligned_sh_coefs) and the archive's GP
hyperparameters, the latent and level stages off (the GP alone). Each subject is also turned by
+-5 and +-10 degrees of yaw: SONICOM's grid has 5-degree azimuth steps on every
elevation ring, so a turned subject is the same measurements on the same grid, moved
along its rings; no interpolation. Printed per setting: LSD (dB), ITD error (us, whole
samples) and ILD error (dB) per level, on the subjects as measured, on all five yaws, and
the mean of the two (the objective: most subjects sit straight, some do not).
About 6 min (3 more the first time, to align the subjects).
"""
import argparse
import os
import sys

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import pinna_data as P  # noqa: E402
import train_upsampler as TU  # noqa: E402
from pinna_upsampler import Upsampler  # noqa: E402
from reexport_upsampler import codec_of, params_of  # noqa: E402

TURNS = (0.0, 5.0, -5.0, 10.0, -10.0)
# [prior sd (deg), sd of the ITD scale, sd of the ITD offset (us), ITD noise sd (us)];
# the largest yaw searched (20 deg) and the step (0.5 deg) are fixed
SETTINGS = [None] + [(sd, 0.05, sb, sn) for sd in (2.0, 3.0, 5.0, 8.0, 15.0) for sb in (5.0, 15.0)
                     for sn in (5.0, 10.0, 20.0)]


def turned(unit, yaw_deg):
    """Grid indices that turn a subject's measurements by yaw_deg (exact on SONICOM's grid)."""
    idx, ang = P.nearest_index(TU.head_frame(unit, -yaw_deg), unit)
    if ang.max() > 0.01:
        raise ValueError(f"a turn of {yaw_deg} degrees is not a permutation of the grid")
    return idx


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--archive", default=os.path.join(HERE, "upsampler.pt"))
    a = ap.parse_args()
    torch.set_num_threads(1)
    archive = torch.jit.load(a.archive)
    params, codec = params_of(archive), codec_of(archive)
    son, hut = P.load("sonicom"), P.load("hutubs")
    train, _ = P.sonicom_split(son["ids"])
    tune = train[3::4]
    fit = np.array([i for i in train if i not in tune])
    prior, yaw_cfg = TU.prior_for(son, hut, fit)
    shipped = tuple(yaw_cfg[:4])  # the shipped rule's spreads, from the 21 prior subjects
    for k in TU.PRIOR_KEYS:
        params[k] = prior[k]
    params["lat_hp"] = np.zeros_like(params["lat_hp"])
    if "lvl_hp" in params:  # the level stage off too (its level fields hold the tuning subjects)
        params["lvl_hp"] = np.zeros_like(params["lvl_hp"])
    U = son["unit"]
    Ut = torch.tensor(U, dtype=torch.float32)
    perms = {t: turned(U, t) for t in TURNS}
    print("tuning subjects", [int(i) for i in son["ids"][tune]], "| LSD dB / ITD us / ILD dB from 100 / 19 / 5 / 3")
    for setting in [shipped] + SETTINGS:
        params["yaw_cfg"] = np.array([0.0, 1, 1, 1, 1, 1] if setting is None else list(setting) + [20.0, 0.5])
        model = torch.jit.script(Upsampler(params, codec))
        rows = {"as measured": [], "turned": [], "mean of both": []}
        for level in P.LAP_LEVELS:
            S, mask = P.lap_split(son["az"], son["el"], level)
            scores = {t: [] for t in TURNS}
            for s in tune:
                for t in TURNS:
                    db = son["db"][s].astype(np.float64)[perms[t]]
                    itd = son["itd"][s].astype(np.float64)[perms[t]]
                    with torch.no_grad():
                        e_db, e_itd = model(Ut[S], torch.tensor(db[S], dtype=torch.float32),
                                            torch.tensor(itd[S], dtype=torch.float32), Ut)
                    e_itd = np.rint(e_itd.numpy().astype(np.float64) * P.FS_HZ) / P.FS_HZ
                    scores[t].append(P.score(db, e_db.numpy().astype(np.float64), itd, e_itd, mask))
            for name, ts in (("as measured", [0.0]), ("turned", TURNS)):
                sc = [x for t in ts for x in scores[t]]
                rows[name].append([np.mean([x[k] for x in sc]) for k in ("lsd_db", "itd_err_us", "ild_err_db")])
            rows["mean of both"].append(list((np.array(rows["as measured"][-1]) + np.array(rows["turned"][-1])) / 2))
        label = "no yaw stage" if setting is None else "sd %.3g, sd_a %.3g, sd_b %.3g, sd_n %.3g" % setting
        for name, r in rows.items():
            print(f"{label:<36} {name:<12} " + "  ".join("%.3f / %.1f / %.3f" % tuple(x) for x in r), flush=True)


if __name__ == "__main__":
    main()
