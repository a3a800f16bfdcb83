#!/usr/bin/env bash
# The whole test suite: unit, doc, macro UI and end-to-end tests.
# Installs what it needs (Python venvs with the official MCP SDK client and the
# deployment tools, the conformance suite, MCP Inspector, DynamoDB Local, moto).
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/lambda-mcp/target}"
# No incremental caches: a test run builds each crate once, and they grow the shared target by gigabytes.
export CARGO_INCREMENTAL="${CARGO_INCREMENTAL:-0}"
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"
scripts/prune-target.sh

echo "== setup: Python test clients"
scripts/setup-python.sh

echo "== cargo test (workspace)"
cargo test --workspace --all-targets --no-fail-fast
cargo test --workspace --doc

echo "== end-to-end: real binaries, real clients (Python SDK, MCP Inspector)"
cargo build --workspace --bins
tests/inspector/install.sh
.venv/bin/python -m pytest tests/e2e -q -p no:cacheprovider

echo "== the official MCP conformance suite, both eras"
tests/conformance/ci.sh "$CARGO_TARGET_DIR/debug/mcp-conformance-server"

echo "== the conformance suite against the Lambda handler (Runtime API emulator behind lambda-bridge)"
tests/conformance/ci.sh --lambda "$CARGO_TARGET_DIR/debug/mcp-conformance-server" "$CARGO_TARGET_DIR/debug/lambda-bridge"

echo "== deployment: template.yaml (cfn-lint, sam validate --lint) and both Lambda bootstraps (cargo lambda build --release)"
scripts/check-deploy.sh
