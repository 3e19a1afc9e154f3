#!/usr/bin/env bash
# Reproduces the upsampler's model-card figures through the C++ CLI from the committed
# models/upsampler.pt (no retraining).
#   sonicom: for each SONICOM validation subject and each LAP level, sparsify -> pinna
#            upsample --method neural -> pinna evaluate --exclude, then the mean over subjects.
#   zoo:     the same on the single files of other databases in sofa-zoo (never used in
#            training or tuning), for the model, the model without --chain-eq, the
#            population + offset baseline, time-aligned barycentric and nearest.
# Usage: bash scripts/evaluate_neural.sh [PINNA] [DATASETS] [sonicom|zoo|all (default)]
set -euo pipefail
cd "$(dirname "$0")/.."
pinna=${1:-build/bin/pinna}
datasets=${2:-../shared/datasets}
part=${3:-all}
subjects="P0004 P0010 P0034 P0039 P0050 P0066 P0073 P0082"  # models/upsampler.md
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
if [ "$part" != zoo ]; then
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
print("SONICOM validation subjects (models/upsampler.md)")
print("LAP level | LSD (dB) | ITD error (us) | ILD error (dB) | subjects")
print("---|---|---|---|---")
for level in (100, 19, 5, 3):
    rows = [json.load(open(f"{work}/{level}-{s}.json")) for s in subjects]
    mean = lambda k: sum(r[k] for r in rows) / len(rows)
    print(f"{level} | {mean('lsd_db'):.3f} | {mean('itd_error_us'):.2f} | {mean('ild_error_db'):.3f} | {len(rows)}")
PY
fi

if [ "$part" != sonicom ]; then
zoo="CIPIC_subject_003_hrir_final LISTEN_1002_IRC_1002_C_HRIR ARI_NH4_hrtf_M_dtf_256 FHK_HRIR_L2354 MIT_KEMAR_normal_pinna MIT_KEMAR_large_pinna"
for f in $zoo; do
  ref="$datasets/sofa-zoo/$f.sofa"
  for level in 100 19 5 3; do
    $pinna sparsify "$ref" --lap $level -o "$work/sparse.sofa" >/dev/null
    for method in neural neural-plain population-offset barycentric-aligned nearest; do
      case $method in
        neural) args="--method neural" ;;
        neural-plain) args="--method neural --no-chain-eq" ;;
        population-offset) args="--method neural --population-offset" ;;
        barycentric-aligned) args="--method barycentric --time-aligned" ;;
        nearest) args="--method nearest" ;;
      esac
      $pinna upsample "$work/sparse.sofa" --grid "$ref" $args -o "$work/up.sofa" >/dev/null
      $pinna evaluate "$ref" "$work/up.sofa" --exclude "$work/sparse.sofa" --json \
        > "$work/zoo-$f-$level-$method.json"
    done
  done
done
python3 - "$work" $zoo <<'PY'
import json, sys
work, files = sys.argv[1], sys.argv[2:]
methods = ["neural", "neural-plain", "population-offset", "barycentric-aligned", "nearest"]
print()
print(f"sofa-zoo, {len(files)} files of other databases: mean over files")
print("LAP level | method | LSD (dB) | ITD error (us) | ILD error (dB) | LSD per file")
print("---|---|---|---|---|---")
for level in (100, 19, 5, 3):
    for m in methods:
        rows = [json.load(open(f"{work}/zoo-{f}-{level}-{m}.json")) for f in files]
        mean = lambda k: sum(r[k] for r in rows) / len(rows)
        each = " ".join(f"{r['lsd_db']:.2f}" for r in rows)
        print(f"{level} | {m} | {mean('lsd_db'):.3f} | {mean('itd_error_us'):.1f} | {mean('ild_error_db'):.3f} | {each}")
PY
fi
