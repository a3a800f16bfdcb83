#!/usr/bin/env bash
# Instructions per request, the noise-free measure on a shared machine:
# runs SERVER under callgrind on 127.0.0.1:0, sends 300 warm-up requests
# (not counted), then N keep-alive `tools/call say_hello_world` requests,
# and prints the server's instructions (Ir) per request.
#
#   bench/callgrind/run.sh SERVER ERA [N]   # ERA: legacy (Mcp-Session-Id when the
#                                           # server mints one) or 2026; N default 2000
#
# e.g. bench/callgrind/run.sh ~/.cache/lambda-mcp/target/release/mcp-http 2026
# With CALLGRIND_OUT=FILE the profile is kept there, for
# `callgrind_annotate --inclusive=yes FILE`. With CALLGRIND_CACHE=1 callgrind
# also simulates the caches and branch predictor, and the misses per request
# are printed too (I1/D1: first-level instruction/data cache; LL: last level;
# Bcm/Bim: mispredicted conditional/indirect branches). With CALLGRIND_LOCKS=1 it
# also counts the locked instructions (atomic read-modify-writes) per request,
# by object (needs objdump, Debian `binutils`): see locks.py.
# Needs valgrind (Debian `valgrind`) and python3. Bounded: the client gives up
# after 120 s, the server is stopped when the count is done.
set -euo pipefail
server=$1 era=$2 n=${3:-2000}
here=$(cd "$(dirname "$0")" && pwd)
out=$(mktemp -d)
trap 'kill "$vpid" 2>/dev/null || true; rm -rf "$out"' EXIT
sim=()
[ "${CALLGRIND_CACHE:-0}" = 1 ] && sim=(--cache-sim=yes --branch-sim=yes)
[ "${CALLGRIND_LOCKS:-0}" = 1 ] && sim+=(--dump-instr=yes)
valgrind --tool=callgrind "${sim[@]}" --callgrind-out-file="$out/cg" "$server" --bind 127.0.0.1:0 >"$out/log" 2>&1 &
vpid=$!
port=""
for _ in $(seq 600); do
    port=$(grep -o 'http://127\.0\.0\.1:[0-9]*' "$out/log" | head -n1 | sed 's/.*://' || true)
    [ -n "$port" ] && break
    kill -0 "$vpid" 2>/dev/null || { cat "$out/log" >&2; exit 1; }
    sleep 0.1
done
[ -n "$port" ] || { echo "no port after 60 s" >&2; exit 1; }
python3 "$here/client.py" "$port" "$era" 300 "$out/sid" 2>/dev/null
callgrind_control -z "$vpid" >/dev/null 2>&1
python3 "$here/client.py" "$port" "$era" "$n" "$out/sid" 2>/dev/null
callgrind_control -d "$vpid" >/dev/null 2>&1
sleep 0.5
ir=$(awk '/^(summary|totals):/ {print $2; exit}' "$out"/cg.1)
echo "$(basename "$server") $era: $((ir / n)) instructions per request ($n requests)"
if [ "${CALLGRIND_CACHE:-0}" = 1 ]; then
    # events: Ir Dr Dw I1mr D1mr D1mw ILmr DLmr DLmw Bc Bcm Bi Bim
    awk -v n="$n" '/^events:/ { for (i = 2; i <= NF; i++) name[i] = $i }
        /^(summary|totals):/ { for (i = 2; i <= NF; i++) if (name[i] ~ /mr$|mw$|^B.m$/) printf "  %s %.0f", name[i], $i / n; print "  (misses per request)"; exit }' "$out"/cg.1
fi
if [ "${CALLGRIND_LOCKS:-0}" = 1 ]; then
    python3 "$here/locks.py" "$out"/cg.1 "$n"
fi
if [ -n "${CALLGRIND_OUT:-}" ]; then cp "$out"/cg.1 "$CALLGRIND_OUT"; fi
