#!/usr/bin/env python3
"""Independent numpy/scipy implementation of pinna's HRIR metrics (docs/metrics.md).

Cross-checks the C++ pinna::compare (include/pinna/metrics.hpp): it reads two SOFA files
with netCDF4 (not libmysofa), matches directions, and prints the metrics as JSON.

    scripts/metrics_reference.py REFERENCE.sofa ESTIMATE.sofa [--exclude SPARSE.sofa]
                                 [--exclude-directions "AZ,EL;AZ,EL;..."]
                                 [--tolerance-deg 0.5] [--per-direction]

Conventions, the same as the C++ (see include/pinna/metrics.hpp):
- directions: each reference direction takes the nearest estimate direction on the
  sphere; further than the tolerance is unmatched; reference directions within the
  tolerance of an --exclude direction are excluded (checked first).
- IRs are cut to the shorter length n; spectral bins k < n//2 with 20 <= k*fs/n <= 20000.
- magnitudes and RMS values are floored at 1e-10 (-200 dB) before logarithms.
- ITD: 10th-order Butterworth low-pass at 3 kHz (sos, causal), |hilbert|, full
  cross-correlation, first maximum; ITD = right minus left arrival (positive: left first).
- ILD = 20 log10 rms(left) - 20 log10 rms(right).
- SDR per IR clamped to [-200, 200] dB (equal IRs: +200).
- PCC per IR: 1 if a spectrum has no variance and the two are equal, else 0 then.
"""
import argparse
import json
import math
import sys

import numpy as np
import netCDF4
import scipy.signal as signal

FLOOR = 1e-10
SDR_CAP_DB = 200.0
F_LOW, F_HIGH = 20.0, 20000.0


def read_sofa(path):
    """(ir [M, 2, N] float64, fs, az_deg [M], el_deg [M]); Data.Delay applied."""
    with netCDF4.Dataset(path) as d:
        d.set_auto_mask(False)
        ir = np.array(d.variables["Data.IR"][:], dtype=np.float64)
        fs = float(np.array(d.variables["Data.SamplingRate"][:]).ravel()[0])
        pos_var = d.variables["SourcePosition"]
        pos = np.array(pos_var[:], dtype=np.float64)
        pos_type = pos_var.getncattr("Type").lower() if "Type" in pos_var.ncattrs() else "spherical"
        delay = np.array(d.variables["Data.Delay"][:], dtype=np.float64) if "Data.Delay" in d.variables else np.zeros((1, 2))
    if pos.shape[0] == 1 and ir.shape[0] > 1:
        pos = np.repeat(pos, ir.shape[0], axis=0)
    if pos_type == "cartesian":
        x, y, z = pos[:, 0], pos[:, 1], pos[:, 2]
        az = np.degrees(np.arctan2(y, x)) % 360.0
        el = np.degrees(np.arctan2(z, np.hypot(x, y)))
    else:
        az, el = pos[:, 0], pos[:, 1]
    if np.any(delay != 0):
        if np.any(delay != np.round(delay)):
            sys.exit(f"{path}: fractional Data.Delay is not supported by this reference script")
        delay = np.broadcast_to(delay.reshape(-1, ir.shape[1]), ir.shape[:2]).astype(int)
        grown = np.zeros((ir.shape[0], ir.shape[1], ir.shape[2] + delay.max()))
        for m in range(ir.shape[0]):
            for e in range(ir.shape[1]):
                grown[m, e, delay[m, e]:delay[m, e] + ir.shape[2]] = ir[m, e]
        ir = grown
    return ir, fs, az, el


def unit(az_deg, el_deg):
    az, el = np.radians(az_deg), np.radians(el_deg)
    return np.stack([np.cos(el) * np.cos(az), np.cos(el) * np.sin(az), np.sin(el)], axis=-1)


def nearest(ref_u, est_u, tolerance_deg):
    """For each reference unit vector: index of the nearest estimate one, or -1."""
    cos = ref_u @ est_u.T
    j = np.argmax(cos, axis=1)
    angle = np.degrees(np.arccos(np.clip(cos[np.arange(len(j)), j], -1.0, 1.0)))
    return np.where(angle <= tolerance_deg, j, -1)


def db_spectra(ir, bins):
    mag = np.abs(np.fft.rfft(ir, axis=-1))[..., bins]
    return 20.0 * np.log10(np.maximum(mag, FLOOR))


def pearson(a, b):
    da, db = a - a.mean(), b - b.mean()
    va, vb = np.sum(da * da), np.sum(db * db)
    if va > 0 and vb > 0:
        return float(np.sum(da * db) / math.sqrt(va * vb))
    return 1.0 if np.array_equal(a, b) else 0.0


def itd_samples(pair, sos):
    """Metric ITD in whole samples of one [2, n] HRIR pair, positive when left leads."""
    n = pair.shape[1]
    env_l = np.abs(signal.hilbert(signal.sosfilt(sos, pair[0])))
    env_r = np.abs(signal.hilbert(signal.sosfilt(sos, pair[1])))
    c = np.correlate(env_l, env_r, mode="full")  # index i <-> lag i - (n - 1)
    lag = int(np.argmax(c)) - (n - 1)  # left envelope = right one delayed by lag
    return -lag


def ild_db(pair):
    rms = np.maximum(np.sqrt(np.mean(pair ** 2, axis=-1)), FLOOR)
    return float(20 * np.log10(rms[0]) - 20 * np.log10(rms[1]))


def sdr_db(r, e):
    signal_energy, error = np.sum(r * r), np.sum((r - e) ** 2)
    if error == 0:
        return SDR_CAP_DB
    if signal_energy == 0:
        return -SDR_CAP_DB
    return float(np.clip(10 * np.log10(signal_energy / error), -SDR_CAP_DB, SDR_CAP_DB))


def compare(ref_path, est_path, exclude_path=None, tolerance_deg=0.5, per_direction=False,
            exclude_directions=None):
    ref, fs_r, az_r, el_r = read_sofa(ref_path)
    est, fs_e, az_e, el_e = read_sofa(est_path)
    if fs_r != fs_e:
        sys.exit(f"sample rates differ: reference {fs_r} Hz, estimate {fs_e} Hz")
    fs = fs_r
    n = min(ref.shape[2], est.shape[2])
    ref, est = ref[:, :, :n], est[:, :, :n]
    ref_u = unit(az_r, el_r)

    excluded = np.zeros(len(ref), dtype=bool)
    if exclude_path:
        _, _, az_x, el_x = read_sofa(exclude_path)
        excluded = nearest(ref_u, unit(az_x, el_x), tolerance_deg) >= 0
    if exclude_directions:
        az_x, el_x = np.array(exclude_directions, dtype=np.float64).T
        excluded |= nearest(ref_u, unit(az_x, el_x), tolerance_deg) >= 0
    match = nearest(ref_u, unit(az_e, el_e), tolerance_deg)
    scored = [i for i in range(len(ref)) if not excluded[i] and match[i] >= 0]
    unmatched = [i for i in range(len(ref)) if not excluded[i] and match[i] < 0]
    if not scored:
        sys.exit("no direction left to score")

    k = np.arange(n // 2)
    f = k * fs / n
    bins = k[(f >= F_LOW) & (f <= F_HIGH)]
    sos = signal.butter(10, 3000.0, fs=fs, output="sos")

    sums = dict(lsd=0.0, sde=0.0, pcc=0.0, rmse=0.0, mae=0.0, sdr=0.0, itd=0.0, ild=0.0)
    rows = []
    for i in scored:
        j = match[i]
        r_db, e_db = db_spectra(ref[i], bins), db_spectra(est[j], bins)
        lsd_ears = []
        for e in range(2):
            d = r_db[e] - e_db[e]
            lsd_ears.append(float(np.sqrt(np.mean(d * d))))
            sums["sde"] += float(np.mean(np.abs(d)))
            sums["pcc"] += pearson(r_db[e], e_db[e])
            diff = ref[i, e] - est[j, e]
            sums["rmse"] += float(np.sqrt(np.mean(diff * diff)))
            sums["mae"] += float(np.mean(np.abs(diff)))
            sums["sdr"] += sdr_db(ref[i, e], est[j, e])
        sums["lsd"] += sum(lsd_ears)
        itd_r = itd_samples(ref[i], sos) / fs * 1e6
        itd_e = itd_samples(est[j], sos) / fs * 1e6
        ild_r, ild_e = ild_db(ref[i]), ild_db(est[j])
        sums["itd"] += abs(itd_r - itd_e)
        sums["ild"] += abs(ild_r - ild_e)
        if per_direction:
            rows.append(dict(reference_index=i, estimate_index=int(j), azimuth_deg=float(az_r[i]),
                             elevation_deg=float(el_r[i]), lsd_db=lsd_ears, itd_reference_us=itd_r,
                             itd_estimate_us=itd_e, ild_reference_db=ild_r, ild_estimate_db=ild_e))
    irs, dirs = 2 * len(scored), len(scored)
    out = dict(
        reference=ref_path, estimate=est_path, sample_rate_hz=fs, taps=n, bins=int(len(bins)),
        min_bin_hz=float(bins[0] * fs / n), max_bin_hz=float(bins[-1] * fs / n),
        scored=len(scored), unmatched=len(unmatched), excluded=int(excluded.sum()),
        lsd_db=sums["lsd"] / irs, sde_db=sums["sde"] / irs, pcc=sums["pcc"] / irs,
        rmse=sums["rmse"] / irs, mae=sums["mae"] / irs, sdr_db=sums["sdr"] / irs,
        itd_error_us=sums["itd"] / dirs, ild_error_db=sums["ild"] / dirs)
    if per_direction:
        out["directions"] = rows
    return out


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("reference")
    p.add_argument("estimate")
    p.add_argument("--exclude", help="SOFA file whose directions are not scored")
    p.add_argument("--exclude-directions", default="",
                   help="directions not scored, as 'az,el;az,el;...' in degrees")
    p.add_argument("--tolerance-deg", type=float, default=0.5)
    p.add_argument("--per-direction", action="store_true")
    a = p.parse_args()
    directions = [tuple(float(v) for v in item.split(",")) for item in a.exclude_directions.split(";")
                  if item.strip()]
    print(json.dumps(compare(a.reference, a.estimate, a.exclude, a.tolerance_deg, a.per_direction,
                             directions), indent=2))


if __name__ == "__main__":
    main()
