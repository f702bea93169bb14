#!/usr/bin/env bash
# The long run of the malformed-step generator (tests/integration/host/fuzz.rs): FUZZ_STEPS
# generated step documents (default 5000) through the host library and FUZZ_CLI_STEPS
# (default 200) through the CLI, from FUZZ_SEED (default: the time). The regular tests run
# 300 and 20 from a fixed seed. A failure prints the seed and the step to reproduce it.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
cargo build --release --target wasm32-wasip2 -p dynamodb-connector --lib
export FUZZ_STEPS="${FUZZ_STEPS:-5000}" FUZZ_CLI_STEPS="${FUZZ_CLI_STEPS:-200}"
export FUZZ_SEED="${FUZZ_SEED:-$(date +%s)}"
echo "fuzz: seed $FUZZ_SEED, $FUZZ_STEPS steps, $FUZZ_CLI_STEPS through the CLI"
cargo test -p connector-host --test integration -- fuzz:: --nocapture
