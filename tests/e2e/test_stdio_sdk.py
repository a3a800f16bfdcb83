"""The official Python SDK client (PyPI `mcp` 2.x) drives the real `mcp-stdio` binary, in both eras."""

import asyncio

import pytest
from mcp import Client, MCPError, StdioServerParameters
from mcp.types import DiscoverResult, Implementation

# "legacy": initialize handshake (2025-11-25). "2026-07-28": stateless, every request carries _meta,
# with a real server/discover first. "auto": the SDK default: discover probe, fallback to initialize.
ERAS = ["legacy", "2026-07-28", "auto"]


def text(result) -> str:
    assert result.content and result.content[0].type == "text", result
    return result.content[0].text


async def session(binary: str, mode: str):
    client = Client(
        StdioServerParameters(command=binary, args=[]),
        mode=mode,
        client_info=Implementation(name="lambda-mcp-e2e", version="1"),
        read_timeout_seconds=20,
    )
    return client


def run(coro):
    return asyncio.run(asyncio.wait_for(coro, timeout=60))


@pytest.mark.parametrize("mode", ERAS)
def test_tools_work_in_every_era(mcp_stdio, mode):
    async def scenario():
        async with await session(mcp_stdio, mode) as client:
            if mode == "2026-07-28":
                raw = await client.session.send_discover("2026-07-28")
                client.session.adopt(DiscoverResult.model_validate(raw))
                assert "2026-07-28" in raw["supportedVersions"]
            expected = "2025-11-25" if mode == "legacy" else "2026-07-28"
            assert client.protocol_version == expected

            tools = await client.list_tools()
            names = [t.name for t in tools.tools]
            assert {"say_hello_world", "increment_counter", "get_counter", "start_session"} <= set(names), names
            hello = next(t for t in tools.tools if t.name == "say_hello_world")
            assert hello.description == "Say hello world!"
            assert hello.annotations.read_only_hint is True

            result = await client.call_tool("say_hello_world", {})
            assert not result.is_error
            assert text(result) == "Hello MCP World!"

            assert text(await client.call_tool("increment_counter", {})) == "1"
            assert text(await client.call_tool("increment_counter", {})) == "2"
            assert text(await client.call_tool("get_counter", {})) == "2"

            bad = await client.call_tool("increment_counter", {"by": "two"})
            assert bad.is_error
            assert "`by`" in text(bad)

            with pytest.raises(MCPError) as unknown:
                await client.call_tool("no_such_tool", {})
            assert unknown.value.code == -32602

    run(scenario())


def test_each_process_has_its_own_counter(mcp_stdio):
    async def scenario():
        async with await session(mcp_stdio, "legacy") as first:
            await first.call_tool("increment_counter", {"by": 5})
            async with await session(mcp_stdio, "legacy") as second:
                assert text(await second.call_tool("get_counter", {})) == "0"
            assert text(await first.call_tool("get_counter", {})) == "5"

    run(scenario())
