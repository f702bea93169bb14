#!/usr/bin/env bash
# The benchmark: component steps through the host against native aws-sdk-dynamodb, on a stub
# endpoint inside the benchmark and on moto. Prints the tables docs/performance.md shows.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
# The same packages as test_support::WASM_PACKAGES, so the benchmark's own build of them
# does nothing (a build of the connector alone unifies other features and compiles again).
cargo build --release --target wasm32-wasip2 -p dynamodb-connector -p dynamodb-activity -p hostile-guest --lib
# BENCH_ONLY picks one table: warm (the warm steps on the stub), streams or expressions
# (steps); write, get, scan1, scan4 or tenants (bulk). Unset, both benchmarks run in full.
case "${BENCH_ONLY:-}" in
  "") cargo bench -p connector-host --bench steps
      cargo bench -p connector-host --bench bulk ;;
  warm|streams|expressions) cargo bench -p connector-host --bench steps ;;
  *) cargo bench -p connector-host --bench bulk ;;
esac
