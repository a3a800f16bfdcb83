#!/usr/bin/env bash
# Run the MCP conformance suite against an already built mcp-conformance-server,
# once per requirement set (2025-11-25 on the handshake wire, 2026-07-28 on the
# stateless wire). Builds nothing.
#
#   tests/conformance/ci.sh PATH/TO/mcp-conformance-server
#   tests/conformance/ci.sh --lambda PATH/TO/mcp-conformance-server PATH/TO/lambda-bridge
#
# Starts the server on a free loopback port (--bind 127.0.0.1:0), reads the
# bound address from its JSON log, runs run.sh for both sets, and stops the
# server (by its PID) on exit. With --lambda the same binary runs as a Lambda
# bootstrap under the Runtime API emulator, behind lambda-bridge (each request
# becomes an API Gateway REST event), and the 2025-11-25 set is judged against
# lambda-expected-failures.yaml (the four scenarios that need a server -> client
# request in the middle of a call, which one buffered response cannot carry). Per-set results (stdout.txt, */checks.json) go
# to $CONFORMANCE_RESULTS_DIR/<set> (default: a fresh temp dir, removed again
# when both sets pass), the server's log to server.log next to them.
#
# Output: both run.sh reports, then their two closing lines again:
#   conformance-2025-11-25: N passed, M failed
#   conformance-2026-07-28: N passed, M failed
# Exit status: 0 when both sets pass, 1 when either fails or the server does
# not start, 2 on bad usage.
set -euo pipefail

usage() {
  echo "usage: $0 PATH/TO/mcp-conformance-server" >&2
  echo "       $0 --lambda PATH/TO/mcp-conformance-server PATH/TO/lambda-bridge" >&2
  exit 2
}
LAMBDA=0
if [ "${1:-}" = "--lambda" ]; then
  [ $# -eq 3 ] || usage
  LAMBDA=1
  BRIDGE=$3
  [ -x "$BRIDGE" ] || { echo "ci.sh: $BRIDGE is not an executable" >&2; exit 2; }
  shift
fi
[ $# -eq 1 ] || [ "$LAMBDA" -eq 1 ] || usage
BIN=$1
[ -x "$BIN" ] || { echo "ci.sh: $BIN is not an executable" >&2; exit 2; }

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
RESULTS=${CONFORMANCE_RESULTS_DIR:-$(mktemp -d "${TMPDIR:-/tmp}/mcp-conformance-ci.XXXXXX")}
mkdir -p "$RESULTS"
SERVER_LOG="$RESULTS/server.log"

if [ "$LAMBDA" -eq 1 ]; then
  # The bridge prints "lambda-bridge listening on http://ADDR/mcp" once the
  # bootstrap runs; SIGTERM stops it, and it stops the bootstrap.
  RUST_LOG="${RUST_LOG:-info}" "$BRIDGE" --bootstrap "$BIN" --shape rest-v1 --principal conformance \
    >"$RESULTS/bridge.out" 2>"$SERVER_LOG" &
  SERVER_PID=$!
  ADDRESS_PATTERN='listening on http://[^/]*'
  ADDRESS_FILE="$RESULTS/bridge.out"
else
  # The address line is logged at info; keep it visible whatever RUST_LOG says.
  RUST_LOG="${RUST_LOG:-info},mcp_conformance_server=info" \
    "$BIN" --bind 127.0.0.1:0 --log-format json 2>"$SERVER_LOG" >/dev/null &
  SERVER_PID=$!
  ADDRESS_PATTERN='"address":"[^"]*"'
  ADDRESS_FILE="$SERVER_LOG"
fi
stop_server() {
  kill "$SERVER_PID" 2>/dev/null || true
  wait "$SERVER_PID" 2>/dev/null || true
}
trap stop_server EXIT

ADDRESS=
for _ in $(seq 1 100); do
  ADDRESS=$(grep -o "$ADDRESS_PATTERN" "$ADDRESS_FILE" 2>/dev/null | head -n1 | sed -e 's|.*http://||' -e 's|"address":"||' -e 's|"$||' || true)
  [ -n "$ADDRESS" ] && break
  kill -0 "$SERVER_PID" 2>/dev/null || break
  sleep 0.1
done
if [ -z "$ADDRESS" ]; then
  echo "ci.sh: the server did not report its address; its log:" >&2
  cat "$SERVER_LOG" >&2
  exit 1
fi
URL="http://$ADDRESS/mcp"
echo "ci.sh: mcp-conformance-server (pid $SERVER_PID$([ "$LAMBDA" -eq 1 ] && echo ", Lambda behind lambda-bridge")) at $URL"

rc=0
closing=()
for REQ in 2025-11-25 2026-07-28; do
  out="$RESULTS/$REQ.out"
  set +e
  extra=()
  if [ "$LAMBDA" -eq 1 ] && [ "$REQ" = 2025-11-25 ]; then
    extra=(--expected-failures "$HERE/lambda-expected-failures.yaml")
  fi
  CONFORMANCE_RESULTS_DIR="$RESULTS/$REQ" "$HERE/run.sh" "$URL" "$REQ" "${extra[@]}" 2>&1 | tee "$out"
  req_rc=${PIPESTATUS[0]}
  set -e
  [ "$req_rc" -eq 0 ] || rc=1
  line=$(grep "^conformance-$REQ: " "$out" | tail -n1 || true)
  closing+=("${line:-conformance-$REQ: did not finish (run.sh exit $req_rc)}")
done

echo
if [ -z "${CONFORMANCE_RESULTS_DIR:-}" ] && [ "$rc" -eq 0 ]; then
  # Kept only where they are wanted: a failure, or a directory given.
  rm -rf "$RESULTS"
  echo "ci.sh: every scored scenario passed; results removed (CONFORMANCE_RESULTS_DIR=DIR keeps them)"
else
  echo "ci.sh: results in $RESULTS"
fi
printf '%s\n' "${closing[@]}"
exit "$rc"
