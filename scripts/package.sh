#!/usr/bin/env bash
# Builds the Debian package attnviz_<version>_amd64.deb in one command and prints its path:
# installs what is missing (scripts/setup.sh), configures a separate portable Release tree of
# the app only, builds it and runs CPack's DEB generator.
#
#   scripts/package.sh [BUILD_DIR]      default BUILD_DIR: build-package
#
# Portable: no -march=native (ATTN_NATIVE=OFF), so the package runs on any x86-64 CPU; the README
# gives what that costs the engine. Hardened as Debian builds its own packages (dpkg-buildflags'
# hardening set: fortified functions, stack protector, read-only relocations, immediate binding).
# Everything but the path goes to stderr, so `deb=$(scripts/package.sh)` works.
set -euo pipefail
cd "$(dirname "$0")/.."

build_dir="${1:-build-package}"
scripts/setup.sh "$build_dir" -DCMAKE_BUILD_TYPE=Release -DATTN_NATIVE=OFF \
  -DATTN_BUILD_TESTS=OFF -DATTN_BUILD_BENCH=OFF \
  "-DCMAKE_CXX_FLAGS=-D_FORTIFY_SOURCE=2 -fstack-protector-strong -Wformat -Werror=format-security" \
  "-DCMAKE_EXE_LINKER_FLAGS=-Wl,-z,relro -Wl,-z,now" >&2

rm -f "$build_dir"/attnviz_*.deb
(cd "$build_dir" && cpack -G DEB) >&2
debs=("$build_dir"/attnviz_*_amd64.deb)
if [ "${#debs[@]}" -ne 1 ] || [ ! -f "${debs[0]}" ]; then
  echo "attnviz: cpack wrote no attnviz_*_amd64.deb into $build_dir" >&2
  exit 1
fi
realpath "${debs[0]}"
