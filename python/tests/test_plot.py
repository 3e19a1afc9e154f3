"""pinna.plot: pictures render to PNG without a display (Agg), show the right data, are not blank."""

import os
import subprocess
import sys

import matplotlib

matplotlib.use("Agg")

import matplotlib.image
import numpy as np
import pytest
from matplotlib.figure import Figure

import pinna
import pinna.plot


def render(fig: Figure, path) -> np.ndarray:
    """Saves as PNG, checks the file and returns its pixels [H, W, 3]."""
    fig.savefig(path, dpi=60)
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    return matplotlib.image.imread(path)[:, :, :3]


def assert_not_blank(pixels: np.ndarray, min_colours: int = 50, min_drawn: float = 0.15) -> None:
    not_white = np.any(pixels < 0.95, axis=2).mean()
    colours = len(np.unique((pixels * 255).astype(np.uint8).reshape(-1, 3), axis=0))
    assert not_white > min_drawn, f"only {not_white:.0%} of the picture is drawn"
    assert colours >= min_colours, f"only {colours} colours"


def mesh_of(ax):
    meshes = [c for c in ax.collections if hasattr(c, "get_array") and c.get_array() is not None]
    assert meshes
    return meshes[0]


def test_horizontal_plane_shows_the_horizontal_magnitudes(kemar, tmp_path):
    fig = pinna.plot.horizontal_plane(kemar)
    assert isinstance(fig, Figure)
    assert_not_blank(render(fig, tmp_path / "h.png"))
    left, right = fig.axes[0], fig.axes[1]
    # KEMAR's horizontal plane: 72 azimuths, 5 degrees apart.
    assert "(72 directions)" in fig._suptitle.get_text()
    spectrum = pinna.magnitude_db(kemar, fft_size=1024)
    keep = spectrum.frequencies_hz > 0
    plane = np.flatnonzero(kemar.directions[:, 1] == 0)
    order = plane[np.argsort((kemar.directions[plane, 0] + 180) % 360 - 180)]
    for ax, ear in ((left, 0), (right, 1)):
        shown = np.asarray(mesh_of(ax).get_array()).reshape(int(keep.sum()), 72)
        np.testing.assert_allclose(shown, spectrum.values[order][:, ear, keep].T, atol=1e-9)
        assert ax.get_title() == ("left ear" if ear == 0 else "right ear")
    one = pinna.plot.horizontal_plane(kemar, "left")
    assert len([a for a in one.axes if a.get_label() != "<colorbar>"]) == 1


def test_median_and_sagittal_planes(kemar, tmp_path):
    fig = pinna.plot.median_plane(kemar, "right")
    assert_not_blank(render(fig, tmp_path / "m.png"))
    ax = fig.axes[0]
    assert ax.get_xlabel() == "polar angle (deg)"
    # KEMAR's median plane: elevation -40..90 in front (polar -40..90) and -40..80 behind
    # (polar 100..220), but for elevation 50 behind: its azimuths are 8 degrees apart, so
    # none is at 180 (176 and 184 are 2.6 degrees off the plane). 26 polar angles.
    assert "(26 directions)" in fig._suptitle.get_text()
    lo, hi = ax.get_xlim()
    assert lo == pytest.approx(-45) and hi == pytest.approx(225)
    lateral = pinna.plot.sagittal_plane(kemar, lateral_deg=30, tolerance_deg=3)
    assert "lateral 30" in lateral._suptitle.get_text()
    with pytest.raises(pinna.InvalidArgumentError, match="fewer than 2"):
        pinna.plot.horizontal_plane(kemar, elevation_deg=-80)
    with pytest.raises(pinna.InvalidArgumentError, match="ear"):
        pinna.plot.median_plane(kemar, "middle")


def test_itd_ild_maps(kemar, tmp_path):
    fig = pinna.plot.itd_ild(kemar)
    assert_not_blank(render(fig, tmp_path / "itd.png"))
    itd_ax, ild_ax = fig.axes[0], fig.axes[1]
    itd = pinna.itd_s(kemar) * 1e6
    shown = np.asarray(mesh_of(itd_ax).get_array())
    # Every direction once (plus those at azimuth 180 drawn on both edges).
    assert len(shown) == 710 + int(np.sum(kemar.directions[:, 0] == 180))
    assert shown.max() == pytest.approx(itd.max()) and shown.min() == pytest.approx(itd.min())
    assert f"max |ITD| {np.max(np.abs(itd)):.0f}" in itd_ax.get_title()
    assert "ILD" in ild_ax.get_title()


def test_lsd_map_of_an_upsampling(kemar, tmp_path):
    sparse = kemar.subset(pinna.lap_sparse_indices(kemar, 19))
    estimate = pinna.upsample(sparse, kemar)
    fig = pinna.plot.lsd_map(kemar, estimate, sparse=sparse)
    assert_not_blank(render(fig, tmp_path / "lsd.png"))
    c = pinna.compare(kemar, estimate, exclude=sparse)
    shown = np.asarray(mesh_of(fig.axes[0]).get_array())
    lsd = c["per_direction"]["lsd_db"].mean(axis=1)
    assert shown.mean() == pytest.approx(lsd.mean(), rel=0.05)  # up to the repeated edge directions
    assert f"mean {c['lsd_db']:.2f} dB over 691 directions" in fig.axes[0].get_title()
    assert "measured (19)" in [t.get_text() for t in fig.axes[0].get_legend().get_texts()]


def test_grid_spectra_and_accuracy_curves(kemar, tmp_path):
    fig = pinna.plot.grid(kemar, sparse=pinna.lap_sparse_indices(kemar, 5))
    assert_not_blank(render(fig, tmp_path / "grid.png"), min_colours=20, min_drawn=0.05)
    labels = [t.get_text() for t in fig.axes[1].get_legend().get_texts()]
    assert labels == ["measured (710)", "sparse (5)"]
    fig = pinna.plot.spectra(kemar, [[0, 0], [90, 0]])
    assert_not_blank(render(fig, tmp_path / "spectra.png"), min_colours=20, min_drawn=0.05)
    assert len(fig.axes[0].lines) == 2
    fig = pinna.plot.accuracy_curves({"a": {100: {"lsd_db": 2.5}, 19: {"lsd_db": 4.0}},
                                      "b": {100: {"lsd_db": 3.3}, 19: {"lsd_db": 5.4}}}, metrics=["lsd_db"])
    assert_not_blank(render(fig, tmp_path / "acc.png"), min_colours=10, min_drawn=0.05)
    np.testing.assert_array_equal(fig.axes[0].lines[0].get_ydata(), [4.0, 2.5])  # sorted by directions


def test_one_panel_into_given_axes(kemar):
    fig = Figure()
    ax = fig.add_subplot()
    assert pinna.plot.horizontal_plane(kemar, "left", ax=ax) is fig
    with pytest.raises(pinna.InvalidArgumentError, match="one panel"):
        pinna.plot.horizontal_plane(kemar, "both", ax=ax)


def test_command_line(kemar_path, tmp_path):
    env = dict(os.environ, MPLBACKEND="Agg")
    env.pop("DISPLAY", None)
    out = tmp_path / "fig.png"
    r = subprocess.run([sys.executable, "-m", "pinna.plot", str(kemar_path), "--what", "horizontal", "-o", str(out)],
                       capture_output=True, text=True, env=env)
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == str(out)
    assert_not_blank(matplotlib.image.imread(out)[:, :, :3])
    r = subprocess.run([sys.executable, "-m", "pinna.plot", str(tmp_path / "missing.sofa"), "-o", str(out)],
                       capture_output=True, text=True, env=env)
    assert r.returncode == 1 and "missing.sofa" in r.stderr
