#!/usr/bin/env bash
# The whole test suite: unit, doc, macro UI and end-to-end tests.
# Installs what it needs (a Python venv with the official MCP SDK client).
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/lambda-mcp/target}"
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"

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
