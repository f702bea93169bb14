#!/usr/bin/env bash
# The demo: start a local moto server, run examples/demo-flow.json through
# `connector-host flow`, print every step's name and output, and stop the server.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
cargo build --release --target wasm32-wasip2 --lib
cargo build -p connector-host
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
.venv/bin/moto_server -H 127.0.0.1 -p "$port" >/dev/null 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true' EXIT
for _ in $(seq 100); do
  (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break
  sleep 0.2
done
flow=$(mktemp)
sed "s#http://127.0.0.1:8000#http://127.0.0.1:$port#" examples/demo-flow.json > "$flow"
target="${CARGO_TARGET_DIR:-target}"
"$target/debug/connector-host" flow --component "$target/wasm32-wasip2/release/dynamodb_connector.wasm" "$flow"
