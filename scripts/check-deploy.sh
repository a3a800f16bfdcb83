#!/usr/bin/env bash
# The deployment, short of an AWS account: template.yaml passes cfn-lint and
# `sam validate --lint` (both offline, no credentials), and `cargo lambda
# build --release` produces both Lambda bootstraps (mcp-lambda and
# mcp-authorizer, for this machine's architecture).
#
#   scripts/check-deploy.sh
#
# Tools come from .venv-deploy (scripts/setup-python.sh, pinned in
# tests/deploy/requirements.txt); the build goes to
# ${CARGO_TARGET_DIR:-$HOME/.cache/lambda-mcp/target}/lambda/<bin>/bootstrap.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/lambda-mcp/target}"
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"
export SAM_CLI_TELEMETRY=0

scripts/setup-python.sh deploy
# The venv's real path (outside the clone), so the build cache survives a new clone.
export PATH="$(readlink -f .venv-deploy)/bin:$PATH"

echo "== cfn-lint template.yaml ($(cfn-lint --version))"
cfn-lint template.yaml

echo "== sam validate --lint ($(sam --version))"
sam validate --region us-east-1 --lint

bins=(mcp-lambda mcp-authorizer)
echo "== cargo lambda build --release ${bins[*]} ($(cargo lambda --version))"
started=$SECONDS
cargo lambda build --release "${bins[@]/#/--bin=}"
echo "built in $((SECONDS - started)) s"

for bin in "${bins[@]}"; do
    bootstrap=$CARGO_TARGET_DIR/lambda/$bin/bootstrap
    [ -x "$bootstrap" ] || { echo "check-deploy: $bootstrap is missing" >&2; exit 1; }
    printf '%-16s %6s KiB  %s\n' "$bin" "$(($(stat -c %s "$bootstrap") / 1024))" "$bootstrap"
done
