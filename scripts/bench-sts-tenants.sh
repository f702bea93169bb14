#!/usr/bin/env bash
# Steps per second of `connector-host serve` for 1,000 role-arn tenants x 5 steps on moto,
# and the AssumeRole calls they cost (scripts/bench-sts-tenants.py), for each host binary
# given (default: the host profile's), alternating them ROUNDS times (2) in one run, each
# against a fresh moto: old and new side by side. Prints one line per binary and round.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
cargo build --release --target wasm32-wasip2 -p dynamodb-connector --lib
target="${CARGO_TARGET_DIR:-target}"
if [ "$#" -eq 0 ]; then
  cargo build --profile host -p connector-host
  set -- "$target/host/connector-host"
fi
component="$target/wasm32-wasip2/release/dynamodb_connector.wasm"
for round in $(seq "${ROUNDS:-2}"); do
  for binary in "$@"; do
    (
      export MOTO_RECORDER_FILEPATH
      MOTO_RECORDER_FILEPATH=$(mktemp)
      source scripts/moto.sh
      port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
      "$binary" serve --listen "127.0.0.1:$port" --component "$component" --manifest connector.toml \
        --allow-endpoint 127.0.0.1 > /dev/null 2>&1 &
      served=$!
      trap 'kill $served 2>/dev/null || true; kill $moto_pid 2>/dev/null || true' EXIT
      for _ in $(seq 100); do (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break; sleep 0.2; done
      printf 'round %s, %s: ' "$round" "$binary"
      python3 scripts/bench-sts-tenants.py "http://127.0.0.1:$port" "$MOTO_URL" "$MOTO_RECORDER_FILEPATH"
      rm -f "$MOTO_RECORDER_FILEPATH"
    )
  done
done
