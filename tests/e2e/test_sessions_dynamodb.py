"""Sessions on DynamoDB: two real `mcp-http --session-store dynamodb` processes sharing one table in AWS's
DynamoDB Local (installed and started here by scripts/dynamodb-local.sh, stopped by PID).

One Mcp-Session-Id is used on both processes (the second resumes it from the store): concurrent increments
are never lost, a store outage fails stateful calls clearly while stateless ones keep working, expiry is a
404 even while the item still exists, and state handles of the stateless era cross processes too.
"""

import json
import os
import pathlib
import random
import shutil
import socket
import subprocess
import tempfile
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor

import boto3
import httpx2
import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
SCRIPT = str(ROOT / "scripts" / "dynamodb-local.sh")
HEADERS = {"Content-Type": "application/json", "Accept": "application/json, text/event-stream"}
LEGACY = "2025-11-25"
STATELESS = "2026-07-28"


def _port_free(port: int) -> bool:
    with socket.socket() as s:
        try:
            s.bind(("0.0.0.0", port))
            return True
        except OSError:
            return False


class DynamoDbLocal:
    """DynamoDB Local on a free port below 32768, its tables in a directory so that they survive a restart."""

    def __init__(self, data_dir: str):
        subprocess.run([SCRIPT, "install"], check=True, stdout=subprocess.DEVNULL)
        self.data_dir = data_dir
        for _ in range(10):
            port = random.randint(20000, 32767)
            if _port_free(port):
                self.port = port
                if self._spawn():
                    return
        raise RuntimeError("DynamoDB Local did not start")

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def _spawn(self) -> bool:
        # The JVM's temporary files (the SQLite library it unpacks), removed by stop().
        self.jvm_tmp = os.path.join(self.data_dir, "jvm-tmp")
        self.proc = subprocess.Popen([SCRIPT, "run", str(self.port), self.data_dir],
                                     env={**os.environ, "DYNAMODB_LOCAL_TMPDIR": self.jvm_tmp},
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.time() + 60
        while time.time() < deadline:
            if self.proc.poll() is not None:
                return False
            try:
                response = httpx2.post(self.endpoint, content=b"{}", timeout=30, headers={
                    "X-Amz-Target": "DynamoDB_20120810.ListTables",
                    "Content-Type": "application/x-amz-json-1.0",
                    "Authorization": "AWS4-HMAC-SHA256 Credential=test/20200101/us-east-1/dynamodb/aws4_request, "
                                     "SignedHeaders=host, Signature=0",
                })
                if response.status_code == 200:
                    return True
            except httpx2.HTTPError:
                pass
            time.sleep(0.2)
        self.stop()
        return False

    def stop(self) -> None:
        self.proc.kill()  # by PID (the script exec'd java)
        self.proc.wait()
        shutil.rmtree(self.jvm_tmp, ignore_errors=True)

    def restart(self) -> None:
        for _ in range(20):
            if self._spawn():
                return
            time.sleep(0.25)
        raise RuntimeError("DynamoDB Local did not restart")

    def client(self):
        return boto3.client("dynamodb", endpoint_url=self.endpoint, region_name="us-east-1",
                            aws_access_key_id="test", aws_secret_access_key="test")


class McpHttp:
    """A real `mcp-http --session-store dynamodb` process; its log is drained so it never blocks."""

    def __init__(self, binary: str, ddb: DynamoDbLocal, table: str, ttl_secs: int = 3600):
        env = {
            "PATH": "/usr/bin:/bin",
            "RUST_LOG": "info",
            "AWS_ACCESS_KEY_ID": "test",
            "AWS_SECRET_ACCESS_KEY": "test",
            "AWS_REGION": "us-east-1",
            "AWS_ENDPOINT_URL_DYNAMODB": ddb.endpoint,
            "AWS_EC2_METADATA_DISABLED": "true",
            "AWS_CONFIG_FILE": "/nonexistent",
            "AWS_SHARED_CREDENTIALS_FILE": "/nonexistent",
            "MCP_SESSION_STORE": "dynamodb",
            "MCP_SESSION_TABLE": table,
            "MCP_SESSION_TTL_SECS": str(ttl_secs),
        }
        self.proc = subprocess.Popen([binary, "--bind", "127.0.0.1:0", "--log-format", "json", "--create-table"],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, env=env)
        self.log: list[str] = []
        for line in self.proc.stderr:
            self.log.append(line)
            address = json.loads(line).get("fields", {}).get("address")
            if address:
                self.url = f"http://{address}/mcp"
                break
        else:
            raise RuntimeError(f"mcp-http exited before listening: {self.proc.wait()}\n{''.join(self.log)}")
        threading.Thread(target=lambda: self.log.extend(self.proc.stderr), daemon=True).start()

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


def body(response) -> dict:
    """The JSON-RPC message of a response, JSON or SSE."""
    if response.headers.get("content-type", "").startswith("text/event-stream"):
        data = [line[5:].strip() for line in response.text.splitlines() if line.startswith("data:")]
        return json.loads(data[-1])
    return response.json()


def initialize(url: str) -> str:
    init = {"jsonrpc": "2.0", "id": 1, "method": "initialize",
            "params": {"protocolVersion": LEGACY, "capabilities": {}, "clientInfo": {"name": "e2e", "version": "1"}}}
    response = httpx2.post(url, headers=HEADERS, json=init, timeout=30)
    assert response.status_code == 200, response.text
    sid = response.headers["mcp-session-id"]
    done = httpx2.post(url, headers=session_headers(sid), timeout=30,
                       json={"jsonrpc": "2.0", "method": "notifications/initialized"})
    assert done.status_code == 202
    return sid


def session_headers(sid: str) -> dict:
    return {**HEADERS, "Mcp-Session-Id": sid, "MCP-Protocol-Version": LEGACY}


def call(http, url: str, sid: str, tool: str, arguments: dict | None = None):
    """A legacy-era tools/call on the session; (HTTP status, result or None)."""
    request = {"jsonrpc": "2.0", "id": random.randint(1, 1 << 30), "method": "tools/call",
               "params": {"name": tool, "arguments": arguments or {}}}
    response = http.post(url, headers=session_headers(sid), json=request, timeout=30)
    if response.status_code != 200:
        return response.status_code, None
    return 200, body(response)["result"]


def stateless_call(url: str, tool: str, arguments: dict) -> dict:
    request = {"jsonrpc": "2.0", "id": 1, "method": "tools/call",
               "params": {"name": tool, "arguments": arguments,
                          "_meta": {"io.modelcontextprotocol/protocolVersion": STATELESS,
                                    "io.modelcontextprotocol/clientCapabilities": {}}}}
    headers = {**HEADERS, "MCP-Protocol-Version": STATELESS, "Mcp-Method": "tools/call", "Mcp-Name": tool}
    response = httpx2.post(url, headers=headers, json=request, timeout=30)
    assert response.status_code == 200, response.text
    return body(response)["result"]


def text(result: dict) -> str:
    return result["content"][0]["text"]


@pytest.fixture(scope="module")
def dynamodb():
    with tempfile.TemporaryDirectory(prefix="lambda-mcp-ddb-") as data:
        ddb = DynamoDbLocal(data)
        yield ddb
        ddb.stop()


@pytest.fixture
def pair(mcp_http, dynamodb):
    """Two processes on one fresh table; yields a factory for more (with a TTL)."""
    started = []

    def start(count: int = 2, ttl_secs: int = 3600, table: str | None = None):
        table = table or f"sessions_{uuid.uuid4().hex}"
        servers = [McpHttp(mcp_http, dynamodb, table, ttl_secs) for _ in range(count)]
        started.extend(servers)
        return servers, table

    yield start
    for server in started:
        assert "panicked" not in "".join(server.log), "".join(server.log)
        server.stop()


def test_no_lost_increment_across_two_processes(pair):
    (a, b), _ = pair()
    sid = initialize(a.url)
    values = []

    def client(i: int) -> None:
        with httpx2.Client() as http:
            for j in range(50):
                server = (a, b)[(i + j) % 2]
                status, result = call(http, server.url, sid, "increment_counter")
                assert status == 200 and not result.get("isError"), result
                values.append(int(text(result)))

    with ThreadPoolExecutor(8) as pool:
        list(pool.map(client, range(8)))
    assert sorted(values) == list(range(1, 401)), "each increment saw its own new value"
    for server in (a, b):
        status, result = call(httpx2, server.url, sid, "get_counter")
        assert text(result) == "400"


def test_store_outage_fails_stateful_calls_and_recovers_without_a_restart(pair, dynamodb):
    (a, b), _ = pair()
    sid = initialize(a.url)
    succeeded = []
    failures = []
    stop = threading.Event()

    def client(i: int) -> None:
        with httpx2.Client() as http:
            j = 0
            while not stop.is_set():
                server = (a, b)[(i + j) % 2]
                j += 1
                status, result = call(http, server.url, sid, "increment_counter")
                assert status == 200, status
                if result.get("isError"):
                    failures.append(text(result))
                else:
                    succeeded.append(int(text(result)))

    with ThreadPoolExecutor(4) as pool:
        running = [pool.submit(client, i) for i in range(4)]
        time.sleep(1.5)
        dynamodb.stop()
        time.sleep(1.0)
        # While the store is down: stateful calls fail clearly, stateless ones work.
        with httpx2.Client() as http:
            for server in (a, b):
                status, result = call(http, server.url, sid, "increment_counter")
                assert result["isError"] and "state was not saved" in text(result), result
                status, result = call(http, server.url, sid, "get_counter")
                assert result["isError"] and "session store" in text(result), result
                status, result = call(http, server.url, sid, "say_hello_world")
                assert not result.get("isError") and text(result) == "Hello MCP World!", result
        dynamodb.restart()
        time.sleep(1.5)
        stop.set()
        for f in running:
            f.result()
    assert succeeded and failures
    assert all("state was not saved" in f for f in failures), failures[:3]
    assert a.proc.poll() is None and b.proc.poll() is None, "both servers are still running"
    with httpx2.Client() as http:
        status, result = call(http, b.url, sid, "increment_counter")
        assert not result.get("isError"), result
        final = int(text(result)) - 1
    # Nothing that succeeded was lost; at most the calls in flight when the store died may have landed unseen.
    assert len(succeeded) <= final <= len(succeeded) + 4, (len(succeeded), final)
    assert len(set(succeeded)) == len(succeeded)


def test_expired_sessions_are_404_even_while_the_item_exists_and_activity_extends_them(pair, dynamodb):
    (a,), table = pair(count=1, ttl_secs=3)
    idle, busy = initialize(a.url), initialize(a.url)
    with httpx2.Client() as http:
        for _ in range(12):
            time.sleep(0.5)
            status, result = call(http, a.url, busy, "get_counter")
            assert status == 200 and not result.get("isError"), result
    (b,), _ = pair(count=1, ttl_secs=3, table=table)
    status, _ = call(httpx2, b.url, idle, "get_counter")
    assert status == 404
    item = dynamodb.client().get_item(TableName=table, Key={"session_id": {"S": idle}}, ConsistentRead=True)
    assert "Item" in item and int(item["Item"]["expires_at"]["N"]) <= time.time(), item
    status, result = call(httpx2, b.url, busy, "get_counter")
    assert status == 200 and text(result) == "0", result


def test_delete_ends_the_session_for_every_process(pair):
    (a, b), table = pair()
    sid = initialize(a.url)
    status, result = call(httpx2, b.url, sid, "increment_counter")
    assert text(result) == "1"
    assert httpx2.delete(a.url, headers=session_headers(sid), timeout=30).status_code == 200
    assert call(httpx2, a.url, sid, "get_counter")[0] == 404
    (c,), _ = pair(count=1, table=table)
    assert call(httpx2, c.url, sid, "get_counter")[0] == 404


def test_state_handles_cross_processes(pair):
    (a, b), _ = pair()
    handle = stateless_call(a.url, "start_session", {})["structuredContent"]["state_handle"]
    assert text(stateless_call(b.url, "increment_counter", {"state_handle": handle})) == "1"
    assert text(stateless_call(a.url, "increment_counter", {"state_handle": handle, "by": 2})) == "3"
    assert text(stateless_call(b.url, "get_counter", {"state_handle": handle})) == "3"
    unknown = stateless_call(b.url, "get_counter", {"state_handle": "0" * 32})
    assert unknown["isError"], unknown
