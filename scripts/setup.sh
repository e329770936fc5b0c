#!/usr/bin/env bash
# Installs whatever attnviz needs from Debian 12 that is missing (apt-get, through sudo when not
# root), then configures and builds. Idempotent: when nothing changed it only checks and exits.
#
#   scripts/setup.sh [BUILD_DIR [extra cmake options...]]     default BUILD_DIR: build
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(
  g++ cmake ninja-build pkg-config
  libeigen3-dev libgtest-dev libgmock-dev libbenchmark-dev
  # the window: Qt 6 widgets, SVG export, QCustomPlot heatmaps
  qt6-base-dev qt6-svg-dev qt6-tools-dev qt6-l10n-tools libqcustomplot-dev
  # real models: JSON (config, tokenizer files, safetensors headers), tokenizer regexes,
  # Unicode normalisation and categories, SentencePiece models
  nlohmann-json3-dev libpcre2-dev libutf8proc-dev libsentencepiece-dev
  # fonts with Chinese glyphs, so token labels in Chinese render as characters, not boxes
  fonts-droid-fallback fonts-dejavu-core
  # the Debian package (scripts/package.sh): dpkg-shlibdeps for its Depends, the man page from
  # --help, the AppStream and lintian checks of its tests, the icon's PNG sizes
  dpkg-dev help2man appstream lintian librsvg2-bin
  # the libFuzzer harnesses (scripts/fuzz.sh): clang with libFuzzer's and the sanitizers' runtime
  clang libclang-rt-14-dev
)

scripts/install_packages.sh "${packages[@]}"

build_dir="${1:-build}"
shift || true
if [ ! -f "$build_dir/build.ninja" ] || [ "$#" -gt 0 ]; then
  cmake -S . -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=Release "$@" >/dev/null
fi
cmake --build "$build_dir"
