"""Helpers for the mcp-client tests: run the binary, record MCP traffic, fake Bedrock's Converse API.

Everything listens on 127.0.0.1 (port 0) and is stopped by the test that started it.
"""

import http.client
import http.server
import json
import subprocess
import threading
import urllib.parse

CLIENT_TIMEOUT = 90


def run_client(binary: str, *args: str, env: dict | None = None, stdin: str | None = None,
               timeout: int = CLIENT_TIMEOUT) -> subprocess.CompletedProcess:
    """Runs `mcp-client ARGS` to completion (bounded by `timeout`)."""
    return subprocess.run(
        [binary, *args],
        env={"PATH": "/usr/bin:/bin", **(env or {})},
        input=stdin if stdin is not None else "",
        capture_output=True,
        text=True,
        timeout=timeout,
    )


class _Server:
    """A ThreadingHTTPServer on 127.0.0.1:0 in a daemon thread."""

    def __init__(self, handler):
        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


class RecordingProxy(_Server):
    """Relays every request to an MCP endpoint and records method, headers and JSON body."""

    def __init__(self, upstream_url: str):
        upstream = urllib.parse.urlsplit(upstream_url)
        self.records: list[dict] = []
        lock = threading.Lock()
        proxy = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def relay(self):
                length = int(self.headers.get("content-length") or 0)
                body = self.rfile.read(length) if length else b""
                headers = {k: v for k, v in self.headers.items() if k.lower() not in ("host", "content-length")}
                conn = http.client.HTTPConnection(upstream.hostname, upstream.port, timeout=60)
                conn.request(self.command, upstream.path, body=body or None, headers=headers)
                reply = conn.getresponse()
                data = reply.read()
                with lock:
                    proxy.records.append({
                        "method": self.command,
                        "headers": {k.lower(): v for k, v in self.headers.items()},
                        "body": json.loads(body) if body else None,
                        "status": reply.status,
                    })
                self.send_response(reply.status)
                for key, value in reply.getheaders():
                    if key.lower() not in ("transfer-encoding", "content-length", "connection"):
                        self.send_header(key, value)
                self.send_header("content-length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
                conn.close()

            do_POST = do_GET = do_DELETE = relay

        super().__init__(Handler)
        self.url = f"http://127.0.0.1:{self.port}/mcp"

    def calls(self) -> list[tuple[str, dict]]:
        """The (name, arguments) of every tools/call, in order."""
        return [
            (r["body"]["params"]["name"], r["body"]["params"].get("arguments"))
            for r in self.records
            if r["body"] and r["body"].get("method") == "tools/call"
        ]


def reply(content: list[dict], stop: str) -> dict:
    """A Converse response body."""
    return {
        "output": {"message": {"role": "assistant", "content": content}},
        "stopReason": stop,
        "usage": {"inputTokens": 10, "outputTokens": 5, "totalTokens": 15},
        "metrics": {"latencyMs": 7},
    }


def tool_use(tool_use_id: str, name: str, arguments: dict) -> dict:
    return {"toolUse": {"toolUseId": tool_use_id, "name": name, "input": arguments}}


def error(status: int, error_type: str, message: str) -> tuple[int, str, dict]:
    """A scripted service error: HTTP status, x-amzn-ErrorType, body."""
    return (status, error_type, {"message": message})


class FakeConverse(_Server):
    """Speaks Bedrock's Converse wire format (`POST /model/{modelId}/converse`).

    `script` is a list of steps, one per request: a Converse response body (see `reply`), an error
    tuple (see `error`), or a callable taking the request body and returning either. Past the end
    of the script, the last step repeats. Requests (path and JSON body) are kept in `requests`.
    """

    def __init__(self, script: list):
        self.requests: list[dict] = []
        lock = threading.Lock()
        fake = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers.get("content-length") or 0)) or b"{}")
                with lock:
                    fake.requests.append({"path": urllib.parse.unquote(self.path), "body": body})
                    step = script[min(len(fake.requests), len(script)) - 1]
                if callable(step):
                    step = step(body)
                if isinstance(step, tuple):
                    status, error_type, payload = step
                    self.respond(status, payload, {"x-amzn-ErrorType": error_type})
                elif self.path.endswith("/converse"):
                    self.respond(200, step, {})
                else:
                    self.respond(404, {"message": f"unexpected path {self.path}"}, {"x-amzn-ErrorType": "UnknownOperationException"})

            def respond(self, status: int, payload: dict, headers: dict):
                data = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(data)))
                for key, value in headers.items():
                    self.send_header(key, value)
                self.end_headers()
                self.wfile.write(data)

        super().__init__(Handler)
        self.url = f"http://127.0.0.1:{self.port}"

    def env(self, home: str, model: str = "test-model") -> dict:
        """Environment for mcp-client: this endpoint, static test credentials, us-east-1, no ~/.aws."""
        return {
            "AWS_ENDPOINT_URL_BEDROCK_RUNTIME": self.url,
            "AWS_ACCESS_KEY_ID": "AKIDTESTTESTTEST",
            "AWS_SECRET_ACCESS_KEY": "test-secret",
            "AWS_REGION": "us-east-1",
            "AWS_EC2_METADATA_DISABLED": "true",
            "HOME": home,
            "BEDROCK_MODEL_ID": model,
        }


def last_message(request: dict) -> dict:
    return request["body"]["messages"][-1]


def tool_results(request: dict) -> list[dict]:
    """The toolResult blocks of the last (user) message of a Converse request."""
    return [block["toolResult"] for block in last_message(request)["content"] if "toolResult" in block]


def result_text(result: dict) -> str:
    return "".join(block.get("text", "") for block in result["content"])
