#!/usr/bin/env bash
# The README's test command (npm test): typecheck, lint and test every package, then prettier.
# Runs under `xvfb-run -a` when it is installed and no display is set, so the headlessgl kernel
# tests get a GL context (gpu.js's headless GL needs an X display).
set -euo pipefail
cd "$(dirname "$0")/.."
run=(npx nx run-many -t typecheck lint test --output-style=static)
if [ -z "${DISPLAY:-}" ] && command -v xvfb-run > /dev/null; then
  xvfb-run -a "${run[@]}"
else
  "${run[@]}"
fi
npx prettier --check .
