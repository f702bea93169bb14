#!/usr/bin/env bash
# Install what the project needs beyond the Rust toolchain: the wasm32-wasip2 target, a
# Python virtual environment with moto's server, an OpenAPI validator, the MCP client and
# OpenMetadata's models (versions pinned in scripts/requirements*.txt); from npm (versions
# pinned in package.json) dynalite, the JS SDK the benchmark compares with, binaryen for
# scripts/dist.sh, and the browser-test tools (react-jsonschema-form, esbuild,
# playwright-core, redocly, Swagger UI); and Debian's Chromium for the browser tests.
# Safe to run again: it skips what is there. Each stage it runs prints one line.
set -euo pipefail
cd "$(dirname "$0")/.."
stage() { echo "setup: $*" >&2; }
if ! rustup target list --installed 2>/dev/null | grep -qx wasm32-wasip2; then
  stage "adding the wasm32-wasip2 target"
  rustup target add wasm32-wasip2 >/dev/null
fi
# The virtual environment is (re)filled whenever scripts/requirements.txt differs from the
# copy kept in it after the last install.
if ! cat scripts/requirements.txt scripts/requirements-openmetadata.txt | cmp -s - .venv/requirements.installed; then
  stage "installing the Python packages into .venv (moto, the MCP client, OpenMetadata's models)"
  python3 -m venv .venv
  .venv/bin/pip install --quiet --disable-pip-version-check -r scripts/requirements.txt
  .venv/bin/pip install --quiet --disable-pip-version-check --no-deps -r scripts/requirements-openmetadata.txt
  cat scripts/requirements.txt scripts/requirements-openmetadata.txt > .venv/requirements.installed
fi
if [ ! -f node_modules/.package-lock.json ] || [ package.json -nt node_modules/.package-lock.json ]; then
  stage "installing the npm packages into node_modules (dynalite, the JS SDK, jco, the browser-test tools)"
  npm install --no-audit --no-fund --silent
fi
if [ ! -x /usr/bin/chromium ]; then
  stage "installing Debian's chromium (the form, API page tests)"
  sudo=""
  if [ "$(id -u)" != 0 ]; then sudo="sudo"; fi
  $sudo apt-get install -y -q chromium >/dev/null 2>&1 \
    || { $sudo apt-get update -q >/dev/null && $sudo apt-get install -y -q chromium >/dev/null; }
fi
