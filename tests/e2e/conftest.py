"""Shared fixtures: the path of the freshly built binaries."""

import os
import pathlib

import pytest


def _binary(name: str) -> str:
    target = os.environ.get("CARGO_TARGET_DIR") or str(pathlib.Path.home() / ".cache/lambda-mcp/target")
    path = pathlib.Path(os.environ.get(f"{name.upper().replace('-', '_')}_BIN", f"{target}/debug/{name}"))
    if not path.is_file():
        pytest.fail(f"{path} is missing: build it first (scripts/test.sh does)")
    return str(path)


@pytest.fixture(scope="session")
def mcp_stdio() -> str:
    return _binary("mcp-stdio")


class _Process:
    """A child process of the tests, stopped by its PID."""

    proc = None

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except Exception:
            self.proc.kill()
            self.proc.wait()


class HttpServer(_Process):
    """A real `mcp-http` process on a free loopback port, stopped by PID."""

    def __init__(self, binary: str, *args: str):
        import json
        import subprocess

        self.proc = subprocess.Popen(
            [binary, "--bind", "127.0.0.1:0", "--log-format", "json", *args],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
            env={"RUST_LOG": "info", "PATH": "/usr/bin:/bin"},
        )
        for line in self.proc.stderr:
            event = json.loads(line)
            address = event.get("fields", {}).get("address")
            if address:
                self.url = f"http://{address}/mcp"
                break
        else:
            raise RuntimeError(f"{binary} exited before listening: {self.proc.wait()}")



@pytest.fixture(scope="session")
def mcp_http() -> str:
    return _binary("mcp-http")


@pytest.fixture
def http_server(mcp_http):
    server = HttpServer(mcp_http)
    yield server
    server.stop()


@pytest.fixture
def http_server_with_token(mcp_http):
    server = HttpServer(mcp_http, "--auth-token", "e2e-secret-token-0123456789")
    server.token = "e2e-secret-token-0123456789"
    yield server
    server.stop()


class LambdaBridge(_Process):
    """The real `mcp-lambda` bootstrap under the Runtime API emulator, behind `lambda-bridge` (each HTTP
    request becomes an API Gateway event of `shape`); stopped by PID (SIGTERM: the bridge stops the bootstrap)."""

    def __init__(self, shape: str, *env: str):
        import subprocess

        args = [_binary("lambda-bridge"), "--bootstrap", _binary("mcp-lambda"), "--shape", shape]
        for pair in env:
            args += ["--env", pair]
        self.proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
                                     env={"PATH": "/usr/bin:/bin", "RUST_LOG": "warn"})
        line = self.proc.stdout.readline()
        if "listening on " not in line:
            raise RuntimeError(f"lambda-bridge did not start: {line!r}, exit {self.proc.poll()}")
        self.url = line.split("listening on ", 1)[1].strip()

