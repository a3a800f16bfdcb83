#!/usr/bin/env bash
# HTTP benchmark: `mcp-http` (both protocol eras) against the official rmcp SDK
# and a bare hyper server, one `tools/call say_hello_world` at a time.
#
#   scripts/bench-http.sh            # ~5 minutes once built; table on stdout and in bench/results.md
#
# The five servers (bare hyper, rmcp in both eras, mcp-http in both eras) are
# measured in turn, and the whole sequence is repeated BENCH_ROUNDS times
# (default 5): each table row is the round with the median req/s, and its
# range over the rounds is shown beside it. Interleaving the servers this way
# spreads a slow spell of a shared machine over all of them instead of
# penalising whichever happened to run during it.
#
# Each server runs pinned to one core (taskset -c $BENCH_SERVER_CPU, default 0),
# wrk pinned to another ($BENCH_CLIENT_CPU, default 1), on a free loopback port.
# Tunables: BENCH_ROUNDS (default 5), BENCH_DURATION (s per row and round,
# default 2), BENCH_WARMUP (s, default 1), BENCH_CONCURRENCY (default "1 16 64").
# Needs Linux, curl, taskset, wrk (installed with apt-get when missing).
# See bench/README.md.
#
# On a shared machine other processes (a build) steal the two cores: as root
# the server and wrk run at (autogroup) nice -20, and the "others" column reports the
# share of the two cores still used by anything else during each row. In a VM an
# idle vCPU halts and wakes slowly, which makes concurrency 1 swing by 2x from run
# to run: a SCHED_IDLE busy loop on each of the two cores (lowest priority, it
# yields to any other task) keeps them awake. BENCH_SPIN=0 turns it off.
set -euo pipefail
cd "$(dirname "$0")/.."

rounds=${BENCH_ROUNDS:-5}
duration=${BENCH_DURATION:-2}
warmup=${BENCH_WARMUP:-1}
concurrency=${BENCH_CONCURRENCY:-"1 16 64"}
server_cpu=${BENCH_SERVER_CPU:-0}
client_cpu=${BENCH_CLIENT_CPU:-1}
main_target=${CARGO_TARGET_DIR:-$HOME/.cache/lambda-mcp/target}
bench_target=${BENCH_TARGET_DIR:-$HOME/.cache/lambda-mcp/bench-target}
export CARGO_TERM_COLOR=${CARGO_TERM_COLOR:-never}

fail() { echo "bench-http: $*" >&2; exit 1; }
log() { echo "== $*" >&2; }

# ---------------------------------------------------------------- tools
for tool in curl taskset setsid awk; do
    command -v "$tool" >/dev/null || fail "$tool is required"
done
if ! command -v wrk >/dev/null; then
    log "installing wrk (Debian package)"
    sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
    $sudo apt-get install -y -qq wrk >/dev/null 2>&1 \
        || { $sudo apt-get update -qq >/dev/null && $sudo apt-get install -y -qq wrk >/dev/null; } \
        || fail "cannot install wrk"
fi
[ "$(nproc --all)" -ge 2 ] || fail "needs 2 cores (server and load generator on separate cores)"

# ---------------------------------------------------------------- build
log "building mcp-http (release, $main_target)"
CARGO_TARGET_DIR=$main_target cargo build --release --quiet --bin mcp-http
log "building bare-hyper and rmcp-server (release, $bench_target)"
(cd bench && CARGO_TARGET_DIR=$bench_target cargo build --release --quiet --locked)
mcp_http=$main_target/release/mcp-http
bare_hyper=$bench_target/release/bare-hyper
rmcp_server=$bench_target/release/rmcp-server

# ---------------------------------------------------------------- processes
tmp=$(mktemp -d)
pids=()
cleanup() {
    local pid
    for pid in "${pids[@]}"; do
        kill "$pid" 2>/dev/null || true
    done
    for pid in "${pids[@]}"; do
        wait "$pid" 2>/dev/null || true
    done
    rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# prio CMD...: CMD in a session of its own at nice -20 when allowed (root), so a
# concurrent build on the same cores barely competes. With autogroup scheduling
# (kernel.sched_autogroup_enabled) plain nice only ranks processes within a
# session, hence the new session and its autogroup's nice.
prio=(setsid sh -c 'echo -20 >/proc/self/autogroup 2>/dev/null
    if nice -n -20 true 2>/dev/null; then exec nice -n -20 "$@"; else exec "$@"; fi' sh)

server_pid=""
port=""
# start_server NAME CMD...: pinned to the server core, on port 0; sets server_pid and port.
start_server() {
    local name=$1; shift
    local out=$tmp/$name.log
    RUST_LOG=info NO_COLOR=1 "${prio[@]}" taskset -c "$server_cpu" "$@" --bind 127.0.0.1:0 >"$out" 2>&1 &
    server_pid=$!
    pids+=("$server_pid")
    port=""
    local _
    for _ in $(seq 100); do
        port=$(grep -o 'http://127\.0\.0\.1:[0-9]*' "$out" | head -n1 | sed 's/.*://' || true)
        [ -n "$port" ] && break
        kill -0 "$server_pid" 2>/dev/null || { cat "$out" >&2; fail "$name exited at start"; }
        sleep 0.1
    done
    [ -n "$port" ] || { cat "$out" >&2; fail "$name did not report its port within 10 s"; }
    local threads comm
    comm=$(cat "/proc/$server_pid/comm")
    [ "$comm" = "$(basename "$1" | cut -c1-15)" ] || fail "$name: pid $server_pid is $comm, not $1"
    threads=$(awk '/^Threads:/ {print $2}' "/proc/$server_pid/status")
    log "$name: pid $server_pid, port $port, cpu $server_cpu, $threads threads, nice $(ps -o ni= -p "$server_pid" | tr -d ' '), $(cat "/proc/$server_pid/autogroup" 2>/dev/null || echo 'no autogroup')"
}
# stop_server: stops it and forgets its pid, so cleanup never signals a reused pid.
stop_server() {
    kill "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
    local pid keep=()
    for pid in "${pids[@]}"; do
        [ "$pid" = "$server_pid" ] || keep+=("$pid")
    done
    pids=("${keep[@]}")
}

# ---------------------------------------------------------------- requests
call_legacy='{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"say_hello_world","arguments":{}}}'
call_2026='{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"say_hello_world","arguments":{},"_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28","io.modelcontextprotocol/clientCapabilities":{}}}}'
initialize='{"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"bench-http","version":"1.0"}}}'
initialized='{"jsonrpc":"2.0","method":"notifications/initialized"}'
base_headers=$'Content-Type: application/json\nAccept: application/json, text/event-stream'
headers_legacy=$base_headers$'\nMCP-Protocol-Version: 2025-11-25'
headers_2026=$base_headers$'\nMCP-Protocol-Version: 2026-07-28\nMcp-Method: tools/call\nMcp-Name: say_hello_world'

# post URL HEADERS BODY: prints "STATUS CONTENT-TYPE", the body to $tmp/body, headers to $tmp/headers.
post() {
    local url=$1 headers=$2 body=$3 args=() line
    while IFS= read -r line; do args+=(-H "$line"); done <<<"$headers"
    curl -sS --max-time 5 -o "$tmp/body" -D "$tmp/headers" -w '%{http_code} %{content_type}' \
        "${args[@]}" --data-binary "$body" "$url"
}

# legacy_session URL: initialize + notifications/initialized as a client would; prints the session id.
legacy_session() {
    local url=$1 got sid
    got=$(post "$url" "$headers_legacy" "$initialize")
    [ "${got%% *}" = 200 ] || fail "initialize answered $got: $(cat "$tmp/body")"
    sid=$(tr -d '\r' <"$tmp/headers" | awk -F': *' 'tolower($1) == "mcp-session-id" {print $2}')
    [ -n "$sid" ] || fail "initialize returned no Mcp-Session-Id"
    got=$(post "$url" "$headers_legacy"$'\nMcp-Session-Id: '"$sid" "$initialized")
    [ "${got%% *}" = 202 ] || fail "notifications/initialized answered $got"
    echo "$sid"
}

# verify NAME URL HEADERS BODY: one call must answer 200, JSON, with the tool's text.
verify() {
    local name=$1 url=$2 headers=$3 body=$4 got
    got=$(post "$url" "$headers" "$body")
    if [ "${got%% *}" != 200 ] || [[ "${got#* }" != application/json* ]] \
        || ! grep -q '"Hello MCP World!"' "$tmp/body"; then
        fail "$name: expected 200 application/json with \"Hello MCP World!\", got $got: $(cat "$tmp/body")"
    fi
    log "$name verified: $(wc -c <"$tmp/body") byte body"
}

# proc_ticks PID: utime and stime of a process, in clock ticks, from one read.
proc_ticks() { sed 's/^.*) //' "/proc/$1/stat" | awk '{print $12, $13}'; }
# core_ticks: user + nice + system + steal of the two benchmark cores, in clock ticks.
core_ticks() {
    awk -v a="cpu$server_cpu" -v b="cpu$client_cpu" '$1 == a || $1 == b {t += $2 + $3 + $4 + $9} END {print t}' /proc/stat
}
clk_tck=$(getconf CLK_TCK)

# Keep both cores out of the idle state (see the top of this file).
spinners=()
if [ "${BENCH_SPIN:-1}" != 0 ] && command -v chrt >/dev/null; then
    for cpu in "$server_cpu" "$client_cpu"; do
        setsid sh -c 'echo 19 >/proc/self/autogroup 2>/dev/null; exec chrt -i 0 taskset -c "$0" sh -c "while :; do :; done"' \
            "$cpu" &
        spinners+=("$!")
        pids+=("$!")
    done
    log "idle spinners: pids ${spinners[*]}"
fi
# spin_ticks: CPU time of the spinners, in clock ticks.
spin_ticks() {
    local pid t=0 u s
    for pid in "${spinners[@]}"; do read -r u s < <(proc_ticks "$pid"); t=$((t + u + s)); done
    echo "$t"
}

results=()   # "server|era|concurrency|rps|p50_us|p99_us|hwm_kib|server_cpu%|wrk_cpu%|others%|user_us|sys_us"
# measure SERVER ERA URL HEADERS BODY: warm-up, then one wrk run per concurrency.
measure() {
    local server=$1 era=$2 url=$3 headers=$4 body=$5 c out line u0 u1 s0 s1 k0 k1 p0 p1 wall0 wall1
    for c in $concurrency; do
        BENCH_BODY=$body BENCH_HEADERS=$headers "${prio[@]}" taskset -c "$client_cpu" \
            wrk -t1 -c"$c" -d"${warmup}s" --timeout 2s -s bench/wrk/post.lua "$url" >/dev/null \
            || fail "$server/$era c=$c: wrk warm-up failed"
        read -r u0 s0 < <(proc_ticks "$server_pid"); k0=$(core_ticks); p0=$(spin_ticks); wall0=$(date +%s%N)
        out=$( { TIMEFORMAT=%P; time BENCH_BODY=$body BENCH_HEADERS=$headers "${prio[@]}" taskset -c "$client_cpu" \
            wrk -t1 -c"$c" -d"${duration}s" --timeout 2s -s bench/wrk/post.lua "$url"; } 2>&1 ) \
            || fail "$server/$era c=$c: wrk failed: $out"
        read -r u1 s1 < <(proc_ticks "$server_pid"); k1=$(core_ticks); p1=$(spin_ticks); wall1=$(date +%s%N)
        line=$(grep '^BENCH_RESULT' <<<"$out") || { echo "$out" >&2; fail "$server/$era c=$c: no wrk result"; }
        local wrk_cpu hwm
        wrk_cpu=$(tail -n1 <<<"$out")
        hwm=$(awk '/^VmHWM:/ {print $2}' "/proc/$server_pid/status")
        results+=("$(awk -v line="$line" -v s="$server" -v e="$era" -v c="$c" -v hwm="$hwm" \
            -v ticks=$((u1 + s1 - u0 - s0)) -v uticks=$((u1 - u0)) -v cores=$((k1 - k0 - (p1 - p0))) -v hz="$clk_tck" -v wall=$((wall1 - wall0)) \
            -v wcpu="$wrk_cpu" 'BEGIN {
                n = split(line, kv, /[ =]/)
                for (i = 2; i < n; i += 2) r[kv[i]] = kv[i + 1]
                if (r["status_errors"] + 0 > 0 || r["socket_errors"] + 0 > 0) {
                    printf "ERROR %s non-2xx, %s socket errors", r["status_errors"], r["socket_errors"]
                    exit
                }
                secs = wall / 1e9
                others = (cores - ticks - wcpu / 100 * secs * hz) / (2 * secs * hz) * 100
                us = 1e6 / hz / r["requests"]
                printf "%s|%s|%d|%.0f|%d|%d|%d|%.0f|%.0f|%.0f|%.1f|%.1f", s, e, c,
                    r["requests"] / (r["duration_us"] / 1e6), r["p50_us"], r["p99_us"], hwm,
                    100 * ticks / hz / secs, wcpu, (others > 0 ? others : 0), uticks * us, (ticks - uticks) * us
            }')")
        [[ "${results[-1]}" != ERROR* ]] || fail "$server/$era c=$c: ${results[-1]#ERROR }"
        log "$(tr '|' ' ' <<<"${results[-1]}")"
        local others served
        served=$(cut -d'|' -f8 <<<"${results[-1]}")
        others=$(cut -d'|' -f10 <<<"${results[-1]}")
        if [ "$others" -gt 10 ] && { [ "$c" -eq 1 ] || [ "$served" -lt 90 ]; }; then
            log "WARNING: other processes used $others% of the two cores during this row (server at $served%)"
        fi
    done
}

# ---------------------------------------------------------------- runs
for round in $(seq "$rounds"); do
    log "round $round of $rounds"
    log "bare-hyper"
    start_server bare-hyper "$bare_hyper"
    url=http://127.0.0.1:$port/mcp
    verify bare-hyper "$url" "$headers_legacy" "$call_legacy"
    measure bare-hyper "-" "$url" "$headers_legacy" "$call_legacy"
    stop_server

    log "rmcp, legacy-shaped request (stateless, no session)"
    start_server rmcp-legacy "$rmcp_server"
    url=http://127.0.0.1:$port/mcp
    verify rmcp/legacy "$url" "$headers_legacy" "$call_legacy"
    measure rmcp legacy "$url" "$headers_legacy" "$call_legacy"
    stop_server

    log "rmcp, 2026-07-28"
    start_server rmcp-2026 "$rmcp_server"
    url=http://127.0.0.1:$port/mcp
    verify rmcp/2026-07-28 "$url" "$headers_2026" "$call_2026"
    measure rmcp 2026-07-28 "$url" "$headers_2026" "$call_2026"
    stop_server

    log "mcp-http, legacy (initialize, Mcp-Session-Id)"
    start_server mcp-http-legacy "$mcp_http"
    url=http://127.0.0.1:$port/mcp
    sid=$(legacy_session "$url")
    verify mcp-http/legacy "$url" "$headers_legacy"$'\nMcp-Session-Id: '"$sid" "$call_legacy"
    measure mcp-http legacy "$url" "$headers_legacy"$'\nMcp-Session-Id: '"$sid" "$call_legacy"
    stop_server

    log "mcp-http, 2026-07-28"
    start_server mcp-http-2026 "$mcp_http"
    url=http://127.0.0.1:$port/mcp
    verify mcp-http/2026-07-28 "$url" "$headers_2026" "$call_2026"
    measure mcp-http 2026-07-28 "$url" "$headers_2026" "$call_2026"
    stop_server
done

# ---------------------------------------------------------------- report
rmcp_version=$(awk '/^name = "rmcp"$/ {getline; gsub(/[^0-9.]/, ""); print; exit}' bench/Cargo.lock)
commit=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
[ -z "$(git status --porcelain 2>/dev/null)" ] || commit="$commit (with uncommitted changes)"
cpu_model=$(awk -F': ' '/^model name/ {print $2; exit}' /proc/cpuinfo)

report=$(printf '%s\n' "${results[@]}" | awk -F'|' \
    -v date="$(date -u '+%Y-%m-%d %H:%M UTC')" -v commit="$commit" -v rmcp="$rmcp_version" \
    -v wrk="$(wrk -v 2>&1 | head -n1 | awk '{print $1, $2}')" -v rustc="$(rustc --version)" \
    -v cpu="$cpu_model" -v kernel="$(uname -r)" -v dur="$duration" -v warm="$warmup" \
    -v scpu="$server_cpu" -v ccpu="$client_cpu" -v rounds="$rounds" '
    function mib(k) { return sprintf("%.1f", k / 1024) }
    function ratio(a, b) { return (b > 0) ? sprintf("%.2f", a / b) : "n/a" }
    {
        key = $1 "|" $2 "|" $3
        if (!(key in count)) keys[++nk] = key
        all[key, ++count[key]] = $0
        if (!seen[$3]++) cs[++nc] = $3
    }
    END {
        # Per row, the round with the median req/s (the lower middle one for an even count).
        for (k = 1; k <= nk; k++) {
            key = keys[k]; m = count[key]
            for (i = 1; i <= m; i++) { split(all[key, i], f, "|"); v[i] = f[4] + 0; idx[i] = i }
            for (i = 2; i <= m; i++) for (j = i; j > 1 && v[idx[j]] < v[idx[j - 1]]; j--) { t = idx[j]; idx[j] = idx[j - 1]; idx[j - 1] = t }
            rows[k] = all[key, idx[int((m + 1) / 2)]]
            lo[key] = v[idx[1]]; hi[key] = v[idx[m]]
            split(rows[k], f, "|"); rps[key] = f[4]; p50[key] = f[5]; p99[key] = f[6]
        }
        n = nk
        print "# HTTP benchmark: `tools/call say_hello_world`"
        print ""
        printf "Run `scripts/bench-http.sh` (%s). Commit %s; %s; %s; rmcp %s; %s; %s, kernel %s.\n",
            date, commit, rustc, wrk, rmcp, "hyper 1.x everywhere", cpu, kernel
        printf "Server pinned to CPU %s (one tokio worker), wrk `-t1` pinned to CPU %s; %s s warm-up, then %s s per row; ", scpu, ccpu, warm, dur
        printf "%d rounds, each measuring every server in turn: a row is the round with the median req/s, the range is over all rounds; ", rounds
        print "keep-alive connections, one fixed request. Peak RSS is the server process VmHWM after the row (cumulative per process; one fresh process per server and era). Server and wrk CPU: share of one core used during the row (user + system, softirq excluded); server user and system: the server'"'"'s CPU time per request, in user space and in the kernel (softirq excluded). Idle-priority busy loops keep both cores awake (BENCH_SPIN=0: off). Others: share of the two cores used by anything else (a concurrent build, steal; not the busy loops); it mostly fills time the server and wrk leave idle, but a row where it is above ~10% while the server is below ~90% (or at concurrency 1, where it adds wake-up latency) is perturbed: re-run on a quiet machine before quoting it."
        print ""
        print "| server | era | concurrency | req/s | req/s range | p50 (µs) | p99 (µs) | peak RSS (MiB) | server CPU | server user (µs/req) | server system (µs/req) | wrk CPU | others |"
        print "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
        for (i = 1; i <= n; i++) {
            split(rows[i], f, "|"); key = f[1] "|" f[2] "|" f[3]
            printf "| %s | %s | %d | %d | %d–%d | %d | %d | %s | %d%% | %s | %s | %d%% | %d%% |\n", f[1], f[2], f[3], f[4], lo[key], hi[key], f[5], f[6], mib(f[7]), f[8], f[11], f[12], f[9], f[10]
        }
        print ""
        print "Ratios (req/s: higher is better, 1.00 = parity; p99: lower is better). bare-hyper is era-agnostic."
        print ""
        print "| era | concurrency | req/s mcp-http / bare hyper | req/s mcp-http / rmcp | p99 mcp-http / bare hyper | p99 mcp-http / rmcp |"
        print "|---|---:|---:|---:|---:|---:|"
        split("legacy 2026-07-28", eras, " ")
        for (e = 1; e <= 2; e++) for (i = 1; i <= nc; i++) {
            c = cs[i]; m = "mcp-http|" eras[e] "|" c; b = "bare-hyper|-|" c; r = "rmcp|" eras[e] "|" c
            printf "| %s | %d | %s | %s | %s | %s |\n", eras[e], c,
                ratio(rps[m], rps[b]), ratio(rps[m], rps[r]), ratio(p99[m], p99[b]), ratio(p99[m], p99[r])
        }
    }')

echo "$report"
echo "$report" >bench/results.md
log "written to bench/results.md"
