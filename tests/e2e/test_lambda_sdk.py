"""The official Python SDK drives the real `mcp-lambda` bootstrap through the Lambda Runtime API emulator
(`lambda-bridge`: each request becomes an API Gateway REST v1, HTTP API v2 or Function URL event), in both eras,
with and without a bearer token checked by the function itself."""

import httpx2
import pytest
from conftest import LambdaBridge
from test_http_sdk import ERAS, client, exercise, run

TOKEN = "lambda-e2e-token-0123456789"


@pytest.mark.parametrize("shape", ["rest-v1", "http-v2", "function-url"])
@pytest.mark.parametrize("mode", ERAS)
def test_the_sdk_works_against_the_lambda_handler(shape, mode):
    bridge = LambdaBridge(shape)
    try:
        async def scenario():
            async with client(bridge.url, mode) as c:
                await exercise(c, mode)

        run(scenario())
    finally:
        bridge.stop()


@pytest.mark.parametrize("mode", ["legacy", "2026-07-28"])
def test_a_token_checked_by_the_function(mode):
    bridge = LambdaBridge("function-url", f"MCP_AUTH_TOKEN={TOKEN}")
    try:
        refused = httpx2.post(bridge.url, json={"jsonrpc": "2.0", "id": 1, "method": "ping"},
                              headers={"Accept": "application/json, text/event-stream"}, timeout=30)
        assert refused.status_code == 401 and refused.headers["www-authenticate"].startswith("Bearer")

        async def scenario():
            async with client(bridge.url, mode, token=TOKEN) as c:
                await exercise(c, mode)

        run(scenario())
    finally:
        bridge.stop()
