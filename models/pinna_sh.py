"""Real spherical harmonics in TorchScript (used by the models and their training).

Directions are unit vectors in the SOFA frame (x front, y left, z up). The basis is
orthonormal on the sphere; index l*l + l + m for -l <= m <= l, m < 0 -> sin(|m| phi),
m > 0 -> cos(m phi), with the Condon-Shortley phase omitted.
"""
import math
from typing import List

import numpy as np
import torch


@torch.jit.script
def real_sh(unit: torch.Tensor, order: int) -> torch.Tensor:
    """unit [P, 3] (not necessarily normalised) -> [P, (order+1)^2] real SH values.

    The associated Legendre functions P_l^m(z) of all orders m are advanced one degree l
    at a time as rows of width order + 1 (zero for m > l), then gathered into the basis;
    a few tensor operations per degree, none per coefficient. (The coefficient tables are
    computed as tensors: TorchScript's torch.tensor(List[float]) rounds through float32.)"""
    v = unit / torch.linalg.norm(unit, dim=1, keepdim=True)
    # computed transposed (points across, functions down), returned as a transposed view
    z = v[:, 2].clamp(-1.0, 1.0).unsqueeze(0)
    s = torch.sqrt(torch.clamp(1.0 - z * z, min=0.0))
    phi = torch.atan2(v[:, 1], v[:, 0]).unsqueeze(0)
    dt = unit.dtype
    dev = unit.device
    n1 = order + 1
    ms = torch.arange(n1, dtype=dt, device=dev).unsqueeze(1)  # order m down the rows
    ls = ms.transpose(0, 1)  # degree l across
    below = (ms < ls).to(dt)  # [m, l]: m < l
    safe = torch.clamp(ls - ms, min=1.0)
    # P_l^m = (z (2l - 1) P_{l-1}^m - (l + m - 1) P_{l-2}^m) / (l - m) for m < l
    ca = (below * (2.0 * ls - 1.0) / safe).transpose(0, 1).unsqueeze(2)  # [l, m, 1]
    cb = (below * (ls + ms - 1.0) / safe).transpose(0, 1).unsqueeze(2)
    # P_l^l = (2l - 1)!! sin^l(theta), without the Condon-Shortley phase
    diag = torch.pow(s, ms) * torch.cumprod(torch.clamp(2.0 * ms - 1.0, min=1.0), dim=0)  # [m, P]
    onehot = torch.eye(n1, dtype=dt, device=dev).unsqueeze(2)
    rows: List[torch.Tensor] = [diag * onehot[0]]
    prev2 = torch.zeros_like(diag)
    prev = rows[0]
    for l in range(1, n1):
        row = z * prev * ca[l] - prev2 * cb[l] + diag * onehot[l]
        rows.append(row)
        prev2 = prev
        prev = row
    p = torch.stack(rows, dim=0).reshape(n1 * n1, unit.shape[0])  # row l * n1 + m
    # the basis index l*l + l + m', m' = -l .. l
    idx = torch.arange(n1 * n1, device=dev)
    deg = torch.floor(torch.sqrt(idx.to(dt) + 0.5)).to(torch.long)
    mm = idx - deg * deg - deg
    am = torch.abs(mm)
    degf = deg.to(dt)
    amf = am.to(dt)
    norm = torch.sqrt((2.0 * degf + 1.0) / (4.0 * math.pi)
                      * torch.exp(torch.lgamma(degf - amf + 1.0) - torch.lgamma(degf + amf + 1.0)))
    norm = norm * (1.0 + (math.sqrt(2.0) - 1.0) * (am > 0).to(dt))
    mphi = ms * phi
    trig = torch.cat([torch.cos(mphi), torch.sin(mphi)], dim=0)  # cos(m phi) for m >= 0, sin(|m| phi)
    trow = torch.where(mm >= 0, am, am + n1)
    y = p.index_select(0, deg * n1 + am) * trig.index_select(0, trow) * norm.unsqueeze(1)
    return y.transpose(0, 1)


def sh_degrees(order):
    return np.concatenate([np.full(2 * l + 1, l) for l in range(order + 1)])


def sh_matrix(unit, order):
    return real_sh(torch.as_tensor(np.asarray(unit), dtype=torch.float64), order).numpy()


def sh_fit(unit, values, order, reg=1e-3, weights=None):
    """Regularised least-squares SH coefficients of values [P, ...] sampled at unit [P, 3].

    Tikhonov penalty reg * (l(l+1))^2 keeps unsampled regions (e.g. SONICOM's bottom
    cap) smooth. Returns [C, ...].
    """
    Y = sh_matrix(unit, order)
    w = np.ones(len(Y)) if weights is None else np.asarray(weights, dtype=np.float64)
    deg = sh_degrees(order)
    pen = reg * (deg * (deg + 1.0)) ** 2 * (w.sum() / (4 * np.pi))
    A = (Y * w[:, None]).T @ Y + np.diag(pen)
    vals = np.asarray(values, dtype=np.float64).reshape(len(Y), -1)
    coef = np.linalg.solve(A, (Y * w[:, None]).T @ vals)
    return coef.reshape((Y.shape[1],) + np.asarray(values).shape[1:])
