#!/usr/bin/env bash
# Renders resources/icons/attnviz.svg into the PNG sizes desktops look for
# (resources/icons/png/attnviz-N.png, installed as share/icons/hicolor/NxN/apps/attnviz.png).
# Run it after changing the SVG and commit the PNGs: the build itself needs no SVG renderer.
# Needs rsvg-convert (Debian package librsvg2-bin, which scripts/setup.sh installs).
set -euo pipefail
cd "$(dirname "$0")/../resources/icons"
for size in 16 32 48 64 128 256; do
  rsvg-convert --width "$size" --height "$size" attnviz.svg --output "png/attnviz-$size.png"
done
ls png
