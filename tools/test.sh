#!/usr/bin/env bash
# The README's test command (npm test): the workspace checks, then typecheck, lint and test every
# package, then prettier.
# Runs under `xvfb-run -a` when it is installed and no display is set, so the headlessgl kernel
# tests get a GL context (gpu.js's headless GL needs an X display).
set -euo pipefail
cd "$(dirname "$0")/.."
# Build every package's dist/ first (Nx-cached: instant when nothing changed) — the workspace
# checks install the packed tarballs and run the built bin.
npx nx run-many -t build --output-style=static
# Published surface: the API reports (docs/api/) and the JSON Schemas (docs/*.schema.json) match the
# code; the plain-JavaScript files (tools, docs/examples, the bin) lint clean.
node tools/api-check.mjs --no-build
npx tsx --conditions=@coordattn/source tools/gen-schemas.ts --check
npx eslint tools docs/examples packages/cli/bin eslint.config.js
# Checks of the workspace itself (tools/*.test.ts: the Nx test inputs cover every docs/ and
# test-data/ path a test names; the packed packages install into an empty folder and run). They read every package, so they run here, outside the Nx cache.
npx vitest run --config tools/vitest.config.ts
run=(npx nx run-many -t typecheck lint test --output-style=static)
if [ -z "${DISPLAY:-}" ] && command -v xvfb-run > /dev/null; then
  xvfb-run -a "${run[@]}"
else
  "${run[@]}"
fi
npx prettier --check .
