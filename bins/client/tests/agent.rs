//! The real `mcp-client` binary runs the agent loop against an MCP server
//! and a fake Bedrock, both in this process on 127.0.0.1:0. The fake speaks
//! the Converse wire format (`POST /model/{modelId}/converse`) and is
//! reached through `AWS_ENDPOINT_URL_BEDROCK_RUNTIME` with static test
//! credentials in us-east-1.

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use lambda_mcp_core::Server;
use lambda_mcp_http::{HttpConfig, McpHttp};
use serde_json::{json, Value};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::task::JoinHandle;

/// Recorded Converse requests: the path and the JSON body.
type Requests = Arc<Mutex<Vec<(String, Value)>>>;

struct Fake {
    url: String,
    requests: Requests,
    task: JoinHandle<()>,
}

impl Drop for Fake {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Answers the n-th request with the n-th scripted body (the last one repeats).
async fn fake_converse(script: Vec<Value>) -> Fake {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let requests = Requests::default();
    let (script, seen) = (Arc::new(script), requests.clone());
    let task = tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            let (script, seen) = (script.clone(), seen.clone());
            let service = service_fn(move |request: hyper::Request<hyper::body::Incoming>| {
                let (script, seen) = (script.clone(), seen.clone());
                async move {
                    let path = request.uri().path().to_owned();
                    let body = request.into_body().collect().await?.to_bytes();
                    let body: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
                    let step = {
                        let mut seen = seen.lock().unwrap();
                        seen.push((path, body));
                        script[seen.len().min(script.len()) - 1].clone()
                    };
                    let response = hyper::Response::builder()
                        .header("content-type", "application/json")
                        .body(Full::new(Bytes::from(step.to_string())))
                        .unwrap();
                    Ok::<_, hyper::Error>(response)
                }
            });
            tokio::spawn(hyper::server::conn::http1::Builder::new().serve_connection(TokioIo::new(stream), service));
        }
    });
    Fake { url, requests, task }
}

/// The example tools over Streamable HTTP; `search_website` is not among
/// them, so asking for it is a JSON-RPC error the model must see.
async fn mcp_server() -> (String, JoinHandle<std::io::Result<()>>) {
    let server = Server::builder("agent-test", "1.0.0")
        .sessions(Arc::new(lambda_mcp_sessions::MemorySessions::default()))
        .tool(lambda_mcp_tool_hello::say_hello_world)
        .tool(lambda_mcp_tool_counter::increment_counter)
        .build();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/mcp", listener.local_addr().unwrap());
    let mcp = McpHttp::new(server, HttpConfig::default());
    (url, tokio::spawn(lambda_mcp_hyper::serve(listener, mcp, std::future::pending())))
}

fn reply(content: Value, stop: &str) -> Value {
    json!({"output": {"message": {"role": "assistant", "content": content}}, "stopReason": stop,
           "usage": {"inputTokens": 1, "outputTokens": 1, "totalTokens": 2}, "metrics": {"latencyMs": 1}})
}

fn tool_use(id: &str, name: &str, input: Value) -> Value {
    json!({"toolUse": {"toolUseId": id, "name": name, "input": input}})
}

/// Runs `mcp-client --url URL --era handshake ask QUESTION ARGS…` to completion.
async fn ask(mcp: &str, fake: &Fake, args: &[&str]) -> std::process::Output {
    // A home of its own per call (the tests run at once), removed after it.
    static CALLS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let call = CALLS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let home = std::env::temp_dir().join(format!("mcp-client-agent-test-{}-{call}", std::process::id()));
    std::fs::create_dir_all(&home).unwrap();
    let run = tokio::process::Command::new(env!("CARGO_BIN_EXE_mcp-client"))
        .args(["--url", mcp, "--era", "handshake", "ask", "Count, then search."])
        .args(args)
        .env_clear()
        .env("PATH", "/usr/bin:/bin")
        .env("HOME", &home)
        .env("AWS_ENDPOINT_URL_BEDROCK_RUNTIME", &fake.url)
        .env("AWS_ACCESS_KEY_ID", "AKIDTEST")
        .env("AWS_SECRET_ACCESS_KEY", "test-secret")
        .env("AWS_REGION", "us-east-1")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("BEDROCK_MODEL_ID", "test-model")
        .kill_on_drop(true)
        .output();
    let output = tokio::time::timeout(Duration::from_secs(60), run).await;
    let _ = std::fs::remove_dir_all(&home);
    output.expect("mcp-client finished").unwrap()
}

/// The `toolResult` blocks of the last message of a recorded request.
fn tool_results(request: &(String, Value)) -> Vec<Value> {
    let last = request.1["messages"].as_array().unwrap().last().unwrap().clone();
    last["content"].as_array().unwrap().iter().filter_map(|b| b.get("toolResult").cloned()).collect()
}

fn text(result: &Value) -> String {
    result["content"].as_array().unwrap().iter().filter_map(|c| c["text"].as_str()).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_agent_calls_tools_in_order_and_returns_their_results() {
    let (mcp, server) = mcp_server().await;
    let fake = fake_converse(vec![
        reply(json!([tool_use("tu-1", "increment_counter", json!({}))]), "tool_use"),
        reply(json!([tool_use("tu-2", "increment_counter", json!({"by": 2}))]), "tool_use"),
        reply(
            json!([
                tool_use("tu-3", "increment_counter", json!({"by": "x"})),
                tool_use("tu-4", "search_website", json!({"query": "mcp"}))
            ]),
            "tool_use",
        ),
        reply(json!([{"text": "The counter is 3."}]), "end_turn"),
    ])
    .await;
    let out = ask(&mcp, &fake, &[]).await;
    let (stdout, stderr) = (String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(out.status.success(), "{stderr}");
    assert_eq!(stdout, "The counter is 3.\n");
    assert!(stderr.contains("tool → increment_counter {\"by\":2}"), "{stderr}");

    let requests = fake.requests.lock().unwrap().clone();
    assert_eq!(requests.len(), 4);
    assert!(requests.iter().all(|(path, _)| path == "/model/test-model/converse"));
    let tools = requests[0].1["toolConfig"]["tools"].as_array().unwrap();
    assert!(tools
        .iter()
        .any(|t| t["toolSpec"]["name"] == "increment_counter" && t["toolSpec"]["inputSchema"]["json"].is_object()));
    // The counter shows the calls ran in order, with the model's arguments.
    let first = tool_results(&requests[1]);
    assert_eq!(
        (first[0]["toolUseId"].as_str(), first[0]["status"].as_str(), text(&first[0]).as_str()),
        (Some("tu-1"), Some("success"), "1")
    );
    let second = tool_results(&requests[2]);
    assert_eq!((second[0]["toolUseId"].as_str(), text(&second[0]).as_str()), (Some("tu-2"), "3"));
    // isError and a JSON-RPC error (unknown tool) both go back with status error.
    let third = tool_results(&requests[3]);
    assert_eq!(third.len(), 2);
    assert_eq!((third[0]["toolUseId"].as_str(), third[0]["status"].as_str()), (Some("tu-3"), Some("error")));
    assert!(text(&third[0]).contains("`by`"));
    assert_eq!((third[1]["toolUseId"].as_str(), third[1]["status"].as_str()), (Some("tu-4"), Some("error")));
    assert!(text(&third[1]).contains("search_website"), "{}", text(&third[1]));
    server.abort();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_model_that_never_stops_asking_hits_the_turn_bound() {
    let (mcp, server) = mcp_server().await;
    let fake = fake_converse(vec![reply(json!([tool_use("again", "say_hello_world", json!({}))]), "tool_use")]).await;
    let out = ask(&mcp, &fake, &["--max-turns", "2"]).await;
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(4), "{stderr}");
    assert!(stderr.contains("stopped after 2 turns"), "{stderr}");
    assert_eq!(fake.requests.lock().unwrap().len(), 2);
    server.abort();
}
