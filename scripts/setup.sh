#!/usr/bin/env bash
# Install what the project needs beyond the Rust toolchain: the wasm32-wasip2 target and a
# Python virtual environment with moto's server. Safe to run again: it skips what is there.
set -euo pipefail
cd "$(dirname "$0")/.."
rustup target add wasm32-wasip2 >/dev/null 2>&1 || rustup target add wasm32-wasip2
if [ ! -x .venv/bin/moto_server ]; then
  python3 -m venv .venv
  .venv/bin/pip install --quiet --disable-pip-version-check 'moto[server]>=5,<6'
fi
