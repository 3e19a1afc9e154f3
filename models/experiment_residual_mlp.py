"""Experiment (not shipped): an MLP that corrects the GP's posterior, trained on
cross-fitted posteriors. Reproduces the "residual MLP" rows of models/upsampler.md.

    /usr/bin/python3 models/experiment_residual_mlp.py [--holdout F] [--hidden H] ...

The 28 SONICOM training subjects are split into 4 folds (every 4th subject). For each
fold, the SH GP's prior is rebuilt without it (train_upsampler.build_prior, the archive's
hyperparameters) and the posterior of each of its subjects, and of their mirror images,
is computed at every LAP level: the MLP learns (truth - posterior) / deviation per target
direction from the posterior's deviation from the prior mean, the direction, the level and
the angle to the nearest measured direction. --holdout F (default 3) trains on the other
folds and scores fold F; --holdout -1 trains on all folds and scores the 8 validation
subjects. Measured directions are excluded from every score. About 2 - 4 min.
"""
import argparse
import os
import sys
import time

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import pinna_data as P  # noqa: E402
import train_upsampler as TU  # noqa: E402
from reexport_upsampler import params_of  # noqa: E402


def posteriors(son, hut, archive):
    """Cross-fitted training posteriors (with their fold) and the validation posteriors."""
    smag, sitd = TU.sh_coefs(son, "sh_sonicom.npz")
    hmag, hitd = TU.sh_coefs(hut, "sh_hutubs.npz")
    ns, M = len(son["ids"]), len(son["az"])
    train, val = P.sonicom_split(son["ids"])
    db = son["db"].astype(np.float64)
    mdb, _ = P.mirror(db, son["itd"].astype(np.float64), son["az"], son["el"])
    db_grid = db.reshape(ns, M, -1)
    counts = sorted(P.LAP_LEVELS)
    hp = {c: dict(zip(TU.HP_KEYS, params_of(archive)["mag_hp"][i])) for i, c in enumerate(counts)}

    def evaluator(idx):
        both = np.concatenate([idx, idx + ns])
        return TU.GridEvaluator(son, TU.build_prior(smag[both], sitd[both], hmag, hitd, db_grid[idx],
                                                    TU.HUTUBS_WEIGHT))

    def run(ev, cases, fold):
        out = []
        for truth in cases:
            for level in P.LAP_LEVELS:
                S = P.lap_subset(son["az"], son["el"], level)
                h = dict(hp[level], ell=list(hp[level]["ell"] * np.array(TU.MAG_ELL_BASE)))
                out.append(dict(fold=fold, level=level, S=S, est=ev.mag(truth, S, h), truth=truth))
        return out

    data = []
    for f in range(4):
        held = train[f::4]
        ev = evaluator(np.array([i for i in train if i not in held]))
        data += run(ev, [db[s] for s in held] + [mdb[s] for s in held], f)
    ev = evaluator(train)
    mu = (ev.Ym @ torch.as_tensor(ev.prior["mag_mean"])).numpy().reshape(M, 2, -1)
    sd = np.sqrt(ev.prior["mag_chan_var"]).reshape(2, -1)
    return data, run(ev, [db[s] for s in val], -1), mu, sd


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--holdout", type=int, default=3)
    ap.add_argument("--epochs", type=int, default=6)
    ap.add_argument("--hidden", type=int, default=64)
    ap.add_argument("--dropout", type=float, default=0.3)
    ap.add_argument("--weight-decay", type=float, default=1e-2)
    args = ap.parse_args()
    torch.set_num_threads(2)
    torch.manual_seed(0)
    t0 = time.time()
    son, hut = P.load("sonicom"), P.load("hutubs")
    data, vdata, mu, sd = posteriors(son, hut, torch.jit.load(os.path.join(HERE, "upsampler.pt")))
    print(f"posteriors in {time.time() - t0:.0f} s", flush=True)
    unit = son["unit"]
    M = len(unit)
    cos = unit @ unit.T
    levels = {level: i for i, level in enumerate(P.LAP_LEVELS)}

    def features(d):
        mask = np.ones(M, bool)
        mask[d["S"]] = False
        onehot = np.zeros((M, len(levels)))
        onehot[:, levels[d["level"]]] = 1.0
        nearest = cos[:, d["S"]].max(1, keepdims=True)
        x = np.concatenate([((d["est"] - mu) / sd).reshape(M, -1), unit, onehot, nearest], 1)
        y = ((d["truth"] - d["est"]) / sd).reshape(M, -1)
        return torch.tensor(x[mask], dtype=torch.float32), torch.tensor(y[mask], dtype=torch.float32), mask

    train = [d for d in data if d["fold"] != args.holdout]
    test = vdata if args.holdout < 0 else [d for d in data if d["fold"] == args.holdout]
    X, Y = (torch.cat(t) for t in zip(*[features(d)[:2] for d in train]))
    xm, xs = X.mean(0), X.std(0) + 1e-3
    # squared dB error over the LSD's bins
    w = np.zeros((2, P.BINS))
    w[:, P.LSD_BINS] = 1.0
    w = torch.tensor((w * sd ** 2).reshape(-1), dtype=torch.float32)
    h = args.hidden
    net = torch.nn.Sequential(torch.nn.Linear(X.shape[1], h), torch.nn.GELU(), torch.nn.Dropout(args.dropout),
                              torch.nn.Linear(h, h), torch.nn.GELU(), torch.nn.Dropout(args.dropout),
                              torch.nn.Linear(h, 2 * P.BINS))
    torch.nn.init.zeros_(net[-1].weight)  # starts at the GP's posterior
    torch.nn.init.zeros_(net[-1].bias)
    opt = torch.optim.AdamW(net.parameters(), lr=1e-3, weight_decay=args.weight_decay)
    batch = 512
    steps = len(X) // batch
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=1e-3, total_steps=args.epochs * steps)
    for epoch in range(args.epochs):
        perm = torch.randperm(len(X))
        total = 0.0
        for i in range(steps):
            idx = perm[i * batch:(i + 1) * batch]
            loss = (((net((X[idx] - xm) / xs) - Y[idx]) ** 2) * w).mean()
            opt.zero_grad()
            loss.backward()
            opt.step()
            sched.step()
            total += loss.item()
        print(f"epoch {epoch}: training loss {total / steps:.3f} dB^2 ({time.time() - t0:.0f} s)", flush=True)
    net.eval()
    scores = {}
    with torch.no_grad():
        for d in test:
            x, _, mask = features(d)
            corrected = d["est"][mask] + (net((x - xm) / xs).numpy() * sd.reshape(-1)).reshape(-1, 2, P.BINS)
            scores.setdefault(d["level"], []).append(
                (P.score(d["truth"][mask], d["est"][mask])["lsd_db"], P.score(d["truth"][mask], corrected)["lsd_db"]))
    what = "validation subjects" if args.holdout < 0 else f"held-out fold {args.holdout}"
    print(f"LSD (dB) on the {what}: GP -> GP + residual MLP")
    for level in P.LAP_LEVELS:
        gp, mlp = np.mean(scores[level], 0)
        print(f"  from {level}: {gp:.3f} -> {mlp:.3f}")


if __name__ == "__main__":
    main()
