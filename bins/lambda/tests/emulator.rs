//! The real `mcp-lambda` bootstrap under the Lambda Runtime API emulator,
//! fed recorded API Gateway REST (v1), HTTP API (v2) and Function URL
//! events, with sessions in AWS's DynamoDB Local.

use lambda_mcp_test_support::dynamodb_local::DynamoDbLocal;
use lambda_mcp_test_support::lambda::{Function, HttpEvent, HttpReply, Shape};
use serde_json::{json, Value};
use std::path::Path;
use std::sync::Arc;

const LEGACY: &str = "2025-11-25";
const STATELESS: &str = "2026-07-28";

struct Deployment {
    _db: Arc<DynamoDbLocal>,
    env: Vec<(String, String)>,
}

impl Deployment {
    /// A fresh session table on the shared DynamoDB Local.
    fn new() -> Self {
        let db = DynamoDbLocal::shared();
        let mut env = db.env();
        let table = format!("lambda_{}_{}", std::process::id(), rand_suffix());
        env.extend([
            ("MCP_SESSION_TABLE".into(), table),
            ("MCP_CREATE_TABLE".into(), "true".into()),
            ("MCP_STATE_SECRET".into(), "emulator-test-state-secret".into()),
            ("RUST_LOG".into(), "info".into()),
            ("SERPER_API_KEY".into(), String::new()),
        ]);
        Deployment { _db: db, env }
    }

    /// One more execution environment of the function.
    async fn environment(&self) -> Function {
        let bootstrap = Path::new(env!("CARGO_BIN_EXE_mcp-lambda"));
        Function::start(bootstrap, &self.env).await.expect("start mcp-lambda")
    }
}

fn rand_suffix() -> String {
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().subsec_nanos();
    format!("{nanos:08x}")
}

/// One HTTP exchange through the function.
async fn send(function: &Function, event: HttpEvent) -> HttpReply {
    let answer = function.invoke_json(&event.to_json()).await.expect("the function answers");
    HttpReply::from_json(&answer).expect("a proxy response")
}

fn post(shape: Shape, principal: Option<&str>, body: &Value) -> HttpEvent {
    HttpEvent::new(shape, "POST", "/mcp")
        .header("Content-Type", "application/json")
        .header("Accept", "application/json, text/event-stream")
        .principal(principal)
        .body(body.to_string().as_bytes())
}

fn legacy(shape: Shape, principal: Option<&str>, session: Option<&str>, body: &Value) -> HttpEvent {
    let event = post(shape, principal, body).header("MCP-Protocol-Version", LEGACY);
    match session {
        Some(id) => event.header("Mcp-Session-Id", id),
        None => event,
    }
}

fn stateless(shape: Shape, principal: Option<&str>, tool: &str, arguments: Value) -> HttpEvent {
    let body = json!({"jsonrpc": "2.0", "id": 7, "method": "tools/call", "params": {
        "name": tool, "arguments": arguments,
        "_meta": {"io.modelcontextprotocol/protocolVersion": STATELESS, "io.modelcontextprotocol/clientCapabilities": {}}
    }});
    post(shape, principal, &body)
        .header("MCP-Protocol-Version", STATELESS)
        .header("Mcp-Method", "tools/call")
        .header("Mcp-Name", tool)
}

fn initialize() -> Value {
    json!({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
        "protocolVersion": LEGACY, "capabilities": {}, "clientInfo": {"name": "emulator-test", "version": "1"}}})
}

fn call(id: u64, tool: &str) -> Value {
    json!({"jsonrpc": "2.0", "id": id, "method": "tools/call", "params": {"name": tool, "arguments": {}}})
}

fn text(reply: &HttpReply) -> String {
    let result = &reply.json()["result"];
    assert_ne!(result["isError"], json!(true), "{result}");
    result["content"][0]["text"].as_str().unwrap_or_default().to_owned()
}

/// initialize → initialized → tools/list → increment_counter twice → 2 → DELETE → 404.
async fn handshake_era(function: &Function, shape: Shape, principal: Option<&str>) {
    let init = send(function, legacy(shape, principal, None, &initialize())).await;
    assert_eq!(init.status, 200, "{shape:?}: {}", String::from_utf8_lossy(&init.body));
    assert_eq!(init.json()["result"]["protocolVersion"], LEGACY);
    let sid = init.header("mcp-session-id").expect("a session id").to_owned();
    let initialized = json!({"jsonrpc": "2.0", "method": "notifications/initialized"});
    assert_eq!(send(function, legacy(shape, principal, Some(&sid), &initialized)).await.status, 202);

    let list = json!({"jsonrpc": "2.0", "id": 2, "method": "tools/list"});
    let tools = send(function, legacy(shape, principal, Some(&sid), &list)).await.json();
    let names: Vec<&str> =
        tools["result"]["tools"].as_array().unwrap().iter().filter_map(|t| t["name"].as_str()).collect();
    for expected in ["say_hello_world", "increment_counter", "get_counter", "search_website", "count_s3_buckets"] {
        assert!(names.contains(&expected), "{shape:?}: {expected} missing from {names:?}");
    }
    for (id, expected) in [(3, "1"), (4, "2")] {
        let reply = send(function, legacy(shape, principal, Some(&sid), &call(id, "increment_counter"))).await;
        assert_eq!(text(&reply), expected, "{shape:?}");
    }
    let delete = HttpEvent::new(shape, "DELETE", "/mcp")
        .header("MCP-Protocol-Version", LEGACY)
        .header("Mcp-Session-Id", &sid)
        .principal(principal);
    assert_eq!(send(function, delete).await.status, 200, "{shape:?}");
    let after = send(function, legacy(shape, principal, Some(&sid), &call(5, "get_counter"))).await;
    assert_eq!(after.status, 404, "{shape:?}: an ended session is gone");
}

/// start_session → a state handle → increment_counter twice with it → 2.
async fn stateless_era(function: &Function, shape: Shape, principal: Option<&str>) {
    let started = send(function, stateless(shape, principal, "start_session", json!({}))).await;
    assert_eq!(started.status, 200, "{shape:?}: {}", String::from_utf8_lossy(&started.body));
    let result = &started.json()["result"];
    assert_eq!(result["resultType"], "complete", "{result}");
    let handle = result["structuredContent"]["state_handle"].as_str().expect("a state handle").to_owned();
    for expected in ["1", "2"] {
        let reply =
            send(function, stateless(shape, principal, "increment_counter", json!({"state_handle": handle}))).await;
        assert_eq!(text(&reply), expected, "{shape:?}");
    }
    let without = send(function, stateless(shape, principal, "increment_counter", json!({}))).await.json();
    assert_eq!(without["result"]["isError"], json!(true), "{without}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_event_shape_serves_both_eras_with_dynamodb_sessions() {
    let deployment = Deployment::new();
    let function = deployment.environment().await;
    for (shape, principal) in [
        (Shape::RestV1, Some("mcp-client")),
        (Shape::HttpV2, Some("mcp-client")),
        (Shape::FunctionUrl, Some("arn:aws:iam::123456789012:user/mcp-client")),
        (Shape::HttpV2, None),
    ] {
        handshake_era(&function, shape, principal).await;
        stateless_era(&function, shape, principal).await;
    }
    let logs = function.logs().join("\n");
    assert!(logs.contains("requestId"), "JSON logs carry the invocation's request id:\n{logs}");
    function.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_session_continues_in_another_environment_for_its_principal_only() {
    let deployment = Deployment::new();
    let (first, second) = (deployment.environment().await, deployment.environment().await);
    let shape = Shape::RestV1;
    let init = send(&first, legacy(shape, Some("alice"), None, &initialize())).await;
    let sid = init.header("mcp-session-id").expect("a session id").to_owned();
    assert_eq!(text(&send(&first, legacy(shape, Some("alice"), Some(&sid), &call(2, "increment_counter"))).await), "1");
    assert_eq!(
        text(&send(&second, legacy(shape, Some("alice"), Some(&sid), &call(3, "increment_counter"))).await),
        "2"
    );
    assert_eq!(text(&send(&first, legacy(shape, Some("alice"), Some(&sid), &call(4, "get_counter"))).await), "2");
    let stolen = send(&second, legacy(shape, Some("mallory"), Some(&sid), &call(5, "get_counter"))).await;
    assert_eq!(stolen.status, 404, "another principal cannot use the session");

    let handle = send(&first, stateless(shape, Some("alice"), "start_session", json!({}))).await.json()["result"]
        ["structuredContent"]["state_handle"]
        .as_str()
        .unwrap()
        .to_owned();
    let mine =
        send(&second, stateless(shape, Some("alice"), "increment_counter", json!({"state_handle": handle}))).await;
    assert_eq!(text(&mine), "1");
    let theirs = send(&second, stateless(shape, Some("mallory"), "get_counter", json!({"state_handle": handle}))).await;
    assert_eq!(theirs.json()["result"]["isError"], json!(true), "a state handle is bound to its principal");
    first.stop().await;
    second.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn streams_are_refused_and_bad_input_gets_its_status() {
    let deployment = Deployment::new();
    let function = deployment.environment().await;
    for shape in Shape::ALL {
        let get = HttpEvent::new(shape, "GET", "/mcp").header("Accept", "text/event-stream");
        assert_eq!(send(&function, get).await.status, 405, "{shape:?}: no GET stream behind API Gateway");
        let other_path = post(shape, None, &initialize()).to_json();
        let mut moved = other_path.clone();
        for field in ["path", "rawPath"] {
            if moved.get(field).is_some() {
                moved[field] = json!("/elsewhere");
            }
        }
        let answer = HttpReply::from_json(&function.invoke_json(&moved).await.unwrap()).unwrap();
        assert_eq!(answer.status, 404, "{shape:?}");
        let malformed = send(&function, legacy(shape, None, None, &json!("not a request"))).await;
        assert_eq!(malformed.status, 400, "{shape:?}");
        let broken = post(shape, None, &json!(null)).body(b"{\"jsonrpc\": \"2.0\", ");
        let reply = send(&function, broken).await;
        assert_eq!((reply.status, reply.json()["error"]["code"].clone()), (400, json!(-32700)), "{shape:?}");
    }
    function.stop().await;
}
