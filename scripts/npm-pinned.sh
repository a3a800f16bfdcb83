#!/usr/bin/env bash
# Installs a pinned npm package tree (package.json + package-lock.json) in
# DIR with `npm ci --ignore-scripts`, only when node_modules is missing, a
# file that must exist is not there, or the lockfile changed since the last
# install (a sha256 stamp in node_modules). Used by the test-only npm trees
# under tests/ (Inspector, server-everything, …).
#
#   scripts/npm-pinned.sh DIR WHAT REQUIRED_FILE...
set -euo pipefail
[ $# -ge 2 ] || { echo "usage: $0 DIR WHAT REQUIRED_FILE..." >&2; exit 2; }
dir=$1
what=$2
cd "$dir"
shift 2
stamp=node_modules/.install.sha
want=$(cat package.json package-lock.json | sha256sum | cut -d' ' -f1)
missing=0
for f in "$@"; do [ -e "$f" ] || missing=1; done
if [ "$missing" = 1 ] || [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
    echo "$dir: npm ci ($what)" >&2
    npm ci --ignore-scripts --no-audit --no-fund --loglevel=error >&2
    for f in "$@"; do
        [ -e "$f" ] || { echo "npm-pinned.sh: $f missing after npm ci" >&2; exit 1; }
    done
    echo "$want" > "$stamp"
fi
