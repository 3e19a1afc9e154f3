"""Shared data loading and metrics for pinna's Python models.

Loads HUTUBS and SONICOM SOFA files (SimpleFreeFieldHRIR, 256 taps at 44.1 kHz)
and implements the metrics of docs/metrics.md (shared/docs/metrics.md):

* LSD (dB): bins k < N/2 with 20 Hz <= k*fs/N <= 20 kHz of the N-point FFT,
  sqrt(mean_k (dB_R - dB_E)^2) per direction and ear, then averaged.
* ITD (s): 10th-order Butterworth low-pass at 3 kHz (causal, sosfilt), Hilbert
  envelope, full cross-correlation, integer lag of the maximum / fs.
  Sign convention: ITD = t_left - t_right, i.e. positive when the left ear
  lags (source on the right, negative azimuth in SOFA convention).
* ILD (dB): 20*log10(RMS_left) - 20*log10(RMS_right), broadband RMS.
* LAP sparse subsets 100 / 19 / 5 / 3 (nearest measured direction on other grids).

Extracted arrays are cached as .npz under models/cache/ (git-ignored).
"""
import csv
import glob
import os
import re

import numpy as np
import scipy.signal

HERE = os.path.dirname(os.path.abspath(__file__))
DATASETS = os.environ.get(
    "PINNA_DATASETS", os.path.normpath(os.path.join(HERE, "..", "..", "shared", "datasets"))
)
CACHE = os.path.join(HERE, "cache")

FS_HZ = 44100.0
TAPS = 256
BINS = TAPS // 2 + 1  # 129 one-sided bins
DB_FLOOR = -200.0  # dB value used for |H| == 0 (never reached on the real data)


def lsd_bins(n=TAPS, fs=FS_HZ):
    """Indices of the FFT bins used by LSD/SDE/PCC: k < n/2, 20 Hz <= f <= 20 kHz."""
    k = np.arange(n // 2)
    f = k * fs / n
    return k[(f >= 20.0) & (f <= 20000.0)]


LSD_BINS = lsd_bins()


# ----------------------------------------------------------------------------
# Geometry
# ----------------------------------------------------------------------------
def sph_to_unit(az_deg, el_deg):
    """SOFA convention: x front, y left, z up; azimuth counter-clockwise."""
    az = np.radians(np.asarray(az_deg, dtype=np.float64))
    el = np.radians(np.asarray(el_deg, dtype=np.float64))
    return np.stack([np.cos(el) * np.cos(az), np.cos(el) * np.sin(az), np.sin(el)], axis=-1)


def unit_to_sph(v):
    v = np.asarray(v, dtype=np.float64)
    v = v / np.linalg.norm(v, axis=-1, keepdims=True)
    az = np.degrees(np.arctan2(v[..., 1], v[..., 0])) % 360.0
    el = np.degrees(np.arcsin(np.clip(v[..., 2], -1.0, 1.0)))
    return az, el


def angle_deg(u, v):
    """Great-circle angle between every row of u and every row of v (degrees)."""
    c = np.clip(np.asarray(u) @ np.asarray(v).T, -1.0, 1.0)
    return np.degrees(np.arccos(c))


def nearest_index(targets_unit, grid_unit):
    """For each target direction, index of the nearest grid direction and its angle."""
    c = np.clip(np.asarray(targets_unit) @ np.asarray(grid_unit).T, -1.0, 1.0)
    idx = np.argmax(c, axis=1)
    return idx, np.degrees(np.arccos(c[np.arange(len(idx)), idx]))


# ----------------------------------------------------------------------------
# LAP sparse subsets
# ----------------------------------------------------------------------------
LAP_LEVELS = (100, 19, 5, 3)
LAP_19 = [(az, el) for el in (-45, 0, 45) for az in range(0, 360, 60)] + [(0, 90)]
LAP_5 = [(315, 0), (0, -45), (0, 0), (0, 45), (45, 0)]
LAP_3 = [(0, 0), (90, 0), (0, 90)]


def lap_subset(az_deg, el_deg, level):
    """Indices (into the grid) of the LAP sparse subset of `level` directions.

    100: sort by azimuth then elevation (azimuth wrapped to [0, 360)), every
    8th from the first. 19 / 5 / 3: nearest measured direction to each listed one.
    """
    az = np.mod(np.asarray(az_deg, dtype=np.float64), 360.0)
    el = np.asarray(el_deg, dtype=np.float64)
    if level == 100:
        order = np.lexsort((el, az))  # primary key azimuth, secondary elevation
        return order[::8]
    listed = {19: LAP_19, 5: LAP_5, 3: LAP_3}[level]
    grid = sph_to_unit(az, el)
    tgt = sph_to_unit([a for a, _ in listed], [e for _, e in listed])
    idx, _ = nearest_index(tgt, grid)
    return idx


# ----------------------------------------------------------------------------
# Spectra and metrics
# ----------------------------------------------------------------------------
def db_magnitude(hrir, n=TAPS):
    """One-sided dB magnitude of the n-point FFT along the last axis (n//2+1 bins)."""
    mag = np.abs(np.fft.rfft(hrir, n=n, axis=-1))
    with np.errstate(divide="ignore"):
        db = 20.0 * np.log10(mag)
    return np.maximum(db, DB_FLOOR)


_ITD_SOS = {}


def _itd_sos(fs):
    if fs not in _ITD_SOS:
        _ITD_SOS[fs] = scipy.signal.butter(10, 3000.0, btype="low", fs=fs, output="sos")
    return _ITD_SOS[fs]


def _lowpassed_envelopes(h, fs):
    """Hilbert envelopes of the metric's 3 kHz low-passed IRs h[..., N]."""
    lp = scipy.signal.sosfilt(_itd_sos(fs), h, axis=-1)
    return np.abs(scipy.signal.hilbert(lp, axis=-1))


def itd_seconds(hrir, fs=FS_HZ):
    """ITD (s) of HRIR pairs hrir[..., 2, N]: t_left - t_right, per metrics.md."""
    h = np.asarray(hrir, dtype=np.float64)
    shape = h.shape[:-2]
    h = h.reshape(-1, 2, h.shape[-1])
    n = h.shape[-1]
    env = _lowpassed_envelopes(h, fs)
    # full cross-correlation via FFT: xc[lag] = sum_t envL[t + lag] envR[t]
    nfft = 1 << int(np.ceil(np.log2(2 * n - 1)))
    fl = np.fft.rfft(env[:, 0], nfft)
    fr = np.fft.rfft(env[:, 1], nfft)
    xc = np.fft.irfft(fl * np.conj(fr), nfft)
    xc = np.concatenate([xc[:, nfft - (n - 1):], xc[:, :n]], axis=1)  # lags -(n-1)..n-1
    lag = np.argmax(xc, axis=1) - (n - 1)
    return (lag / fs).reshape(shape)


def itd_fractional_seconds(hrir, fs=FS_HZ, chunk=4096):
    """Sub-sample ITD (s, sign as itd_seconds) of HRIR pairs hrir[..., 2, N]: the maximum of
    the band-limited interpolation of the metric's envelope cross-correlation, by Newton's
    method from the whole-sample peak within one sample of it (ItdEstimator::
    itd_fractional_s; rounds to itd_seconds' lag wherever the peak is not a tie)."""
    h = np.asarray(hrir, dtype=np.float64)
    shape = h.shape[:-2]
    h = h.reshape(-1, 2, h.shape[-1])
    n = h.shape[-1]
    L = 1 << int(np.ceil(np.log2(2 * n - 1)))
    k = np.arange(L // 2 + 1)
    wk = 2.0 * np.pi * k / L
    weight = np.where((k == 0) | (k == L // 2), 1.0, 2.0)
    weight[0] = 0.0  # the constant term has no derivative
    out = np.empty(len(h))
    for a in range(0, len(h), chunk):
        env = _lowpassed_envelopes(h[a:a + chunk], fs)
        Z = np.fft.rfft(env[:, 0], L) * np.conj(np.fft.rfft(env[:, 1], L))
        xc = np.fft.irfft(Z, L)
        xc = np.concatenate([xc[:, L - (n - 1):], xc[:, :n]], axis=1)
        best = (np.argmax(xc, axis=1) - (n - 1)).astype(np.float64)
        t_lo = np.maximum(-(n - 1.0), best - 1.0)
        t_hi = np.minimum(n - 1.0, best + 1.0)
        t = best.copy()
        active = np.ones(len(t), bool)
        for _ in range(8):
            term = Z * np.exp(1j * np.outer(t, wk))
            d1 = -(weight * wk * term.imag).sum(1)
            d2 = -(weight * wk * wk * term.real).sum(1)
            active &= d2 < 0.0
            step = np.clip(-d1 / np.where(active, d2, -1.0), -0.5, 0.5)
            nxt = np.clip(t + step, t_lo, t_hi)
            t = np.where(active, nxt, t)
        out[a:a + chunk] = t
    return (out / fs).reshape(shape)


def ild_db_from_hrir(hrir):
    rms = np.sqrt(np.mean(np.asarray(hrir, dtype=np.float64) ** 2, axis=-1))
    return 20.0 * np.log10(rms[..., 0]) - 20.0 * np.log10(rms[..., 1])


def energy_db_from_db(db, n=TAPS):
    """10*log10(sum_t h^2 * n) from a one-sided dB spectrum (Parseval, any phase)."""
    p = 10.0 ** (np.asarray(db, dtype=np.float64) / 10.0)
    w = np.full(p.shape[-1], 2.0)
    w[0] = 1.0
    if n % 2 == 0:
        w[-1] = 1.0
    return 10.0 * np.log10(np.sum(p * w, axis=-1))


def ild_db_from_db(db):
    """ILD from one-sided dB spectra db[..., 2, bins]; equals the broadband-RMS ILD."""
    e = energy_db_from_db(db)
    return e[..., 0] - e[..., 1]


def lsd_db(db_ref, db_est):
    """LSD per direction and ear (array ..., 2), bins per metrics.md."""
    d = np.asarray(db_ref)[..., LSD_BINS] - np.asarray(db_est)[..., LSD_BINS]
    return np.sqrt(np.mean(d * d, axis=-1))


def lap_split(az_deg, el_deg, level):
    """(S, mask): lap_subset's indices and a boolean mask of the grid's other directions,
    the ones LAP scores (measured directions excluded)."""
    S = lap_subset(az_deg, el_deg, level)
    mask = np.ones(len(np.atleast_1d(az_deg)), bool)
    mask[S] = False
    return S, mask


def score(db_ref, db_est, itd_ref=None, itd_est=None, mask=None):
    """Mean LSD (dB), ITD error (us), ILD error (dB) over directions (optionally masked).

    db_*: [M, 2, 129] dB magnitudes; itd_*: [M] seconds.
    """
    m = np.ones(db_ref.shape[0], bool) if mask is None else np.asarray(mask)
    out = {"lsd_db": float(np.mean(lsd_db(db_ref[m], db_est[m])))}
    out["ild_err_db"] = float(np.mean(np.abs(ild_db_from_db(db_ref[m]) - ild_db_from_db(db_est[m]))))
    if itd_ref is not None and itd_est is not None:
        out["itd_err_us"] = float(np.mean(np.abs(itd_ref[m] - itd_est[m])) * 1e6)
    return out


def minimum_phase_hrir(db, taps=TAPS, oversample=8):
    """Minimum-phase impulse responses from one-sided dB spectra (real cepstrum).

    The log magnitude is interpolated onto an `oversample` times finer grid to
    reduce cepstral aliasing, folded, and the result truncated to `taps`.
    """
    db = np.asarray(db, dtype=np.float64)
    nf = taps * oversample
    f_in = np.linspace(0.0, 0.5, db.shape[-1])
    f_out = np.linspace(0.0, 0.5, nf // 2 + 1)
    flat = db.reshape(-1, db.shape[-1])
    logm = np.stack([np.interp(f_out, f_in, row) for row in flat]) * (np.log(10.0) / 20.0)
    cep = np.fft.irfft(logm, nf, axis=-1)
    fold = np.zeros_like(cep)
    fold[:, 0] = cep[:, 0]
    fold[:, 1:nf // 2] = 2.0 * cep[:, 1:nf // 2]
    fold[:, nf // 2] = cep[:, nf // 2]
    spec = np.exp(np.fft.rfft(fold, nf, axis=-1))
    h = np.fft.irfft(spec, nf, axis=-1)
    # resample back: the oversampled spectrum corresponds to the same sample rate
    # with a longer FFT, so the impulse response is h[:taps]
    return h[:, :taps].reshape(db.shape[:-1] + (taps,))


def render_hrir(db, itd_s, fs=FS_HZ, taps=TAPS, base_delay_samples=0):
    """Minimum-phase HRIRs with the lagging ear delayed by round(|ITD|*fs) samples.

    db: [M, 2, bins]; itd_s: [M]. Returns [M, 2, taps]. Used to check that the
    metric applied to rendered responses gives the ITD the model predicted.
    """
    h = minimum_phase_hrir(db, taps)
    out = np.zeros_like(h)
    lag = np.rint(np.asarray(itd_s) * fs).astype(int)
    for m in range(h.shape[0]):
        dl = base_delay_samples + max(lag[m], 0)
        dr = base_delay_samples + max(-lag[m], 0)
        out[m, 0, dl:] = h[m, 0, :taps - dl]
        out[m, 1, dr:] = h[m, 1, :taps - dr]
    return out


# ----------------------------------------------------------------------------
# Loading
# ----------------------------------------------------------------------------
def _read_sofa(path):
    import netCDF4

    with netCDF4.Dataset(path) as d:
        pos = np.array(d.variables["SourcePosition"][:], dtype=np.float64)
        ir = np.array(d.variables["Data.IR"][:], dtype=np.float64)
        fs = float(np.array(d.variables["Data.SamplingRate"][:]).ravel()[0])
        ptype = getattr(d.variables["SourcePosition"], "Type", "spherical")
    if ptype != "spherical":
        raise ValueError(f"{path}: SourcePosition Type '{ptype}' not handled (expected spherical)")
    if fs != FS_HZ or ir.shape[-1] != TAPS:
        raise ValueError(f"{path}: expected {TAPS} taps at {FS_HZ} Hz, got {ir.shape[-1]} at {fs}")
    if not np.all(np.isfinite(ir)):
        raise ValueError(f"{path}: Data.IR has non-finite values")
    return pos, ir


def _subject_number(path):
    return int(re.findall(r"\d+", os.path.basename(path))[0])


def _extract(name, pattern):
    files = sorted(glob.glob(os.path.join(DATASETS, pattern)), key=_subject_number)
    if not files:
        raise FileNotFoundError(f"no files matching {pattern} under {DATASETS}")
    ids, irs, pos0 = [], [], None
    for f in files:
        pos, ir = _read_sofa(f)
        if pos0 is None:
            pos0 = pos
        elif pos.shape != pos0.shape or np.abs(pos - pos0).max() > 1e-6:
            raise ValueError(f"{f}: direction grid differs from the first subject's")
        ids.append(_subject_number(f))
        irs.append(ir)
    ir = np.stack(irs).astype(np.float32)  # [S, M, 2, N]
    db = db_magnitude(ir.astype(np.float64)).astype(np.float32)
    itd = itd_seconds(ir).astype(np.float32)
    return dict(name=name, ids=np.array(ids), az=pos0[:, 0], el=pos0[:, 1], dist=pos0[:, 2],
                ir=ir, db=db, itd=itd)


def load(name):
    """Return dict(ids, az, el, dist, ir[S,M,2,256], db[S,M,2,129], itd[S,M] (the metric's
    whole samples), itd_frac[S,M] (sub-sample), anthro, anthro_names).

    name: 'hutubs' or 'sonicom'. Cached in models/cache/<name>.npz.
    """
    os.makedirs(CACHE, exist_ok=True)
    cache = os.path.join(CACHE, f"{name}.npz")
    if os.path.exists(cache):
        z = np.load(cache)
        d = {k: z[k] for k in z.files}
        d["name"] = name
    else:
        pattern = {"hutubs": "hutubs/pp*_HRIRs_measured.sofa",
                   "sonicom": "sonicom/P*_FreeFieldComp_44kHz.sofa"}[name]
        d = _extract(name, pattern)
        np.savez(cache, **{k: v for k, v in d.items() if k != "name"})
    # Sub-sample ITDs: what the upsampler reads at the measured directions (v1.5.0 on);
    # cached apart so that an earlier cache stays valid.
    frac = os.path.join(CACHE, f"{name}_itd_fractional.npz")
    if os.path.exists(frac):
        d["itd_frac"] = np.load(frac)["itd_frac"]
    else:
        d["itd_frac"] = itd_fractional_seconds(d["ir"]).astype(np.float32)
        np.savez(frac, itd_frac=d["itd_frac"])
    d["unit"] = sph_to_unit(d["az"], d["el"])
    names, table = read_anthropometry(os.path.join(DATASETS, name, "anthropometry.csv"))
    d["anthro_names"] = names
    d["anthro"] = np.stack([table.get(int(i), np.full(len(names), np.nan)) for i in d["ids"]])
    return d


def read_anthropometry(path):
    """(column names without SubjectID, {subject id: float array}); empty/NaN cells -> NaN."""
    with open(path, newline="") as f:
        rows = list(csv.reader(f))
    names = rows[0][1:]
    table = {}
    for r in rows[1:]:
        if not r:
            continue
        vals = [float(x) if x.strip() not in ("", "NaN", "nan") else np.nan for x in r[1:]]
        table[int(float(r[0]))] = np.array(vals, dtype=np.float64)
    return names, table


# Fixed SONICOM validation subjects for the upsampler and the autoencoder:
# every 4th+1 subject in id order (8 of 36), chosen before any result was seen.
def sonicom_validation_ids(ids):
    ids = np.sort(np.asarray(ids))
    return ids[1::4][:8]


def sonicom_split(ids):
    """Indices (into ids) of the SONICOM training and validation subjects."""
    val_ids = sonicom_validation_ids(ids)
    train = np.array([i for i in range(len(ids)) if ids[i] not in val_ids])
    val = np.array([i for i in range(len(ids)) if ids[i] in val_ids])
    return train, val


def mirror(db, itd, az, el):
    """Left/right mirror image: ears swapped, azimuth negated (returns new arrays on the
    same grid by nearest-direction lookup; the grids used here are left/right symmetric)."""
    unit = sph_to_unit(az, el)
    munit = unit * np.array([1.0, -1.0, 1.0])
    idx, ang = nearest_index(munit, unit)
    if ang.max() > 0.5:
        raise ValueError("grid is not left/right symmetric")
    return db[..., idx, ::-1, :], -itd[..., idx]
