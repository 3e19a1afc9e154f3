#!/usr/bin/env bash
# Quick-start command 1: set up, build, and run pinna's main job on shipped data.
#  1. load Debian's KEMAR set (libmysofa1 ships it) and describe it;
#  2. convert it to a conformant SimpleFreeFieldHRIR file;
#  3. keep a sparse subset (the LAP challenge's 100 directions), upsample it back to the
#     full grid, and score the result against the measurement;
#  4. (with LibTorch) predict personal sets from the example anthropometry in data/ and
#     upsample the sparse KEMAR subset with the neural model.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/build.sh
pinna=build/src/cli/pinna
kemar=/usr/share/libmysofa/MIT_KEMAR_normal_pinna.sofa
out=out/demo
mkdir -p "$out"
step() { echo; echo "== $*"; }

step "1. load: pinna info $kemar"
$pinna info "$kemar"

step "2. convert to conformant SimpleFreeFieldHRIR"
$pinna convert "$kemar" "$out/kemar.sofa"

step "3. sparse -> dense: keep the LAP 100-direction subset, upsample back, evaluate"
$pinna sparsify "$out/kemar.sofa" --lap 100 -o "$out/kemar_sparse100.sofa"
for method in nearest barycentric; do
  $pinna upsample "$out/kemar_sparse100.sofa" --grid "$out/kemar.sofa" --method $method --time-aligned \
    -o "$out/kemar_$method.sofa"
  $pinna evaluate "$out/kemar.sofa" "$out/kemar_$method.sofa" --exclude "$out/kemar_sparse100.sofa"
done

if $pinna --version | grep -q "neural models: LibTorch"; then
  bash scripts/demo_neural.sh "$pinna" "$out"
else
  echo; echo "(pinna was built without LibTorch: skipping the neural demo)"
fi
echo; echo "demo outputs in $out/"
