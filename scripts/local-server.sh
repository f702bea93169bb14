#!/usr/bin/env bash
# A local DynamoDB-compatible server for your own steps: moto on http://127.0.0.1:8000
# (the endpoint the README's and docs' examples use), in the foreground until Ctrl-C.
# `scripts/local-server.sh PORT` listens on another port. It keeps its data in memory:
# stopping it forgets every table.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
port="${1:-8000}"
echo "local-server: moto on http://127.0.0.1:$port (Ctrl-C stops it)" >&2
exec .venv/bin/moto_server -H 127.0.0.1 -p "$port"
