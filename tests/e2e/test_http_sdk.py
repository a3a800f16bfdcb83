"""The official Python SDK's Streamable HTTP client drives the real `mcp-http` binary, in both eras."""

import asyncio

import httpx2
import pytest
from mcp import Client, MCPError
from mcp.client.streamable_http import streamable_http_client
from mcp.shared._httpx_utils import create_mcp_http_client
from mcp.types import Implementation

ERAS = ["legacy", "2026-07-28", "auto"]


def text(result) -> str:
    assert result.content and result.content[0].type == "text", result
    return result.content[0].text


def client(url: str, mode: str, token: str | None = None) -> Client:
    headers = {"Authorization": f"Bearer {token}"} if token else None
    transport = streamable_http_client(url, http_client=create_mcp_http_client(headers=headers))
    return Client(transport, mode=mode, client_info=Implementation(name="lambda-mcp-e2e", version="1"), read_timeout_seconds=20)


def run(coro):
    return asyncio.run(asyncio.wait_for(coro, timeout=60))


async def exercise(c: Client, mode: str) -> None:
    expected = "2025-11-25" if mode == "legacy" else "2026-07-28"
    assert c.protocol_version == expected
    names = [t.name for t in (await c.list_tools()).tools]
    assert {"say_hello_world", "increment_counter", "get_counter", "start_session"} <= set(names), names
    assert text(await c.call_tool("say_hello_world", {})) == "Hello MCP World!"
    bad = await c.call_tool("increment_counter", {"by": "two"})
    assert bad.is_error and "`by`" in text(bad)
    with pytest.raises(MCPError) as unknown:
        await c.call_tool("no_such_tool", {})
    assert unknown.value.code == -32602
    if mode == "legacy":
        # The Mcp-Session-Id session carries the counter.
        assert text(await c.call_tool("increment_counter", {})) == "1"
        assert text(await c.call_tool("increment_counter", {})) == "2"
        assert text(await c.call_tool("get_counter", {})) == "2"
    else:
        # Stateless: no session unless the client passes a state handle (SEP-2567).
        result = await c.call_tool("increment_counter", {})
        assert result.is_error and "state_handle" in text(result)
        handle = (await c.call_tool("start_session", {})).structured_content["state_handle"]
        assert text(await c.call_tool("increment_counter", {"state_handle": handle})) == "1"
        assert text(await c.call_tool("increment_counter", {"state_handle": handle, "by": 2})) == "3"
        assert text(await c.call_tool("get_counter", {"state_handle": handle})) == "3"
        other = (await c.call_tool("start_session", {})).structured_content["state_handle"]
        assert text(await c.call_tool("get_counter", {"state_handle": other})) == "0"
        unknown = await c.call_tool("get_counter", {"state_handle": "0" * 32})
        assert unknown.is_error and "unknown or has expired" in text(unknown)


@pytest.mark.parametrize("mode", ERAS)
def test_tools_over_http_in_every_era(http_server, mode):
    async def scenario():
        async with client(http_server.url, mode) as c:
            await exercise(c, mode)

    run(scenario())


@pytest.mark.parametrize("mode", ["legacy", "2026-07-28"])
def test_bearer_token_is_required_and_accepted(http_server_with_token, mode):
    async def good():
        async with client(http_server_with_token.url, mode, http_server_with_token.token) as c:
            await exercise(c, mode)

    run(good())
    response = httpx2.post(
        http_server_with_token.url,
        headers={"Content-Type": "application/json", "Accept": "application/json, text/event-stream"},
        content=b'{"jsonrpc":"2.0","id":1,"method":"ping"}',
    )
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"


def test_sessions_end_with_delete(http_server):
    init = {"jsonrpc": "2.0", "id": 1, "method": "initialize",
            "params": {"protocolVersion": "2025-11-25", "capabilities": {}, "clientInfo": {"name": "e2e", "version": "1"}}}
    headers = {"Content-Type": "application/json", "Accept": "application/json, text/event-stream"}
    first = httpx2.post(http_server.url, headers=headers, json=init)
    sid = first.headers["mcp-session-id"]
    with_sid = {**headers, "Mcp-Session-Id": sid, "MCP-Protocol-Version": "2025-11-25"}
    ping = {"jsonrpc": "2.0", "id": 2, "method": "ping"}
    assert httpx2.post(http_server.url, headers=with_sid, json=ping).json()["result"] == {}
    assert httpx2.delete(http_server.url, headers=with_sid).status_code == 200
    assert httpx2.post(http_server.url, headers=with_sid, json=ping).status_code == 404
