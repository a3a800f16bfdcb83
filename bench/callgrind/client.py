"""Keep-alive client of bench/callgrind/run.sh: N `tools/call say_hello_world`.

usage: client.py PORT ERA N SID_FILE   (ERA: legacy or 2026; SID_FILE keeps the
session id minted by `initialize` between the warm-up and the counted run)
"""
import http.client, os, sys, time
port, era, n, sidf = int(sys.argv[1]), sys.argv[2], int(sys.argv[3]), sys.argv[4]
c = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
base = {"Content-Type": "application/json", "Accept": "application/json, text/event-stream"}
def post(h, body):
    c.request("POST", "/mcp", body=body, headers=h)
    r = c.getresponse(); data = r.read(); return r, data
if era == "legacy":
    h = dict(base, **{"MCP-Protocol-Version": "2025-11-25"})
    sid = None
    if os.path.exists(sidf): sid = open(sidf).read().strip()
    if not sid:
        r, d = post(h, '{"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"p","version":"1"}}}')
        sid = r.getheader("mcp-session-id") or ""; open(sidf, "w").write(sid)
        if sid: h["Mcp-Session-Id"] = sid
        post(h, '{"jsonrpc":"2.0","method":"notifications/initialized"}')
    if sid: h["Mcp-Session-Id"] = sid
    body = '{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"say_hello_world","arguments":{}}}'
else:
    h = dict(base, **{"MCP-Protocol-Version": "2026-07-28", "Mcp-Method": "tools/call", "Mcp-Name": "say_hello_world"})
    body = '{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"say_hello_world","arguments":{},"_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28","io.modelcontextprotocol/clientCapabilities":{}}}}'
t = time.time()
for i in range(n):
    r, d = post(h, body)
    assert r.status == 200 and b"Hello MCP World!" in d, (r.status, d)
    if time.time() - t > 120: sys.exit("timeout")
if n: print(d.decode(), file=sys.stderr)
