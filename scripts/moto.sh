# Sourced by the scripts: start a moto server on a free port, stopped when the script exits.
# Sets MOTO_URL. Exits the script with an error when moto does not answer within 30 s.
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
moto_log=$(mktemp)
.venv/bin/moto_server -H 127.0.0.1 -p "$port" >"$moto_log" 2>&1 &
moto_pid=$!
trap 'kill $moto_pid 2>/dev/null || true; rm -f "$moto_log"' EXIT
moto_up=
for _ in $(seq 150); do
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then moto_up=1; break; fi
  kill -0 $moto_pid 2>/dev/null || break
  sleep 0.2
done
if [ -z "$moto_up" ]; then
  echo "moto did not start on port $port; its output:" >&2
  cat "$moto_log" >&2
  exit 1
fi
MOTO_URL="http://127.0.0.1:$port"
