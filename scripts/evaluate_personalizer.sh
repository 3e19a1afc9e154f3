#!/usr/bin/env bash
# Reproduces the personaliser's 10-fold subject-level cross-validation through the C++ CLI
# from the committed fold archives models/cv/anthropometric.fold*.pt (nothing is fitted):
# for each fold, `pinna predict` its held-out HUTUBS subjects from anthropometry.csv and
# `pinna evaluate` every prediction against the measured set. The population average runs
# the same way: each fold's archive at the training population's mean anthropometry, where
# every standardised input is 0 and the archive returns its mean field and mean ITD. Prints the mean over all 83 subjects. Takes about 6 minutes.
# Usage: bash scripts/evaluate_personalizer.sh [PINNA] [DATASETS]
set -euo pipefail
cd "$(dirname "$0")/.."
pinna=${1:-build/bin/pinna}
datasets=${2:-../shared/datasets}
hutubs="$datasets/hutubs"
[ -f "$hutubs/anthropometry.csv" ] || { echo "no $hutubs/anthropometry.csv" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Per fold: the held-out rows of anthropometry.csv, and one row of the training means.
python3 - "$hutubs/anthropometry.csv" models/cv "$work" <<'PY'
import csv, json, sys, zipfile
table, cv_dir, work = sys.argv[1:]
folds = json.load(open(f"{cv_dir}/folds.json"))["folds"]
rows = list(csv.reader(open(table, newline="")))
header, by_id = rows[0], {r[0]: r for r in rows[1:]}
for f in folds:
    with zipfile.ZipFile(f"{cv_dir}/{f['file']}") as z:
        meta = json.loads(z.read(next(n for n in z.namelist() if n.endswith("extra/meta.json"))))
    assert meta["training"]["heldout_subjects"] == f["heldout_subjects"]
    assert not set(meta["training"]["subjects"]) & set(f["heldout_subjects"])
    names = [x["name"] for x in meta["features"]]
    assert names == header[1:], "feature order differs from the CSV"
    with open(f"{work}/fold{f['fold']}.csv", "w", newline="") as out:
        w = csv.writer(out)
        w.writerow(header)
        for s in f["heldout_subjects"]:
            w.writerow(by_id[str(s)])
    # Left and right pinna values both at the mean of the two (the model pools the ears),
    # so that every standardised input is 0 and the output is the mean field and ITD.
    mean = {x["name"]: x["mean"] for x in meta["features"]}
    pooled = lambda n: (mean["L_" + n[2:]] + mean["R_" + n[2:]]) / 2 if n[:2] in ("L_", "R_") else mean[n]
    with open(f"{work}/mean{f['fold']}.csv", "w", newline="") as out:
        w = csv.writer(out)
        w.writerow(header)
        w.writerow(["population"] + [repr(pooled(n)) for n in names])
    with open(f"{work}/fold{f['fold']}.ids", "w") as out:
        out.write(" ".join(map(str, f["heldout_subjects"])))
PY

for archive in models/cv/anthropometric.fold*.pt; do
  f=${archive##*fold}; f=${f%.pt}
  # Range warnings (held-out subjects outside a fold's training range) go to a log.
  $pinna predict --anthropometry "$work/fold$f.csv" --model "$archive" -o "$work/pred$f" \
    --threads 1 >/dev/null 2>>"$work/warnings.log"
  $pinna predict --anthropometry "$work/mean$f.csv" --model "$archive" -o "$work/pop$f" \
    --threads 1 >/dev/null 2>>"$work/warnings.log"
  for s in $(cat "$work/fold$f.ids"); do
    ref="$hutubs/pp${s}_HRIRs_measured.sofa"
    $pinna evaluate "$ref" "$work/pred$f/$s.sofa" --json > "$work/model-$s.json"
    $pinna evaluate "$ref" "$work/pop$f/population.sofa" --json > "$work/population-$s.json"
  done
  echo "fold $f: $(wc -w < "$work/fold$f.ids") subjects" >&2
done

echo "$(grep -c warning "$work/warnings.log" || true) range warnings (features outside a fold's training range)"
python3 - "$work" <<'PY'
import glob, json, statistics, sys
work = sys.argv[1]
print("method | LSD (dB) | ITD error (us) | ILD error (dB) | subjects")
print("---|---|---|---|---")
for method, label in (("model", "per-ear ridge (fold archives)"), ("population", "population average (fold archives at the mean anthropometry)")):
    rows = [json.load(open(p)) for p in sorted(glob.glob(f"{work}/{method}-*.json"))]
    mean = lambda k: statistics.fmean(r[k] for r in rows)
    print(f"{label} | {mean('lsd_db'):.3f} | {mean('itd_error_us'):.2f} | {mean('ild_error_db'):.3f} | {len(rows)}")
PY
