//! Router tests: the service without a transport.

use crate::context::Notify;
use crate::jsonrpc::{ErrorCode, ErrorObject, Message, Notification, Request, RequestId};
use crate::protocol::{CallToolResult, ToolInfo};
use crate::session::{Session, SessionError, SessionId, SessionManager, SessionState};
use crate::{async_trait, Arguments, Connection, Principal, Server, StatefulTool, Tool, ToolContext, ToolError};
use serde_json::{json, Map, Value};
use std::sync::{Arc, Mutex};
use std::time::Duration;

mod capabilities;
mod deadlines;
mod flush_paths;
mod interaction;
mod prompts;
mod resources;
mod state_handles;
mod subscriptions;

struct Echo;

#[async_trait]
impl Tool for Echo {
    fn info(&self) -> ToolInfo {
        ToolInfo::new(
            "echo",
            json!({"type": "object", "properties": {"text": {"type": "string"}}, "required": ["text"]}),
        )
        .with_title("Echo")
        .with_output_schema(json!({"type": "object"}).as_object().unwrap().clone())
    }
    async fn call(&self, args: Arguments, ctx: &ToolContext) -> Result<CallToolResult, ToolError> {
        #[derive(serde::Deserialize)]
        struct A {
            text: String,
        }
        let a: A = args.parse("echo")?;
        ctx.progress(1.0, Some(2.0), Some("half")).await;
        ctx.log(crate::protocol::LoggingLevel::Info, "echoing").await;
        let mut r = CallToolResult::text(a.text.clone());
        r.structured_content = Some(json!({"text": a.text}));
        Ok(r)
    }
}

/// Sleeps for `ms` milliseconds, or until cancelled.
struct Sleep;

#[async_trait]
impl Tool for Sleep {
    fn info(&self) -> ToolInfo {
        ToolInfo::new("sleep", json!({"type": "object"}))
    }
    async fn call(&self, args: Arguments, _ctx: &ToolContext) -> Result<CallToolResult, ToolError> {
        let ms = args.as_map().get("ms").and_then(Value::as_u64).unwrap_or(0);
        tokio::time::sleep(Duration::from_millis(ms)).await;
        Ok(CallToolResult::text("slept"))
    }
}

struct Boom;

#[async_trait]
impl Tool for Boom {
    fn info(&self) -> ToolInfo {
        ToolInfo::new("boom", json!({"type": "object"}))
    }
    async fn call(&self, _args: Arguments, _ctx: &ToolContext) -> Result<CallToolResult, ToolError> {
        panic!("kaboom")
    }
}

#[derive(Default)]
struct Tally {
    n: u64,
}

#[async_trait]
impl StatefulTool for Tally {
    fn tools(&self) -> Vec<ToolInfo> {
        vec![ToolInfo::new("tally", json!({"type": "object"}))]
    }
    async fn call(&mut self, _name: &str, _args: Arguments, _ctx: &ToolContext) -> Result<CallToolResult, ToolError> {
        let before = self.n;
        tokio::time::sleep(Duration::from_millis(1)).await;
        self.n = before + 1;
        Ok(CallToolResult::text(self.n.to_string()))
    }
}

#[derive(Default)]
pub(super) struct Collect(Mutex<Vec<Notification>>);

#[async_trait]
impl Notify for Collect {
    async fn notify(&self, n: Notification) {
        self.0.lock().unwrap().push(n);
    }
}

fn server() -> Server {
    Server::builder("test", "1.0.0")
        .tool(Echo)
        .tool(Sleep)
        .tool(Boom)
        .tool(Tally::default())
        .call_timeout(Duration::from_millis(300))
        .page_size(2)
        .build()
}

fn params(v: Value) -> Option<Map<String, Value>> {
    v.as_object().cloned()
}

fn stateless_meta() -> Value {
    json!({
        "io.modelcontextprotocol/protocolVersion": "2026-07-28",
        "io.modelcontextprotocol/clientCapabilities": {},
    })
}

async fn send(server: &Server, conn: &Connection, id: i64, method: &str, p: Value) -> Message {
    send_with(server, conn, id, method, p, Arc::new(Collect::default())).await.expect("a response")
}

async fn send_with(
    server: &Server,
    conn: &Connection,
    id: i64,
    method: &str,
    p: Value,
    notify: Arc<dyn Notify>,
) -> Option<Message> {
    server.handle(conn, Message::Request(Request::new(id, method, params(p))), notify).await
}

pub(super) fn result(m: Message) -> Value {
    match m {
        Message::Response(r) => r.result.to_value(),
        other => panic!("expected a result, got {other:?}"),
    }
}

pub(super) fn error(m: Message) -> ErrorObject {
    match m {
        Message::Error(e) => e.error,
        other => panic!("expected an error, got {other:?}"),
    }
}

fn error_code(m: Message) -> ErrorCode {
    match m {
        Message::Error(e) => e.error.code,
        other => panic!("expected an error, got {other:?}"),
    }
}

async fn initialized(server: &Server, version: &str) -> Connection {
    let conn = Connection::default();
    let init = json!({"protocolVersion": version, "capabilities": {}, "clientInfo": {"name": "t", "version": "1"}});
    let r = result(send(server, &conn, 0, "initialize", init).await);
    assert_eq!(r["serverInfo"]["name"], "test");
    server
        .handle(
            &conn,
            Message::Notification(Notification::new("notifications/initialized", None)),
            Arc::new(Collect::default()),
        )
        .await;
    conn
}

#[tokio::test]
async fn initialize_negotiates_the_version() {
    let s = server();
    for (asked, got) in [
        ("2024-11-05", "2024-11-05"),
        ("2025-11-25", "2025-11-25"),
        ("2099-01-01", "2025-11-25"),
        ("2026-07-28", "2025-11-25"),
    ] {
        let conn = Connection::default();
        let init = json!({"protocolVersion": asked, "capabilities": {}, "clientInfo": {"name": "t", "version": "1"}});
        let r = result(send(&s, &conn, 1, "initialize", init).await);
        assert_eq!(r["protocolVersion"], got);
        assert!(r["capabilities"]["tools"].is_object());
        assert!(r.get("resultType").is_none(), "handshake results carry no resultType");
    }
}

#[tokio::test]
async fn requests_before_initialize_are_refused_except_ping() {
    let s = server();
    let conn = Connection::default();
    assert_eq!(error_code(send(&s, &conn, 1, "tools/list", json!({})).await), ErrorCode::INVALID_REQUEST);
    assert_eq!(result(send(&s, &conn, 2, "ping", json!({})).await), json!({}));
    let conn = initialized(&s, "2025-11-25").await;
    assert_eq!(error_code(send(&s, &conn, 3, "initialize", json!({"protocolVersion": "2025-11-25", "capabilities": {}, "clientInfo": {"name": "t", "version": "1"}})).await), ErrorCode::INVALID_REQUEST);
}

#[tokio::test]
async fn unknown_methods_and_bad_params() {
    let s = server();
    let conn = initialized(&s, "2025-11-25").await;
    assert_eq!(error_code(send(&s, &conn, 1, "nope/nope", json!({})).await), ErrorCode::METHOD_NOT_FOUND);
    assert_eq!(error_code(send(&s, &conn, 2, "tools/call", json!({"arguments": {}})).await), ErrorCode::INVALID_PARAMS);
    assert_eq!(
        error_code(send(&s, &conn, 3, "tools/call", json!({"name": "missing"})).await),
        ErrorCode::INVALID_PARAMS
    );
    assert_eq!(
        error_code(send(&s, &conn, 4, "tools/list", json!({"cursor": "bogus"})).await),
        ErrorCode::INVALID_PARAMS
    );
    assert_eq!(
        error_code(send(&s, &conn, 5, "logging/setLevel", json!({"level": "loud"})).await),
        ErrorCode::INVALID_PARAMS
    );
}

#[tokio::test]
async fn tools_list_pages_in_registration_order() {
    let s = server();
    let conn = initialized(&s, "2025-11-25").await;
    let mut names = Vec::new();
    let mut cursor = Value::Null;
    loop {
        let p = if cursor.is_null() { json!({}) } else { json!({"cursor": cursor}) };
        let r = result(send(&s, &conn, 1, "tools/list", p).await);
        names.extend(r["tools"].as_array().unwrap().iter().map(|t| t["name"].as_str().unwrap().to_owned()));
        cursor = r.get("nextCursor").cloned().unwrap_or(Value::Null);
        if cursor.is_null() {
            break;
        }
    }
    assert_eq!(names, ["echo", "sleep", "boom", "tally"]);
}

#[tokio::test]
async fn older_versions_do_not_see_newer_fields() {
    let s = server();
    let old = initialized(&s, "2025-03-26").await;
    let tools = result(send(&s, &old, 1, "tools/list", json!({})).await);
    assert!(tools["tools"][0].get("outputSchema").is_none());
    assert!(tools["tools"][0].get("title").is_none());
    let call = result(send(&s, &old, 2, "tools/call", json!({"name": "echo", "arguments": {"text": "hi"}})).await);
    assert!(call.get("structuredContent").is_none());
    let new = initialized(&s, "2025-06-18").await;
    let call = result(send(&s, &new, 2, "tools/call", json!({"name": "echo", "arguments": {"text": "hi"}})).await);
    assert_eq!(call["structuredContent"], json!({"text": "hi"}));
}

#[tokio::test]
async fn tool_failures_are_results_not_errors() {
    let s = server();
    let conn = initialized(&s, "2025-11-25").await;
    let bad = result(send(&s, &conn, 1, "tools/call", json!({"name": "echo", "arguments": {"text": 5}})).await);
    assert_eq!(bad["isError"], true);
    assert!(bad["content"][0]["text"].as_str().unwrap().contains("`text`"), "{bad}");
    let missing = result(send(&s, &conn, 2, "tools/call", json!({"name": "echo"})).await);
    assert!(missing["content"][0]["text"].as_str().unwrap().contains("`text`"), "{missing}");
    let panicked = result(send(&s, &conn, 3, "tools/call", json!({"name": "boom"})).await);
    assert_eq!(panicked["isError"], true);
    assert!(panicked["content"][0]["text"].as_str().unwrap().contains("kaboom"));
    let slow = result(send(&s, &conn, 4, "tools/call", json!({"name": "sleep", "arguments": {"ms": 5000}})).await);
    assert_eq!(slow["isError"], true);
    assert!(slow["content"][0]["text"].as_str().unwrap().contains("300ms"), "{slow}");
}

#[tokio::test]
async fn progress_and_logs_follow_the_request() {
    let s = server();
    let conn = initialized(&s, "2025-11-25").await;
    let sink = Arc::new(Collect::default());
    let call = json!({"name": "echo", "arguments": {"text": "x"}, "_meta": {"progressToken": "p1"}});
    send_with(&s, &conn, 1, "tools/call", call.clone(), sink.clone()).await.unwrap();
    let methods: Vec<String> = sink.0.lock().unwrap().iter().map(|n| n.method.clone()).collect();
    assert_eq!(methods, ["notifications/progress"], "no logs before logging/setLevel");
    assert_eq!(sink.0.lock().unwrap()[0].params.as_ref().unwrap().to_object()["progressToken"], "p1");
    result(send(&s, &conn, 2, "logging/setLevel", json!({"level": "info"})).await);
    let sink = Arc::new(Collect::default());
    send_with(&s, &conn, 3, "tools/call", call, sink.clone()).await.unwrap();
    assert_eq!(sink.0.lock().unwrap().len(), 2);
}

#[tokio::test]
async fn cancellation_drops_the_response() {
    let s = server();
    let conn = initialized(&s, "2025-11-25").await;
    let call = {
        let (s, conn) = (s.clone(), conn.clone());
        tokio::spawn(async move {
            send_with(
                &s,
                &conn,
                9,
                "tools/call",
                json!({"name": "sleep", "arguments": {"ms": 10000}}),
                Arc::new(Collect::default()),
            )
            .await
        })
    };
    tokio::time::sleep(Duration::from_millis(50)).await;
    let cancel = Notification::new("notifications/cancelled", params(json!({"requestId": 9, "reason": "user"})));
    assert!(s.handle(&conn, Message::Notification(cancel), Arc::new(Collect::default())).await.is_none());
    let started = std::time::Instant::now();
    assert!(call.await.unwrap().is_none(), "a cancelled request gets no response");
    assert!(started.elapsed() < Duration::from_millis(250));
}

#[tokio::test]
async fn actor_tools_serialise_their_calls() {
    let s = server();
    let conn = initialized(&s, "2025-11-25").await;
    let calls: Vec<_> = (0..20)
        .map(|i| {
            let (s, conn) = (s.clone(), conn.clone());
            tokio::spawn(async move { result(send(&s, &conn, i, "tools/call", json!({"name": "tally"})).await) })
        })
        .collect();
    let mut seen = Vec::new();
    for c in calls {
        seen.push(c.await.unwrap()["content"][0]["text"].as_str().unwrap().parse::<u64>().unwrap());
    }
    seen.sort_unstable();
    assert_eq!(seen, (1..=20).collect::<Vec<_>>(), "no lost update despite the await inside the call");
}

#[tokio::test]
async fn stateless_requests_need_no_handshake() {
    let s = server();
    let conn = Connection::default();
    let meta = stateless_meta();
    let discover = result(send(&s, &conn, 1, "server/discover", json!({"_meta": meta})).await);
    assert_eq!(discover["resultType"], "complete");
    assert_eq!(discover["supportedVersions"][0], "2026-07-28");
    assert!(discover["ttlMs"].is_u64());
    assert_eq!(discover["cacheScope"], "public");
    assert_eq!(discover["_meta"]["io.modelcontextprotocol/serverInfo"]["name"], "test");
    let list = result(send(&s, &conn, 2, "tools/list", json!({"_meta": meta})).await);
    assert_eq!(list["resultType"], "complete");
    assert_eq!(list["cacheScope"], "public");
    let call = result(
        send(&s, &conn, 3, "tools/call", json!({"_meta": meta, "name": "echo", "arguments": {"text": "yo"}})).await,
    );
    assert_eq!(call["resultType"], "complete");
    assert!(call.get("ttlMs").is_none());
    assert_eq!(call["structuredContent"], json!({"text": "yo"}));
}

#[tokio::test]
async fn stateless_meta_is_validated() {
    let s = server();
    let conn = Connection::default();
    let unsupported = send(&s, &conn, 1, "tools/list", json!({"_meta": {"io.modelcontextprotocol/protocolVersion": "2030-01-01", "io.modelcontextprotocol/clientCapabilities": {}}})).await;
    let Message::Error(e) = unsupported else { panic!() };
    assert_eq!(e.error.code, ErrorCode::UNSUPPORTED_PROTOCOL_VERSION);
    assert_eq!(e.error.data.as_ref().unwrap()["requested"], "2030-01-01");
    assert!(e.error.data.as_ref().unwrap()["supported"].as_array().unwrap().contains(&json!("2026-07-28")));
    let no_caps =
        send(&s, &conn, 2, "tools/list", json!({"_meta": {"io.modelcontextprotocol/protocolVersion": "2026-07-28"}}))
            .await;
    assert_eq!(error_code(no_caps), ErrorCode::INVALID_PARAMS);
    for removed in ["initialize", "ping", "logging/setLevel"] {
        assert_eq!(
            error_code(send(&s, &conn, 3, removed, json!({"_meta": stateless_meta()})).await),
            ErrorCode::METHOD_NOT_FOUND,
            "{removed}"
        );
    }
    let bad_level = json!({"_meta": {"io.modelcontextprotocol/protocolVersion": "2026-07-28", "io.modelcontextprotocol/clientCapabilities": {}, "io.modelcontextprotocol/logLevel": "chatty"}});
    assert_eq!(error_code(send(&s, &conn, 4, "tools/list", bad_level).await), ErrorCode::INVALID_PARAMS);
}

#[tokio::test]
async fn stateless_log_level_comes_from_meta() {
    let s = server();
    let conn = Connection::default();
    let mut meta = stateless_meta();
    meta["io.modelcontextprotocol/logLevel"] = json!("debug");
    let sink = Arc::new(Collect::default());
    send_with(
        &s,
        &conn,
        1,
        "tools/call",
        json!({"_meta": meta, "name": "echo", "arguments": {"text": "x"}}),
        sink.clone(),
    )
    .await
    .unwrap();
    assert_eq!(sink.0.lock().unwrap().iter().filter(|n| n.method == "notifications/message").count(), 1);
}

#[tokio::test]
async fn batches_only_under_2025_03_26() {
    use crate::jsonrpc::parse;
    let s = server();
    let batch = br#"[{"jsonrpc":"2.0","id":1,"method":"ping"},{"jsonrpc":"2.0","id":2,"method":"tools/list"},{"jsonrpc":"2.0","method":"notifications/initialized"}]"#;
    let old = initialized(&s, "2025-03-26").await;
    let Some(crate::Reply::Batch(replies)) =
        s.handle_incoming(&old, parse(batch).unwrap(), Arc::new(Collect::default())).await
    else {
        panic!()
    };
    assert_eq!(replies.len(), 2);
    // Written by hand around each result's text: the same as serde writes.
    let written = crate::Reply::Batch(replies.clone()).to_json();
    assert_eq!(written, serde_json::to_string(&replies).unwrap());
    assert_eq!(serde_json::from_str::<Vec<Value>>(&written).unwrap().len(), 2);
    let new = initialized(&s, "2025-11-25").await;
    let reply = s.handle_incoming(&new, parse(batch).unwrap(), Arc::new(Collect::default())).await;
    let Some(crate::Reply::Single(m)) = reply else { panic!() };
    assert_eq!(error_code(m), ErrorCode::INVALID_REQUEST);
    assert!(parse(b"[]").is_err());
}

/// Sessions whose flush always fails, to prove failures surface.
struct UnsavedSessions;

#[async_trait]
impl SessionManager for UnsavedSessions {
    async fn create(&self, _owner: Option<&Principal>) -> Result<Arc<dyn Session>, SessionError> {
        Ok(Arc::new(flush_paths::Recorder::new("s1", true)))
    }
    async fn open(&self, id: &SessionId, _caller: Option<&Principal>) -> Result<Arc<dyn Session>, SessionError> {
        Err(SessionError::NotFound(id.clone()))
    }
    async fn end(&self, _id: &SessionId) -> Result<bool, SessionError> {
        Ok(false)
    }
}

#[tokio::test]
async fn a_failed_flush_turns_the_call_into_an_error() {
    let s = Server::builder("test", "1").tool(Echo).sessions(Arc::new(UnsavedSessions)).build();
    let conn = s.connect(None).await.unwrap();
    assert_eq!(conn.session_id().unwrap().as_str(), "s1");
    let init =
        json!({"protocolVersion": "2025-11-25", "capabilities": {}, "clientInfo": {"name": "t", "version": "1"}});
    result(send(&s, &conn, 0, "initialize", init).await);
    let r = result(send(&s, &conn, 1, "tools/call", json!({"name": "echo", "arguments": {"text": "x"}})).await);
    assert_eq!(r["isError"], true);
    assert!(r["content"][0]["text"].as_str().unwrap().contains("not saved"), "{r}");
}

#[test]
fn ids_round_trip() {
    assert_eq!(RequestId::from("a").to_string(), "\"a\"");
}

/// A store that never answers a flush.
struct Stuck(flush_paths::Recorder);

#[async_trait]
impl Session for Stuck {
    fn id(&self) -> &SessionId {
        self.0.id()
    }
    async fn get(&self, key: &str) -> Result<Option<Value>, SessionError> {
        self.0.get(key).await
    }
    async fn set(&self, key: &str, value: Value) -> Result<(), SessionError> {
        self.0.set(key, value).await
    }
    async fn remove(&self, key: &str) -> Result<(), SessionError> {
        self.0.remove(key).await
    }
    async fn increment(&self, key: &str, delta: i64) -> Result<i64, SessionError> {
        self.0.increment(key, delta).await
    }
    async fn update(&self, f: &mut (dyn for<'s> FnMut(&'s mut SessionState) + Send)) -> Result<(), SessionError> {
        self.0.update(f).await
    }
    async fn flush(&self) -> Result<(), SessionError> {
        std::future::pending().await
    }
}

#[tokio::test]
async fn a_stuck_store_is_bounded_by_the_deadline() {
    let s = Server::builder("test", "1").tool(Echo).call_timeout(Duration::from_millis(50)).build();
    let session: Arc<dyn Session> = Arc::new(Stuck(flush_paths::Recorder::new("s", true)));
    let conn = Connection::resumed(session, None, crate::ProtocolVersion::V2025_11_25);
    let started = std::time::Instant::now();
    let r = result(send(&s, &conn, 1, "tools/call", json!({"name": "echo", "arguments": {"text": "x"}})).await);
    assert_eq!(r["isError"], true);
    assert!(r["content"][0]["text"].as_str().unwrap().contains("did not answer in time"), "{r}");
    assert!(started.elapsed() < Duration::from_secs(4), "bounded: {:?}", started.elapsed());
}

#[tokio::test]
async fn params_that_do_not_fit_are_invalid_params_naming_the_member_whichever_parse_read_them() {
    use crate::jsonrpc::{parse, parse_inbound};
    let s = server();
    let conn = initialized(&s, "2025-11-25").await;
    let meta = r#""_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28","io.modelcontextprotocol/clientCapabilities":{}}"#;
    for (params, expected) in [
        (r#"{"name":7}"#.to_owned(), "`name`: invalid type: integer `7`, expected a string"),
        (r#"{"arguments":{}}"#.to_owned(), "missing field `name`"),
        (format!(r#"{{"name":"echo","arguments":[1],{meta}}}"#), "`arguments`: invalid type: sequence, expected a map"),
        (format!(r#"{{{meta},"name":"echo","requestState":false}}"#), "`requestState`: invalid type: boolean `false`"),
        (r#"{"name":"echo","_meta":5}"#.to_owned(), "`_meta`: invalid type: integer `5`, expected an object"),
    ] {
        let body = format!(r#"{{"jsonrpc":"2.0","id":9,"method":"tools/call","params":{params}}}"#);
        for incoming in [parse(body.as_bytes()).unwrap(), parse_inbound(body.as_bytes()).unwrap()] {
            let Some(crate::Reply::Single(Message::Error(e))) =
                s.handle_incoming(&conn, incoming, Arc::new(Collect::default())).await
            else {
                panic!("{body}: expected an error")
            };
            assert_eq!(e.error.code, ErrorCode::INVALID_PARAMS, "{body}");
            assert!(e.error.message.contains(expected), "{body}: {}", e.error.message);
        }
    }
}
