#!/usr/bin/env bash
# Install what the project needs beyond the Rust toolchain: the wasm32-wasip2 target, a
# Python virtual environment with moto's server, and dynalite from npm (package.json).
# Safe to run again: it skips what is there.
set -euo pipefail
cd "$(dirname "$0")/.."
rustup target add wasm32-wasip2 >/dev/null 2>&1 || rustup target add wasm32-wasip2
if [ ! -x .venv/bin/moto_server ]; then
  python3 -m venv .venv
  .venv/bin/pip install --quiet --disable-pip-version-check 'moto[server]>=5,<6'
fi
if [ ! -x node_modules/.bin/dynalite ]; then
  npm install --no-audit --no-fund --silent
fi
