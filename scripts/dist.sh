#!/usr/bin/env bash
# The distributable component: the release build with its core module optimised for size by
# binaryen (through `jco opt`, both pinned in package.json), then checked by loading it in the
# host (wasmtime validates and compiles it) -> target/dist/dynamodb_connector.wasm.
# scripts/test.sh runs the integration tests against it once (CONNECTOR_COMPONENT).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
cargo build --release --target wasm32-wasip2 -p dynamodb-connector --lib
target="${CARGO_TARGET_DIR:-target}"
plain="$target/wasm32-wasip2/release/dynamodb_connector.wasm"
dist="$target/dist/dynamodb_connector.wasm"
mkdir -p "$target/dist"
# The features rustc's wasm32-wasip2 output uses. Not --low-memory-unused: it assumes
# nothing lives in the first 1 KiB of linear memory, which rustc's output does not promise.
node_modules/.bin/jco opt "$plain" -o "$dist" --quiet -- -Oz --strip-debug --strip-producers \
  --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
  --enable-mutable-globals --enable-multivalue --enable-reference-types
cargo run -q -p connector-host -- actions --component "$dist" --manifest connector.toml > /dev/null
echo "dist: $dist ($(stat -c %s "$dist") bytes; plain build $(stat -c %s "$plain") bytes)"
