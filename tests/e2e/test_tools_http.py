"""The web-search and S3 example tools through the real `mcp-http` binary, driven by the official Python SDK.

Serper is played by a local HTTP server that speaks its API and records what it receives; S3 is moto's server
(`moto_server` from .venv, or $MOTO_SERVER). Both run on free loopback ports and are stopped when a test ends.
"""

import asyncio
import json
import os
import pathlib
import socket
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import boto3
import jsonschema
import pytest
from conftest import HttpServer
from mcp import Client
from mcp.client.streamable_http import streamable_http_client
from mcp.shared._httpx_utils import create_mcp_http_client
from mcp.types import Implementation

ERAS = ["legacy", "2026-07-28"]
SERPER_KEY = "e2e-serper-key-0123456789"
SERPER_BODY = {
    "searchParameters": {"q": "model context protocol", "type": "search", "engine": "google"},
    "answerBox": {"answer": "An open protocol for connecting models to tools.", "link": "https://modelcontextprotocol.io/"},
    "organic": [
        {"title": "Model Context Protocol", "link": "https://modelcontextprotocol.io/",
         "snippet": "An open protocol that standardizes how applications provide context to LLMs.", "position": 1},
        {"title": "modelcontextprotocol - GitHub", "link": "https://github.com/modelcontextprotocol",
         "snippet": "Specification and SDKs.", "position": 2},
    ],
    "credits": 1,
}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class FakeSerper:
    """Serper's search API on a free loopback port: records each request, answers like Serper."""

    def __init__(self):
        self.requests = []
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                fake.requests.append({"method": "POST", "path": self.path, "body": body,
                                     "headers": {k.lower(): v for k, v in self.headers.items()}})
                if self.headers.get("X-API-KEY") != SERPER_KEY:
                    self.answer(403, {"message": "Unauthorized.", "statusCode": 403})
                elif body["q"] == "nothing at all":
                    self.answer(200, {"searchParameters": {"q": body["q"]}, "organic": [], "credits": 1})
                else:
                    self.answer(200, SERPER_BODY)

            def answer(self, status, payload):
                data = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


class Moto:
    """moto's S3 server on a free loopback port, stopped by PID."""

    def __init__(self):
        binary = os.environ.get("MOTO_SERVER") or str(pathlib.Path(sys.executable).parent / "moto_server")
        if not pathlib.Path(binary).is_file():
            pytest.fail(f"{binary} is missing: run scripts/setup-python.sh")
        port = free_port()
        self.url = f"http://127.0.0.1:{port}"
        self.proc = subprocess.Popen([binary, "-H", "127.0.0.1", "-p", str(port)],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"moto_server exited with {self.proc.returncode}")
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                return
            except OSError:
                time.sleep(0.1)
        self.stop()
        raise RuntimeError("moto_server did not listen within 30 s")

    def create_buckets(self, *names):
        s3 = boto3.client("s3", endpoint_url=self.url, region_name="us-east-1",
                          aws_access_key_id="test", aws_secret_access_key="test")
        for name in names:
            s3.create_bucket(Bucket=name)

    def stop(self):
        self.proc.kill()
        self.proc.wait()


class ToolsServer(HttpServer):
    """`mcp-http` like `HttpServer`, with the tools' configuration in its environment."""

    def __init__(self, binary: str, env: dict):
        self.proc = subprocess.Popen(
            [binary, "--bind", "127.0.0.1:0", "--log-format", "json"],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
            env={"RUST_LOG": "info", "PATH": "/usr/bin:/bin", "AWS_EC2_METADATA_DISABLED": "true", **env},
        )
        self.logs = []
        for line in self.proc.stderr:
            self.logs.append(line)
            address = json.loads(line).get("fields", {}).get("address")
            if address:
                self.url = f"http://{address}/mcp"
                break
        else:
            raise RuntimeError(f"{binary} exited before listening: {self.proc.wait()}")

    def stop(self) -> str:
        """Stops the server; returns everything it logged."""
        super().stop()
        return "".join(self.logs) + self.proc.stderr.read()


@pytest.fixture
def serper():
    fake = FakeSerper()
    yield fake
    fake.stop()


@pytest.fixture
def moto():
    server = Moto()
    yield server
    server.stop()


@pytest.fixture
def tools_server(mcp_http, serper, moto):
    server = ToolsServer(mcp_http, {
        "SERPER_API_KEY": SERPER_KEY, "SERPER_BASE_URL": serper.url,
        "AWS_ACCESS_KEY_ID": "test", "AWS_SECRET_ACCESS_KEY": "test", "AWS_REGION": "us-east-1",
        "AWS_ENDPOINT_URL_S3": moto.url,
    })
    yield server
    logs = server.stop()
    assert SERPER_KEY not in logs, "the Serper key must never be logged"


def client(url: str, mode: str) -> Client:
    transport = streamable_http_client(url, http_client=create_mcp_http_client())
    return Client(transport, mode=mode, client_info=Implementation(name="lambda-mcp-e2e", version="1"),
                  read_timeout_seconds=30)


def run(coro):
    return asyncio.run(asyncio.wait_for(coro, timeout=90))


def text(result) -> str:
    assert result.content and result.content[0].type == "text", result
    return result.content[0].text


@pytest.mark.parametrize("mode", ERAS)
def test_web_search_through_mcp_http(tools_server, serper, mode):
    async def scenario():
        async with client(tools_server.url, mode) as c:
            tools = {t.name: t for t in (await c.list_tools()).tools}
            search = tools["search_website"]
            assert search.annotations.read_only_hint is True and search.annotations.open_world_hint is True
            assert search.input_schema["required"] == ["query"]

            result = await c.call_tool("search_website", {"query": "model context protocol", "num_results": 2})
            assert not result.is_error, result
            jsonschema.validate(result.structured_content, search.output_schema)
            assert [r["position"] for r in result.structured_content["organic"]] == [1, 2]
            assert result.structured_content["answerBox"]["link"] == "https://modelcontextprotocol.io/"
            assert text(result).startswith('2 web results for "model context protocol".'), text(result)
            assert "1. Model Context Protocol\n   https://modelcontextprotocol.io/" in text(result)

            empty = await c.call_tool("search_website", {"query": "nothing at all"})
            assert not empty.is_error and empty.structured_content["organic"] == []
            assert text(empty) == 'No web results for "nothing at all".'

            bad = await c.call_tool("search_website", {"query": "q", "num_results": 0})
            assert bad.is_error and "num_results must be between 1 and 100" in text(bad)

    run(scenario())
    first = serper.requests[0]
    assert (first["method"], first["path"]) == ("POST", "/search")
    assert first["headers"]["x-api-key"] == SERPER_KEY
    assert first["headers"]["content-type"] == "application/json"
    assert first["body"] == {"q": "model context protocol", "num": 2}
    assert len(serper.requests) == 2, "an invalid argument sends nothing"


@pytest.mark.parametrize("mode", ERAS)
def test_s3_tools_through_mcp_http(tools_server, moto, mode):
    async def scenario():
        async with client(tools_server.url, mode) as c:
            tools = {t.name: t for t in (await c.list_tools()).tools}
            assert tools["count_s3_buckets"].annotations.read_only_hint is True
            assert text(await c.call_tool("count_s3_buckets", {})) == "0"

            moto.create_buckets("e2e-alpha", "e2e-beta", "other-gamma")
            assert text(await c.call_tool("count_s3_buckets", {})) == "3"
            listed = await c.call_tool("list_s3_buckets", {"prefix": "e2e-"})
            assert not listed.is_error, listed
            jsonschema.validate(listed.structured_content, tools["list_s3_buckets"].output_schema)
            assert listed.structured_content["count"] == 2
            assert [b["name"] for b in listed.structured_content["buckets"]] == ["e2e-alpha", "e2e-beta"]
            assert all(b["creationDate"].endswith("Z") for b in listed.structured_content["buckets"])

    run(scenario())


def test_misconfiguration_is_an_error_result_that_says_why(mcp_http):
    closed = f"http://127.0.0.1:{free_port()}"
    # No Serper key; S3 without any credentials (no keys, no profile, no instance metadata).
    bare = ToolsServer(mcp_http, {"AWS_REGION": "us-east-1", "AWS_ENDPOINT_URL_S3": closed})
    # Credentials, but nothing listens at the S3 endpoint.
    unreachable = ToolsServer(mcp_http, {"AWS_REGION": "us-east-1", "AWS_ENDPOINT_URL_S3": closed,
                                         "AWS_ACCESS_KEY_ID": "test", "AWS_SECRET_ACCESS_KEY": "test"})

    async def scenario():
        async with client(bare.url, "2026-07-28") as c:
            search = await c.call_tool("search_website", {"query": "q"})
            assert search.is_error and "set the SERPER_API_KEY environment variable" in text(search)
            count = await c.call_tool("count_s3_buckets", {})
            assert count.is_error and text(count).startswith("no AWS credentials found"), text(count)
        async with client(unreachable.url, "legacy") as c:
            started = time.monotonic()
            count = await c.call_tool("count_s3_buckets", {})
            assert count.is_error, count
            assert text(count).startswith(f"could not reach S3 at {closed} (after 3 attempts)"), text(count)
            assert time.monotonic() - started < 10

    try:
        run(scenario())
    finally:
        bare.stop()
        unreachable.stop()
