//! The client against the project's own Streamable HTTP server, in process
//! on 127.0.0.1:0: both eras, the probe, tokens, isError and JSON-RPC errors.

use lambda_mcp_client::{Client, ClientError, ConnectOptions, EraMode, HttpOptions};
use lambda_mcp_core::jsonrpc::ErrorCode;
use lambda_mcp_core::protocol::{Content, Era};
use lambda_mcp_core::Server;
use lambda_mcp_http::{HttpConfig, McpHttp};
use lambda_mcp_sessions::MemorySessions;
use serde_json::{json, Map, Value};
use std::sync::Arc;
use tokio::sync::oneshot;

struct Running {
    url: String,
    stop: Option<oneshot::Sender<()>>,
}

impl Drop for Running {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

async fn start(token: Option<&str>) -> Running {
    start_on("127.0.0.1:0", token).await
}

async fn start_on(address: &str, token: Option<&str>) -> Running {
    let server = Server::builder("test-http", "1.0.0")
        .sessions(Arc::new(MemorySessions::default()))
        .tool(lambda_mcp_tool_hello::say_hello_world)
        .tool(lambda_mcp_tool_counter::increment_counter)
        .build();
    let mut config = HttpConfig::default();
    if let Some(token) = token {
        config = config.bearer_token(token);
    }
    let listener = tokio::net::TcpListener::bind(address).await.unwrap();
    let url = format!("http://{}/mcp", listener.local_addr().unwrap());
    let (stop, stopped) = oneshot::channel::<()>();
    tokio::spawn(lambda_mcp_hyper::serve(listener, McpHttp::new(server, config), async {
        let _ = stopped.await;
    }));
    Running { url, stop: Some(stop) }
}

fn options(era: EraMode) -> ConnectOptions {
    ConnectOptions { era, ..ConnectOptions::default() }
}

fn text(content: &[Content]) -> String {
    match content.first() {
        Some(Content::Text { text }) => text.clone(),
        other => panic!("expected text, got {other:?}"),
    }
}

fn args(value: Value) -> Map<String, Value> {
    value.as_object().cloned().unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn auto_mode_discovers_the_stateless_era() {
    let server = start(None).await;
    let client = Client::connect_http(&server.url, HttpOptions::default(), options(EraMode::Auto)).await.unwrap();
    assert_eq!(client.era(), Era::Stateless);
    assert_eq!(client.server_info().unwrap().name, "test-http");
    let names: Vec<_> = client.list_tools().await.unwrap().into_iter().map(|t| t.name).collect();
    assert_eq!(names, ["say_hello_world", "increment_counter"]);
    let hello = client.call_tool("say_hello_world", Map::new()).await.unwrap();
    assert_eq!(text(&hello.content), "Hello MCP World!");
    // No session in this era: the session tool reports an isError result.
    assert!(client.call_tool("increment_counter", Map::new()).await.unwrap().failed());
    let unknown = client.call_tool("no_such_tool", Map::new()).await.unwrap_err();
    assert!(unknown.is_code(ErrorCode::INVALID_PARAMS), "{unknown}");
    client.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_handshake_keeps_a_session_across_calls() {
    let server = start(None).await;
    let client = Client::connect_http(&server.url, HttpOptions::default(), options(EraMode::Handshake)).await.unwrap();
    assert_eq!(client.era(), Era::Handshake);
    assert_eq!(client.protocol_version().as_str(), "2025-11-25");
    for expected in ["1", "2"] {
        let result = client.call_tool("increment_counter", Map::new()).await.unwrap();
        assert_eq!(text(&result.content), expected);
    }
    let bad = client.call_tool("increment_counter", args(json!({"by": "two"}))).await.unwrap();
    assert!(bad.failed());
    client.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_session_the_server_forgot_is_initialised_again() {
    let first = start(None).await;
    let address = first.url.trim_start_matches("http://").trim_end_matches("/mcp").to_owned();
    let client = Client::connect_http(&first.url, HttpOptions::default(), options(EraMode::Handshake)).await.unwrap();
    assert_eq!(text(&client.call_tool("increment_counter", Map::new()).await.unwrap().content), "1");
    drop(first);
    // A new server process on the same address knows nothing of the session: 404, then a new handshake.
    let mut second = None;
    for _ in 0..50 {
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        if let Ok(listener) = std::net::TcpListener::bind(&address) {
            drop(listener);
            second = Some(start_on(&address, None).await);
            break;
        }
    }
    let _second = second.expect("the address is free again");
    assert_eq!(text(&client.call_tool("increment_counter", Map::new()).await.unwrap().content), "1");
    assert_eq!(text(&client.call_tool("increment_counter", Map::new()).await.unwrap().content), "2");
    client.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_missing_or_wrong_token_is_a_clear_401() {
    let server = start(Some("s3cret-token")).await;
    let none = Client::connect_http(&server.url, HttpOptions::default(), options(EraMode::Auto)).await;
    assert!(matches!(none, Err(ClientError::Unauthorized { token_sent: false, .. })), "{:?}", none.err());
    let wrong = HttpOptions { token: Some("nope".into()), ..HttpOptions::default() };
    let wrong = Client::connect_http(&server.url, wrong, options(EraMode::Handshake)).await;
    let message = wrong.err().unwrap().to_string();
    assert!(message.contains("401") && message.contains("rejected"), "{message}");
    let right = HttpOptions { token: Some("s3cret-token".into()), ..HttpOptions::default() };
    let client = Client::connect_http(&server.url, right, options(EraMode::Auto)).await.unwrap();
    assert_eq!(client.list_tools().await.unwrap().len(), 2);
    client.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unreachable_server_is_not_mistaken_for_a_legacy_one() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/mcp", listener.local_addr().unwrap());
    drop(listener);
    let error = Client::connect_http(&url, HttpOptions::default(), options(EraMode::Auto)).await.err().unwrap();
    assert!(matches!(error, ClientError::Connect { .. }), "{error}");
}
