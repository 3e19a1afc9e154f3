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
import math
from typing import List, Optional, Tuple

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


def _band_terms(Linv: torch.Tensor, bg: torch.Tensor, rg: torch.Tensor) -> Tuple[torch.Tensor, torch.Tensor]:
    """One band's share of the weights' normal equations. Linv = L^-1 with L L^T = rho, the
    band's residual covariance at the measured directions; bg [n, K, S] the basis and rg
    [n, S] the prior residual of its n channels (divided by their standard deviations).
    Returns Wk [K, n*S], the rows of bg L^-T per weight, and v = rg L^-T [n, S]: the band
    adds Wk Wk^T to the weights' precision and Wk v to the right-hand side. bg and Linv
    may be single precision (Wk then is); v is computed in rg's precision."""
    n = bg.shape[0]
    K = bg.shape[1]
    S = bg.shape[2]
    W = bg.reshape(n * K, S) @ Linv.to(bg.dtype).transpose(0, 1)
    Wk = W.reshape(n, K, S).transpose(0, 1).reshape(K, n * S)
    return Wk, rg @ Linv.transpose(0, 1)


def _normal_terms(Wk: torch.Tensor, v: torch.Tensor) -> Tuple[torch.Tensor, torch.Tensor]:
    """A band's (Wk Wk^T, Wk v) from _band_terms' (Wk, v), in double precision."""
    return (Wk @ Wk.transpose(0, 1)).double(), (Wk @ v.reshape(-1).to(Wk.dtype)).double()


def _compressed_band(Linv: torch.Tensor, F: torch.Tensor, Zg: torch.Tensor,
                     r: torch.Tensor) -> Tuple[torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor]:
    """_band_terms and _normal_terms for a band whose basis is compressed along frequency:
    the basis of channel (ear e, bin c) is sum_p F[e, c, p] Zg[e, p, k, s], with F [2, c, p]
    the band's frequency basis (divided by the channels' deviations) and Zg [2, p, K, S]
    its components at the measured directions; r [2, c, S] the prior residual (divided by
    the deviations). The channels are summed out through F^T F, so the work grows with p,
    not with the number of bins. Returns (Wk Wk^T [K, K], Wk v [K], A [K, 2*p*S] = Zg L^-T,
    v [2, c, S] = r L^-T); A and v are what _compressed_coefficients needs."""
    E = F.shape[0]
    p = F.shape[2]
    K = Zg.shape[2]
    S = Zg.shape[3]
    Zt = (Zg.reshape(E * p * K, S) @ Linv.to(Zg.dtype).transpose(0, 1)).reshape(E, p, K, S)
    M = torch.bmm(F.transpose(1, 2), F)  # [2, p, p]
    Y = torch.bmm(M, Zt.reshape(E, p, K * S)).reshape(E, p, K, S)
    A = Zt.permute(2, 0, 1, 3).reshape(K, E * p * S)
    gram = (Y.permute(2, 0, 1, 3).reshape(K, E * p * S) @ A.transpose(0, 1)).double()
    v = r @ Linv.transpose(0, 1)
    Fv = torch.bmm(F.transpose(1, 2).to(v.dtype), v)  # [2, p, S]
    rhs = (A @ Fv.reshape(-1).to(A.dtype)).double()
    return gram, rhs, A, v


def _compressed_coefficients(Linv: torch.Tensor, F: torch.Tensor, A: torch.Tensor, v: torch.Tensor,
                             w: torch.Tensor) -> torch.Tensor:
    """_band_coefficients for a band of _compressed_band: (v - w W) L^-1, [2 * c, S]."""
    E = F.shape[0]
    p = F.shape[2]
    S = v.shape[2]
    T = (w.to(A.dtype) @ A).reshape(E, p, S)
    u = v - torch.bmm(F, T).to(v.dtype)
    return u.reshape(-1, S) @ Linv


def _weights(terms: List[Tuple[torch.Tensor, torch.Tensor]], prior_var: torch.Tensor) -> torch.Tensor:
    """Posterior mean of the shared weights from every band's (Wk Wk^T, Wk v)."""
    A = torch.diag(1.0 / prior_var)
    b = torch.zeros(prior_var.shape[0], dtype=prior_var.dtype, device=prior_var.device)
    for gram, rhs in terms:
        A = A + gram
        b = b + rhs
    return torch.linalg.solve(A, b)


def _joint_weights(terms: List[Tuple[torch.Tensor, torch.Tensor]], prior_var: torch.Tensor, shared_c: torch.Tensor,
                   shared_var: torch.Tensor) -> List[torch.Tensor]:
    """Posterior means of the bands' weights w_g = v_g + C_g u, with v_g ~ N(0, diag(
    prior_var[g])) each band's own and u ~ N(0, diag(shared_var)) shared by all (shared_c
    [G, K, J] = C), from every band's (Wk, v): the normal equations in (v, u) solved by
    eliminating each band's v_g (K x K Cholesky factors) and then u (J x J). terms: each
    band's (Wk Wk^T, Wk v)."""
    J = shared_var.shape[0]
    Su = torch.diag(1.0 / shared_var)
    bu = torch.zeros(J, dtype=shared_var.dtype, device=shared_var.device)
    Xs: List[torch.Tensor] = []
    ys: List[torch.Tensor] = []
    for g in range(len(terms)):
        gram, rhs = terms[g]
        Cg = shared_c[g]
        L = torch.linalg.cholesky(gram + torch.diag(1.0 / prior_var[g]))
        GC = gram @ Cg
        X = torch.cholesky_solve(GC, L)
        y = torch.cholesky_solve(rhs.unsqueeze(1), L).squeeze(1)
        Su = Su + Cg.transpose(0, 1) @ GC - GC.transpose(0, 1) @ X
        bu = bu + Cg.transpose(0, 1) @ rhs - GC.transpose(0, 1) @ y
        Xs.append(X)
        ys.append(y)
    u = torch.linalg.solve(Su, bu)
    return [ys[g] - Xs[g] @ u + shared_c[g] @ u for g in range(len(terms))]


def _band_coefficients(Linv: torch.Tensor, Wk: torch.Tensor, v: torch.Tensor,
                       w: torch.Tensor) -> torch.Tensor:
    """The band's residual field given the weights w [K] is (rg - w bg) rho^-1 k_st =
    (v - w W) L^-1 k_ts^T: this returns (v - w W) L^-1, [n, S]."""
    u = v - (w.to(Wk.dtype) @ Wk).to(v.dtype).reshape(v.shape)
    return u @ Linv


def _band_posterior(Linv: torch.Tensor, Wk: torch.Tensor, v: torch.Tensor, w: torch.Tensor,
                    k_ts: torch.Tensor) -> torch.Tensor:
    """The band's residual field at the targets, [n, T] (still divided by the deviations)."""
    return _band_coefficients(Linv, Wk, v, w) @ k_ts.transpose(0, 1)


def _field_posterior(bs: torch.Tensor, r: torch.Tensor, prior_var: torch.Tensor, const: torch.Tensor,
                     ell: torch.Tensor, nugget: torch.Tensor, cos_ss: torch.Tensor,
                     cos_ts: torch.Tensor) -> Tuple[torch.Tensor, torch.Tensor]:
    """The posterior of a field with one residual GP (covariance const + exp((cos angle - 1) /
    ell^2) + nugget * delta) and principal components shared by its n channels: bs [n, K, S]
    the components and r [n, S] the measured values minus the prior mean at the measured
    directions (both divided by the channels' deviation), prior_var [K] the components'
    prior variances. Returns (the weights [K], the residual field at the targets [n, T])."""
    S = r.shape[1]
    eye = torch.eye(S, dtype=torch.float64, device=cos_ss.device)
    ell2 = ell * ell
    L = torch.linalg.cholesky(const + torch.exp((cos_ss - 1.0) / ell2) + nugget * eye)
    Linv = torch.linalg.solve_triangular(L, eye, upper=False)
    W, v = _band_terms(Linv, bs, r)
    w = _weights([_normal_terms(W, v)], prior_var)
    k_ts = const + torch.exp((cos_ts - 1.0) / ell2)
    return w, _band_posterior(Linv, W, v, w, k_ts)


def _energy_db(db: torch.Tensor) -> torch.Tensor:
    """Broadband energy (dB) of one-sided dB spectra of an even-length FFT [..., bins] by
    Parseval: the end bins once, the others twice. Single precision (exp, not pow: a
    vectorised loop)."""
    p = torch.exp(db.float() * (math.log(10.0) / 10.0))
    return 10.0 * torch.log10(2.0 * p.sum(-1) - p[..., 0] - p[..., -1])


def _yaw_rotate(u: torch.Tensor, yaw_deg: torch.Tensor) -> torch.Tensor:
    """Directions u [..., 3] (SOFA frame) as seen from a head turned yaw_deg [...] to the
    left (counter-clockwise from above): rotated by -yaw about the vertical axis."""
    a = yaw_deg * (math.pi / 180.0)
    c = torch.cos(a)
    s = torch.sin(a)
    x = u[..., 0]
    y = u[..., 1]
    return torch.stack([c * x + s * y, c * y - s * x, u[..., 2]], dim=-1)


def estimate_yaw(ms: torch.Tensor, itd_us: torch.Tensor, itd_mean: torch.Tensor, order: int,
                 cfg: torch.Tensor) -> torch.Tensor:
    """MAP estimate of a head's yaw (deg, to the left) from ITDs itd_us [S] (us) measured at
    unit directions ms [S, 3] (double), given the population's ITD (real SH coefficients
    itd_mean of the given order): over a grid of yaws, the population ITD at the measured
    directions seen from the turned head, scaled and offset (a ~ N(1, sd_a^2),
    b ~ N(0, sd_b^2), both solved for in closed form), against the measured ITDs with
    noise sd_n, plus the yaw's prior N(0, sd^2); refined by a parabola through the best
    grid point and its neighbours. A best yaw at the edge of the searched range means the
    measurements do not pin it down (all-zero ITDs do that): 0 is returned then.
    cfg = [sd, sd_a, sd_b, sd_n, largest yaw, step]."""
    step = float(cfg[5])
    n = int(round(float(cfg[4]) / step))
    grid = torch.arange(-n, n + 1, dtype=torch.float64, device=ms.device) * step  # [D]
    D = grid.shape[0]
    S = ms.shape[0]
    # The population ITD seen from a head turned by each yaw: turning the head moves every
    # azimuth by -yaw, which turns the SH coefficients of order m within each (m, -m) pair
    # (cos(m(phi - yaw)) = cos m phi cos m yaw + sin m phi sin m yaw, and likewise for sin),
    # so the basis is evaluated at the measured directions once.
    C = itd_mean.shape[0]
    idx = torch.arange(C, device=ms.device)
    deg = torch.floor(torch.sqrt(idx.to(torch.float64) + 0.5)).to(torch.long)
    m = idx - deg * deg - deg
    partner = deg * deg + deg - m
    my = torch.abs(m).to(torch.float64).unsqueeze(0) * (grid * (math.pi / 180.0)).unsqueeze(1)  # [D, C]
    sign = torch.where(m > 0, -1.0, 1.0).to(torch.float64)
    coef = itd_mean.unsqueeze(0) * torch.cos(my) + (sign * itd_mean[partner]).unsqueeze(0) * torch.sin(my)
    p = coef @ real_sh(ms, order).transpose(0, 1)  # [D, S]
    y = itd_us.unsqueeze(0)
    wn = 1.0 / (cfg[3] * cfg[3])
    wa = 1.0 / (cfg[1] * cfg[1])
    wb = 1.0 / (cfg[2] * cfg[2])
    spp = (p * p).sum(1) * wn + wa
    sp = p.sum(1) * wn
    s1 = float(S) * wn + wb
    rhs_a = (p * y).sum(1) * wn + wa
    rhs_b = y.sum(1) * wn
    det = spp * s1 - sp * sp
    a = (rhs_a * s1 - sp * rhs_b) / det
    b = (spp * rhs_b - sp * rhs_a) / det
    e = y - a.unsqueeze(1) * p - b.unsqueeze(1)
    cost = (e * e).sum(1) * wn + (a - 1.0) * (a - 1.0) * wa + b * b * wb + grid * grid / (cfg[0] * cfg[0])
    i = int(torch.argmin(cost).item())
    if i == 0 or i == D - 1:
        return torch.zeros((), dtype=torch.float64, device=ms.device)
    yaw = grid[i]
    den = cost[i - 1] - 2.0 * cost[i] + cost[i + 1]
    if bool(den > 0):
        yaw = yaw + 0.5 * step * (cost[i - 1] - cost[i + 1]) / den
    return yaw


class Upsampler(torch.nn.Module):
    def __init__(self, p: dict, codec: torch.nn.Module):
        """p: the GP's parameters (train_upsampler.py) and, optionally, the latent stage's
        (train_upsampler_latent.py: lat_order, lat_mean, lat_hp); codec: the autoencoder
        (autoencoder.pt) whose latent space the latent stage works in. Without lat_* the
        latent stage has weight 0 (the GP alone)."""
        super().__init__()
        self.mag_order = int(p["mag_order"])
        self.itd_order = int(p["itd_order"])
        self.bins = int(p["bins"])
        f64 = torch.float64
        # magnitude prior: mean [C, 2*bins]; basis stored compressed along frequency:
        # basis = basis_cf [K, C, 2, P] @ freq_basis [P, bins], kept as
        # mag_basis_pkec [P, K, 2, C] (one GEMM takes it to the measured directions, and a
        # band's frequency components are a contiguous block to weight)
        self.register_buffer("mag_mean", torch.as_tensor(p["mag_mean"], dtype=torch.float32))
        basis_cf = torch.as_tensor(p["mag_basis_cf"], dtype=torch.float32)
        self.register_buffer("mag_basis_pkec", basis_cf.permute(3, 0, 2, 1).contiguous())
        self.register_buffer("freq_basis", torch.as_tensor(p["freq_basis"], dtype=torch.float32))
        # The components' prior variances: [K] for one weight vector shared by every band,
        # or [G, K] for a set of components per band (v1.4.0 on: each band's principal
        # components, their weights solved band by band); mag_comp_band [P] then names the
        # band of each frequency component (the frequency basis is zero outside it).
        lam = torch.as_tensor(p["mag_lam"], dtype=f64)
        if lam.dim() == 1:
            lam = lam.unsqueeze(0)
        self.register_buffer("mag_lam", lam)
        n_comp = basis_cf.shape[3]
        comp_band = torch.as_tensor(p.get("mag_comp_band", torch.zeros(n_comp)), dtype=torch.long)
        self.register_buffer("mag_comp_band", comp_band)
        # components shared by the bands, written in each band's: [G, K, J], their
        # variances [J] and their prior scale per level (mag_shared_hp [levels, 1]; 0: none)
        self.register_buffer("mag_shared_c", torch.as_tensor(p.get("mag_shared_c", torch.zeros(1, 1, 1)), dtype=f64))
        self.register_buffer("mag_shared_lam", torch.as_tensor(p.get("mag_shared_lam", torch.ones(1)), dtype=f64))
        self.register_buffer("mag_shared_hp", torch.as_tensor(
            p.get("mag_shared_hp", torch.zeros(len(p["hp_counts"]), 1)), dtype=f64).reshape(-1, 1))
        chan_var = torch.as_tensor(p["mag_chan_var"], dtype=f64)
        self.register_buffer("mag_chan_var", chan_var)
        band = torch.as_tensor(p["mag_chan_band"], dtype=torch.long)
        self.register_buffer("mag_chan_band", band)
        # The bands are runs of bins, the same for both ears: [band_lo[g], band_hi[g]).
        per_ear = band.reshape(2, self.bins)
        if not bool((per_ear[0] == per_ear[1]).all()) or not bool((per_ear[0][1:] >= per_ear[0][:-1]).all()):
            raise ValueError("mag_chan_band: expected the same ascending runs of bins for both ears")
        G = int(per_ear[0].max().item()) + 1
        self.band_lo: List[int] = [int((per_ear[0] < g).sum().item()) for g in range(G)]
        self.band_hi: List[int] = [int((per_ear[0] <= g).sum().item()) for g in range(G)]
        # the weight group of each band and the frequency components [comp_lo, comp_hi) of
        # each group
        Gw = lam.shape[0]
        if Gw != 1 and Gw != G:
            raise ValueError("mag_lam: expected [K] or [bands, K]")
        if comp_band.shape[0] != n_comp or not bool((comp_band[1:] >= comp_band[:-1]).all()) \
                or int(comp_band.min().item()) != 0 or int(comp_band.max().item()) != Gw - 1:
            raise ValueError("mag_comp_band: expected ascending runs of components, one per weight group")
        self.group_of_band: List[int] = [g if Gw > 1 else 0 for g in range(G)]
        self.comp_lo: List[int] = [int((comp_band < q).sum().item()) for q in range(Gw)]
        self.comp_hi: List[int] = [int((comp_band <= q).sum().item()) for q in range(Gw)]
        sc = self.mag_shared_c
        if bool((self.mag_shared_hp > 0).any()) and (Gw != G or sc.shape[0] != G or sc.shape[1] != lam.shape[1]
                                                     or sc.shape[2] != self.mag_shared_lam.shape[0]):
            raise ValueError("mag_shared_c: expected [bands, K, J] with a weight group per band")
        # each channel's standard deviation, and the frequency basis divided by it per ear
        sd = torch.sqrt(chan_var).reshape(2, self.bins)
        self.register_buffer("mag_chan_sd", sd)
        fbs = self.freq_basis.double().unsqueeze(0) / sd.unsqueeze(1)
        self.register_buffer("freq_basis_scaled_t", fbs.transpose(1, 2).contiguous().float())
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
        # The latent stage: the measured spectra encoded by the autoencoder, their codes'
        # deviation from the population's mean code field (real SH, [Cl, 2 * latent])
        # interpolated by a GP, decoded at the targets and blended with the GP's dB:
        # lat_hp rows = hp_counts, columns = const, ell, nugget, blend weight.
        self.codec = codec
        latent = int(codec.latent)
        self.lat_order = int(p.get("lat_order", 0))
        nl = (self.lat_order + 1) * (self.lat_order + 1)
        self.register_buffer("lat_mean", torch.as_tensor(p.get("lat_mean", torch.zeros(nl, 2 * latent)), dtype=f64))
        self.register_buffer("lat_hp", torch.as_tensor(p.get("lat_hp", torch.zeros(len(p["hp_counts"]), 4)), dtype=f64))
        if self.lat_mean.shape[0] != nl or self.lat_mean.shape[1] != 2 * latent:
            raise ValueError("lat_mean: expected [(lat_order + 1)^2, 2 * latent]")
        # The blend weight per frequency band (v1.4.1 on): lat_band_w rows = hp_counts,
        # columns = the residual GP's bands; without it (no rows) every band takes lat_hp's.
        self.register_buffer("lat_band_w", torch.as_tensor(p.get("lat_band_w", torch.zeros(0, G)), dtype=f64))
        if self.lat_band_w.shape[1] != G or (self.lat_band_w.shape[0] != 0
                                             and self.lat_band_w.shape[0] != self.lat_hp.shape[0]):
            raise ValueError("lat_band_w: expected [levels, bands]")
        # The level stage (train_upsampler_level.py): each ear's broadband level (dB, by
        # Parseval; the ILD is the difference of the two) estimated on its own, as the ITD
        # is: a population mean level field (real SH, [Cv, 2]) plus principal components of
        # the subjects' deviations (lvl_basis [Kv, Cv, 2], variances lvl_lam), weights shared
        # by both ears, and a residual GP; the GP's spectra are then moved towards those
        # levels by a weight. lvl_hp rows = hp_counts, columns = alpha, const, ell, nugget,
        # weight (0: off).
        self.lvl_order = int(p.get("lvl_order", 0))
        nv = (self.lvl_order + 1) * (self.lvl_order + 1)
        self.register_buffer("lvl_mean", torch.as_tensor(p.get("lvl_mean", torch.zeros(nv, 2)), dtype=f64))
        self.register_buffer("lvl_basis", torch.as_tensor(p.get("lvl_basis", torch.zeros(1, nv, 2)), dtype=f64))
        self.register_buffer("lvl_lam", torch.as_tensor(p.get("lvl_lam", torch.ones(1)), dtype=f64))
        self.register_buffer("lvl_hp", torch.as_tensor(p.get("lvl_hp", torch.zeros(len(p["hp_counts"]), 5)), dtype=f64))
        if self.lvl_mean.shape[0] != nv or self.lvl_mean.shape[1] != 2:
            raise ValueError("lvl_mean: expected [(lvl_order + 1)^2, 2]")
        if self.lvl_basis.dim() != 3 or self.lvl_basis.shape[1] != nv or self.lvl_basis.shape[2] != 2 \
                or self.lvl_lam.shape[0] != self.lvl_basis.shape[0] or self.lvl_hp.shape[1] != 5:
            raise ValueError("lvl_basis, lvl_lam, lvl_hp: expected [K, (lvl_order + 1)^2, 2], [K], [levels, 5]")
        # The head's yaw (train_upsampler.py): the population is a head facing straight
        # ahead; a subject measured with the head turned is predicted in the head's own
        # frame. yaw_cfg = [prior sd (deg; 0: off), sd of the ITD scale, sd of the ITD
        # offset (us), ITD noise sd (us), largest yaw searched (deg), step (deg)].
        self.register_buffer("yaw_cfg", torch.as_tensor(p.get("yaw_cfg", torch.zeros(6)), dtype=f64))

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
    def head_yaw_deg(self, meas_dirs: torch.Tensor, meas_itd_s: torch.Tensor) -> torch.Tensor:
        """The head's yaw (deg, turned to the left: counter-clockwise seen from above) that
        forward() assumes for these measurements, [1] float32 (0 when the archive has no
        yaw stage)."""
        self._check_dirs(meas_dirs, "meas_dirs")
        if meas_dirs.shape[0] < 1:
            raise RuntimeError("meas_dirs: at least one measured direction is needed")
        if meas_itd_s.dim() != 1 or meas_itd_s.shape[0] != meas_dirs.shape[0]:
            raise RuntimeError("meas_itd_s: expected shape [S] matching meas_dirs")
        if not bool(torch.isfinite(meas_itd_s).all()):
            raise RuntimeError("meas_itd_s: contains NaN or Inf")
        if float(self.yaw_cfg[0]) <= 0.0:
            return torch.zeros(1, dtype=torch.float32)
        ms = meas_dirs.double()
        ms = ms / torch.linalg.norm(ms, dim=1, keepdim=True)
        yaw = estimate_yaw(ms, meas_itd_s.double() * 1e6, self.itd_mean, self.itd_order, self.yaw_cfg)
        return yaw.reshape(1).float()

    @torch.jit.export
    def population(self, target_dirs: torch.Tensor) -> Tuple[torch.Tensor, torch.Tensor]:
        """Population-average dB magnitudes [T, 2, bins] and ITD [T] (s) at the targets."""
        self._check_dirs(target_dirs, "target_dirs")
        t = target_dirs.double()
        Y = real_sh(t, max(self.mag_order, self.itd_order))
        Ym = Y[:, : (self.mag_order + 1) * (self.mag_order + 1)]
        Yi = Y[:, : (self.itd_order + 1) * (self.itd_order + 1)]
        db = (Ym @ self.mag_mean.double()).reshape(t.shape[0], 2, self.bins)
        itd = (Yi @ self.itd_mean) * 1e-6
        return db.float(), itd.float()

    def _latent_db(self, meas_db: torch.Tensor, Ys_all: torch.Tensor, Yt_all: torch.Tensor,
                   cos_ss: torch.Tensor, cos_ts: torch.Tensor, lh: torch.Tensor) -> torch.Tensor:
        """The latent stage's dB magnitudes at the targets, [T, 2, bins]."""
        S = meas_db.shape[0]
        T = cos_ts.shape[0]
        nl = (self.lat_order + 1) * (self.lat_order + 1)
        codes = self.codec.encode(meas_db.reshape(S * 2, self.bins)).double().reshape(S, -1)
        r = codes - Ys_all[:, :nl] @ self.lat_mean
        ell2 = lh[1] * lh[1]
        eye = torch.eye(S, dtype=torch.float64, device=cos_ss.device)
        K = lh[0] + torch.exp((cos_ss - 1.0) / ell2) + lh[2] * eye
        k_ts = lh[0] + torch.exp((cos_ts - 1.0) / ell2)
        z = Yt_all[:, :nl] @ self.lat_mean.float() + (k_ts @ torch.linalg.solve(K, r)).float()
        return self.codec.decode(z.reshape(T * 2, -1)).reshape(T, 2, self.bins)

    def _level_shift(self, meas_db: torch.Tensor, db: torch.Tensor, Ys_all: torch.Tensor, Yt_all: torch.Tensor,
                     cos_ss: torch.Tensor, cos_ts: torch.Tensor, vh: torch.Tensor) -> torch.Tensor:
        """The level stage's shift of each target's and ear's spectrum, [T, 2, 1] dB: the
        weight vh[4] times the difference between the ears' levels estimated on their own
        (prior mean, principal components and residual GP) and the levels of db."""
        nv = (self.lvl_order + 1) * (self.lvl_order + 1)
        T = cos_ts.shape[0]
        Ys = Ys_all[:, :nv]
        bv = torch.einsum("kce,sc->eks", self.lvl_basis, Ys)  # [2, K, S]
        rv = (_energy_db(meas_db).double() - Ys @ self.lvl_mean).transpose(0, 1)  # [2, S]
        w, res = _field_posterior(bv, rv, vh[0] * self.lvl_lam, vh[1], vh[2], vh[3], cos_ss, cos_ts)
        level = Yt_all[:, :nv].double() @ (self.lvl_mean + torch.einsum("k,kce->ce", w, self.lvl_basis))
        level = level + res.transpose(0, 1)
        return (vh[4] * (level - _energy_db(db).double())).float().reshape(T, 2, 1)

    def forward(self, meas_dirs: torch.Tensor, meas_db: torch.Tensor, meas_itd_s: torch.Tensor,
                target_dirs: torch.Tensor) -> Tuple[torch.Tensor, torch.Tensor]:
        """meas_dirs [S, 3], meas_db [S, 2, bins] (dB), meas_itd_s [S] (s, t_left - t_right),
        target_dirs [T, 3] -> (db [T, 2, bins], itd_s [T]), float32. The head's yaw is
        estimated from the measured ITDs (head_yaw_deg)."""
        return self._posterior(meas_dirs, meas_db, meas_itd_s, target_dirs, None)

    @torch.jit.export
    def forward_at_yaw(self, meas_dirs: torch.Tensor, meas_db: torch.Tensor, meas_itd_s: torch.Tensor,
                       target_dirs: torch.Tensor, yaw_deg: torch.Tensor) -> Tuple[torch.Tensor, torch.Tensor]:
        """As forward, for a head known to be turned by yaw_deg [1] (degrees, to the left;
        0: sitting straight) instead of the yaw estimated from the measured ITDs."""
        if yaw_deg.numel() != 1 or not bool(torch.isfinite(yaw_deg).all()):
            raise RuntimeError("yaw_deg: expected one finite value")
        return self._posterior(meas_dirs, meas_db, meas_itd_s, target_dirs, yaw_deg.double().reshape(()))

    def _posterior(self, meas_dirs: torch.Tensor, meas_db: torch.Tensor, meas_itd_s: torch.Tensor,
                   target_dirs: torch.Tensor, given_yaw: Optional[torch.Tensor]) -> Tuple[torch.Tensor, torch.Tensor]:
        """The posterior of _gp_solve, computed band by band with Cholesky factors of the
        residual covariance (no inverse, no channel masks), in the frame of a head turned by
        given_yaw (degrees), or by the yaw estimated from the ITDs when it is None."""
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
        # predicted in the head's frame (the angles between directions are unchanged)
        if given_yaw is not None:
            ms = _yaw_rotate(ms, given_yaw.expand(S))
            ts = _yaw_rotate(ts, given_yaw.expand(T))
        elif float(self.yaw_cfg[0]) > 0.0:
            yaw = estimate_yaw(ms, meas_itd_s.double() * 1e6, self.itd_mean, self.itd_order, self.yaw_cfg)
            ms = _yaw_rotate(ms, yaw.expand(S))
            ts = _yaw_rotate(ts, yaw.expand(T))
        eye = torch.eye(S, dtype=ms.dtype, device=ms.device)
        order = max(max(self.mag_order, self.itd_order), max(self.lat_order, self.lvl_order))
        # The basis at the measured directions in double precision (the weights' system), at
        # the targets in single (what multiplies it there is single, or rounded to it: errors
        # of about 1e-5 in the basis, 1e-4 dB and 1e-2 us in the outputs).
        Ys_all = real_sh(ms, order)
        Yt_all = real_sh(ts.float(), order)
        nm = (self.mag_order + 1) * (self.mag_order + 1)
        ni = (self.itd_order + 1) * (self.itd_order + 1)

        # magnitudes: the basis at the measured directions, [P, K, ear, S]
        # (the compressed basis stays in single precision: its products are converted)
        # The basis products (most of the work for many measured directions) are computed in
        # single precision; the weights' system, the residuals and the posterior in double.
        B = self.mag_basis_pkec
        P = B.shape[0]
        K = B.shape[1]
        C = B.shape[3]
        nb = self.bins
        Ys = Ys_all[:, :nm]
        Z = (B.reshape(P * K * 2, C) @ Ys.float().transpose(0, 1)).reshape(P, K, 2, S)
        mean_c = self.mag_mean.double()
        # prior residual divided by the deviations, rows (ear, bin)
        r0 = (meas_db.double().reshape(S, 2 * nb) - Ys @ mean_c).transpose(0, 1).reshape(2, nb, S)
        r0 = r0 / self.mag_chan_sd.unsqueeze(2)
        hm = self._hp(self.mag_hp, S)
        const = hm[1]
        nugget = hm[2]
        Linvs: List[torch.Tensor] = []
        terms: List[Tuple[torch.Tensor, torch.Tensor]] = []
        band_av: List[Tuple[torch.Tensor, torch.Tensor]] = []
        for g in range(len(self.band_lo)):
            lo = self.band_lo[g]
            hi = self.band_hi[g]
            q = self.group_of_band[g]
            plo = self.comp_lo[q]
            phi = self.comp_hi[q]
            ell = hm[3] * self.mag_ell[g]
            L = torch.linalg.cholesky(const + torch.exp((cos_ss - 1.0) / (ell * ell)) + nugget * eye)
            Linv = torch.linalg.solve_triangular(L, eye, upper=False)
            Zg = Z[plo:phi].permute(2, 0, 1, 3).contiguous()  # [2, p, K, S]
            gram, rhs, Ag, vg = _compressed_band(Linv, self.freq_basis_scaled_t[:, lo:hi, plo:phi], Zg,
                                                 r0[:, lo:hi, :])
            terms.append((gram, rhs))
            band_av.append((Ag, vg))
            Linvs.append(Linv)
        # the weights of each group, from the terms of its bands (with components shared by
        # the bands, all at once)
        ws: List[torch.Tensor] = []
        shared_scale = float(self._hp(self.mag_shared_hp, S)[0])
        if shared_scale > 0.0:
            ws = _joint_weights(terms, hm[0] * self.mag_lam, self.mag_shared_c, shared_scale * self.mag_shared_lam)
        else:
            for q in range(len(self.comp_lo)):
                group: List[Tuple[torch.Tensor, torch.Tensor]] = []
                for g in range(len(self.band_lo)):
                    if self.group_of_band[g] == q:
                        group.append(terms[g])
                ws.append(_weights(group, hm[0] * self.mag_lam[q]))
        coef = torch.zeros(2, C, nb, dtype=torch.float64, device=ms.device)
        for q in range(len(self.comp_lo)):
            wq = ws[q]
            plo = self.comp_lo[q]
            phi = self.comp_hi[q]
            # one weight vector against each of the p components' [K, 2C] slices (bmm: matmul
            # would transpose a copy of the whole basis first)
            wb = torch.bmm(wq.float().reshape(1, 1, K).expand(phi - plo, 1, K),
                           B[plo:phi].reshape(phi - plo, K, 2 * C)).reshape(phi - plo, 2 * C).double()
            coef = coef + torch.matmul(wb.reshape(phi - plo, 2, C).permute(1, 2, 0),
                                       self.freq_basis[plo:phi, :].double())  # [2, C, bins]
        coef = mean_c + coef.transpose(0, 1).reshape(C, 2 * nb)
        # the prior mean and weighted basis at the targets, [T, ear, bin], in single precision
        # (values of tens of dB: errors of about 1e-5 dB), in the output's layout
        db = (Yt_all[:, :nm] @ coef.float()).reshape(T, 2, nb)
        for g in range(len(self.band_lo)):
            lo = self.band_lo[g]
            hi = self.band_hi[g]
            ell = hm[3] * self.mag_ell[g]
            k_ts = const + torch.exp((cos_ts - 1.0) / (ell * ell))
            q = self.group_of_band[g]
            Ag, vg = band_av[g]
            # the residual field at the targets (times the deviations, taken in on the
            # measured side), in single precision: a few dB, errors of about 1e-6 dB
            a = _compressed_coefficients(Linvs[g], self.freq_basis_scaled_t[:, lo:hi, self.comp_lo[q]:self.comp_hi[q]],
                                         Ag, vg, ws[q]) * self.mag_chan_sd[:, lo:hi].reshape(-1, 1)
            res = (a.float() @ k_ts.float().transpose(0, 1)).reshape(2, hi - lo, T)
            db[:, :, lo:hi] += res.permute(2, 0, 1)

        lh = self._hp(self.lat_hp, S)
        G = len(self.band_lo)
        if self.lat_band_w.shape[0] > 0:
            band_w = self._hp(self.lat_band_w, S)
        else:
            band_w = lh[3].expand(G)
        if bool((band_w > 0.0).any()):
            latent = self._latent_db(meas_db, Ys_all, Yt_all, cos_ss, cos_ts, lh)
            # each ear's broadband level (and so the ILD) stays the GP's
            shift = (_energy_db(db) - _energy_db(latent)).unsqueeze(2)
            weight = torch.zeros(nb, dtype=torch.float32, device=db.device)
            for g in range(G):
                weight[self.band_lo[g]:self.band_hi[g]] = float(band_w[g])
            db = torch.lerp(db, latent + shift, weight)
        vh = self._hp(self.lvl_hp, S)
        if float(vh[4]) > 0.0:
            db = db + self._level_shift(meas_db, db, Ys_all, Yt_all, cos_ss, cos_ts, vh)

        # ITD (us): one channel
        Yis = Ys_all[:, :ni]
        sd_i = torch.sqrt(self.itd_chan_var[0])
        hi_ = self._hp(self.itd_hp, S)
        bi = (self.itd_basis @ Yis.transpose(0, 1)).unsqueeze(0) / sd_i  # [1, K, S]
        ri = (meas_itd_s.double() * 1e6 - Yis @ self.itd_mean).reshape(1, S) / sd_i
        wi, res_i = _field_posterior(bi, ri, hi_[0] * self.itd_lam, hi_[1], hi_[3] * self.itd_ell[0], hi_[2],
                                     cos_ss, cos_ts)
        itd = Yt_all[:, :ni].double() @ (self.itd_mean + wi @ self.itd_basis)
        itd = itd + res_i.reshape(T) * sd_i
        return db, (itd * 1e-6).float()
