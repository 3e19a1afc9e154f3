"""Re-export upsampler.pt with the current module code (pinna_upsampler.py) and the
archive's own parameters and meta.json, without training again; prints the largest
difference between the old and the new archive's outputs on random inputs.

    /usr/bin/python3 models/reexport_upsampler.py [ARCHIVE] [OUT]
"""
import os
import sys

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from pinna_upsampler import Upsampler  # noqa: E402


def params_of(m):
    b = dict(m.named_buffers())
    if "mag_basis_cf" in b:
        basis_cf = b["mag_basis_cf"]
    elif "mag_basis_pkec" in b:
        basis_cf = b["mag_basis_pkec"].permute(1, 3, 2, 0)
    elif "mag_basis_kepc" in b:
        basis_cf = b["mag_basis_kepc"].permute(0, 3, 1, 2)
    else:
        basis_cf = b["mag_basis_epkc"].permute(2, 3, 0, 1)
    p = {k: b[k].numpy() for k in ("mag_mean", "freq_basis", "mag_lam", "mag_chan_var", "mag_chan_band",
                                   "mag_ell", "mag_hp", "itd_hp", "itd_mean", "itd_basis", "itd_lam",
                                   "itd_chan_var", "itd_ell")}
    p.update(mag_basis_cf=basis_cf.numpy(), hp_counts=torch.exp(b["hp_log_counts"]).round().numpy(),
             mag_order=m.mag_order, itd_order=m.itd_order, bins=m.bins)
    for k in ("mag_comp_band", "mag_shared_c", "mag_shared_lam", "mag_shared_hp"):
        if k in b:
            p[k] = b[k].numpy()
    if "yaw_cfg" in b:
        p.update(yaw_cfg=b["yaw_cfg"].numpy())
    if "lat_mean" in b:
        p.update(lat_order=m.lat_order, lat_mean=b["lat_mean"].numpy(), lat_hp=b["lat_hp"].numpy())
        if "lat_band_w" in b and b["lat_band_w"].shape[0] > 0:
            p.update(lat_band_w=b["lat_band_w"].numpy())
    if "lvl_mean" in b:
        p.update(lvl_order=m.lvl_order, **{k: b[k].numpy() for k in ("lvl_mean", "lvl_basis", "lvl_lam", "lvl_hp")})
    return p


def codec_of(m):
    """The archive's autoencoder, or (an archive from before the latent stage) autoencoder.pt."""
    if hasattr(m, "codec"):
        return m.codec
    return torch.jit.load(os.path.join(HERE, "autoencoder.pt"))


def _load_from_args(argv):
    """(out, the archive, its meta.json text) for the archive argv[1] (default
    models/upsampler.pt); out is argv[2], or the archive itself."""
    src = argv[1] if len(argv) > 1 else os.path.join(HERE, "upsampler.pt")
    out = argv[2] if len(argv) > 2 else src
    files = {"meta.json": ""}
    archive = torch.jit.load(src, _extra_files=files)
    return out, archive, files["meta.json"]


def archive_from_args(argv):
    """For the scripts that add a stage to an archive: (out, params, codec, meta.json text)
    of the archive named as _load_from_args reads it."""
    out, archive, meta_text = _load_from_args(argv)
    return out, params_of(archive), codec_of(archive), meta_text


def main():
    torch.set_num_threads(1)
    out, old, meta_text = _load_from_args(sys.argv)
    new = torch.jit.script(Upsampler(params_of(old), codec_of(old)))
    new.eval()
    gen = torch.Generator().manual_seed(0)
    worst = [0.0, 0.0]
    with torch.no_grad():
        for S in (1, 3, 5, 19, 100, 400, -19, -100):
            if S < 0:  # three directions repeated, every other one moved by about 1e-4
                S = -S
                base = torch.randn(3, 3, generator=gen)
                moved = 1e-4 * torch.randn(S, 3, generator=gen) * (torch.arange(S) % 2).unsqueeze(1)
                md = base[torch.arange(S) % 3] + moved
            else:
                md = torch.randn(S, 3, generator=gen)
            td = torch.randn(97, 3, generator=gen)
            db = old.population(md)[0] + 3.0 * torch.randn(S, 2, old.bins, generator=gen)
            itd = 3e-4 * torch.randn(S, generator=gen)
            a, b = old(md, db, itd, td), new(md, db, itd, td)
            worst[0] = max(worst[0], float((a[0] - b[0]).abs().max()))
            worst[1] = max(worst[1], float((a[1] - b[1]).abs().max()))
    print(f"largest difference old - new: {worst[0]:.2e} dB, {worst[1]:.2e} s")
    tmp = out + ".tmp"
    torch.jit.save(new, tmp, _extra_files={"meta.json": meta_text})
    os.replace(tmp, out)
    print(f"saved {out} ({os.path.getsize(out) / 1e6:.2f} MB)")


if __name__ == "__main__":
    main()
