#!/usr/bin/env bash
# Run every test: native unit and property tests, then the integration tests that drive the
# release component through the host against the servers they start themselves; then the
# distributable build (scripts/dist.sh) through the subset that runs every action once
# (web_identity), every answer of the service and of MCP (serve, mcp) and the reference's
# actions on both servers (plain). The whole suite against the distributable:
#   CONNECTOR_COMPONENT=target/dist/dynamodb_connector.wasm cargo test -p connector-host --test integration
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
cargo build --release --target wasm32-wasip2 -p dynamodb-connector --lib
cargo test --workspace
scripts/dist.sh
target="${CARGO_TARGET_DIR:-target}"
case "$target" in /*) ;; *) target="$(pwd)/$target" ;; esac
CONNECTOR_COMPONENT="$target/dist/dynamodb_connector.wasm" \
  cargo test -p connector-host --test integration -- web_identity:: serve:: mcp:: plain::
