#!/usr/bin/env bash
# The README's test command (npm test): the workspace checks, then typecheck, lint and test every
# package, then prettier.
# Runs under `xvfb-run -a` when it is installed and no display is set, so the headlessgl kernel
# tests get a GL context (gpu.js's headless GL needs an X display).
set -euo pipefail
cd "$(dirname "$0")/.."
# Checks of the workspace itself (tools/*.test.ts: the Nx test inputs cover every docs/ and
# test-data/ path a test names). They read every package, so they run here, outside the Nx cache.
npx vitest run --config tools/vitest.config.ts
run=(npx nx run-many -t typecheck lint test --output-style=static)
if [ -z "${DISPLAY:-}" ] && command -v xvfb-run > /dev/null; then
  xvfb-run -a "${run[@]}"
else
  "${run[@]}"
fi
npx prettier --check .
