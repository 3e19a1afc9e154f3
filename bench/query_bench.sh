#!/bin/sh
# Reproduces the QueryEngine vs libmysofa figures of docs/benchmarks.md: builds the "bench"
# preset and runs pinna_query_bench on Debian's MIT KEMAR file and the first SONICOM subject.
# Writes the figures to build-bench/query_bench.json as well.
#
# usage: bench/query_bench.sh [FILE.sofa...] [pinna_query_bench options]
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
datasets=${DATASETS:-$root/../shared/datasets}

cmake --preset bench -S "$root" -DPINNA_WITH_TORCH=OFF >/dev/null
cmake --build "$root/build-bench" --target pinna_query_bench -j 2 >/dev/null
if [ $# -eq 0 ] || [ "${1#--}" != "$1" ]; then
    # No file given: KEMAR, plus the first SONICOM subject when the datasets are there.
    sonicom=$(ls "$datasets"/sonicom/P*_FreeFieldComp_44kHz.sofa 2>/dev/null | head -n 1 || true)
    if [ -n "$sonicom" ]; then
        set -- "$sonicom" "$@"
    fi
    set -- /usr/share/libmysofa/MIT_KEMAR_normal_pinna.sofa "$@"
fi
commit=$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)
dirty=$(git -C "$root" status --porcelain -- src include CMakeLists.txt 2>/dev/null | wc -l)
echo "pinna commit $commit ($dirty uncommitted changes under src/ include/)"
exec "$root/build-bench/bin/pinna_query_bench" --json "$root/build-bench/query_bench.json" "$@"
