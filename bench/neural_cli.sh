#!/usr/bin/env bash
# One neural CLI run as a whole process, as a script over many subjects pays it
# (docs/benchmarks.md, "Neural commands as whole processes"):
#   pinna upsample SPARSE --method neural   (19 directions of a SONICOM subject -> its 793)
# with this build's pinna-neural (A) against another pinna-neural (B: REF, e.g. one built
# from an earlier commit; the launcher takes it from $PINNA_NEURAL), and
#   pinna-neural upsample --help            (LibTorch's start-up alone, for scale)
# Runs alternate (A B A B ...) after one warm-up each, so that a change of machine load hits
# both; prints the median wall time of each and the median of the per-pair ratios A/B, and
# checks that A and B wrote the same HRIRs.
#
# usage: bench/neural_cli.sh REF_PINNA_NEURAL [PINNA] [FILE.sofa] [RUNS]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
ref=${1:?usage: bench/neural_cli.sh REF_PINNA_NEURAL [PINNA] [FILE.sofa] [RUNS]}
pinna=${2:-$root/build/bin/pinna}
file=${3:-$(ls "$root"/../shared/datasets/sonicom/P*_FreeFieldComp_44kHz.sofa 2>/dev/null | head -n 1 || true)}
file=${file:-/usr/share/libmysofa/MIT_KEMAR_normal_pinna.sofa}
runs=${4:-11}
neural=$(dirname "$pinna")/../libexec/pinna/pinna-neural
[[ -x $ref ]] || { echo "neural_cli: $ref is not an executable pinna-neural"; exit 1; }
[[ -x $neural ]] || { echo "neural_cli: $neural is missing (build with LibTorch)"; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# shellcheck source=bench/whole_process.sh
source "$root/bench/whole_process.sh"

echo "$("$pinna" --version | head -n 1), commit $(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown), reference $ref"
machine_line
echo "file: $file, $runs alternating runs of each after a warm-up"

"$pinna" sparsify "$file" --lap 19 -o "$tmp/sparse.sofa" >/dev/null
up=(upsample "$tmp/sparse.sofa" --grid "$file" --method neural --threads 1)
run_a() { PINNA_NEURAL=$neural "$pinna" "${up[@]}" -o "$tmp/a.sofa"; }
run_b() { PINNA_NEURAL=$ref "$pinna" "${up[@]}" -o "$tmp/b.sofa"; }
run_c() { "$neural" upsample --help; }
rows=$(alternate "$runs" run_a run_b run_c)
printf '| command | median wall (ms) |\n|---|---:|\n'
printf '| pinna upsample --method neural, 19 -> 793 (A: this build) | %.1f |\n' "$(column_median 1 <<<"$rows")"
printf '| the same with the reference pinna-neural (B) | %.1f |\n' "$(column_median 2 <<<"$rows")"
printf '| pinna-neural upsample --help (LibTorch start-up) | %.1f |\n' "$(column_median 4 <<<"$rows")"
printf 'A / B, median of the per-pair ratios: %.3f\n' "$(column_median 3 <<<"$rows")"
json=$("$pinna" evaluate "$tmp/b.sofa" "$tmp/a.sofa" --json)
echo "A against B (pinna evaluate): $(echo "$json" | grep -E '"(lsd_db|rmse|itd_error_us)"' | tr -d ' \n')"
