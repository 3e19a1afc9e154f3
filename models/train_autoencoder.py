"""Train and export the dB-magnitude autoencoder (models/autoencoder.pt).

    /usr/bin/python3 models/train_autoencoder.py [--epochs N]

One spectrum = dB magnitudes of one direction and one ear (129 bins, 256-tap HRIR at
44.1 kHz). Training data: the SONICOM training subjects (all but the 8 fixed validation
subjects) and all HUTUBS subjects; both ears, all directions. Validation: the 8 SONICOM
validation subjects (never seen in training). Fixed seeds; about 8 minutes on one (shared) core.
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

LATENT = 24
HIDDEN = (256, 128)
VERSION = "1.0.0"


class Autoencoder(torch.nn.Module):
    """PCA plus learned nonlinear corrections: encode = PCA projection + MLP(x),
    decode = PCA reconstruction + MLP(z). The MLPs' last layers start at zero, so training
    starts from the PCA solution and can only be kept if it improves on it."""

    def __init__(self, mean, std, pca_vt, latent=LATENT, hidden=HIDDEN, bins=P.BINS):
        super().__init__()
        self.bins = bins
        self.latent = latent
        self.register_buffer("mean", torch.as_tensor(mean, dtype=torch.float32))
        self.register_buffer("std", torch.as_tensor(std, dtype=torch.float32))
        self.register_buffer("pca_vt", torch.as_tensor(pca_vt, dtype=torch.float32))  # [latent, bins]
        h1, h2 = hidden
        act = torch.nn.GELU
        self.enc = torch.nn.Sequential(torch.nn.Linear(bins, h1), act(), torch.nn.Linear(h1, h2), act(),
                                       torch.nn.Linear(h2, latent))
        self.dec = torch.nn.Sequential(torch.nn.Linear(latent, h2), act(), torch.nn.Linear(h2, h1), act(),
                                       torch.nn.Linear(h1, bins))
        for seq in (self.enc, self.dec):
            torch.nn.init.zeros_(seq[4].weight)
            torch.nn.init.zeros_(seq[4].bias)

    @torch.jit.export
    def encode(self, db: torch.Tensor) -> torch.Tensor:
        """db [N, 129] dB magnitudes -> latent [N, 24]."""
        if db.dim() != 2 or db.shape[1] != self.bins:
            raise RuntimeError("encode: expected dB magnitudes of shape [N, 129]")
        if not bool(torch.isfinite(db).all()):
            raise RuntimeError("encode: input contains NaN or Inf")
        x = (db.float() - self.mean) / self.std
        return x @ self.pca_vt.T + self.enc(x)

    @torch.jit.export
    def decode(self, z: torch.Tensor) -> torch.Tensor:
        """latent [N, 24] -> dB magnitudes [N, 129]."""
        if z.dim() != 2 or z.shape[1] != self.latent:
            raise RuntimeError("decode: expected latent codes of shape [N, 24]")
        if not bool(torch.isfinite(z).all()):
            raise RuntimeError("decode: input contains NaN or Inf")
        z = z.float()
        return (z @ self.pca_vt + self.dec(z)) * self.std + self.mean

    def forward(self, db: torch.Tensor) -> torch.Tensor:
        return self.decode(self.encode(db))


def split():
    son, hut = P.load("sonicom"), P.load("hutubs")
    val_ids = P.sonicom_validation_ids(son["ids"])
    is_val = np.isin(son["ids"], val_ids)
    train = np.concatenate([son["db"][~is_val].reshape(-1, P.BINS), hut["db"].reshape(-1, P.BINS)])
    val = son["db"][is_val].reshape(-1, P.BINS)
    return train.astype(np.float32), val.astype(np.float32), son, val_ids


def lsd_mean(ref, est):
    return float(P.lsd_db(ref.astype(np.float64), est.astype(np.float64)).mean())


def pca_baseline(train, val, k=LATENT):
    mu = train.mean(0)
    vt = np.linalg.svd(train[::4] - mu, full_matrices=False)[2][:k]
    return lsd_mean(val, mu + (val - mu) @ vt.T @ vt)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--epochs", type=int, default=8)
    ap.add_argument("--out", default=os.path.join(HERE, "autoencoder.pt"))
    args = ap.parse_args()
    torch.set_num_threads(1)
    torch.manual_seed(0)
    np.random.seed(0)
    t0 = time.time()
    train, val, son, val_ids = split()
    mean, std = train.mean(0), train.std(0)
    xs = (train[::4] - mean) / std
    pca_vt = np.linalg.svd(xs - xs.mean(0), full_matrices=False)[2][:LATENT]
    model = Autoencoder(mean, std, pca_vt)
    model.eval()
    with torch.no_grad():
        print(f"start (PCA in standardised units): validation LSD "
              f"{lsd_mean(val, model(torch.as_tensor(val)).numpy()):.3f} dB", flush=True)
    w = torch.full((P.BINS,), 0.1)
    w[torch.as_tensor(P.LSD_BINS)] = 1.0  # emphasise the bins the LSD scores
    xt = torch.as_tensor(train)
    opt = torch.optim.Adam(model.parameters(), lr=2e-3)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=2e-3, total_steps=args.epochs * (len(xt) // 1024 + 1))
    g = torch.Generator().manual_seed(0)
    for ep in range(args.epochs):
        model.train()
        perm = torch.randperm(len(xt), generator=g)
        tot = 0.0
        for i in range(0, len(xt), 1024):
            xb = xt[perm[i:i + 1024]]
            loss = (((model(xb) - xb) ** 2) * w).mean()
            opt.zero_grad()
            loss.backward()
            opt.step()
            sched.step()
            tot += float(loss) * len(xb)
        if True:
            model.eval()
            with torch.no_grad():
                v = model(torch.as_tensor(val)).numpy()
            print(f"epoch {ep + 1}: train loss {tot / len(xt):.3f}, validation LSD {lsd_mean(val, v):.3f} dB, "
                  f"{time.time() - t0:.0f} s", flush=True)
    model.eval()
    with torch.no_grad():
        val_lsd = lsd_mean(val, model(torch.as_tensor(val)).numpy())
        train_lsd = lsd_mean(train[::7], model(torch.as_tensor(train[::7])).numpy())
    pca_lsd = pca_baseline(train, val)
    print(f"validation LSD {val_lsd:.3f} dB (train subset {train_lsd:.3f}); PCA-{LATENT} baseline {pca_lsd:.3f} dB")
    scripted = torch.jit.script(model)
    meta = dict(
        name="pinna-autoencoder", version=VERSION, kind="autoencoder",
        description="Per-direction, per-ear autoencoder of HRTF dB magnitudes (129 bins -> 24 -> 129).",
        sample_rate_hz=P.FS_HZ, taps=P.TAPS, bins=P.BINS, latent=LATENT,
        methods={"encode": {"inputs": [["db", "float32", "[N,129]", "dB magnitude, 20*log10|rfft(hrir,256)|"]],
                            "outputs": [["z", "float32", "[N,24]", "latent code"]]},
                 "decode": {"inputs": [["z", "float32", "[N,24]", "latent code"]],
                            "outputs": [["db", "float32", "[N,129]", "dB magnitude"]]},
                 "forward": {"inputs": [["db", "float32", "[N,129]", "dB"]],
                             "outputs": [["db", "float32", "[N,129]", "dB (reconstruction)"]]}},
        normalisation=dict(note="applied inside the model; per-bin mean/std of the training spectra (dB)",
                           mean=mean.tolist(), std=std.tolist()),
        training=dict(sonicom_validation_ids=[int(i) for i in val_ids], spectra=int(len(train)),
                      epochs=args.epochs, validation_lsd_db=val_lsd, pca_baseline_lsd_db=pca_lsd),
        licence_note="Trained on HUTUBS (CC BY 4.0, TU Berlin) and SONICOM (CC BY-SA 3.0, Imperial College London).")
    torch.jit.save(scripted, args.out, _extra_files={"meta.json": json.dumps(meta, indent=1)})
    m = torch.jit.load(args.out)
    x = torch.as_tensor(val[[0, 1, 400, 401, 1000]])
    z = m.encode(x)
    ref = dict(model=os.path.basename(args.out), note="SONICOM validation spectra (first validation subject)",
               inputs=dict(db=x.tolist()), outputs=dict(z=z.tolist(), decoded=m.decode(z).tolist()),
               tolerance=dict(z=1e-4, decoded=1e-3))
    with open(args.out.replace(".pt", ".ref.json"), "w") as f:
        json.dump(ref, f)
    print(f"saved {args.out} ({os.path.getsize(args.out) / 1e6:.2f} MB) in {time.time() - t0:.0f} s")


if __name__ == "__main__":
    main()
