#!/usr/bin/env bash
# Start-up of the pinna CLI as whole processes (docs/benchmarks.md, "CLI start-up"):
#   pinna info FILE   against libmysofa's mysofa2json FILE (which prints the whole file)
#   pinna --version   alone (goal: under 20 ms)
# Runs alternate (A B A B ...) after one warm-up each, so that a change of machine load hits
# both; prints the median wall time of each and the median of the per-pair ratios A/B.
#
# usage: bench/startup.sh [PINNA] [FILE.sofa] [RUNS]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
pinna=${1:-$root/build/bin/pinna}
file=${2:-$(ls "$root"/../shared/datasets/sonicom/P*_FreeFieldComp_44kHz.sofa 2>/dev/null | head -n 1 || true)}
file=${file:-/usr/share/libmysofa/MIT_KEMAR_normal_pinna.sofa}
runs=${3:-21}
command -v mysofa2json >/dev/null || { echo "startup: mysofa2json is needed (apt-get install libmysofa-utils)"; exit 1; }

# shellcheck source=bench/whole_process.sh
source "$root/bench/whole_process.sh"

echo "$("$pinna" --version | head -n 1), commit $(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)"
machine_line
echo "file: $file, $runs alternating runs of each after a warm-up"

run_a() { "$pinna" info "$file"; }
run_b() { mysofa2json "$file"; }
run_c() { "$pinna" --version; }
rows=$(alternate "$runs" run_a run_b run_c)
printf '| command | median wall (ms) |\n|---|---:|\n'
printf '| pinna info | %.1f |\n' "$(column_median 1 <<<"$rows")"
printf '| mysofa2json | %.1f |\n' "$(column_median 2 <<<"$rows")"
printf '| pinna --version | %.1f |\n' "$(column_median 4 <<<"$rows")"
printf 'pinna info / mysofa2json, median of the per-pair ratios: %.3f\n' "$(column_median 3 <<<"$rows")"
