-- wrk script for scripts/bench-http.sh: POSTs one JSON-RPC body with the
-- headers given in the environment, and prints one machine-readable line.
--   BENCH_BODY     the request body
--   BENCH_HEADERS  "Name: value" lines, separated by newlines
wrk.method = "POST"
wrk.body = assert(os.getenv("BENCH_BODY"), "BENCH_BODY is not set")
for line in (os.getenv("BENCH_HEADERS") or ""):gmatch("[^\n]+") do
   local name, value = line:match("^%s*([^:]+):%s*(.-)%s*$")
   assert(name, "bad header line: " .. line)
   wrk.headers[name] = value
end

-- Latencies are in microseconds; duration too.
function done(summary, latency, requests)
   local e = summary.errors
   io.write(string.format(
      "BENCH_RESULT requests=%d duration_us=%d p50_us=%d p99_us=%d max_us=%d status_errors=%d socket_errors=%d\n",
      summary.requests, summary.duration,
      latency:percentile(50), latency:percentile(99), latency.max,
      e.status, e.connect + e.read + e.write + e.timeout))
end
