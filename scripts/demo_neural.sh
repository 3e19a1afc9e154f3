#!/usr/bin/env bash
# Neural part of the demo (called by scripts/demo.sh when pinna has LibTorch):
# personal sets from anthropometry, neural upsampling of the sparse KEMAR subset, and
# the KEMAR set through the autoencoder's latent codes.
set -uo pipefail
pinna=$1
out=$2
echo
echo "== 4. personalize: pinna predict --anthropometry data/example_anthropometry.csv"
echo "   (the 'incomplete' row has no head width: it is reported and skipped, exit status 1)"
$pinna predict --anthropometry data/example_anthropometry.csv -o "$out/predicted"
echo "   predict exit status: $? (1 = some rows failed, as expected here)"
$pinna info "$out/predicted/typical.sofa" | head -5

echo
echo "== 5. neural upsampling of the sparse KEMAR subset (LAP 100), scored as above"
$pinna upsample "$out/kemar_sparse100.sofa" --grid "$out/kemar.sofa" --method neural -o "$out/kemar_neural.sofa" &&
  $pinna evaluate "$out/kemar.sofa" "$out/kemar_neural.sofa" --exclude "$out/kemar_sparse100.sofa"

echo
echo "== 6. latent codes: KEMAR through the autoencoder (24 numbers per direction and ear)"
$pinna encode "$out/kemar.sofa" --codes "$out/kemar_codes.csv" -o "$out/kemar_decoded.sofa" &&
  head -c 160 "$out/kemar_codes.csv" && echo " ..."
