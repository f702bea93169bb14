#!/usr/bin/env bash
# The demo: start a local moto server, run examples/demo-flow.json (the reference's ten
# actions, a connection test, a batch write, a scan and a batch get) through
# `connector-host flow`, print every step's name and output, and
# stop the server. `scripts/demo.sh FLOW` runs another flow file the same way (e.g.
# examples/bulk-flow.json). With --record, write the outputs of the demo flow to
# examples/demo-output.json and regenerate docs/ from them and connector.toml instead of
# printing.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
echo "demo: building the component and the host (the first build compiles wasmtime and the AWS SDK: about 15 minutes on 2 cores)" >&2
cargo build --release --target wasm32-wasip2 -p dynamodb-connector --lib
cargo build -p connector-host
echo "demo: starting moto, then running $([ -n "${1:-}" ] && [ "$1" != "--record" ] && echo "$1" || echo examples/demo-flow.json) (the first run compiles the component for this machine, once)" >&2
source scripts/moto.sh
flow=$(mktemp)
source_flow=examples/demo-flow.json
if [ -n "${1:-}" ] && [ "$1" != "--record" ]; then source_flow=$1; fi
sed "s#http://127.0.0.1:8000#$MOTO_URL#" "$source_flow" > "$flow"
target="${CARGO_TARGET_DIR:-target}"
host=("$target/debug/connector-host" flow --component "$target/wasm32-wasip2/release/dynamodb_connector.wasm" --manifest connector.toml --allow-endpoint 127.0.0.1)
if [ "${1:-}" = "--record" ]; then
  "${host[@]}" --json "$flow" > examples/demo-output.json
  cargo run -q -p connector-tools --bin connector-docs
else
  "${host[@]}" "$flow"
fi
