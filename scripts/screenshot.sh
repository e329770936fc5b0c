#!/usr/bin/env bash
# Takes a screenshot of the real window under Xvfb, as a person would see it.
#   scripts/screenshot.sh OUT.png [attnviz options...]      e.g. --example love-zh-en
#   ATTNVIZ_SCREEN=1280x720 …                               a projector-sized screen
#   ATTNVIZ_KEYS='ctrl+2 Right' scripts/screenshot.sh …    keys pressed first (xdotool)
# Uses a throwaway settings folder, so your own settings are neither used nor changed.
# Needs xvfb, xauth, imagemagick and xdotool (installed here if missing).
set -euo pipefail
cd "$(dirname "$0")/.."
out="$(realpath -m "$1")"
shift
scripts/install_packages.sh xvfb xauth imagemagick xdotool
scripts/setup.sh build >/dev/null
config="$(mktemp -d)"
trap 'rm -rf "$config"' EXIT
if [ -n "${ATTNVIZ_SETTINGS:-}" ]; then  # an INI file to start from (heads, mode, …)
  mkdir -p "$config/attnviz" && cp "$ATTNVIZ_SETTINGS" "$config/attnviz/attnviz.conf"
fi
XDG_CONFIG_HOME="$config" xvfb-run -a -s "-screen 0 ${ATTNVIZ_SCREEN:-1600x1000}x24" bash -c '
  build/app/attnviz "$@" &
  app=$!
  sleep "${ATTNVIZ_SHOT_DELAY:-3}"
  if [ -n "${ATTNVIZ_KEYS:-}" ]; then
    for key in $ATTNVIZ_KEYS; do xdotool search --sync --onlyvisible --class attnviz windowfocus --sync key "$key"; sleep 0.4; done
    sleep 1
  fi
  import -window root "'"$out"'"
  kill $app' _ "$@"
echo "wrote $out"
