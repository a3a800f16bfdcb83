"""A small server built on the official Python SDK (`mcp` 2.x, `MCPServer`), for mcp-client's interop tests.

    python py_server.py stdio          # newline-delimited JSON-RPC on stdin/stdout
    python py_server.py http           # Streamable HTTP on 127.0.0.1, an ephemeral port; prints "PORT <n>"

Tools: `say_hello_world` -> "Hello MCP World!", `add(a, b)` -> {"sum": a + b} (structured), and
`fail(reason)`, which raises, so the SDK answers with an isError result.
"""

import socket
import sys

import anyio
import uvicorn
from pydantic import BaseModel

from mcp.server.mcpserver import MCPServer
from mcp.server.mcpserver.exceptions import ToolError

mcp = MCPServer(name="py-interop-server", version="0.1.0")


@mcp.tool(description="Returns a friendly greeting")
def say_hello_world() -> str:
    return "Hello MCP World!"


class Sum(BaseModel):
    sum: int


@mcp.tool(description="Adds two integers")
def add(a: int, b: int) -> Sum:
    return Sum(sum=a + b)


@mcp.tool(description="Always fails with the given reason")
def fail(reason: str) -> str:
    raise ToolError(reason)


async def serve_http() -> None:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    print(f"PORT {sock.getsockname()[1]}", flush=True)
    app = mcp.streamable_http_app()
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning"))
    await server.serve(sockets=[sock])


if __name__ == "__main__":
    if sys.argv[1:] == ["http"]:
        anyio.run(serve_http)
    else:
        mcp.run("stdio")
