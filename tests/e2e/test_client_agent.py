"""The `mcp-client ask` / `chat` agent loop, end to end: the real `mcp-client` binary, the real `mcp-http`
(behind a recording proxy), and a local server that speaks Bedrock's Converse wire format, reached through
AWS_ENDPOINT_URL_BEDROCK_RUNTIME with static test credentials in us-east-1.

Exit codes: 0 answered, 3 the MCP server could not be used, 4 the agent failed (Bedrock, turn bound).
"""

import pytest

from client_support import (
    FakeConverse, RecordingProxy, error, last_message, reply, result_text, run_client, tool_results, tool_use,
)
from conftest import _binary


@pytest.fixture(scope="module")
def client() -> str:
    return _binary("mcp-client")


@pytest.fixture
def proxy(http_server):
    proxy = RecordingProxy(http_server.url)
    yield proxy
    proxy.stop()


@pytest.fixture
def converse(request, tmp_path):
    fakes = []

    def start(script: list) -> FakeConverse:
        fake = FakeConverse(script)
        fakes.append(fake)
        return fake

    yield start
    for fake in fakes:
        fake.stop()


def ask(client: str, url: str, fake: FakeConverse, home, *args: str, question: str = "Count twice, then search."):
    return run_client(client, "--url", url, "--era", "handshake", "ask", question, *args, env=fake.env(str(home)))


def test_the_agent_calls_the_tools_the_model_asks_for_in_order(client, proxy, converse, tmp_path):
    fake = converse([
        reply([{"text": "Counting."}, tool_use("tu-1", "increment_counter", {"by": 2})], "tool_use"),
        reply([tool_use("tu-2", "increment_counter", {})], "tool_use"),
        reply([tool_use("tu-3", "search_website", {"query": "lambda mcp"})], "tool_use"),
        reply([{"text": "The counter is 3; the search failed."}], "end_turn"),
    ])
    done = ask(client, proxy.url, fake, tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout == "The counter is 3; the search failed.\n"
    assert "model: Counting." in done.stderr

    # The MCP calls, in order, with the model's arguments.
    assert proxy.calls() == [
        ("increment_counter", {"by": 2}), ("increment_counter", {}), ("search_website", {"query": "lambda mcp"}),
    ]
    # Each tool call is shown with its arguments and duration.
    assert 'tool → increment_counter {"by":2}' in done.stderr
    assert "tool ← increment_counter: ok in" in done.stderr and " ms" in done.stderr

    requests = fake.requests
    assert len(requests) == 4
    assert all(r["path"] == "/model/test-model/converse" for r in requests)
    first = requests[0]["body"]
    assert first["messages"] == [{"role": "user", "content": [{"text": "Count twice, then search."}]}]
    specs = {t["toolSpec"]["name"]: t["toolSpec"] for t in first["toolConfig"]["tools"]}
    assert {"say_hello_world", "increment_counter", "get_counter"} <= set(specs)
    assert specs["increment_counter"]["inputSchema"]["json"]["properties"]["by"]["type"] == "integer"
    assert specs["say_hello_world"]["description"] == "Say hello world!"

    # toolResult blocks answer the matching toolUseIds, in a user message after the assistant's.
    (one,) = tool_results(requests[1])
    assert one["toolUseId"] == "tu-1" and one["status"] == "success" and result_text(one) == "2"
    assert requests[1]["body"]["messages"][1]["role"] == "assistant"
    (two,) = tool_results(requests[2])
    assert two["toolUseId"] == "tu-2" and two["status"] == "success" and result_text(two) == "3"
    # search_website fails here (no API key, or not registered at all): the model gets status error.
    (three,) = tool_results(requests[3])
    assert three["toolUseId"] == "tu-3" and three["status"] == "error" and result_text(three)
    assert len(requests[3]["body"]["messages"]) == 7


def test_an_is_error_result_goes_back_with_status_error(client, proxy, converse, tmp_path):
    fake = converse([
        reply([tool_use("bad-1", "increment_counter", {"by": "two"})], "tool_use"),
        reply([{"text": "That failed."}], "end_turn"),
    ])
    done = ask(client, proxy.url, fake, tmp_path)
    assert done.returncode == 0, done.stderr
    (result,) = tool_results(fake.requests[1])
    assert result["toolUseId"] == "bad-1" and result["status"] == "error" and "`by`" in result_text(result)
    assert "tool ← increment_counter: isError in" in done.stderr


def test_parallel_tool_uses_are_all_answered_and_max_tokens_asks_to_continue(client, proxy, converse, tmp_path):
    fake = converse([
        reply([tool_use("p-1", "say_hello_world", {}), tool_use("p-2", "get_counter", {}),
               tool_use("p-3", "no-such.tool", {})], "tool_use"),
        reply([{"text": "Part one, "}], "max_tokens"),
        reply([{"text": "part two."}], "end_turn"),
    ])
    done = ask(client, proxy.url, fake, tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout == "Part one, part two.\n"
    results = tool_results(fake.requests[1])
    assert [r["toolUseId"] for r in results] == ["p-1", "p-2", "p-3"]
    assert result_text(results[0]) == "Hello MCP World!" and results[0]["status"] == "success"
    assert result_text(results[1]) == "0"
    assert results[2]["status"] == "error" and "no tool named" in result_text(results[2])
    assert sorted(name for name, _ in proxy.calls()) == ["get_counter", "say_hello_world"]
    continued = last_message(fake.requests[2])
    assert continued["role"] == "user" and "continue" in continued["content"][0]["text"]


def test_a_model_that_never_stops_asking_hits_the_turn_bound(client, proxy, converse, tmp_path):
    fake = converse([reply([tool_use("loop", "say_hello_world", {})], "tool_use")])
    done = ask(client, proxy.url, fake, tmp_path, "--max-turns", "3")
    assert done.returncode == 4
    assert "stopped after 3 turns" in done.stderr and "--max-turns" in done.stderr
    assert len(fake.requests) == 3 and len(proxy.calls()) == 3
    assert done.stdout == ""


def test_chat_keeps_the_conversation(client, proxy, converse, tmp_path):
    fake = converse([
        reply([{"text": "Hello!"}], "end_turn"),
        reply([tool_use("c-1", "increment_counter", {})], "tool_use"),
        reply([{"text": "Now 1."}], "end_turn"),
    ])
    done = run_client(client, "--url", proxy.url, "--era", "handshake", "chat", env=fake.env(str(tmp_path)),
                      stdin="hi\n\ncount please\n/exit\nnever asked\n")
    assert done.returncode == 0, done.stderr
    assert done.stdout == "Hello!\nNow 1.\n"
    assert len(fake.requests) == 3
    second = fake.requests[1]["body"]["messages"]
    assert [m["role"] for m in second] == ["user", "assistant", "user"]
    assert second[1]["content"] == [{"text": "Hello!"}]


def test_throttling_is_retried_with_backoff(client, proxy, converse, tmp_path):
    fake = converse([
        error(429, "ThrottlingException", "Too many requests, please wait before trying again."),
        reply([{"text": "Done."}], "end_turn"),
    ])
    done = ask(client, proxy.url, fake, tmp_path)
    assert done.returncode == 0, done.stderr
    assert "ThrottlingException" in done.stderr and "retrying in 1 s (attempt 2/5)" in done.stderr
    assert done.stdout == "Done.\n" and len(fake.requests) == 2


def test_access_denied_is_explained(client, proxy, converse, tmp_path):
    fake = converse([error(403, "AccessDeniedException", "You don't have access to the model with the specified model ID.")])
    done = ask(client, proxy.url, fake, tmp_path)
    assert done.returncode == 4
    assert "denied access to model test-model in us-east-1" in done.stderr and "Model access" in done.stderr
    assert len(fake.requests) == 1


def test_missing_credentials_and_model_are_explained(client, proxy, converse, tmp_path):
    fake = converse([reply([{"text": "unused"}], "end_turn")])
    env = fake.env(str(tmp_path))
    for key in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
        env.pop(key)
    env["AWS_SHARED_CREDENTIALS_FILE"] = env["AWS_CONFIG_FILE"] = str(tmp_path / "missing")
    done = run_client(client, "--url", proxy.url, "ask", "hi", env=env, timeout=60)
    assert done.returncode == 4 and "no AWS credentials found" in done.stderr, done.stderr
    no_model = fake.env(str(tmp_path))
    no_model.pop("BEDROCK_MODEL_ID")
    done = run_client(client, "--url", proxy.url, "ask", "hi", env=no_model)
    assert done.returncode == 4 and "--model or set BEDROCK_MODEL_ID" in done.stderr
    assert fake.requests == []


def test_the_model_flag_and_verbose_exchange(client, proxy, converse, tmp_path):
    fake = converse([reply([{"text": "Hi."}], "end_turn")])
    done = ask(client, proxy.url, fake, tmp_path, "--model", "other.model-v1:0", "-v")
    assert done.returncode == 0, done.stderr
    assert fake.requests[0]["path"] == "/model/other.model-v1:0/converse"
    assert "bedrock → converse (turn 1" in done.stderr and "bedrock ← stopReason end_turn" in done.stderr
    assert 'mcp → {"jsonrpc":"2.0","id":1,"method":"initialize"' in done.stderr


def test_an_mcp_failure_stops_the_agent_before_bedrock(client, http_server_with_token, converse, tmp_path):
    fake = converse([reply([{"text": "unused"}], "end_turn")])
    done = ask(client, http_server_with_token.url, fake, tmp_path)
    assert done.returncode == 3 and "401" in done.stderr
    assert fake.requests == []
