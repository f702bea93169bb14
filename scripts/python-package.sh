#!/usr/bin/env bash
# Build the Python package `dynamodb-connector` (python/): the release component and its
# manifest copied into the package, the native module (the host runtime, PyO3) built by
# maturin, the wheel written to target/wheels/. Debug by default, so that the test run
# reuses what `cargo test` compiled; `--release` for a wheel to ship.
set -euo pipefail
cd "$(dirname "$0")/.."
profile=()
if [ "${1:-}" = "--release" ]; then profile=(--release); fi
target="${CARGO_TARGET_DIR:-target}"
wasm="$target/wasm32-wasip2/release/dynamodb_connector.wasm"
if [ ! -f "$wasm" ]; then
  cargo build --release --target wasm32-wasip2 -p dynamodb-connector --lib
fi
mkdir -p python/dynamodb_connector/component
cp "$wasm" python/dynamodb_connector/component/dynamodb_connector.wasm
cp connector.toml python/dynamodb_connector/component/connector.toml
rm -f "$target"/wheels/dynamodb_connector-*.whl
.venv/bin/maturin build --quiet --manifest-path python/Cargo.toml --compatibility linux \
  --interpreter .venv/bin/python --out "$target/wheels" "${profile[@]}"
ls "$target"/wheels/dynamodb_connector-*.whl
