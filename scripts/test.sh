#!/usr/bin/env bash
# The whole test suite, as CI runs it: formatting, lints, the site build, then every test
# (unit, integration against a real Prosody, browser tests in real Chromium) on SQLite and on a
# PostgreSQL this script starts on loopback.
set -euo pipefail
source "$(dirname "$0")/common.sh"
cd "$ROOT"

bash scripts/setup-machine.sh

log "rustfmt"
cargo fmt --all --check
log "clippy (server side, then the browser bundle)"
cargo clippy -p app -p server -p domaine-tests -p end2end --all-targets -- -D warnings
cargo clippy -p frontend --target wasm32-unknown-unknown -- -D warnings

bash scripts/build.sh

source scripts/postgres.sh
start_postgres
trap stop_postgres EXIT

log "tests (SQLite and PostgreSQL)"
started=$SECONDS
cargo test -p app -p server -p domaine-tests -p end2end
log "tests built and ran in $((SECONDS - started)) s"
