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
