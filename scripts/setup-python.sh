#!/usr/bin/env bash
# Creates .venv with the pinned end-to-end test clients (idempotent).
set -euo pipefail
cd "$(dirname "$0")/.."
python=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
    "$python" -m venv .venv
fi
stamp=.venv/.requirements.sha
want=$(sha256sum tests/e2e/requirements.txt | cut -d' ' -f1)
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
    .venv/bin/pip install --quiet --disable-pip-version-check -r tests/e2e/requirements.txt
    echo "$want" > "$stamp"
fi
