"""Pictures of HRIR sets with matplotlib.

Every function returns a :class:`matplotlib.figure.Figure`. Without ``ax`` it makes its own
figure (not through pyplot: nothing is kept open and no display is needed; in a notebook
the returned figure shows itself); with ``ax`` it draws into that axes (for one-panel
pictures) and returns its figure.

- :func:`horizontal_plane`: magnitude (dB) over frequency and azimuth at one elevation
- :func:`median_plane`, :func:`sagittal_plane`: over frequency and polar angle at one
  lateral angle (0: the median plane)
- :func:`spectra`: magnitude over frequency at a few directions
- :func:`itd_ild`: ITD and ILD over the sphere (azimuth-elevation map)
- :func:`lsd_map`: LSD per direction between two sets: where an upsampling failed
- :func:`direction_map`: any value per direction as a map
- :func:`grid`: a set's measured directions on the sphere, sparse ones marked
- :func:`accuracy_curves`: metrics against the number of measured directions

Conventions (pinna's, docs/python.md): azimuth counter-clockwise from the front (90 =
left), shown from -180 to 180; polar angle 0 front, 90 above, 180 behind; ITD
t_right - t_left in microseconds (positive: left ear first); ILD left minus right.

Command line: ``python3 -m pinna.plot FILE.sofa --what horizontal -o fig.png``
(``--help`` lists the pictures and options).
"""

from __future__ import annotations

import argparse
import math
import os
import sys
from typing import Mapping, Optional, Sequence

import numpy as np
from matplotlib.axes import Axes
from matplotlib.colors import Normalize
from matplotlib.figure import Figure
from matplotlib.ticker import FixedLocator, FuncFormatter, NullLocator

import pinna

__all__ = [
    "horizontal_plane",
    "median_plane",
    "sagittal_plane",
    "spectra",
    "itd_ild",
    "lsd_map",
    "direction_map",
    "grid",
    "accuracy_curves",
    "main",
]

Ear = str  # "left", "right" or "both" (or "mean" for lsd_map)

_MAGNITUDE_CMAP = "magma"
_SIGNED_CMAP = "RdBu_r"
_ERROR_CMAP = "viridis"
_EAR_INDEX = {"left": 0, "right": 1}


# ---------------------------------------------------------------------------------------
# Helpers


def _name(hrirs: "pinna.HrirSet") -> str:
    """What a set is called in titles: its file name, title or 'HRIR set'."""
    md = hrirs.metadata
    if md.source_path:
        return os.path.basename(md.source_path)
    return md.title or md.listener_short_name or "HRIR set"


def _ears(ear: Ear) -> list:
    if ear == "both":
        return ["left", "right"]
    if ear in _EAR_INDEX:
        return [ear]
    raise pinna.InvalidArgumentError(f"ear must be 'left', 'right' or 'both', got {ear!r}")


def _figure(panels: int, ax: Optional[Axes], width: float = 5.6, height: float = 4.2) -> tuple:
    """(figure, list of axes): the caller's axes for one panel, else a new figure."""
    if ax is not None:
        if panels != 1:
            raise pinna.InvalidArgumentError(
                f"ax draws one panel; this picture has {panels} (pass ear='left' or 'right')"
            )
        return ax.figure, [ax]
    fig = Figure(figsize=(width * panels, height), layout="constrained")
    axes = fig.subplots(1, panels, squeeze=False)[0]
    return fig, list(axes)


def _wrap180(azimuth_deg: np.ndarray) -> np.ndarray:
    """Azimuth in [-180, 180)."""
    return (np.asarray(azimuth_deg) + 180.0) % 360.0 - 180.0


def _kilohertz_axis(axis: Axes, scale: str, limits: tuple) -> None:
    """The y axis as frequency labelled in kHz, log or linear."""
    axis_obj = axis.yaxis
    if scale == "log":
        axis.set_yscale("log")
        ticks = [t for t in (100, 200, 500, 1000, 2000, 5000, 10000, 20000) if limits[0] <= t <= limits[1]]
        axis_obj.set_major_locator(FixedLocator(ticks))
        axis_obj.set_minor_locator(NullLocator())
    axis_obj.set_major_formatter(FuncFormatter(lambda f, _: f"{f / 1000:g}"))
    axis.set_ylim(*limits)
    axis.set_ylabel("frequency (kHz)")


def _magnitude(hrirs: "pinna.HrirSet", fft_size: Optional[int]) -> "pinna.SpectrumSet":
    n = fft_size or max(hrirs.taps, 1024)
    return pinna.magnitude_db(hrirs, fft_size=n)


def _frequency_limits(spectrum: "pinna.SpectrumSet", frequency_range: tuple) -> tuple:
    nyquist = spectrum.sample_rate_hz / 2.0
    low = max(frequency_range[0], spectrum.frequencies_hz[1])
    return low, min(frequency_range[1], nyquist)


def _padded_limits(x: np.ndarray) -> tuple:
    """The data's range plus half a step at either end (the cells' outer edges)."""
    x = np.sort(np.asarray(x, dtype=float))
    return float(x[0] - (x[1] - x[0]) / 2.0), float(x[-1] + (x[-1] - x[-2]) / 2.0)


def _plane_columns(angles: np.ndarray, offsets: np.ndarray) -> np.ndarray:
    """Indices of one direction per angle (angles rounded to 0.01 degree), the one with the
    smallest offset from the plane, sorted by angle."""
    best: dict = {}
    for i, (a, off) in enumerate(zip(np.round(angles, 2), np.abs(offsets))):
        if a not in best or off < best[a][0]:
            best[a] = (off, i)
    return np.array([best[a][1] for a in sorted(best)], dtype=np.int64)


def _plane_picture(
    spectrum: "pinna.SpectrumSet",
    columns: np.ndarray,
    x: np.ndarray,
    ears: list,
    axes: list,
    *,
    xlabel: str,
    xticks: Sequence[tuple],
    xlimits: tuple,
    frequency_range: tuple,
    frequency_scale: str,
    dynamic_range_db: float,
    title: str,
    fig: Figure,
) -> None:
    values = spectrum.values[columns]  # [K, 2, bins]
    shown = [values[:, _EAR_INDEX[e], :] for e in ears]
    top = max(float(np.max(v)) for v in shown)
    top = 5.0 * math.ceil(top / 5.0)
    norm = Normalize(vmin=top - dynamic_range_db, vmax=top)
    f = spectrum.frequencies_hz
    keep = f > 0
    limits = _frequency_limits(spectrum, frequency_range)
    mesh = None
    for ax, ear, v in zip(axes, ears, shown):
        mesh = ax.pcolormesh(x, f[keep], v[:, keep].T, shading="nearest", cmap=_MAGNITUDE_CMAP, norm=norm,
                             rasterized=True)
        _kilohertz_axis(ax, frequency_scale, limits)
        ax.set_xlim(*xlimits)
        shown_ticks = [(t, label) for t, label in xticks if xlimits[0] <= t <= xlimits[1]]
        ax.set_xticks([t for t, _ in shown_ticks])
        ax.set_xticklabels([label for _, label in shown_ticks])
        ax.set_xlabel(xlabel)
        ax.set_title(f"{ear} ear", fontsize="medium")
    fig.colorbar(mesh, ax=axes, label="magnitude (dB)", shrink=0.95)
    if len(axes) == 1:  # one panel is narrow: the set's name on a line of its own
        title = title.replace(": ", "\n", 1)
    fig.suptitle(title)


# ---------------------------------------------------------------------------------------
# Magnitude in a plane


def horizontal_plane(
    hrirs: "pinna.HrirSet",
    ear: Ear = "both",
    *,
    elevation_deg: float = 0.0,
    tolerance_deg: float = 2.0,
    fft_size: Optional[int] = None,
    frequency_range: tuple = (200.0, 20000.0),
    frequency_scale: str = "log",
    dynamic_range_db: float = 50.0,
    title: Optional[str] = None,
    ax: Optional[Axes] = None,
) -> Figure:
    """Magnitude (dB) over frequency and azimuth at one elevation (0: the horizontal plane).

    Directions within ``tolerance_deg`` of ``elevation_deg`` are used, one per azimuth
    (the closest in elevation). Spectra are ``fft_size``-point FFTs of the IRs (default:
    the taps, at least 1024: zero padding samples the same spectrum more finely). The
    colour scale spans ``dynamic_range_db`` below the largest value shown. ``ear``:
    'left', 'right' or 'both' (two panels, one colour scale).
    """
    ears = _ears(ear)
    d = hrirs.directions
    offsets = d[:, 1] - elevation_deg
    in_plane = np.flatnonzero(np.abs(offsets) <= tolerance_deg)
    if in_plane.size < 2:
        raise pinna.InvalidArgumentError(
            f"{_name(hrirs)}: fewer than 2 directions within {tolerance_deg} degrees of elevation "
            f"{elevation_deg} (raise tolerance_deg)"
        )
    azimuth = _wrap180(d[in_plane, 0])
    columns = in_plane[_plane_columns(azimuth, offsets[in_plane])]
    spectrum = _magnitude(hrirs, fft_size)
    fig, axes = _figure(len(ears), ax)
    ticks = [(-180, "-180\nback"), (-90, "-90\nright"), (0, "0\nfront"), (90, "90\nleft"), (180, "180\nback")]
    plane = "horizontal plane" if elevation_deg == 0 else f"elevation {elevation_deg:g}°"
    _plane_picture(
        spectrum,
        columns,
        _wrap180(d[columns, 0]),
        ears,
        axes,
        xlabel="azimuth (deg)",
        xticks=ticks,
        xlimits=(-180, 180),
        frequency_range=frequency_range,
        frequency_scale=frequency_scale,
        dynamic_range_db=dynamic_range_db,
        title=title or f"{_name(hrirs)}: {plane} ({columns.size} directions)",
        fig=fig,
    )
    return fig


def sagittal_plane(
    hrirs: "pinna.HrirSet",
    ear: Ear = "both",
    *,
    lateral_deg: float = 0.0,
    tolerance_deg: float = 2.0,
    fft_size: Optional[int] = None,
    frequency_range: tuple = (200.0, 20000.0),
    frequency_scale: str = "log",
    dynamic_range_db: float = 50.0,
    title: Optional[str] = None,
    ax: Optional[Axes] = None,
) -> Figure:
    """Magnitude (dB) over frequency and polar angle in the sagittal plane at
    ``lateral_deg`` (horizontal-polar coordinates: lateral positive to the left; polar 0
    front, 90 above, 180 behind). Directions within ``tolerance_deg`` of the lateral angle
    are used, one per polar angle. Other arguments as :func:`horizontal_plane`.
    """
    ears = _ears(ear)
    hp = pinna.to_horizontal_polar(hrirs)
    offsets = hp[:, 0] - lateral_deg
    in_plane = np.flatnonzero(np.abs(offsets) <= tolerance_deg)
    if in_plane.size < 2:
        raise pinna.InvalidArgumentError(
            f"{_name(hrirs)}: fewer than 2 directions within {tolerance_deg} degrees of lateral "
            f"angle {lateral_deg} (raise tolerance_deg)"
        )
    columns = in_plane[_plane_columns(hp[in_plane, 1], offsets[in_plane])]
    polar = hp[columns, 1]
    spectrum = _magnitude(hrirs, fft_size)
    fig, axes = _figure(len(ears), ax)
    ticks = [(-90, "-90\nbelow"), (-45, "-45"), (0, "0\nfront"), (45, "45"), (90, "90\nabove"), (135, "135"),
             (180, "180\nback"), (225, "225"), (270, "270\nbelow")]
    plane = "median plane" if lateral_deg == 0 else f"sagittal plane at lateral {lateral_deg:g}°"
    _plane_picture(
        spectrum,
        columns,
        polar,
        ears,
        axes,
        xlabel="polar angle (deg)",
        xticks=ticks,
        xlimits=_padded_limits(polar),
        frequency_range=frequency_range,
        frequency_scale=frequency_scale,
        dynamic_range_db=dynamic_range_db,
        title=title or f"{_name(hrirs)}: {plane} ({columns.size} directions)",
        fig=fig,
    )
    return fig


def median_plane(hrirs: "pinna.HrirSet", ear: Ear = "both", **kwargs) -> Figure:
    """:func:`sagittal_plane` at lateral angle 0: the median plane."""
    return sagittal_plane(hrirs, ear, lateral_deg=0.0, **kwargs)


def spectra(
    hrirs: "pinna.HrirSet",
    directions: Sequence = ((0.0, 0.0), (90.0, 0.0), (180.0, 0.0), (270.0, 0.0)),
    ear: Ear = "both",
    *,
    fft_size: Optional[int] = None,
    frequency_range: tuple = (200.0, 20000.0),
    title: Optional[str] = None,
    ax: Optional[Axes] = None,
) -> Figure:
    """Magnitude (dB) over frequency (log axis) at the measured directions nearest to
    ``directions`` ([K, 2|3]), one line per direction, a panel per ear."""
    ears = _ears(ear)
    wanted = np.atleast_2d(np.asarray(directions, dtype=float))
    index = pinna.SphericalIndex(hrirs).nearest(wanted)
    spectrum = _magnitude(hrirs, fft_size)
    f = spectrum.frequencies_hz
    keep = f > 0
    limits = _frequency_limits(spectrum, frequency_range)
    fig, axes = _figure(len(ears), ax)
    for a, e in zip(axes, ears):
        for i in index:
            az, el = hrirs.directions[i, :2]
            a.semilogx(f[keep], spectrum.values[i, _EAR_INDEX[e], keep], label=f"az {az:g}°, el {el:g}°")
        a.set_xlim(*limits)
        a.xaxis.set_major_locator(FixedLocator([t for t in (200, 500, 1000, 2000, 5000, 10000, 20000)
                                                if limits[0] <= t <= limits[1]]))
        a.xaxis.set_minor_locator(NullLocator())
        a.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v / 1000:g}"))
        a.set_xlabel("frequency (kHz)")
        a.set_ylabel("magnitude (dB)")
        a.grid(True, alpha=0.3)
        a.set_title(f"{e} ear", fontsize="medium")
    axes[-1].legend(fontsize="small")
    fig.suptitle(title or f"{_name(hrirs)}: magnitude spectra")
    return fig


# ---------------------------------------------------------------------------------------
# Maps over the sphere


def _marker_area(directions: np.ndarray, ax: Axes) -> float:
    """Marker area (points^2) that about fills the map between neighbouring directions."""
    if len(directions) < 2:
        return 60.0
    spacing = pinna.grid_statistics(directions)["mean_nearest_neighbour_deg"]
    width_pt = ax.figure.get_figwidth() * 72.0 * ax.get_position().width
    diameter = max(2.0, min(14.0, width_pt * spacing / 360.0 * 0.95))
    return diameter**2


def _map_axes(ax: Axes, title: str) -> None:
    ax.set_xlim(-182, 182)
    ax.set_ylim(-92, 92)
    ax.set_xticks([-180, -90, 0, 90, 180])
    ax.set_xticklabels(["-180\nback", "-90\nright", "0\nfront", "90\nleft", "180\nback"])
    ax.set_yticks([-90, -45, 0, 45, 90])
    ax.set_xlabel("azimuth (deg)")
    ax.set_ylabel("elevation (deg)")
    ax.set_aspect("equal")
    ax.grid(True, alpha=0.25)
    ax.set_title(title, fontsize="medium")


def direction_map(
    directions,
    values,
    *,
    label: str = "",
    cmap: str = _ERROR_CMAP,
    symmetric: bool = False,
    vmin: Optional[float] = None,
    vmax: Optional[float] = None,
    marked=None,
    marked_label: str = "marked",
    title: str = "",
    ax: Optional[Axes] = None,
) -> Figure:
    """Values per direction as coloured markers on an azimuth-elevation map, with a colour
    bar labelled ``label``. ``directions``: [M, 2|3] or an HrirSet; ``symmetric``: a
    colour scale centred on 0; ``marked``: directions ([K, 2|3] or an HrirSet) drawn as
    black-edged white crosses on top (e.g. the sparse measured ones)."""
    d = np.asarray(directions.directions if isinstance(directions, pinna.HrirSet) else directions, dtype=float)
    v = np.asarray(values, dtype=float)
    if d.ndim != 2 or d.shape[0] != v.shape[0]:
        raise pinna.InvalidArgumentError(
            f"direction_map: {d.shape[0] if d.ndim == 2 else '?'} directions but {v.shape[0]} values"
        )
    fig, (a,) = _figure(1, ax, width=7.2, height=4.0)
    if symmetric:
        bound = vmax if vmax is not None else float(np.max(np.abs(v))) or 1.0
        vmin, vmax = -bound, bound
    az = _wrap180(d[:, 0])
    # Directions at +-180 appear on both edges.
    edge = np.abs(az + 180.0) < 1e-6
    az = np.concatenate([az, az[edge] + 360.0])
    el = np.concatenate([d[:, 1], d[edge, 1]])
    v = np.concatenate([v, v[edge]])
    _map_axes(a, title)
    order = np.argsort(v)  # largest values on top
    points = a.scatter(az[order], el[order], c=v[order], s=_marker_area(d, a), cmap=cmap, vmin=vmin, vmax=vmax,
                       marker="s", linewidths=0, rasterized=True)
    if marked is not None:
        m = np.asarray(marked.directions if isinstance(marked, pinna.HrirSet) else marked, dtype=float)
        m = np.atleast_2d(m)
        a.scatter(_wrap180(m[:, 0]), m[:, 1], s=70, marker="X", facecolors="white", edgecolors="black",
                  linewidths=0.8, label=f"{marked_label} ({len(m)})")
        a.legend(loc="lower left", fontsize="small", framealpha=0.9)
    fig.colorbar(points, ax=a, label=label, shrink=0.85)
    return fig


def itd_ild(hrirs: "pinna.HrirSet", *, title: Optional[str] = None) -> Figure:
    """ITD (microseconds, metric whole-sample ITD, positive when the left ear leads) and
    broadband ILD (dB, left minus right) of every direction, two maps."""
    fig = Figure(figsize=(13.0, 4.2), layout="constrained")
    axes = fig.subplots(1, 2)
    itd_us = pinna.itd_s(hrirs) * 1e6
    ild = pinna.ild_db(hrirs)
    direction_map(hrirs, itd_us, label="ITD (µs), + = left ear first", cmap=_SIGNED_CMAP, symmetric=True,
                  title=f"ITD (max |ITD| {np.max(np.abs(itd_us)):.0f} µs)", ax=axes[0])
    direction_map(hrirs, ild, label="ILD (dB), left - right", cmap=_SIGNED_CMAP, symmetric=True,
                  title=f"ILD (max |ILD| {np.max(np.abs(ild)):.1f} dB)", ax=axes[1])
    fig.suptitle(title or f"{_name(hrirs)}: interaural differences ({len(hrirs)} directions)")
    return fig


def lsd_map(
    reference: "pinna.HrirSet",
    estimate: "pinna.HrirSet",
    *,
    sparse=None,
    ear: str = "mean",
    tolerance_deg: float = 0.5,
    vmax: Optional[float] = None,
    title: Optional[str] = None,
    ax: Optional[Axes] = None,
) -> Figure:
    """The LSD (dB, docs/metrics.md) of ``estimate`` against ``reference`` per reference
    direction: where an upsampling failed. ``sparse`` (directions or an HrirSet: the
    measured input of the upsampling) is left out of the score, as ``pinna evaluate
    --exclude`` does, and marked. ``ear``: 'left', 'right' or 'mean' of the two."""
    c = pinna.compare(reference, estimate, tolerance_deg=tolerance_deg, exclude=sparse)
    per = c["per_direction"]
    if ear == "mean":
        lsd = per["lsd_db"].mean(axis=1)
    elif ear in _EAR_INDEX:
        lsd = per["lsd_db"][:, _EAR_INDEX[ear]]
    else:
        raise pinna.InvalidArgumentError(f"ear must be 'left', 'right' or 'mean', got {ear!r}")
    ears = "both ears" if ear == "mean" else f"{ear} ear"
    heading = title or (
        f"LSD of {_name(estimate)} against {_name(reference)}\n"
        f"{ears}: mean {lsd.mean():.2f} dB over {c['scored']} directions"
        + (f", {c['excluded']} measured excluded" if c["excluded"] else "")
    )
    return direction_map(per["directions"], lsd, label="LSD (dB)", cmap=_ERROR_CMAP, vmin=0.0, vmax=vmax,
                         marked=sparse, marked_label="measured", title=heading, ax=ax)


def grid(
    hrirs,
    *,
    sparse=None,
    title: Optional[str] = None,
) -> Figure:
    """A set's measured directions (an HrirSet or [M, 2|3]) on the sphere (3-D view from the
    front left, above) and as an azimuth-elevation map, with ``sparse`` (indices into the
    set, directions, or an HrirSet) marked."""
    d = np.asarray(hrirs.directions if isinstance(hrirs, pinna.HrirSet) else hrirs, dtype=float)
    d = np.atleast_2d(d)
    marked = None
    if sparse is not None:
        if isinstance(sparse, pinna.HrirSet):
            marked = sparse.directions
        else:
            s = np.asarray(sparse)
            marked = d[s] if s.ndim == 1 and np.issubdtype(s.dtype, np.integer) else np.atleast_2d(s.astype(float))
    fig = Figure(figsize=(12.0, 5.0), layout="constrained")
    ax3 = fig.add_subplot(1, 2, 1, projection="3d")
    xyz = pinna.unit_vectors(d)
    ax3.scatter(xyz[:, 0], xyz[:, 1], xyz[:, 2], s=6, c="tab:blue", alpha=0.55, depthshade=False,
                label=f"measured ({len(d)})")
    if marked is not None:
        mxyz = pinna.unit_vectors(marked)
        ax3.scatter(mxyz[:, 0], mxyz[:, 1], mxyz[:, 2], s=60, c="tab:red", edgecolors="black", depthshade=False,
                    label=f"sparse ({len(marked)})")
    ax3.set_box_aspect((1, 1, 1))
    for axis, label in ((ax3.xaxis, "x (front)"), (ax3.yaxis, "y (left)"), (ax3.zaxis, "z (up)")):
        axis.set_ticks([-1.0, 0.0, 1.0])
        axis.set_label_text(label)
    ax3.zaxis.set_rotate_label(False)
    ax3.zaxis.label.set_rotation(90)
    ax3.set_xlim(-1, 1)
    ax3.set_ylim(-1, 1)
    ax3.set_zlim(-1, 1)
    ax3.view_init(elev=20, azim=35)
    ax3.legend(loc="upper left", fontsize="small")
    ax2 = fig.add_subplot(1, 2, 2)
    _map_axes(ax2, "azimuth-elevation map")
    ax2.scatter(_wrap180(d[:, 0]), d[:, 1], s=8, c="tab:blue", alpha=0.7, label=f"measured ({len(d)})")
    if marked is not None:
        ax2.scatter(_wrap180(marked[:, 0]), marked[:, 1], s=60, c="tab:red", edgecolors="black",
                    label=f"sparse ({len(marked)})")
    ax2.legend(loc="lower left", fontsize="small", framealpha=0.9)
    name = _name(hrirs) if isinstance(hrirs, pinna.HrirSet) else "grid"
    stats = pinna.grid_statistics(d)
    fig.suptitle(
        title
        or f"{name}: {len(d)} directions, elevation {stats['elevation_min_deg']:.0f}° to "
        f"{stats['elevation_max_deg']:.0f}°, mean spacing {stats['mean_nearest_neighbour_deg']:.1f}°"
    )
    return fig


# ---------------------------------------------------------------------------------------
# Accuracy against the number of measured directions

_METRIC_LABELS = {
    "lsd_db": "LSD (dB)",
    "itd_error_us": "ITD error (µs)",
    "ild_error_db": "ILD error (dB)",
    "sde_db": "SDE (dB)",
}


def accuracy_curves(
    results: Mapping[str, Mapping[int, Mapping[str, float]]],
    *,
    metrics: Sequence[str] = ("lsd_db", "itd_error_us", "ild_error_db"),
    targets: Optional[Mapping[int, Mapping[str, float]]] = None,
    title: str = "",
    highlight: Sequence[str] = (),
) -> Figure:
    """Metrics against the number of measured directions (log axis), one line per method:
    ``results[method][directions][metric]``. ``targets`` ({directions: {metric: value}})
    are drawn as a dashed line; methods in ``highlight`` are drawn thicker."""
    fig = Figure(figsize=(4.6 * len(metrics), 4.2), layout="constrained")
    axes = fig.subplots(1, len(metrics), squeeze=False)[0]
    all_n = sorted({n for r in results.values() for n in r})
    for ax, metric in zip(axes, metrics):
        for method, by_n in results.items():
            n = sorted(k for k in by_n if metric in by_n[k])
            if not n:
                continue
            thick = method in highlight
            ax.plot(n, [by_n[k][metric] for k in n], marker="o", linewidth=2.6 if thick else 1.4,
                    markersize=6 if thick else 4, label=method, zorder=3 if thick else 2)
        if targets:
            n = sorted(k for k in targets if metric in targets[k])
            if n:
                ax.plot(n, [targets[k][metric] for k in n], linestyle="--", color="black", linewidth=1.2,
                        label="target")
        ax.set_xscale("log")
        ax.xaxis.set_major_locator(FixedLocator(all_n))
        ax.xaxis.set_minor_locator(NullLocator())
        ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}"))
        ax.set_xlabel("measured directions")
        ax.set_ylabel(_METRIC_LABELS.get(metric, metric))
        ax.set_ylim(bottom=0)
        ax.grid(True, alpha=0.3)
    axes[0].legend(fontsize="small")
    if title:
        fig.suptitle(title)
    return fig


# ---------------------------------------------------------------------------------------
# Command line

_PICTURES = ("horizontal", "median", "sagittal", "spectra", "itd-ild", "grid", "lsd")


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python3 -m pinna.plot",
        description="Draws a picture of a SOFA file (PNG, SVG or PDF by the output's extension).",
        epilog="examples:\n"
        "  python3 -m pinna.plot kemar.sofa --what horizontal -o horizontal.png\n"
        "  python3 -m pinna.plot kemar.sofa --what median --ear left -o median.png\n"
        "  python3 -m pinna.plot subject.sofa --what grid --lap 19 -o grid.png\n"
        "  python3 -m pinna.plot subject.sofa --what lsd --estimate up.sofa --sparse sparse.sofa -o lsd.png\n"
        "  python3 -m pinna.plot subject.sofa --what lsd --lap 19 --method barycentric -o lsd.png",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("sofa", help="the SOFA file (the reference for --what lsd)")
    p.add_argument("--what", choices=_PICTURES, default="horizontal",
                   help="horizontal: magnitude over azimuth at --elevation; median / sagittal: over polar "
                   "angle at lateral 0 / --lateral; spectra: at a few directions; itd-ild: maps; grid: the "
                   "directions (sparse ones from --lap or --sparse marked); lsd: LSD per direction of "
                   "--estimate (or of an upsampling from --lap) against the file")
    p.add_argument("-o", "--output", help="output file (default: <file>_<what>.png)")
    p.add_argument("--ear", choices=("left", "right", "both"), default="both")
    p.add_argument("--elevation", type=float, default=0.0, help="horizontal: elevation of the plane (deg)")
    p.add_argument("--lateral", type=float, default=0.0, help="sagittal: lateral angle of the plane (deg)")
    p.add_argument("--tolerance", type=float, default=2.0, help="plane half-width (deg, default 2)")
    p.add_argument("--range", type=float, default=50.0, dest="dynamic_range", help="colour range in dB (50)")
    p.add_argument("--estimate", help="lsd: the estimated set")
    p.add_argument("--sparse", help="lsd / grid: the sparse measured set (excluded from the LSD, marked)")
    p.add_argument("--lap", type=int, choices=(100, 19, 5, 3), help="grid / lsd: the LAP sparse subset")
    p.add_argument("--method", default="barycentric",
                   help="lsd with --lap and no --estimate: nearest, barycentric, sh or neural (barycentric)")
    p.add_argument("--time-aligned", action="store_true", help="with --method: time-aligned interpolation")
    p.add_argument("--dpi", type=int, default=120)
    p.add_argument("--title", help="replace the title")
    return p


def _lsd_inputs(args, reference) -> tuple:
    sparse = pinna.read_sofa(args.sparse) if args.sparse else None
    if args.estimate:
        return pinna.read_sofa(args.estimate), sparse
    if not args.lap:
        raise pinna.InvalidArgumentError("--what lsd needs --estimate EST.sofa, or --lap N to upsample")
    sparse = reference.subset(pinna.lap_sparse_indices(reference, args.lap))
    sparse.metadata.source_path = f"LAP {args.lap} subset"
    if args.method == "neural":
        estimate = pinna.Upsampler().upsample(sparse, reference)
    else:
        estimate = pinna.upsample(sparse, reference, method=args.method, time_aligned=args.time_aligned)
    aligned = ", time-aligned" if args.time_aligned else ""
    estimate.metadata.source_path = f"{args.method}{aligned} upsampling from {len(sparse)} directions"
    return estimate, sparse


def main(argv: Optional[Sequence[str]] = None) -> int:
    """The command line (python3 -m pinna.plot); returns the exit status."""
    args = _parser().parse_args(argv)
    try:
        hrirs = pinna.read_sofa(args.sofa)
        common = dict(title=args.title)
        if args.what == "horizontal":
            fig = horizontal_plane(hrirs, args.ear, elevation_deg=args.elevation, tolerance_deg=args.tolerance,
                                   dynamic_range_db=args.dynamic_range, **common)
        elif args.what in ("median", "sagittal"):
            lateral = 0.0 if args.what == "median" else args.lateral
            fig = sagittal_plane(hrirs, args.ear, lateral_deg=lateral, tolerance_deg=args.tolerance,
                                 dynamic_range_db=args.dynamic_range, **common)
        elif args.what == "spectra":
            fig = spectra(hrirs, ear=args.ear, **common)
        elif args.what == "itd-ild":
            fig = itd_ild(hrirs, **common)
        elif args.what == "grid":
            sparse = pinna.read_sofa(args.sparse) if args.sparse else (
                pinna.lap_sparse_indices(hrirs, args.lap) if args.lap else None)
            fig = grid(hrirs, sparse=sparse, **common)
        else:
            estimate, sparse = _lsd_inputs(args, hrirs)
            ear = "mean" if args.ear == "both" else args.ear
            fig = lsd_map(hrirs, estimate, sparse=sparse, ear=ear, **common)
        output = args.output or f"{os.path.splitext(os.path.basename(args.sofa))[0]}_{args.what}.png"
        fig.savefig(output, dpi=args.dpi)
    except pinna.Error as e:
        print(f"pinna.plot: error: {e}", file=sys.stderr)
        return 1
    print(output)
    return 0


if __name__ == "__main__":
    sys.exit(main())
