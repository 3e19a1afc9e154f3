"""Sparse -> dense HRTF upsampler as a TorchScript module (Gaussian-process posterior
with a population prior that is a continuous function of direction).

For each channel j (ear x frequency bin of the dB magnitude, or the ITD) the field
over directions is modelled as

    x_j(d) = mean_j(d) + sum_k w_k basis_kj(d) + r_j(d)

* mean and basis are real spherical-harmonic expansions (learned from the population:
  mean of the training subjects, principal components of their deviations);
* w ~ N(0, diag(prior_var)) is shared by all channels of one subject;
* r_j is a residual Gaussian process with covariance
  chan_var_j * (const_g + exp((cos(angle) - 1) / ell_g^2) + nugget_g * [d == d']),
  where g is the frequency band of channel j.

Given measurements at S directions the posterior mean is computed in closed form
(torch.linalg.solve), so any number of measured directions on any grid works.
"""
from typing import List, Tuple

import torch

from pinna_sh import real_sh


def _gp_solve(ys: torch.Tensor, mu_s: torch.Tensor, basis_s: torch.Tensor, cos_ss: torch.Tensor,
              cos_ts: torch.Tensor, prior_var: torch.Tensor, chan_var: torch.Tensor,
              chan_band: torch.Tensor, ell: torch.Tensor, const: torch.Tensor,
              nugget: torch.Tensor) -> Tuple[torch.Tensor, torch.Tensor]:
    """Posterior of one subject's field given S measurements.

    ys [S, J] measured values, mu_s [S, J] prior mean and basis_s [K, S, J] basis at the
    measured directions. Returns (w [K], residual [T, J]): the posterior mean at the
    targets is prior_mean_t + sum_k w_k basis_k,t + residual.
    """
    S = ys.shape[0]
    K = basis_s.shape[0]
    r0 = ys - mu_s
    eye = torch.eye(S, dtype=ys.dtype, device=ys.device)
    A = torch.diag(1.0 / prior_var)
    b = torch.zeros(K, dtype=ys.dtype, device=ys.device)
    G = ell.shape[0]
    inv_list: List[torch.Tensor] = []
    for g in range(G):
        rho = const[g] + torch.exp((cos_ss - 1.0) / (ell[g] * ell[g])) + nugget[g] * eye
        q = torch.linalg.inv(rho)
        inv_list.append(q)
        ch = chan_band == g
        if bool(ch.any()):
            scale = torch.rsqrt(chan_var[ch])
            bg = basis_s[:, :, ch] * scale  # K, S, c
            rg = r0[:, ch] * scale  # S, c
            c = bg.shape[2]
            # Q @ B as one GEMM: [S, S] @ [S, K*c]
            qb = (q @ bg.permute(1, 0, 2).reshape(S, K * c)).reshape(S, K, c).permute(1, 0, 2)
            bg_flat = bg.reshape(K, S * c)
            qb_flat = qb.reshape(K, S * c)
            A = A + bg_flat @ qb_flat.T
            b = b + qb_flat @ rg.reshape(S * c)
    w = torch.linalg.solve(A, b)
    res = r0 - torch.einsum("k,ksj->sj", w, basis_s)
    out = torch.zeros(cos_ts.shape[0], ys.shape[1], dtype=ys.dtype, device=ys.device)
    for g in range(G):
        ch = chan_band == g
        if bool(ch.any()):
            k_ts = const[g] + torch.exp((cos_ts - 1.0) / (ell[g] * ell[g]))
            out[:, ch] = k_ts @ (inv_list[g] @ res[:, ch])
    return w, out


class Upsampler(torch.nn.Module):
    def __init__(self, p: dict):
        super().__init__()
        self.mag_order = int(p["mag_order"])
        self.itd_order = int(p["itd_order"])
        self.bins = int(p["bins"])
        f64 = torch.float64
        # magnitude prior: mean [C, 2*bins]; basis stored compressed along frequency:
        # basis = basis_cf [K, C, 2, P] @ freq_basis [P, bins]
        self.register_buffer("mag_mean", torch.as_tensor(p["mag_mean"], dtype=torch.float32))
        self.register_buffer("mag_basis_cf", torch.as_tensor(p["mag_basis_cf"], dtype=torch.float32))
        self.register_buffer("freq_basis", torch.as_tensor(p["freq_basis"], dtype=torch.float32))
        self.register_buffer("mag_lam", torch.as_tensor(p["mag_lam"], dtype=f64))
        self.register_buffer("mag_chan_var", torch.as_tensor(p["mag_chan_var"], dtype=f64))
        self.register_buffer("mag_chan_band", torch.as_tensor(p["mag_chan_band"], dtype=torch.long))
        self.register_buffer("mag_ell", torch.as_tensor(p["mag_ell"], dtype=f64))  # [G] base length
        # hyperparameters per measurement density: rows = hp_counts (number of measured
        # directions), columns = alpha (prior scale), const, nugget, ell scale;
        # interpolated linearly in log(count)
        self.register_buffer("hp_log_counts", torch.log(torch.as_tensor(p["hp_counts"], dtype=f64)))
        self.register_buffer("mag_hp", torch.as_tensor(p["mag_hp"], dtype=f64))
        self.register_buffer("itd_hp", torch.as_tensor(p["itd_hp"], dtype=f64))
        self.register_buffer("itd_mean", torch.as_tensor(p["itd_mean"], dtype=f64))
        self.register_buffer("itd_basis", torch.as_tensor(p["itd_basis"], dtype=f64))
        self.register_buffer("itd_lam", torch.as_tensor(p["itd_lam"], dtype=f64))
        self.register_buffer("itd_chan_var", torch.as_tensor(p["itd_chan_var"], dtype=f64))
        self.register_buffer("itd_ell", torch.as_tensor(p["itd_ell"], dtype=f64))

    def _hp(self, table: torch.Tensor, count: int) -> torch.Tensor:
        x = torch.log(torch.tensor(float(count), dtype=torch.float64))
        lc = self.hp_log_counts
        n = lc.shape[0]
        if bool(x <= lc[0]):
            return table[0]
        if bool(x >= lc[n - 1]):
            return table[n - 1]
        i = int(torch.searchsorted(lc, x.reshape(1)).item())
        t = (x - lc[i - 1]) / (lc[i] - lc[i - 1])
        return table[i - 1] * (1.0 - t) + table[i] * t

    def _check_dirs(self, dirs: torch.Tensor, what: str):
        if dirs.dim() != 2 or dirs.shape[1] != 3:
            raise RuntimeError(what + ": expected shape [n, 3] (unit vectors x front, y left, z up)")
        if not bool(torch.isfinite(dirs).all()):
            raise RuntimeError(what + ": contains NaN or Inf")
        if bool((torch.linalg.norm(dirs.double(), dim=1) < 1e-6).any()):
            raise RuntimeError(what + ": contains a zero-length direction vector")

    @torch.jit.export
    def population(self, target_dirs: torch.Tensor) -> Tuple[torch.Tensor, torch.Tensor]:
        """Population-average dB magnitudes [T, 2, bins] and ITD [T] (s) at the targets."""
        self._check_dirs(target_dirs, "target_dirs")
        t = target_dirs.double()
        Ym = real_sh(t, self.mag_order)
        Yi = real_sh(t, self.itd_order)
        db = (Ym @ self.mag_mean.double()).reshape(t.shape[0], 2, self.bins)
        itd = (Yi @ self.itd_mean) * 1e-6
        return db.float(), itd.float()

    def forward(self, meas_dirs: torch.Tensor, meas_db: torch.Tensor, meas_itd_s: torch.Tensor,
                target_dirs: torch.Tensor) -> Tuple[torch.Tensor, torch.Tensor]:
        """meas_dirs [S, 3], meas_db [S, 2, bins] (dB), meas_itd_s [S] (s, t_left - t_right),
        target_dirs [T, 3] -> (db [T, 2, bins], itd_s [T]), float32."""
        self._check_dirs(meas_dirs, "meas_dirs")
        self._check_dirs(target_dirs, "target_dirs")
        S = meas_dirs.shape[0]
        if S < 1:
            raise RuntimeError("meas_dirs: at least one measured direction is needed")
        if meas_db.dim() != 3 or meas_db.shape[0] != S or meas_db.shape[1] != 2 or meas_db.shape[2] != self.bins:
            raise RuntimeError("meas_db: expected shape [S, 2, 129] matching meas_dirs")
        if meas_itd_s.dim() != 1 or meas_itd_s.shape[0] != S:
            raise RuntimeError("meas_itd_s: expected shape [S] matching meas_dirs")
        if not bool(torch.isfinite(meas_db).all()):
            raise RuntimeError("meas_db: contains NaN or Inf")
        if not bool(torch.isfinite(meas_itd_s).all()):
            raise RuntimeError("meas_itd_s: contains NaN or Inf")
        ms = meas_dirs.double()
        ms = ms / torch.linalg.norm(ms, dim=1, keepdim=True)
        ts = target_dirs.double()
        ts = ts / torch.linalg.norm(ts, dim=1, keepdim=True)
        cos_ss = (ms @ ms.T).clamp(-1.0, 1.0)
        cos_ts = (ts @ ms.T).clamp(-1.0, 1.0)
        T = ts.shape[0]

        J = 2 * self.bins
        mean_c = self.mag_mean.double()
        basis_cf = self.mag_basis_cf.double()
        fb = self.freq_basis.double()
        Ys = real_sh(ms, self.mag_order)
        Yt = real_sh(ts, self.mag_order)
        k = basis_cf.shape[0]
        basis_s = torch.einsum("knep,pb->kneb", torch.einsum("nc,kcep->knep", Ys, basis_cf), fb).reshape(k, S, J)
        hm = self._hp(self.mag_hp, S)
        G = self.mag_ell.shape[0]
        w, res = _gp_solve(meas_db.double().reshape(S, J), Ys @ mean_c, basis_s, cos_ss, cos_ts,
                           hm[0] * self.mag_lam, self.mag_chan_var, self.mag_chan_band,
                           hm[3] * self.mag_ell, hm[1].expand(G), hm[2].expand(G))
        coef = mean_c + (torch.einsum("k,kcep->cep", w, basis_cf) @ fb).reshape(-1, J)
        db = Yt @ coef + res

        Yis = real_sh(ms, self.itd_order)
        Yit = real_sh(ts, self.itd_order)
        zero_band = torch.zeros(1, dtype=torch.long, device=ms.device)
        hi = self._hp(self.itd_hp, S)
        wi, resi = _gp_solve(meas_itd_s.double().reshape(S, 1) * 1e6, (Yis @ self.itd_mean).reshape(S, 1),
                             (self.itd_basis @ Yis.T).unsqueeze(2), cos_ss, cos_ts,
                             hi[0] * self.itd_lam, self.itd_chan_var, zero_band,
                             hi[3] * self.itd_ell, hi[1].reshape(1), hi[2].reshape(1))
        itd = Yit @ (self.itd_mean + wi @ self.itd_basis) + resi.reshape(T)
        return db.reshape(T, 2, self.bins).float(), (itd.reshape(T) * 1e-6).float()
