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

wall_ms() {  # command... -> wall time in ms of one run, output discarded
  local t0 t1
  t0=$(date +%s%N)
  "$@" >/dev/null 2>&1
  t1=$(date +%s%N)
  echo $(((t1 - t0) / 1000))e-3
}
median() { sort -g | awk '{v[NR] = $1} END {print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }

echo "$("$pinna" --version | head -n 1), commit $(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)"
echo "$(sed -n 's/^model name[^:]*: //p' /proc/cpuinfo | head -n 1), $(nproc) CPUs, load $(cut -d' ' -f1 /proc/loadavg), $(date -u '+%Y-%m-%d %H:%M UTC')"
echo "file: $file, $runs alternating runs of each after a warm-up"

wall_ms "$pinna" info "$file" >/dev/null
wall_ms mysofa2json "$file" >/dev/null
a=() b=() r=() v=()
for ((i = 0; i < runs; ++i)); do
  ta=$(wall_ms "$pinna" info "$file")
  tb=$(wall_ms mysofa2json "$file")
  a+=("$ta") b+=("$tb")
  r+=("$(awk -v x="$ta" -v y="$tb" 'BEGIN {printf "%.4f", x / y}')")
  v+=("$(wall_ms "$pinna" --version)")
done
printf '| command | median wall (ms) |\n|---|---:|\n'
printf '| pinna info | %.1f |\n' "$(printf '%s\n' "${a[@]}" | median)"
printf '| mysofa2json | %.1f |\n' "$(printf '%s\n' "${b[@]}" | median)"
printf '| pinna --version | %.1f |\n' "$(printf '%s\n' "${v[@]}" | median)"
printf 'pinna info / mysofa2json, median of the per-pair ratios: %.3f\n' "$(printf '%s\n' "${r[@]}" | median)"
