#!/usr/bin/env bash
# Run every test: native unit and property tests, then the integration tests that drive the
# release component through the host against the servers they start themselves (and the
# Python wheel and the npm package, built here, installed as a user installs them, and the
# Obelisk adapter composed over the connector); then the
# distributable (scripts/dist.sh) through the subset that runs every action once
# (web_identity) and the reference's actions on both servers (plain): what the optimised
# build changes is the component, which these run whole; the service's and MCP's answers
# are the host's, tested above. The whole suite against the distributable:
#   CONNECTOR_COMPONENT=target/dist/dynamodb_connector.wasm cargo test --workspace --test integration
#
# Every cargo command here selects the whole workspace, so that each builds with the same
# features and none rebuilds what another built. The integration tests wait on servers
# more than they compute: six run at once (CONTRIBUTING.md). The distributable is optimised
# by binaryen (a minute and a half on one core) while the tests build: started while the
# tests run, it got a small share of the two cores and finished minutes after them.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
# The connector, the Obelisk adapter and the hostile test guest in one build (the packages
# of test_support::WASM_PACKAGES, which the tests' own builds name, so theirs do nothing):
# the small ones compile on the second core while the connector's link-time optimisation
# holds the first.
cargo build --release --target wasm32-wasip2 -p dynamodb-connector -p dynamodb-activity -p hostile-guest --lib
target="${CARGO_TARGET_DIR:-target}"
case "$target" in /*) ;; *) target="$(pwd)/$target" ;; esac
scripts/dist.sh --optimise-only > "$target/dist.log" 2>&1 &
dist=$!
trap '{ pkill -P "$dist"; kill "$dist"; } 2>/dev/null || true' EXIT
cargo test --workspace --no-run
# The Python wheel and the npm tarball the package tests install (debug: they reuse what
# the line above built), side by side: one's cargo build waits for the other's, while its
# wheel packing, type generation and npm pack overlap the other's build.
scripts/python-package.sh > "$target/python-package.log" 2>&1 &
python=$!
scripts/node-package.sh > "$target/node-package.log" 2>&1 &
node=$!
wait "$python" || { cat "$target/python-package.log"; exit 1; }
wait "$node" || { cat "$target/node-package.log"; exit 1; }
cat "$target/python-package.log" "$target/node-package.log"
scripts/obelisk-activity.sh
cargo test --workspace -- --test-threads 6
wait "$dist" || { cat "$target/dist.log"; exit 1; }
trap - EXIT
cat "$target/dist.log"
CONNECTOR_COMPONENT="$target/dist/dynamodb_connector.wasm" \
  cargo test --workspace --test integration -- --test-threads 6 web_identity:: plain::
