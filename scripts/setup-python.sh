#!/usr/bin/env bash
# Creates the project's Python venvs from pinned requirements (idempotent: a
# venv is reinstalled only when its requirements file changed).
#
#   .venv         the end-to-end test clients       tests/e2e/requirements.txt
#   .venv-deploy  cfn-lint, sam, cargo-lambda (+zig) tests/deploy/requirements.txt
#                 (a link to $LAMBDA_MCP_CACHE/venv-deploy, default ~/.cache/lambda-mcp: a path
#                 that does not change with the clone, because cargo-lambda's compiler wrappers
#                 name it, and a new path would rebuild every crate of the Lambda release build)
#
# Two venvs because aws-sam-cli pins exact versions of boto3, click and others:
# in one environment they would move the test clients' dependencies (and the
# reverse). `scripts/setup-python.sh e2e` or `… deploy` sets up only one.
set -euo pipefail
cd "$(dirname "$0")/.."
python=${PYTHON:-python3}

# venv DIR REQUIREMENTS: DIR holds exactly what REQUIREMENTS pins.
venv() {
    local dir=$1 requirements=$2 stamp want
    if [ ! -x "$dir/bin/python" ]; then
        "$python" -m venv "$dir"
    fi
    # Keeps the venv out of git whatever the repository's .gitignore says.
    [ -e "$dir/.gitignore" ] || echo '*' >"$dir/.gitignore"
    stamp=$dir/.requirements.sha
    want=$(sha256sum "$requirements" | cut -d' ' -f1)
    if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
        echo "setup-python: installing $requirements into $dir" >&2
        "$dir/bin/pip" install --quiet --disable-pip-version-check -r "$requirements"
        echo "$want" >"$stamp"
    fi
}

deploy_venv() {
    local dir=${LAMBDA_MCP_CACHE:-$HOME/.cache/lambda-mcp}/venv-deploy
    mkdir -p "$(dirname "$dir")"
    venv "$dir" tests/deploy/requirements.txt
    ln -sfn "$dir" .venv-deploy
}

case "${1:-all}" in
e2e) venv .venv tests/e2e/requirements.txt ;;
deploy) deploy_venv ;;
all)
    venv .venv tests/e2e/requirements.txt
    deploy_venv
    ;;
*)
    sed -n '2,10p' "$0" >&2
    exit 2
    ;;
esac
