#!/usr/bin/env python3
"""Draws the pictures of docs/python.md into docs/img/ (PNG).

    PYTHONPATH=build/python /usr/bin/python3 python/examples/make_doc_figures.py [--out docs/img]

Pictures of data use KEMAR (/usr/share/libmysofa/MIT_KEMAR_normal_pinna.sofa, always
installed with libmysofa); the accuracy curves are read from the tables of
docs/accuracy.md and docs/interpolation.md, so they follow those documents when rerun.
"""

import argparse
import re
import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import pinna  # noqa: E402
import pinna.plot  # noqa: E402

KEMAR = "/usr/share/libmysofa/MIT_KEMAR_normal_pinna.sofa"
DOCS = Path(__file__).resolve().parents[2] / "docs"
LEVELS = (100, 19, 5, 3)
METRICS = ("lsd_db", "itd_error_us", "ild_error_db")


def table_after(markdown: str, heading: str) -> list:
    """The rows (lists of cell texts) of the first table after the line containing `heading`."""
    lines = markdown.splitlines()
    start = next(i for i, line in enumerate(lines) if heading in line)
    rows = []
    for line in lines[start + 1:]:
        if line.startswith("|"):
            rows.append([c.strip() for c in line.strip().strip("|").split("|")])
        elif rows:
            break
    return rows[2:]  # after the header and its |---| line


def number(text: str):
    """A cell's number without markup ('**2.405**', '<= 2.5', '*4.5*'), or None for '-'."""
    m = re.search(r"[-+]?\d+(\.\d+)?", text)
    return float(m.group()) if m and text.strip("* <=") != "-" else None


def curves(rows: list, wanted: dict) -> tuple:
    """({label: {level: {metric: value}}}, targets) from the rows whose name (the first cell
    without markup and without a trailing '(...)') is a key of `wanted`, mapped to its label;
    the first such row counts. A row called 'target' becomes the targets."""
    results, targets = {}, None
    for row in rows:
        name = re.sub(r"\s*\([^)]*\)$", "", re.sub(r"[*`]", "", row[0]).strip())
        by_level = {}
        for level, cell in zip(LEVELS, row[1:]):
            values = [number(v) for v in cell.split("/")]
            by_level[level] = {m: v for m, v in zip(METRICS, values) if v is not None}
        if name.startswith("target"):
            targets = by_level
            continue
        if name in wanted and wanted[name] not in results:
            results[wanted[name]] = by_level
    return results, targets


def save(fig, path: Path, dpi: int) -> None:
    fig.savefig(path, dpi=dpi)
    print(f"{path} ({path.stat().st_size // 1024} KB)")


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--out", type=Path, default=DOCS / "img")
    p.add_argument("--dpi", type=int, default=90)
    args = p.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)

    kemar = pinna.read_sofa(KEMAR)
    kemar.metadata.source_path = "MIT KEMAR (normal pinna)"  # the title instead of a path
    save(pinna.plot.horizontal_plane(kemar), args.out / "kemar_horizontal.png", args.dpi)
    save(pinna.plot.median_plane(kemar), args.out / "kemar_median.png", args.dpi)
    save(pinna.plot.itd_ild(kemar), args.out / "kemar_itd_ild.png", args.dpi)

    # The worked example of docs/python.md: LAP-19 subset, time-aligned barycentric upsampling.
    sparse = kemar.subset(pinna.lap_sparse_indices(kemar, 19))
    save(pinna.plot.grid(kemar, sparse=sparse), args.out / "kemar_grid_lap19.png", args.dpi)
    estimate = pinna.upsample(sparse, kemar, method="barycentric", time_aligned=True)
    estimate.metadata.source_path = "barycentric time-aligned upsampling from 19"
    save(pinna.plot.lsd_map(kemar, estimate, sparse=sparse, vmax=12.0), args.out / "kemar_lsd_map_lap19.png",
         args.dpi)

    # Accuracy against the number of measured directions, from the documents' tables.
    accuracy = (DOCS / "accuracy.md").read_text()
    results, targets = curves(
        table_after(accuracy, "## Sparse -> dense upsampling"),
        {"neural upsampler, C++ CLI": "neural upsampler (pinna)",
         "barycentric of dB magnitudes": "barycentric of dB magnitudes",
         "nearest": "nearest",
         "population average, no measurement": "population average (no measurement)"},
    )
    fig = pinna.plot.accuracy_curves(
        results, targets=targets, highlight=["neural upsampler (pinna)"],
        title="Upsampling accuracy, SONICOM validation subjects (docs/accuracy.md)")
    save(fig, args.out / "accuracy_upsampling.png", args.dpi)

    interpolation = (DOCS / "interpolation.md").read_text()
    results, _ = curves(
        table_after(interpolation, "### SONICOM (36 subjects"),
        {name: name for name in ("nearest", "nearest time-aligned", "barycentric", "barycentric time-aligned", "sh",
                                 "sh time-aligned")},
    )
    fig = pinna.plot.accuracy_curves(
        results, highlight=["barycentric time-aligned", "sh time-aligned"],
        title="pinna's interpolators, SONICOM, 36 subjects (docs/interpolation.md)")
    save(fig, args.out / "accuracy_interpolators.png", args.dpi)
    return 0


if __name__ == "__main__":
    sys.exit(main())
