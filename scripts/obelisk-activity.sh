#!/usr/bin/env bash
# Build the Obelisk adapter (obelisk/, docs/obelisk.md): the adapter component, composed by
# wasm-tools (from .venv, scripts/requirements.txt) over the unchanged release connector,
# into target/obelisk/dynamodb-activity.wasm, and its WIT as `wasm-tools component wit`
# prints it into target/obelisk/dynamodb-activity.wit.
set -euo pipefail
cd "$(dirname "$0")/.."
target="${CARGO_TARGET_DIR:-target}"
release="$target/wasm32-wasip2/release"
cargo build --release --target wasm32-wasip2 -p dynamodb-connector -p dynamodb-activity --lib
mkdir -p "$target/obelisk"
# wasm-tools names a definition after its file, which must be kebab case.
cp "$release/dynamodb_connector.wasm" "$target/obelisk/connector.wasm"
.venv/bin/wasm-tools compose --quiet "$release/dynamodb_activity.wasm" \
  -d "$target/obelisk/connector.wasm" -o "$target/obelisk/dynamodb-activity.wasm"
rm "$target/obelisk/connector.wasm"
.venv/bin/wasm-tools component wit "$target/obelisk/dynamodb-activity.wasm" \
  > "$target/obelisk/dynamodb-activity.wit"
ls -l "$target/obelisk/dynamodb-activity.wasm"
