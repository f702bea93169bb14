#!/usr/bin/env bash
# The conformance matrix's long column: the golden steps (tests/conformance/steps.json)
# under the wasmtime CLI 48.0.8 (`wasmtime run -S http --invoke`), compared with the
# project's host. Installs the CLI into target/wasmtime-cli first (a 15-20 minute build on
# two cores, once); the other hosts (jco, wasmtime-py) run in the test run.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
target="${CARGO_TARGET_DIR:-target}"
case "$target" in /*) ;; *) target="$(pwd)/$target" ;; esac
cli="$target/wasmtime-cli/bin/wasmtime"
if ! "$cli" --version 2>/dev/null | grep -q '^wasmtime 48.0.8'; then
  cargo install --locked --root "$target/wasmtime-cli" wasmtime-cli@48.0.8
fi
cargo build --release --target wasm32-wasip2 -p dynamodb-connector --lib
WASMTIME_CLI="$cli" cargo test --workspace --test integration -- --ignored \
  conformance::cli::the_golden_steps_answer_alike_under_the_wasmtime_cli
