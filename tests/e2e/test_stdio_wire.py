"""Raw bad input on the real `mcp-stdio` binary: precise JSON-RPC errors, no exit, no panic."""

import json
import subprocess

INIT = {"jsonrpc": "2.0", "id": 0, "method": "initialize",
        "params": {"protocolVersion": "2025-11-25", "capabilities": {}, "clientInfo": {"name": "wire", "version": "1"}}}


def exchange(binary: str, lines: list[str]) -> tuple[list[dict], subprocess.CompletedProcess]:
    proc = subprocess.run([binary], input="\n".join(lines) + "\n", capture_output=True, text=True, timeout=30)
    replies = [json.loads(line) for line in proc.stdout.splitlines()]
    return replies, proc


def by_id(replies, rid):
    return next(r for r in replies if r.get("id") == rid)


def test_bad_input_is_answered_precisely_and_the_server_keeps_serving(mcp_stdio):
    replies, proc = exchange(mcp_stdio, [
        json.dumps({"jsonrpc": "2.0", "id": 1, "method": "tools/list"}),
        json.dumps(INIT),
        "{oops",
        json.dumps({"jsonrpc": "2.0", "id": 2, "params": {}}),
        json.dumps({"jsonrpc": "2.0", "id": 3, "method": "resources/teleport"}),
        json.dumps({"jsonrpc": "2.0", "id": 4, "method": "tools/call", "params": {"arguments": {}}}),
        json.dumps({"jsonrpc": "2.0", "id": 5, "method": "tools/call", "params": {"name": "say_hello_world"}}),
    ])
    assert proc.returncode == 0, proc.stderr
    assert "panicked" not in proc.stderr
    assert by_id(replies, 1)["error"]["code"] == -32600  # before initialize
    assert [r for r in replies if r.get("id") is None][0]["error"]["code"] == -32700
    assert by_id(replies, 2)["error"]["code"] == -32600
    assert by_id(replies, 3)["error"]["code"] == -32601
    assert by_id(replies, 3)["error"]["data"] == {"method": "resources/teleport"}
    assert by_id(replies, 4)["error"]["code"] == -32602
    assert by_id(replies, 5)["result"]["content"][0]["text"] == "Hello MCP World!"


def test_stateless_requests_are_validated(mcp_stdio):
    meta = {"io.modelcontextprotocol/protocolVersion": "2026-07-28", "io.modelcontextprotocol/clientCapabilities": {}}
    replies, proc = exchange(mcp_stdio, [
        json.dumps({"jsonrpc": "2.0", "id": 1, "method": "tools/list",
                    "params": {"_meta": {**meta, "io.modelcontextprotocol/protocolVersion": "2031-01-01"}}}),
        json.dumps({"jsonrpc": "2.0", "id": 2, "method": "tools/list",
                    "params": {"_meta": {"io.modelcontextprotocol/protocolVersion": "2026-07-28"}}}),
        json.dumps({"jsonrpc": "2.0", "id": 3, "method": "ping", "params": {"_meta": meta}}),
        json.dumps({"jsonrpc": "2.0", "id": 4, "method": "tools/list", "params": {"_meta": meta}}),
    ])
    assert proc.returncode == 0, proc.stderr
    unsupported = by_id(replies, 1)["error"]
    assert unsupported["code"] == -32022
    assert unsupported["data"]["requested"] == "2031-01-01"
    assert "2026-07-28" in unsupported["data"]["supported"]
    assert by_id(replies, 2)["error"]["code"] == -32602
    assert by_id(replies, 3)["error"]["code"] == -32601
    listed = by_id(replies, 4)["result"]
    assert listed["resultType"] == "complete" and listed["cacheScope"] == "public" and listed["ttlMs"] >= 0


def test_only_json_rpc_on_stdout_and_clean_exit_on_eof(mcp_stdio):
    proc = subprocess.run([mcp_stdio], input="", capture_output=True, text=True, timeout=30,
                          env={"RUST_LOG": "debug", "PATH": "/usr/bin:/bin"})
    assert proc.returncode == 0
    assert proc.stdout == ""
