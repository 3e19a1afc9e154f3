"""Reproduce the autoencoder model-card figures from the committed models/autoencoder.pt.

    /usr/bin/python3 models/evaluate_autoencoder.py [--model models/autoencoder.pt]

Reconstruction LSD (metrics.md bins, per direction and ear, averaged) on the 8 SONICOM
validation subjects (all 793 directions, both ears), beside a PCA with the same number
of components fitted on the training spectra, and the ITD-free ILD error of the
reconstructed magnitudes.
"""
import argparse
import json
import os
import sys

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import pinna_data as P  # noqa: E402
from train_autoencoder import pca_baseline, split  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", default=os.path.join(HERE, "autoencoder.pt"))
    a = ap.parse_args()
    torch.set_num_threads(1)
    extra = {"meta.json": ""}
    m = torch.jit.load(a.model, _extra_files=extra)
    meta = json.loads(extra["meta.json"])
    train, val, son, val_ids = split()
    assert [int(i) for i in val_ids] == meta["training"]["sonicom_validation_ids"]
    with torch.no_grad():
        z = m.encode(torch.as_tensor(val))
        rec = m.decode(z).numpy()
    lsd = P.lsd_db(val.astype(np.float64), rec.astype(np.float64))
    pairs_ref = val.reshape(-1, 2, P.BINS)
    pairs_rec = rec.reshape(-1, 2, P.BINS)
    ild = np.abs(P.ild_db_from_db(pairs_ref) - P.ild_db_from_db(pairs_rec)).mean()
    print(f"SONICOM validation subjects {list(map(int, val_ids))}: {len(val)} spectra")
    print(f"autoencoder (latent {z.shape[1]}): LSD {lsd.mean():.3f} dB (median {np.median(lsd):.3f}, "
          f"95th percentile {np.percentile(lsd, 95):.3f}), ILD error {ild:.3f} dB")
    print(f"PCA with {z.shape[1]} components (fitted on the training spectra): LSD {pca_baseline(train, val):.3f} dB")


if __name__ == "__main__":
    main()
