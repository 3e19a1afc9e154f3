#!/usr/bin/env bash
# Builds the fuzz targets (clang, ASan+UBSan, libFuzzer) and runs each for SECONDS
# (default 60), seeded from ../shared/datasets/{sofa-zoo,malformed} and data/anthropometry.
# Corpora grow under build-fuzz/corpus/; findings (crash-*, oom-*, timeout-*) land in
# build-fuzz/findings/ and fail the run.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
datasets=${PINNA_DATASETS:-../shared/datasets}
cmake --preset fuzz >/dev/null
cmake --build build-fuzz -j "${PINNA_JOBS:-2}" --target fuzz_sofa fuzz_anthropometry fuzz_wire pinna_sofa_worker

corpus=build-fuzz/corpus
findings=build-fuzz/findings
mkdir -p "$corpus/sofa" "$corpus/anthropometry" "$corpus/wire" "$findings"
seeds_sofa=()
for d in "$datasets/sofa-zoo" "$datasets/malformed"; do
  [ -d "$d" ] && seeds_sofa+=("$d")
done
[ ${#seeds_sofa[@]} -eq 0 ] && echo "fuzz: $datasets not found; seeding from data/ only"
seeds_anthro=(data/fuzz-seeds/anthropometry)
for f in "$datasets/hutubs/anthropometry.csv" "$datasets/sonicom/anthropometry.csv"; do
  [ -f "$f" ] && cp -f "$f" "$corpus/anthropometry/" 2>/dev/null || true
done

run() {
  local target=$1 dir=$2; shift 2
  echo "fuzz: $target for ${seconds}s"
  # -rss_limit_mb and -malloc_limit_mb: a file must not make pinna allocate more than 2 GB.
  ASAN_OPTIONS=detect_leaks=1:allocator_may_return_null=0 \
  ./build-fuzz/bin/$target "$corpus/$dir" "$@" -max_total_time="$seconds" -timeout=10 \
    -rss_limit_mb=2560 -malloc_limit_mb=2048 -max_len=4194304 -print_final_stats=1 \
    -artifact_prefix="$findings/$target-" 2>&1 | tail -n 12
}
run fuzz_sofa sofa "${seeds_sofa[@]}"
run fuzz_anthropometry anthropometry "${seeds_anthro[@]}"
run fuzz_wire wire
if ls "$findings"/* >/dev/null 2>&1; then
  echo "fuzz: findings in $findings:"; ls -l "$findings"; exit 1
fi
echo "fuzz: no findings"
