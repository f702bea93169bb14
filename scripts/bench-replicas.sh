#!/usr/bin/env bash
# Change capture past one process, measured: records per second delivered by one and by
# three `watch --lease-table` replicas of one trigger on moto (the host as `--profile host`
# builds it, stdout delivery), each run on a fresh table holding BENCH_CHANGES changes
# (3000) written before the replicas start; then, the three replicas caught up and idle,
# the lease table's requests per minute per replica, counted by moto's request recorder
# over BENCH_REST_SECONDS (60). Prints one line per figure (docs/performance.md).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
cargo build --release --target wasm32-wasip2 -p dynamodb-connector --lib
cargo build --profile host -p connector-host
export MOTO_RECORDER_FILEPATH
MOTO_RECORDER_FILEPATH=$(mktemp)
source scripts/moto.sh
target="${CARGO_TARGET_DIR:-target}"
host="$target/host/connector-host"
common=(--component "$target/wasm32-wasip2/release/dynamodb_connector.wasm" --manifest connector.toml --allow-endpoint 127.0.0.1)
changes="${BENCH_CHANGES:-3000}"
work=$(mktemp -d)
connection="{\"type\": \"access-key\", \"access-key-id\": \"bench\", \"secret-access-key\": \"bench-secret\", \"endpoint-url\": \"$MOTO_URL\", \"streams-endpoint-url\": \"$MOTO_URL\"}"
recorder() { python3 -c "import urllib.request as u; u.urlopen(u.Request('$MOTO_URL/moto-api/recorder/$1', method='POST'))"; }
run_step() { echo "{\"connection\": $connection, \"action\": \"$1\", \"input\": $2}" > "$work/step.json"; "$host" step "${common[@]}" "$work/step.json" > /dev/null; }

# The lease table, made before any run is timed.
run_step create-table "{\"region\": \"us-east-1\", \"table-name\": \"bench-leases\", \"attribute-definitions\": [{\"AttributeName\": \"lease\", \"AttributeType\": \"S\"}], \"key-schema\": [{\"AttributeName\": \"lease\", \"KeyType\": \"HASH\"}], \"billing-mode\": \"PAY_PER_REQUEST\"}"
for replicas in 1 3; do
  table="bench-replicas-$replicas"
  run_step create-table "{\"region\": \"us-east-1\", \"table-name\": \"$table\", \"attribute-definitions\": [{\"AttributeName\": \"id\", \"AttributeType\": \"N\"}], \"key-schema\": [{\"AttributeName\": \"id\", \"KeyType\": \"HASH\"}], \"billing-mode\": \"PAY_PER_REQUEST\", \"stream-view-type\": \"NEW_AND_OLD_IMAGES\"}"
  puts=$(python3 -c "import json; print(json.dumps([{'put': {'id': i, 'v': 1}} for i in range($changes)]))")
  run_step batch-write-items "{\"region\": \"us-east-1\", \"requests\": {\"$table\": $puts}}"
  echo "{\"connection\": $connection, \"action\": \"read-stream-changes\", \"input\": {\"region\": \"us-east-1\", \"table-name\": \"$table\", \"max-records\": 1000}}" > "$work/trigger-$replicas.json"
  pids=()
  start=$(date +%s.%N)
  for r in $(seq "$replicas"); do
    "$host" watch "$work/trigger-$replicas.json" --lease-table bench-leases --worker-id "bench-$replicas-$r" \
      --interval 1 "${common[@]}" > "$work/out-$replicas-$r" 2> "$work/log-$replicas-$r" &
    pids+=($!)
  done
  deadline=$(( $(date +%s) + 600 ))
  while [ "$(cat "$work"/out-"$replicas"-* | wc -l)" -lt "$changes" ]; do
    if [ "$(date +%s)" -gt "$deadline" ]; then
      echo "the replicas did not deliver $changes changes in 10 minutes; their logs:" >&2
      tail -n 5 "$work"/log-"$replicas"-* >&2
      kill "${pids[@]}" 2>/dev/null || true
      exit 1
    fi
    sleep 0.05
  done
  end=$(date +%s.%N)
  python3 -c "s=$end-$start; print(f'{$replicas} replica(s): {$changes} changes in {s:.2f} s = {$changes/s:.0f} records/s (from the replicas\' start)')"
  if [ "$replicas" = 3 ]; then
    rest="${BENCH_REST_SECONDS:-60}"
    sleep 5
    recorder reset-recording
    recorder start-recording
    sleep "$rest"
    recorder stop-recording
    python3 scripts/moto_recording.py "$MOTO_RECORDER_FILEPATH" bench-leases "$rest" "$replicas"
  fi
  kill "${pids[@]}" 2>/dev/null || true
  wait "${pids[@]}" 2>/dev/null || true
done
rm -rf "$work" "$MOTO_RECORDER_FILEPATH"
