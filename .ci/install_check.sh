#!/usr/bin/env bash
# Installs a built tree into a temporary prefix and uses it as a user would, with nothing
# of the source or build tree: no installed file may name either; the C++ example builds
# with find_package and the C example with pkg-config against the prefix alone; and the
# installed pinna runs its neural commands with the source tree (and the build tree in it)
# moved out of the way. Usage: .ci/install_check.sh [BUILD_DIR]   (default: build)
set -euo pipefail
cd "$(dirname "$0")/.."
src=$(pwd -P)
build=$(cd "${1:-build}" && pwd -P)
kemar=/usr/share/libmysofa/MIT_KEMAR_normal_pinna.sofa
prefix=$(mktemp -d /tmp/pinna-prefix.XXXXXX)
work=$(mktemp -d /tmp/pinna-install-check.XXXXXX)
say() { echo "install check: $*"; }

cmake --install "$build" --prefix "$prefix" >/dev/null
say "installed into $prefix: $(find "$prefix" -type f | wc -l) files"
for tree in "$src" "$build"; do
  if grep -rl --binary-files=text -F "$tree" "$prefix"; then
    say "FAIL: the files above name $tree"; exit 1
  fi
done
for f in include/pinna/pinna.h include/pinna/query.hpp lib/cmake/pinna/pinnaConfig.cmake \
         lib/cmake/pinna/pinnaConfigVersion.cmake lib/pkgconfig/pinna.pc \
         libexec/pinna/pinna-sofa-worker share/man/man1/pinna.1; do
  [ -e "$prefix/$f" ] || { say "FAIL: $f is not installed"; exit 1; }
done

# libnetcdf (and the 45 libraries it brings) is loaded only when a SOFA file is written.
for f in lib/libpinna.so bin/pinna libexec/pinna/pinna-sofa-worker; do
  if ldd "$prefix/$f" | grep -q netcdf; then
    say "FAIL: $f links libnetcdf"; exit 1
  fi
done

say "C++ example: find_package(pinna 0.2 CONFIG REQUIRED), pinna::pinna"
cmake -S examples/cpp -B "$work/cpp" -DCMAKE_PREFIX_PATH="$prefix" \
      -DCMAKE_FIND_USE_PACKAGE_REGISTRY=OFF >/dev/null
cmake --build "$work/cpp" >/dev/null
"$work/cpp/query_moving_source" "$kemar" | tail -n 3

say "C example: gcc -std=c99 \$(pkg-config --cflags --libs pinna) app.c"
export PKG_CONFIG_PATH="$prefix/lib/pkgconfig"
# shellcheck disable=SC2046
gcc -std=c99 -Wall -Wextra -pedantic -Werror examples/c/app.c $(pkg-config --cflags --libs pinna) \
    -o "$work/c_app"
"$work/c_app" "$kemar" | tail -n 3

cp data/example_anthropometry.csv "$work/"
moved="$src.moved-by-install-check"
mv "$src" "$moved"
trap 'mv "$moved" "$src"' EXIT
cd /
say "the installed pinna, with $src moved away"
# (not `tee /dev/stderr`: when stderr is a file, tee would reopen and truncate it)
version=$("$prefix/bin/pinna" --version)
echo "$version"
grep -q "neural models: LibTorch" <<<"$version"
status=0
"$prefix/bin/pinna" predict --anthropometry "$work/example_anthropometry.csv" \
    -o "$work/predicted" || status=$?
# The example table has one incomplete row: reported, the others written, exit status 1.
[ "$status" -eq 1 ] && ls "$work/predicted"/*.sofa >/dev/null
"$prefix/bin/pinna" sparsify "$kemar" --lap 100 -o "$work/sparse.sofa" >/dev/null
"$prefix/bin/pinna" upsample "$work/sparse.sofa" --grid "$kemar" --method neural \
    -o "$work/neural.sofa"
"$prefix/bin/pinna" evaluate "$kemar" "$work/neural.sofa" --exclude "$work/sparse.sofa" | head -n 3
say "ok"
rm -rf "$prefix" "$work"
