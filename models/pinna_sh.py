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
    """unit [P, 3] (not necessarily normalised) -> [P, (order+1)^2] real SH values."""
    v = unit / torch.linalg.norm(unit, dim=1, keepdim=True)
    x = v[:, 0]
    y = v[:, 1]
    z = v[:, 2].clamp(-1.0, 1.0)
    s = torch.sqrt(torch.clamp(1.0 - z * z, min=0.0))
    phi = torch.atan2(y, x)
    n = unit.shape[0]
    # associated Legendre P_l^m(z) without Condon-Shortley phase, stored as list[l][m]
    p: List[List[torch.Tensor]] = []
    for l in range(order + 1):
        row: List[torch.Tensor] = []
        for m in range(l + 1):
            row.append(torch.zeros(n, dtype=unit.dtype, device=unit.device))
        p.append(row)
    p[0][0] = torch.ones(n, dtype=unit.dtype, device=unit.device)
    for m in range(1, order + 1):
        p[m][m] = p[m - 1][m - 1] * s * float(2 * m - 1)
    for m in range(0, order):
        p[m + 1][m] = z * float(2 * m + 1) * p[m][m]
    for m in range(0, order + 1):
        for l in range(m + 2, order + 1):
            p[l][m] = (z * float(2 * l - 1) * p[l - 1][m] - float(l + m - 1) * p[l - 2][m]) / float(l - m)
    cols: List[torch.Tensor] = []
    for l in range(order + 1):
        for mm in range(-l, l + 1):
            m = abs(mm)
            norm = math.sqrt((2.0 * l + 1.0) / (4.0 * math.pi) * math.exp(math.lgamma(l - m + 1.0) - math.lgamma(l + m + 1.0)))
            if m == 0:
                cols.append(norm * p[l][0])
            elif mm > 0:
                cols.append(math.sqrt(2.0) * norm * p[l][m] * torch.cos(float(m) * phi))
            else:
                cols.append(math.sqrt(2.0) * norm * p[l][m] * torch.sin(float(m) * phi))
    return torch.stack(cols, dim=1)


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
