#!/usr/bin/env bash
# Run the Obelisk adapter in Obelisk itself (docs/obelisk.md): install Obelisk 0.38.3 into
# target/obelisk/bin when it is not there (`cargo install --locked`, a long build that needs
# protoc: Debian's protobuf-compiler is installed when missing), build the adapter
# (scripts/obelisk-activity.sh), start a moto server and Obelisk on a deployment of the
# adapter whose credentials are forwarded from Obelisk's environment, then check, through
# Obelisk's CLI: a table created, a 38-digit number written and read back with every digit,
# a failed condition ended at once as `permanent-conditional-check-failed` (one attempt),
# an unreachable endpoint repeated by Obelisk as `network` (max_retries = 2: three attempts),
# and the secret key in neither Obelisk's log nor its database. Exit 1 on any difference.
set -euo pipefail
cd "$(dirname "$0")/.."
root="$(pwd)"
target="${CARGO_TARGET_DIR:-target}"
case "$target" in /*) ;; *) target="$root/$target" ;; esac
obelisk="$target/obelisk/bin/obelisk"
if [ ! -x "$obelisk" ]; then
  if ! command -v protoc >/dev/null; then
    sudo=""
    if [ "$(id -u)" != 0 ]; then sudo="sudo"; fi
    $sudo apt-get install -y -q protobuf-compiler >/dev/null 2>&1 \
      || { $sudo apt-get update -q >/dev/null && $sudo apt-get install -y -q protobuf-compiler >/dev/null; }
  fi
  cargo install --locked obelisk@0.38.3 --root "$target/obelisk" --target-dir "$target/obelisk-build"
fi
scripts/setup.sh
scripts/obelisk-activity.sh >/dev/null

work="$(mktemp -d)"
free_port() { .venv/bin/python -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
moto_port="$(free_port)"
api="http://127.0.0.1:$(free_port)"
.venv/bin/moto_server -p "$moto_port" >"$work/moto.log" 2>&1 &
moto=$!
trap 'kill $moto ${server:-} 2>/dev/null || true; rm -rf "$work"' EXIT
cat >"$work/server.toml" <<EOF
api.listening_addr = "${api#http://}"
webui.enabled = false
external.enabled = false
[database.sqlite]
directory = "$work/db"
[wasm]
cache_directory = "$work/wasm"
[wasm.codegen_cache]
directory = "$work/codegen"
EOF
cat >"$work/deployment.toml" <<EOF
[[activity_wasm]]
name = "dynamodb"
location = "$target/obelisk/dynamodb-activity.wasm"
env_vars = ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_ENDPOINT_URL_DYNAMODB"]
max_retries = 2
retry_exp_backoff.milliseconds = 100
exec.lock_expiry.seconds = 60

[[activity_wasm.allowed_host]]
pattern = "http://127.0.0.1:$moto_port"
methods = ["POST"]
EOF
secret="obelisk-secret-$RANDOM$RANDOM$RANDOM"
AWS_ACCESS_KEY_ID=AKIAOBELISKRUN AWS_SECRET_ACCESS_KEY="$secret" \
  AWS_ENDPOINT_URL_DYNAMODB="http://127.0.0.1:$moto_port" \
  "$obelisk" server run --server-config "$work/server.toml" --deployment "$work/deployment.toml" \
  >"$work/obelisk.log" 2>&1 &
server=$!
for _ in $(seq 240); do
  grep -q "Obelisk is ready" "$work/obelisk.log" && break
  kill -0 $server 2>/dev/null || { cat "$work/obelisk.log"; exit 1; }
  sleep 0.5
done
grep -q "Obelisk is ready" "$work/obelisk.log" || { cat "$work/obelisk.log"; exit 1; }
echo "obelisk-run: Obelisk $("$obelisk" --version | cut -d' ' -f2) loaded the adapter as an activity"

failed=0
# activity NAME PARAMS: run it to its end; prints Obelisk's JSON result.
activity() {
  "$obelisk" execution submit -a "$api" --follow --json ".../actions.$1" "$2" 2>/dev/null | .venv/bin/python -c '
import json, sys
text = sys.stdin.read()
print(json.dumps(json.loads(text[text.index("{"):])))'
}
# check WHAT PYTHON-EXPRESSION-ON-r RESULT
check() {
  if .venv/bin/python -c "import json, sys; r = json.loads(sys.argv[1]); sys.exit(0 if ($2) else 1)" "$3"; then
    echo "obelisk-run: ok: $1"
  else
    echo "obelisk-run: FAILED: $1: $3"
    failed=1
  fi
}
# attempts FUNCTION: how many times Obelisk ran the last execution of FUNCTION.
attempts() {
  local id
  id="$("$obelisk" execution list -a "$api" | grep "actions@0.1.0.$1 " | head -1 | grep -o 'E_[0-9A-Z]*')"
  "$obelisk" execution events -a "$api" "$id" | grep -c "Locked("
}

r="$(activity create-table '[{"region": "us-east-1", "table-name": "orders",
  "attribute-definitions": "[{\"AttributeName\": \"id\", \"AttributeType\": \"S\"}]",
  "key-schema": "[{\"AttributeName\": \"id\", \"KeyType\": \"HASH\"}]"}]')"
check "create-table" 'json.loads(r["ok"])["TableDescription"]["TableStatus"] == "ACTIVE"' "$r"
r="$(activity upsert-item '[{"region": "us-east-1", "table-name": "orders",
  "value": "{\"id\": \"o-1\", \"total\": 12345678901234567890.123456789012345678, \"status\": \"paid\"}",
  "value-types": "{\"id\": \"S\", \"total\": \"N\", \"status\": \"S\"}"}]')"
check "upsert-item" '"ok" in r' "$r"
r="$(activity get-item '[{"region": "us-east-1", "table-name": "orders", "hash-key-value": "o-1",
  "item-format": "dynamodb_json"}]')"
check "get-item keeps all 38 digits" 'json.loads(r["ok"])["Item"]["total"]["N"] == "12345678901234567890.123456789012345678"' "$r"
r="$(activity update-item '[{"region": "us-east-1", "table-name": "orders", "hash-key-value": "o-1",
  "update": "{\"set\": {\"status\": \"shipped\"}}", "condition": "{\"attr\": \"status\", \"eq\": \"new\"}"}]')"
check "a failed condition is permanent" '"permanent_conditional_check_failed" in r["error"]' "$r"
n="$(attempts update-item)"
check "... and not repeated ($n attempt)" "$n == 1" '{}'
kill $moto
wait $moto 2>/dev/null || true
r="$(activity list-tables '[{"region": "us-east-1"}]')"
check "an unreachable endpoint is network" '"network" in r["error"]' "$r"
n="$(attempts list-tables)"
check "... which Obelisk repeated ($n attempts, max_retries = 2)" "$n == 3" '{}'
if grep -rqa "$secret" "$work/obelisk.log" "$work/db"; then
  echo "obelisk-run: FAILED: the secret key is in Obelisk's log or database"
  failed=1
else
  echo "obelisk-run: ok: the secret key is in neither Obelisk's log nor its database"
fi
exit $failed
