#!/usr/bin/env bash
# Install what the project needs beyond the Rust toolchain: the wasm32-wasip2 target, a
# Python virtual environment with moto's server, an OpenAPI validator, the MCP client and
# OpenMetadata's models (versions pinned in scripts/requirements*.txt),
# and from npm (versions pinned in package.json) dynalite, the JS SDK the benchmark compares
# with, and binaryen for scripts/dist.sh.
# Safe to run again: it skips what is there.
set -euo pipefail
cd "$(dirname "$0")/.."
rustup target add wasm32-wasip2 >/dev/null 2>&1 || rustup target add wasm32-wasip2
# The virtual environment is (re)filled whenever scripts/requirements.txt differs from the
# copy kept in it after the last install.
if ! cat scripts/requirements.txt scripts/requirements-openmetadata.txt | cmp -s - .venv/requirements.installed; then
  python3 -m venv .venv
  .venv/bin/pip install --quiet --disable-pip-version-check -r scripts/requirements.txt
  .venv/bin/pip install --quiet --disable-pip-version-check --no-deps -r scripts/requirements-openmetadata.txt
  cat scripts/requirements.txt scripts/requirements-openmetadata.txt > .venv/requirements.installed
fi
if [ ! -f node_modules/.package-lock.json ] || [ package.json -nt node_modules/.package-lock.json ]; then
  npm install --no-audit --no-fund --silent
fi
