"""The upsampler's TorchScript module code (models/pinna_upsampler.py) against the GP it
stands for, written out densely.

The module computes its posterior band by band, with compressed bases, Cholesky factors
and (since v1.4.0) each band's own components plus components shared by the bands
(_joint_weights). Here the same model is written as one joint Gaussian over every channel
at every measured direction, and its posterior mean at the targets is computed the slow,
obvious way: mean_t + Cov(t, s) Cov(s, s)^-1 (y_s - mean_s). Small random models, with
the yaw, latent and level stages off; every layout the module reads (one weight vector
for all bands, one per band, one per band with shared components).
"""
import os
import sys

import pytest
import torch

SOURCE = os.environ.get("PINNA_SOURCE_DIR", os.path.join(os.path.dirname(__file__), "..", ".."))
sys.path.insert(0, os.path.join(SOURCE, "models"))
from pinna_sh import real_sh  # noqa: E402
from pinna_upsampler import Upsampler  # noqa: E402

BINS = 9
BANDS = [(0, 3), (3, 6), (6, 9)]  # runs of bins, the same for both ears
MAG_ORDER = 2
ITD_ORDER = 1
COUNTS = [3, 7, 20]


class NoCodec(torch.nn.Module):
    """Stands in for the autoencoder: the latent stage is off (weight 0)."""
    latent = 2


def unit(n, gen):
    d = torch.randn(n, 3, generator=gen, dtype=torch.float64)
    return d / d.norm(dim=1, keepdim=True)


def make_params(layout, gen):
    """A small model: 'one' (one weight vector, v1.3.0's layout), 'bands' (a weight vector
    per band) or 'shared' (per band, with components shared by the bands)."""
    C = (MAG_ORDER + 1) ** 2
    G = len(BANDS)
    K = 4
    per_band = 2  # frequency components per band
    P = G * per_band
    freq = torch.zeros(P, BINS, dtype=torch.float64)
    for g, (lo, hi) in enumerate(BANDS):
        # each band's components live on its bins only
        freq[g * per_band:(g + 1) * per_band, lo:hi] = torch.randn(per_band, hi - lo, generator=gen,
                                                                    dtype=torch.float64)
    chan_band = torch.tensor([g for g, (lo, hi) in enumerate(BANDS) for _ in range(lo, hi)] * 2)
    p = dict(mag_order=MAG_ORDER, itd_order=ITD_ORDER, bins=BINS,
             mag_mean=3.0 * torch.randn(C, 2 * BINS, generator=gen, dtype=torch.float64),
             mag_basis_cf=torch.randn(K, C, 2, P, generator=gen, dtype=torch.float64),
             freq_basis=freq,
             mag_chan_var=0.5 + torch.rand(2 * BINS, generator=gen, dtype=torch.float64),
             mag_chan_band=chan_band,
             mag_ell=torch.tensor([0.9, 0.7, 0.5], dtype=torch.float64),
             hp_counts=torch.tensor(COUNTS, dtype=torch.float64),
             # alpha, const, nugget, ell scale per count
             mag_hp=torch.tensor([[0.8, 0.3, 0.2, 1.2], [0.5, 0.2, 0.1, 1.0], [0.3, 0.1, 0.05, 0.8]],
                                 dtype=torch.float64),
             itd_hp=torch.tensor([[2.0, 0.2, 0.1, 1.0], [1.0, 0.1, 0.1, 1.0], [0.5, 0.1, 0.05, 0.9]],
                                 dtype=torch.float64),
             itd_mean=100.0 * torch.randn((ITD_ORDER + 1) ** 2, generator=gen, dtype=torch.float64),
             itd_basis=10.0 * torch.randn(3, (ITD_ORDER + 1) ** 2, generator=gen, dtype=torch.float64),
             itd_lam=torch.tensor([4.0, 2.0, 1.0], dtype=torch.float64),
             itd_chan_var=torch.tensor([25.0], dtype=torch.float64),
             itd_ell=torch.tensor([0.8], dtype=torch.float64))
    if layout == "one":
        p["mag_lam"] = 1.0 + torch.rand(K, generator=gen, dtype=torch.float64)
    else:
        p["mag_lam"] = 1.0 + torch.rand(G, K, generator=gen, dtype=torch.float64)
        p["mag_comp_band"] = torch.arange(G).repeat_interleave(per_band)
    if layout == "shared":
        J = 3
        p["mag_shared_c"] = torch.randn(G, K, J, generator=gen, dtype=torch.float64)
        p["mag_shared_lam"] = 1.0 + torch.rand(J, generator=gen, dtype=torch.float64)
        p["mag_shared_hp"] = torch.tensor([[0.7], [0.4], [0.2]], dtype=torch.float64)
    return p


def dense_posterior(model, p, layout, ms, db, itd_us, ts):
    """The posterior mean of the model's GP as one joint Gaussian (double precision)."""
    S = ms.shape[0]
    hm = model._hp(model.mag_hp, S)
    alpha, const, nugget, ell_scale = hm[0], hm[1], hm[2], hm[3]
    G = len(BANDS)
    Ym = real_sh(ms, MAG_ORDER)
    Yt = real_sh(ts, MAG_ORDER)
    basis_cf = torch.as_tensor(p["mag_basis_cf"]).double()
    freq = torch.as_tensor(p["freq_basis"]).double()
    K = basis_cf.shape[0]
    # basis per component at the directions, [K, n, 2, bins]
    def basis_at(Y):
        return torch.einsum("nc,kcep,pb->kneb", Y, basis_cf, freq)
    Bs, Bt = basis_at(Ym), basis_at(Yt)
    # the weights: one vector for all bands ('one'), else one per band; Cov(w_g, w_h)
    if layout == "one":
        groups = [0] * G
        cov_w = torch.diag(alpha * p["mag_lam"])
        n_groups = 1
    else:
        groups = list(range(G))
        n_groups = G
        cov_w = torch.block_diag(*[torch.diag(alpha * p["mag_lam"][g]) for g in range(G)])
        if layout == "shared":
            gamma = model._hp(model.mag_shared_hp, S)[0]
            Cs = torch.cat([p["mag_shared_c"][g] for g in range(G)])  # [G*K, J]
            cov_w = cov_w + Cs @ torch.diag(gamma * p["mag_shared_lam"]) @ Cs.T
    # the design matrix: each channel (ear, bin) of band g reads its group's K weights
    def design(B):
        n = B.shape[1]
        D = torch.zeros(n, 2, BINS, n_groups * K, dtype=torch.float64)
        for g, (lo, hi) in enumerate(BANDS):
            q = groups[g]
            D[:, :, lo:hi, q * K:(q + 1) * K] = B[:, :, :, lo:hi].permute(1, 2, 3, 0)
        return D.reshape(n * 2 * BINS, n_groups * K)
    Ds, Dt = design(Bs), design(Bt)
    var = torch.as_tensor(p["mag_chan_var"]).double().reshape(2, BINS)
    cos_ss = (ms @ ms.T).clamp(-1, 1)
    cos_ts = (ts @ ms.T).clamp(-1, 1)

    def residual_cov(cos, with_nugget):
        n, m = cos.shape
        R = torch.zeros(n, 2, BINS, m, 2, BINS, dtype=torch.float64)
        for g, (lo, hi) in enumerate(BANDS):
            ell = ell_scale * p["mag_ell"][g]
            k = const + torch.exp((cos - 1.0) / (ell * ell))
            if with_nugget:
                k = k + nugget * torch.eye(n, dtype=torch.float64)
            for e in range(2):
                for b in range(lo, hi):
                    R[:, e, b, :, e, b] = var[e, b] * k
        return R.reshape(n * 2 * BINS, m * 2 * BINS)
    mean = torch.as_tensor(p["mag_mean"]).double()
    mu_s = (Ym @ mean).reshape(-1)
    mu_t = (Yt @ mean).reshape(-1)
    Kss = Ds @ cov_w @ Ds.T + residual_cov(cos_ss, True)
    Kts = Dt @ cov_w @ Ds.T + residual_cov(cos_ts, False)
    mag = mu_t + Kts @ torch.linalg.solve(Kss, db.reshape(-1) - mu_s)

    # ITD: one channel, one weight vector
    hi_ = model._hp(model.itd_hp, S)
    Yim = real_sh(ms, ITD_ORDER)
    Yit = real_sh(ts, ITD_ORDER)
    bs = Yim @ p["itd_basis"].T
    bt = Yit @ p["itd_basis"].T
    cw = torch.diag(hi_[0] * p["itd_lam"])
    ell = hi_[3] * p["itd_ell"][0]
    v = p["itd_chan_var"][0]
    Kss = bs @ cw @ bs.T + v * (hi_[1] + torch.exp((cos_ss - 1.0) / (ell * ell)) + hi_[2] * torch.eye(S))
    Kts = bt @ cw @ bs.T + v * (hi_[1] + torch.exp((cos_ts - 1.0) / (ell * ell)))
    itd = Yit @ p["itd_mean"] + Kts @ torch.linalg.solve(Kss, itd_us - Yim @ p["itd_mean"])
    return mag.reshape(-1, 2, BINS), itd


@pytest.mark.parametrize("layout", ["one", "bands", "shared"])
@pytest.mark.parametrize("S", [3, 7, 12, 20])
def test_posterior_matches_the_dense_gp(layout, S):
    gen = torch.Generator().manual_seed(1000 * S + len(layout))
    p = make_params(layout, gen)
    model = Upsampler(p, NoCodec())
    model.eval()
    ms = unit(S, gen)
    ts = unit(15, gen)
    # measurements: the prior mean plus a few dB of deviation, ITDs around the mean
    db = (real_sh(ms, MAG_ORDER) @ p["mag_mean"]).reshape(S, 2, BINS)
    db = db + 2.0 * torch.randn(S, 2, BINS, generator=gen, dtype=torch.float64)
    itd_us = real_sh(ms, ITD_ORDER) @ p["itd_mean"] + 20.0 * torch.randn(S, generator=gen, dtype=torch.float64)
    with torch.no_grad():
        got_db, got_itd = model(ms.float(), db.float(), (itd_us * 1e-6).float(), ts.float())
    want_db, want_itd = dense_posterior(model, p, layout, ms, db, itd_us, ts)
    # the module keeps the basis and the target side in single precision (values of
    # tens of dB: about 1e-5 relative)
    scale = float(want_db.abs().max())
    assert float((got_db.double() - want_db).abs().max()) < 2e-5 * scale
    assert float((got_itd.double() * 1e6 - want_itd).abs().max()) < 2e-5 * float(want_itd.abs().max())
    # and the posterior moves away from the prior mean: the comparison is not of two priors
    prior_t = (real_sh(ts, MAG_ORDER) @ p["mag_mean"]).reshape(-1, 2, BINS)
    assert float((want_db - prior_t).abs().max()) > 0.1


def test_shared_components_change_the_posterior():
    """With the shared components' scale at 0 the 'shared' model is the 'bands' one; above
    it, the bands' weights are tied and the posterior differs."""
    gen = torch.Generator().manual_seed(7)
    p = make_params("shared", gen)
    ms, ts = unit(7, gen), unit(15, gen)
    db = (real_sh(ms, MAG_ORDER) @ p["mag_mean"]).reshape(7, 2, BINS) + 2.0 * torch.randn(
        7, 2, BINS, generator=gen, dtype=torch.float64)
    itd = torch.zeros(7, dtype=torch.float32)
    off = dict(p, mag_shared_hp=torch.zeros(3, 1, dtype=torch.float64))
    bands = {k: v for k, v in p.items() if not k.startswith("mag_shared")}
    with torch.no_grad():
        a = Upsampler(p, NoCodec())(ms.float(), db.float(), itd, ts.float())[0]
        b = Upsampler(off, NoCodec())(ms.float(), db.float(), itd, ts.float())[0]
        c = Upsampler(bands, NoCodec())(ms.float(), db.float(), itd, ts.float())[0]
    assert float((b - c).abs().max()) < 1e-4
    assert float((a - c).abs().max()) > 1e-2


def test_the_module_scripts():
    """The exported archives are TorchScript: the module must compile (a layout with shared
    components; the codec here is scripted too)."""
    class ScriptableNoCodec(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.latent = 2

        def encode(self, x: torch.Tensor) -> torch.Tensor:
            return x[:, :2]

        def decode(self, z: torch.Tensor) -> torch.Tensor:
            return z[:, :1].expand(z.shape[0], 9).contiguous()

    gen = torch.Generator().manual_seed(3)
    p = make_params("shared", gen)
    eager = Upsampler(p, ScriptableNoCodec())
    scripted = torch.jit.script(eager)
    ms, ts = unit(5, gen), unit(9, gen)
    db = (real_sh(ms, MAG_ORDER) @ p["mag_mean"]).reshape(5, 2, BINS).float()
    itd = torch.zeros(5)
    with torch.no_grad():
        a = eager(ms.float(), db, itd, ts.float())
        b = scripted(ms.float(), db, itd, ts.float())
    assert float((a[0] - b[0]).abs().max()) < 1e-5
    assert float((a[1] - b[1]).abs().max()) < 1e-9


class ToyCodec(torch.nn.Module):
    """A codec whose decoded spectra differ from the GP's: code = the spectrum's first two
    bins, decoded as a ramp scaled by them."""
    latent = 2

    def encode(self, x: torch.Tensor) -> torch.Tensor:
        return x[:, :2]

    def decode(self, z: torch.Tensor) -> torch.Tensor:
        ramp = torch.linspace(-3.0, 3.0, BINS, dtype=z.dtype)
        return z[:, :1] + z[:, 1:2] * ramp


def test_latent_blend_weight_per_band():
    """lat_band_w (v1.4.1) blends the latent estimate band by band: a weight in one band
    moves that band's bins only, and the same weight in every band is lat_hp's one weight."""
    gen = torch.Generator().manual_seed(11)
    p = make_params("shared", gen)
    p.update(lat_order=1, lat_mean=torch.zeros(4, 4, dtype=torch.float64),
             lat_hp=torch.tensor([[0.3, 0.5, 0.1, 0.0]] * 3, dtype=torch.float64))
    ms, ts = unit(7, gen), unit(15, gen)
    db = ((real_sh(ms, MAG_ORDER) @ p["mag_mean"]).reshape(7, 2, BINS)
          + 2.0 * torch.randn(7, 2, BINS, generator=gen, dtype=torch.float64)).float()
    itd = torch.zeros(7)

    def run(**extra):
        with torch.no_grad():
            return Upsampler(dict(p, **extra), ToyCodec())(ms.float(), db, itd, ts.float())[0]
    gp = run()
    middle = run(lat_band_w=torch.tensor([[0.0, 0.5, 0.0]] * 3, dtype=torch.float64))
    moved = (middle - gp).abs().amax(dim=(0, 1))
    assert float(moved[3:6].min()) > 1e-3
    assert float(moved[:3].max()) == 0.0 and float(moved[6:].max()) == 0.0
    one = dict(lat_hp=torch.tensor([[0.3, 0.5, 0.1, 0.4]] * 3, dtype=torch.float64))
    every = run(lat_band_w=torch.full((3, 3), 0.4, dtype=torch.float64), **one)
    assert float((every - run(**one)).abs().max()) < 1e-6
    with pytest.raises(ValueError, match="lat_band_w"):
        Upsampler(dict(p, lat_band_w=torch.zeros(3, 2, dtype=torch.float64)), ToyCodec())
