#!/usr/bin/env bash
# Installs what pinna needs from Debian 12 packages (run as root or with sudo available).
# Safe to run again: packages already present are not fetched twice.
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config git
  libmysofa-dev libmysofa-utils libfftw3-dev libeigen3-dev libnetcdf-dev netcdf-bin libsndfile1-dev
  catch2 libtorch-dev libbenchmark-dev help2man
  # LibTorch's matrix products call the system BLAS (libblas.so.3); with OpenBLAS installed
  # the alternatives system points it there instead of the reference BLAS, 3-4x faster for
  # the models (docs/benchmarks.md).
  libopenblas0-pthread
  clang libclang-rt-14-dev clang-format
  python3 python3-dev python3-torch python3-numpy python3-scipy python3-netcdf4
  pybind11-dev python3-pybind11 python3-matplotlib python3-pytest
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if ((${#missing[@]})); then
  echo "pinna setup: installing ${missing[*]}"
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
else
  echo "pinna setup: all packages present"
fi
