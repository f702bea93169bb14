#!/usr/bin/env bash
# Build the npm package `dynamodb-connector` (node/): the release component and its manifest
# copied into the package, the native addon (the host runtime, napi-rs) built by cargo, the
# TypeScript types of every action compiled from schemas/actions (json-schema-to-typescript),
# and the tarball packed into target/npm/. Debug by default, so that the test run reuses
# what `cargo test` compiled; `--release` for a package to ship.
set -euo pipefail
cd "$(dirname "$0")/.."
profile=dev
if [ "${1:-}" = "--release" ]; then profile=release; fi
target="${CARGO_TARGET_DIR:-target}"
wasm="$target/wasm32-wasip2/release/dynamodb_connector.wasm"
if [ ! -f "$wasm" ]; then
  cargo build --release --target wasm32-wasip2 -p dynamodb-connector --lib
fi
cargo build --quiet --profile "$profile" -p dynamodb-connector-node
built="$target/$([ "$profile" = dev ] && echo debug || echo release)/libdynamodb_connector_node.so"
mkdir -p node/native node/component "$target/npm"
cp "$built" node/native/dynamodb_connector.node
cp "$wasm" node/component/dynamodb_connector.wasm
cp connector.toml node/component/connector.toml
node node/gen-types.mjs
rm -f "$target"/npm/dynamodb-connector-*.tgz
destination=$(cd "$target/npm" && pwd)
(cd node && npm pack --silent --pack-destination "$destination" > /dev/null)
ls "$target"/npm/dynamodb-connector-*.tgz
