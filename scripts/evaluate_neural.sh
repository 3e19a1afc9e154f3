#!/usr/bin/env bash
# Reproduces the upsampler's model-card figures through the C++ CLI from the committed
# models/upsampler.pt (no retraining): for each SONICOM validation subject and each LAP
# level, sparsify -> pinna upsample --method neural -> pinna evaluate --exclude, then the
# mean over subjects. Usage: bash scripts/evaluate_neural.sh [PINNA] [DATASETS]
set -euo pipefail
cd "$(dirname "$0")/.."
pinna=${1:-build/bin/pinna}
datasets=${2:-../shared/datasets}
subjects="P0004 P0010 P0034 P0039 P0050 P0066 P0073 P0082"  # models/upsampler.md
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for level in 100 19 5 3; do
  for s in $subjects; do
    ref="$datasets/sonicom/${s}_FreeFieldComp_44kHz.sofa"
    $pinna sparsify "$ref" --lap $level -o "$work/sparse.sofa" >/dev/null
    $pinna upsample "$work/sparse.sofa" --grid "$ref" --method neural -o "$work/up.sofa" >/dev/null
    $pinna evaluate "$ref" "$work/up.sofa" --exclude "$work/sparse.sofa" --json > "$work/$level-$s.json"
  done
done
python3 - "$work" $subjects <<'PY'
import json, sys
work, subjects = sys.argv[1], sys.argv[2:]
print("LAP level | LSD (dB) | ITD error (us) | ILD error (dB) | subjects")
print("---|---|---|---|---")
for level in (100, 19, 5, 3):
    rows = [json.load(open(f"{work}/{level}-{s}.json")) for s in subjects]
    mean = lambda k: sum(r[k] for r in rows) / len(rows)
    print(f"{level} | {mean('lsd_db'):.3f} | {mean('itd_error_us'):.2f} | {mean('ild_error_db'):.3f} | {len(rows)}")
PY
