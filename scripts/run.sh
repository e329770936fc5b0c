#!/usr/bin/env bash
# Quick start 1: install what is missing, build (Release) and run attnviz on a built-in example.
# Any arguments go to attnviz, e.g. scripts/run.sh --example nlp-zh
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh build
exec build/app/attnviz "$@"
