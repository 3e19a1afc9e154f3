#!/usr/bin/env bash
# Reproduces the autoencoder's model-card figures through the C++ CLI from the committed
# models/autoencoder.pt (no retraining): for each SONICOM validation subject, `pinna
# encode` (latent codes and back; prints the magnitude reconstruction LSD in the model's
# domain) and `pinna evaluate` of the decoded HRIRs against the measured set, then the mean
# over the subjects. Usage: bash scripts/evaluate_autoencoder.sh [PINNA] [DATASETS]
set -euo pipefail
cd "$(dirname "$0")/.."
pinna=${1:-build/bin/pinna}
datasets=${2:-../shared/datasets}
subjects="P0004 P0010 P0034 P0039 P0050 P0066 P0073 P0082"  # models/autoencoder.md
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for s in $subjects; do
  ref="$datasets/sonicom/${s}_FreeFieldComp_44kHz.sofa"
  $pinna encode "$ref" -o "$work/$s.sofa" --threads 1 --json > "$work/encode-$s.json"
  $pinna evaluate "$ref" "$work/$s.sofa" --json > "$work/evaluate-$s.json"
done
python3 - "$work" $subjects <<'PY'
import json, statistics, sys
work, subjects = sys.argv[1], sys.argv[2:]
enc = [json.load(open(f"{work}/encode-{s}.json")) for s in subjects]
ev = [json.load(open(f"{work}/evaluate-{s}.json")) for s in subjects]
mean = lambda rows, k: statistics.fmean(r[k] for r in rows)
print(f"{len(subjects)} SONICOM validation subjects, latent size {enc[0]['latent_size']}")
print(f"magnitude reconstruction LSD (model domain): {mean(enc, 'lsd_db'):.3f} dB")
print(f"decoded HRIRs vs measured (pinna evaluate): LSD {mean(ev, 'lsd_db'):.3f} dB, "
      f"ITD error {mean(ev, 'itd_error_us'):.2f} us, ILD error {mean(ev, 'ild_error_db'):.3f} dB")
PY
