#!/usr/bin/env bash
# Quick-start command 2: set up, build and run every test.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/build.sh
ctest --test-dir build --output-on-failure -j "${PINNA_JOBS:-$(nproc)}"
