#!/bin/sh
# Reproduces the accuracy table of docs/interpolation.md: builds the "bench" preset and runs
# pinna_accuracy over every SONICOM and HUTUBS subject of ../shared/datasets (LAP sparse
# levels 100/19/5/3, every interpolator, plain and time-aligned). Prints the markdown table;
# writes per-subject figures to build-bench/accuracy.json.
#
# usage: bench/accuracy.sh [extra pinna_accuracy options, e.g. --limit 3]
# environment: THREADS (default 2), DATASETS (default ../shared/datasets from the repo root)
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
threads=${THREADS:-2}
datasets=${DATASETS:-$root/../shared/datasets}

cmake --preset bench -S "$root" -DPINNA_WITH_TORCH=OFF >/dev/null
cmake --build "$root/build-bench" --target pinna_accuracy -j 2 >/dev/null
commit=$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)
dirty=$(git -C "$root" status --porcelain -- src include CMakeLists.txt 2>/dev/null | wc -l)
echo "pinna commit $commit ($dirty uncommitted changes under src/ include/)"
exec "$root/build-bench/bin/pinna_accuracy" --datasets "$datasets" --threads "$threads" \
    --json "$root/build-bench/accuracy.json" "$@"
