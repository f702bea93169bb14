#!/usr/bin/env bash
# The distributable component: the release build with its core module optimised for size by
# binaryen (through `jco opt`, both pinned in package.json), then checked by loading it in the
# host (wasmtime validates and compiles it) -> target/dist/dynamodb_connector.wasm.
# `--optimise-only` runs binaryen alone, on the release build the caller made, and leaves
# the check to the caller: scripts/test.sh optimises while its tests run (a cargo command
# would wait for theirs), then runs a subset of the integration tests against the result
# (CONNECTOR_COMPONENT), which loads it in the host.
set -euo pipefail
cd "$(dirname "$0")/.."
only="${1:-}"
if [ "$only" != "--optimise-only" ]; then
  scripts/setup.sh
  cargo build --release --target wasm32-wasip2 -p dynamodb-connector --lib
fi
target="${CARGO_TARGET_DIR:-target}"
plain="$target/wasm32-wasip2/release/dynamodb_connector.wasm"
dist="$target/dist/dynamodb_connector.wasm"
mkdir -p "$target/dist"
# The features rustc's wasm32-wasip2 output uses. Not --low-memory-unused: it assumes
# nothing lives in the first 1 KiB of linear memory, which rustc's output does not promise.
node_modules/.bin/jco opt "$plain" -o "$dist" --quiet -- -Oz --strip-debug --strip-producers \
  --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
  --enable-mutable-globals --enable-multivalue --enable-reference-types
if [ "$only" != "--optimise-only" ]; then
  cargo run -q -p connector-host -- actions --component "$dist" --manifest connector.toml > /dev/null
fi
echo "dist: $dist ($(stat -c %s "$dist") bytes; plain build $(stat -c %s "$plain") bytes)"
