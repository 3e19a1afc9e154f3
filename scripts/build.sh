#!/usr/bin/env bash
# Configures and builds pinna (Release, with LibTorch runners and tests) into build/.
set -euo pipefail
cd "$(dirname "$0")/.."
jobs=${PINNA_JOBS:-$(nproc)}
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release "$@" >/dev/null
cmake --build build -j "$jobs"
