#!/usr/bin/env bash
# Run every test: native unit and property tests, then the integration tests that drive the
# release component through the host against a moto server they start themselves.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
cargo build --release --target wasm32-wasip2 -p dynamodb-connector --lib
cargo test --workspace
