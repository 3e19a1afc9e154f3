"""HRTF personalisation from anthropometry (HUTUBS): estimators and the TorchScript module.

Shipped estimator ("per-ear ridge"):
* Each ear is predicted from the 13 head/torso features plus that ear's 12 pinna
  features. Right ears are mirrored (azimuth negated) into left-ear orientation, so
  every subject gives two training examples and both ears share one model.
* Targets: the principal-component weights (K components) of the pooled per-ear dB
  magnitude fields (440 directions x 129 bins); ridge regression with strong
  shrinkage (alpha chosen by inner cross-validation) from standardised features.
* ITD: mean of the antisymmetrised ITD fields (directions with |ITD| > 1 ms, which
  are measurement artefacts, replaced by the per-direction median) plus a ridge
  term on head width x1.
Baselines (for the model card): population average, nearest anthropometry
(standardised Euclidean over the 37 features), ridge regression from all 37
standardised features to the PCA weights of the full dB set (both ears at once).
"""
from typing import Tuple

import numpy as np
import torch

HEAD = list(range(13))
LEFT = list(range(13, 25))
RIGHT = list(range(25, 37))
ITD_FEATURES = [0]  # x1 head width
ITD_OUTLIER_S = 1e-3

FEATURE_INFO = {
    "x1": ("head width", "cm"), "x2": ("head height", "cm"), "x3": ("head depth", "cm"),
    "x4": ("pinna offset down", "cm (as in the HUTUBS CSV)"), "x5": ("pinna offset back", "cm (as in the HUTUBS CSV)"),
    "x6": ("neck width", "cm"), "x7": ("neck height", "cm"), "x8": ("neck depth", "cm"),
    "x9": ("torso top width", "cm"), "x12": ("shoulder width", "cm"), "x14": ("height", "cm"),
    "x16": ("head circumference", "cm"), "x17": ("shoulder circumference", "cm"),
    "d1": ("cavum concha height", "cm"), "d2": ("cymba concha height", "cm"), "d3": ("cavum concha width", "cm"),
    "d4": ("fossa height", "cm"), "d5": ("pinna height", "cm"), "d6": ("pinna width", "cm"),
    "d7": ("intertragal incisure width", "cm"), "d8": ("cavum concha depth", "cm"),
    "d9": ("HUTUBS pinna distance d9", "cm"), "d10": ("HUTUBS pinna distance d10", "cm"),
    "theta1": ("pinna rotation angle", "deg"), "theta2": ("pinna flare angle", "deg"),
}


def feature_info(name):
    key = name.split("_", 1)[1] if name[:2] in ("L_", "R_") else name
    desc, unit = FEATURE_INFO[key]
    side = {"L_": "left ", "R_": "right "}.get(name[:2], "")
    return side + desc, unit


def _pca(D, K):
    G = D @ D.T
    ev, U = np.linalg.eigh(G)
    order = np.argsort(ev)[::-1][:K]
    ev = np.maximum(ev[order], 1e-12)
    return (U[:, order].T @ D) / np.sqrt(ev)[:, None]  # [K, dim], orthonormal rows


def fit_per_ear(A, db, itd, mirror_idx, alpha, K, itd_alpha=1.0):
    """A [n, 37] anthropometry, db [n, M, 2, B], itd [n, M] (s). Returns a parameter dict."""
    n, M, _, B = db.shape
    FL, FR = A[:, HEAD + LEFT], A[:, HEAD + RIGHT]
    F = np.concatenate([FL, FR])
    f_mean, f_std = F.mean(0), F.std(0)
    Z = (F - f_mean) / f_std
    Y = np.concatenate([db[:, :, 0, :], db[:, mirror_idx, 1, :]]).reshape(2 * n, -1).astype(np.float64)
    y_mean = Y.mean(0)
    D = Y - y_mean
    Vt = _pca(D, K)
    W = D @ Vt.T
    coef = np.linalg.solve(Z.T @ Z + alpha * np.eye(Z.shape[1]), Z.T @ W)  # [25, K]
    # ITD
    T = np.concatenate([itd, -itd[:, mirror_idx]]).astype(np.float64)
    med = np.median(T, 0)
    T = np.where(np.abs(T) > ITD_OUTLIER_S, med, T)
    Fi = np.concatenate([A[:, ITD_FEATURES]] * 2)
    i_mean, i_std = Fi.mean(0), Fi.std(0)
    Zi = (Fi - i_mean) / i_std
    t_mean = T.mean(0)
    i_coef = np.linalg.solve(Zi.T @ Zi + itd_alpha * np.eye(Zi.shape[1]), Zi.T @ (T - t_mean))
    return dict(f_mean=f_mean, f_std=f_std, coef=coef, Vt=Vt, y_mean=y_mean, mirror_idx=mirror_idx,
                itd_f_mean=i_mean, itd_f_std=i_std, itd_coef=i_coef, itd_mean=t_mean, dirs=M, bins=B)


def predict_per_ear(p, A):
    A = np.atleast_2d(A)
    M, B = p["dirs"], p["bins"]

    def ear(cols):
        z = (A[:, cols] - p["f_mean"]) / p["f_std"]
        return (p["y_mean"] + z @ p["coef"] @ p["Vt"]).reshape(len(A), M, B)

    left = ear(HEAD + LEFT)
    right = ear(HEAD + RIGHT)[:, p["mirror_idx"]]
    zi = (A[:, ITD_FEATURES] - p["itd_f_mean"]) / p["itd_f_std"]
    return np.stack([left, right], 2), p["itd_mean"] + zi @ p["itd_coef"]


# --------------------------------------------------------------------------- baselines
def baseline_population(A_tr, db_tr, itd_tr, A_te):
    n = len(A_te)
    return np.repeat(db_tr.mean(0)[None], n, 0), np.repeat(itd_tr.mean(0)[None], n, 0)


def baseline_nearest(A_tr, db_tr, itd_tr, A_te):
    mu, sd = A_tr.mean(0), A_tr.std(0)
    d = (((A_te - mu) / sd)[:, None] - ((A_tr - mu) / sd)[None]) ** 2
    i = np.argmin(d.sum(-1), 1)
    return db_tr[i], itd_tr[i]


def baseline_ridge_pca(A_tr, db_tr, itd_tr, A_te, alpha=100.0, K=10):
    """Ridge from all 37 standardised features to PCA weights of the full dB set (and of ITD)."""
    mu, sd = A_tr.mean(0), A_tr.std(0)
    Z, Zt = (A_tr - mu) / sd, (A_te - mu) / sd
    outs = []
    for Y in (db_tr.reshape(len(db_tr), -1).astype(np.float64), itd_tr.astype(np.float64)):
        ym = Y.mean(0)
        Vt = _pca(Y - ym, K)
        W = (Y - ym) @ Vt.T
        c = np.linalg.solve(Z.T @ Z + alpha * np.eye(Z.shape[1]), Z.T @ W)
        outs.append(ym + Zt @ c @ Vt)
    return outs[0].reshape((len(A_te),) + db_tr.shape[1:]), outs[1]


# --------------------------------------------------------------------------- TorchScript
class Personalizer(torch.nn.Module):
    """forward(features [B, 37] float32, CSV column order) -> (db [B, M, 2, 129], itd_s [B, M])."""

    def __init__(self, p: dict, n_features: int):
        super().__init__()
        self.n_features = n_features
        self.dirs = int(p["dirs"])
        self.bins = int(p["bins"])
        self.register_buffer("head_cols", torch.tensor(HEAD, dtype=torch.long))
        self.register_buffer("left_cols", torch.tensor(LEFT, dtype=torch.long))
        self.register_buffer("right_cols", torch.tensor(RIGHT, dtype=torch.long))
        self.register_buffer("itd_cols", torch.tensor(ITD_FEATURES, dtype=torch.long))
        self.register_buffer("f_mean", torch.as_tensor(p["f_mean"], dtype=torch.float32))
        self.register_buffer("f_std", torch.as_tensor(p["f_std"], dtype=torch.float32))
        self.register_buffer("coef", torch.as_tensor(p["coef"], dtype=torch.float32))
        self._store_field(p)
        self.register_buffer("mirror_idx", torch.as_tensor(p["mirror_idx"], dtype=torch.long))
        self.register_buffer("itd_f_mean", torch.as_tensor(p["itd_f_mean"], dtype=torch.float32))
        self.register_buffer("itd_f_std", torch.as_tensor(p["itd_f_std"], dtype=torch.float32))
        self.register_buffer("itd_coef", torch.as_tensor(p["itd_coef"], dtype=torch.float32))
        self.register_buffer("itd_mean", torch.as_tensor(p["itd_mean"], dtype=torch.float32))

    def _store_field(self, p: dict):
        self.register_buffer("Vt", torch.as_tensor(p["Vt"], dtype=torch.float32))
        self.register_buffer("y_mean", torch.as_tensor(p["y_mean"], dtype=torch.float32))

    def _basis(self) -> torch.Tensor:
        return self.Vt

    def _field_mean(self) -> torch.Tensor:
        return self.y_mean

    def _ear(self, x: torch.Tensor, ear_cols: torch.Tensor) -> torch.Tensor:
        f = torch.cat([x.index_select(1, self.head_cols), x.index_select(1, ear_cols)], dim=1)
        z = (f - self.f_mean) / self.f_std
        field = self._field_mean() + (z @ self.coef) @ self._basis()
        return field.reshape(x.shape[0], self.dirs, self.bins)

    def forward(self, features: torch.Tensor) -> Tuple[torch.Tensor, torch.Tensor]:
        if features.dim() == 1:
            features = features.unsqueeze(0)
        if features.dim() != 2 or features.shape[1] != self.n_features:
            raise RuntimeError("features: expected shape [B, 37] in the order of meta.json 'features'")
        if not bool(torch.isfinite(features).all()):
            raise RuntimeError("features: contains NaN or Inf (every anthropometric value is required)")
        x = features.float()
        left = self._ear(x, self.left_cols)
        right = self._ear(x, self.right_cols).index_select(1, self.mirror_idx)
        db = torch.stack([left, right], dim=2)
        zi = (x.index_select(1, self.itd_cols) - self.itd_f_mean) / self.itd_f_std
        itd = self.itd_mean + zi @ self.itd_coef
        return db, itd


class CompactPersonalizer(Personalizer):
    """The same model stored small, for the cross-validation fold archives: the PCA basis as
    int8 with one scale per component, the mean field as float16 (about 0.7 MB instead of
    2.5 MB; the outputs differ from float32 storage by a few thousandths of a dB)."""

    def _store_field(self, p: dict):
        Vt = np.asarray(p["Vt"], dtype=np.float64)
        scale = np.abs(Vt).max(1) / 127.0
        self.register_buffer("Vt_q", torch.as_tensor(np.rint(Vt / scale[:, None]), dtype=torch.int8))
        self.register_buffer("Vt_scale", torch.as_tensor(scale, dtype=torch.float32))
        self.register_buffer("y_mean_h", torch.as_tensor(p["y_mean"], dtype=torch.float16))

    def _basis(self) -> torch.Tensor:
        return self.Vt_q.float() * self.Vt_scale.unsqueeze(1)

    def _field_mean(self) -> torch.Tensor:
        return self.y_mean_h.float()


# --------------------------------------------------------------------------- evaluation
ALPHAS = (100.0, 300.0, 1000.0)
K_COMPONENTS = 10
FOLDS = 10
INNER_FOLDS = 5


def fold_assignment(n, k, seed):
    return np.random.default_rng(seed).permutation(np.arange(n) % k)


def subject_scores(db_ref, itd_ref, db_est, itd_est, fs):
    """LSD (dB) and ITD error (us, estimate rounded to whole samples) of one subject."""
    import pinna_data as P

    lsd = float(P.lsd_db(db_ref, db_est).mean())
    itd_r = np.rint(np.asarray(itd_est) * fs) / fs
    return lsd, float(np.mean(np.abs(itd_ref - itd_r)) * 1e6)


def choose_alpha(A, db, itd, mirror_idx, seed=1):
    """Inner cross-validation over ALPHAS (mean LSD); returns (alpha, {alpha: lsd})."""
    import pinna_data as P

    folds = fold_assignment(len(A), INNER_FOLDS, seed)
    scores = {a: [] for a in ALPHAS}
    for f in range(INNER_FOLDS):
        tr, te = folds != f, folds == f
        for a in ALPHAS:
            p = fit_per_ear(A[tr], db[tr], itd[tr], mirror_idx, a, K_COMPONENTS)
            est, _ = predict_per_ear(p, A[te])
            scores[a] += [float(P.lsd_db(db[s], est[j]).mean()) for j, s in enumerate(np.where(te)[0])]
    mean = {a: float(np.mean(v)) for a, v in scores.items()}
    return min(mean, key=mean.get), mean


def cross_validate(A, db, itd, mirror_idx, fs, seed=0, log=print):
    """Subject-level K-fold CV of the shipped estimator (alpha chosen inside each fold)
    and of the three baselines. Returns {method: {"lsd_db": mean, "itd_err_us": mean, ...}}."""
    folds = fold_assignment(len(A), FOLDS, seed)
    methods = ["per_ear_ridge", "population", "nearest", "ridge_pca"]
    per = {m: [] for m in methods}
    alphas = []
    for f in range(FOLDS):
        tr, te = folds != f, folds == f
        alpha, _ = choose_alpha(A[tr], db[tr], itd[tr], mirror_idx)
        alphas.append(alpha)
        p = fit_per_ear(A[tr], db[tr], itd[tr], mirror_idx, alpha, K_COMPONENTS)
        ests = {"per_ear_ridge": predict_per_ear(p, A[te]),
                "population": baseline_population(A[tr], db[tr], itd[tr], A[te]),
                "nearest": baseline_nearest(A[tr], db[tr], itd[tr], A[te]),
                "ridge_pca": baseline_ridge_pca(A[tr], db[tr], itd[tr], A[te])}
        for m in methods:
            e_db, e_itd = ests[m]
            per[m] += [subject_scores(db[s], itd[s], e_db[j], e_itd[j], fs) for j, s in enumerate(np.where(te)[0])]
        log(f"fold {f}: alpha {alpha:g}, LSD " + ", ".join(
            f"{m} {np.mean([x[0] for x in per[m][-int(te.sum()):]]):.3f}" for m in methods))
    out = {}
    for m in methods:
        v = np.array(per[m])
        out[m] = dict(lsd_db=float(v[:, 0].mean()), itd_err_us=float(v[:, 1].mean()),
                      lsd_db_std_over_subjects=float(v[:, 0].std()))
    out["fold_alphas"] = alphas
    return out
