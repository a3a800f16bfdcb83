//! Handshake-era sessions over HTTP with a session store behind them, as
//! several processes (several `McpHttp` over one store) see them: a session
//! ended or expired through one is 404 through another that had it cached,
//! activity keeps it alive everywhere, and a failing store is 503 with
//! -32603.

use async_trait::async_trait;
use bytes::Bytes;
use http::{Request, StatusCode};
use http_body_util::BodyExt;
use lambda_mcp_core::{tool, Server, SessionId, SessionManager, ToolContext, ToolError};
use lambda_mcp_http::{HttpConfig, McpHttp, SESSION_HEADER};
use lambda_mcp_sessions::{MemoryStore, SessionConfig, SessionStore, StoreError, StoreSessions, StoredSession, Write};
use serde_json::Value;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

const INIT: &str = r#"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"t","version":"1"}}}"#;
const LIST: &str = r#"{"jsonrpc":"2.0","id":2,"method":"tools/list"}"#;

fn endpoint(sessions: Arc<dyn SessionManager>) -> McpHttp {
    McpHttp::new(Server::builder("sessions-http", "1").sessions(sessions).build(), HttpConfig::default())
}

fn post(body: &'static str, session: Option<&str>) -> Request<Bytes> {
    let mut request = Request::post("/mcp")
        .header("content-type", "application/json")
        .header("accept", "application/json, text/event-stream")
        .header("mcp-protocol-version", "2025-11-25");
    if let Some(id) = session {
        request = request.header(SESSION_HEADER, id);
    }
    request.body(Bytes::from_static(body.as_bytes())).unwrap()
}

fn delete(session: &str) -> Request<Bytes> {
    Request::delete("/mcp").header(SESSION_HEADER, session).body(Bytes::new()).unwrap()
}

/// Status, JSON-RPC error code (if any) and body.
async fn send(mcp: &McpHttp, request: Request<Bytes>) -> (StatusCode, Option<i64>, String) {
    let (parts, body) = mcp.handle(request, None).await.into_parts();
    let text = String::from_utf8(body.collect().await.unwrap().to_bytes().to_vec()).unwrap();
    let code = serde_json::from_str::<Value>(&text).ok().and_then(|v| v["error"]["code"].as_i64());
    (parts.status, code, text)
}

async fn initialize(mcp: &McpHttp) -> String {
    let response = mcp.handle(post(INIT, None), None).await;
    assert_eq!(response.status(), 200);
    response.headers()[SESSION_HEADER].to_str().unwrap().to_owned()
}

/// One manager shared by both endpoints, or one manager each over one
/// store (two processes).
fn pairs(config: SessionConfig) -> Vec<(&'static str, McpHttp, McpHttp)> {
    let shared: Arc<dyn SessionManager> = Arc::new(StoreSessions::new(MemoryStore::new(), config.clone()).unwrap());
    let store = Arc::new(MemoryStore::new());
    let own = |store: &Arc<MemoryStore>| -> Arc<dyn SessionManager> {
        Arc::new(StoreSessions::new(store.clone(), config.clone()).unwrap())
    };
    vec![
        ("one manager", endpoint(shared.clone()), endpoint(shared)),
        ("two managers", endpoint(own(&store)), endpoint(own(&store))),
    ]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_session_ended_through_one_endpoint_is_404_through_another() {
    for (name, a, b) in pairs(SessionConfig::default()) {
        let sid = initialize(&a).await;
        assert_eq!(send(&b, post(LIST, Some(&sid))).await.0, 200, "{name}: B resumes it and caches it");
        assert_eq!(send(&b, post(LIST, Some(&sid))).await.0, 200, "{name}: from B's cache");
        assert_eq!(send(&a, delete(&sid)).await.0, 200, "{name}: ended through A");
        for attempt in 0..2 {
            let (status, code, body) = send(&b, post(LIST, Some(&sid))).await;
            assert_eq!((status.as_u16(), code), (404, Some(-32600)), "{name} #{attempt}: {body}");
        }
        assert_eq!(send(&a, post(LIST, Some(&sid))).await.0, 404, "{name}: and through A");
        assert_eq!(send(&b, delete(&sid)).await.0, 404, "{name}: ending it again");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sessions_expire_everywhere_and_activity_keeps_them() {
    let config = SessionConfig::default().ttl(Duration::from_secs(2));
    for (name, a, b) in pairs(config) {
        let sid = initialize(&a).await;
        let idle = initialize(&a).await;
        assert_eq!(send(&b, post(LIST, Some(&sid))).await.0, 200, "{name}");
        assert_eq!(send(&b, post(LIST, Some(&idle))).await.0, 200, "{name}");
        // Used through A only, for longer than the TTL: alive through B too.
        for _ in 0..7 {
            tokio::time::sleep(Duration::from_millis(500)).await;
            assert_eq!(send(&a, post(LIST, Some(&sid))).await.0, 200, "{name}: active through A");
        }
        assert_eq!(send(&b, post(LIST, Some(&sid))).await.0, 200, "{name}: A's activity counts for B");
        let (status, code, body) = send(&b, post(LIST, Some(&idle))).await;
        assert_eq!((status.as_u16(), code), (404, Some(-32600)), "{name}: expired although B had it cached: {body}");
        assert_eq!(send(&a, post(LIST, Some(&idle))).await.0, 404, "{name}: and through A");
    }
}

/// A store that counts its round trips and can be switched off: every
/// call then fails as if unreachable.
#[derive(Default)]
struct Switch {
    inner: MemoryStore,
    down: AtomicBool,
    round_trips: AtomicU64,
}

impl Switch {
    fn check(&self) -> Result<(), StoreError> {
        self.round_trips.fetch_add(1, Ordering::SeqCst);
        match self.down.load(Ordering::SeqCst) {
            true => Err(StoreError::Unavailable("connection refused".into())),
            false => Ok(()),
        }
    }
}

#[async_trait]
impl SessionStore for Switch {
    async fn create(&self, id: &SessionId, session: &StoredSession) -> Result<(), StoreError> {
        self.check()?;
        self.inner.create(id, session).await
    }
    async fn load(&self, id: &SessionId, now: u64) -> Result<Option<StoredSession>, StoreError> {
        self.check()?;
        self.inner.load(id, now).await
    }
    async fn write(&self, id: &SessionId, write: &Write, now: u64) -> Result<StoredSession, StoreError> {
        self.check()?;
        self.inner.write(id, write, now).await
    }
    async fn delete(&self, id: &SessionId, now: u64) -> Result<bool, StoreError> {
        self.check()?;
        self.inner.delete(id, now).await
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn store_failures_are_503_with_an_internal_error() {
    let store = Arc::new(Switch::default());
    let a = endpoint(Arc::new(StoreSessions::new(store.clone(), SessionConfig::default()).unwrap()));
    let b = endpoint(Arc::new(StoreSessions::new(store.clone(), SessionConfig::default()).unwrap()));
    let sid = initialize(&a).await;
    store.down.store(true, Ordering::SeqCst);

    let (status, code, body) = send(&a, post(INIT, None)).await;
    assert_eq!((status.as_u16(), code), (503, Some(-32603)), "initialize: {body}");
    let reply: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(reply["id"], 1, "the error answers the initialize request: {body}");
    assert!(body.contains("the session was not created"), "{body}");

    let (status, code, body) = send(&b, post(LIST, Some(&sid))).await;
    assert_eq!((status.as_u16(), code), (503, Some(-32603)), "resuming: {body}");
    assert!(body.contains("could not be read"), "{body}");

    let (status, code, body) = send(&a, delete(&sid)).await;
    assert_eq!((status.as_u16(), code), (503, Some(-32603)), "ending: {body}");
    assert!(body.contains("the session was not ended"), "{body}");

    // A session cached here keeps serving what needs no state while the store is down.
    let (status, _, body) = send(&a, post(LIST, Some(&sid))).await;
    assert_eq!(status, 200, "{body}");
    store.down.store(false, Ordering::SeqCst);
    assert_eq!(send(&b, post(LIST, Some(&sid))).await.0, 200, "back up");
}

/// Says hi; touches no state.
#[tool(read_only)]
async fn hi() -> String {
    "hi".into()
}

/// Reads the session number `n`.
#[tool(read_only)]
async fn peek(ctx: &ToolContext) -> Result<i64, ToolError> {
    Ok(ctx.session().get::<i64>("n").await?.unwrap_or(0))
}

/// Adds one to the session number `n`.
#[tool]
async fn bump(ctx: &ToolContext) -> Result<i64, ToolError> {
    Ok(ctx.session().increment("n", 1).await?)
}

const HI: &str = r#"{"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"hi","arguments":{}}}"#;
const PEEK: &str = r#"{"jsonrpc":"2.0","id":4,"method":"tools/call","params":{"name":"peek","arguments":{}}}"#;
const BUMP: &str = r#"{"jsonrpc":"2.0","id":5,"method":"tools/call","params":{"name":"bump","arguments":{}}}"#;

/// The liveness check after each request stays inside the budget: at most
/// one store request for a call that only reads (none with a trusted
/// cache), exactly one for a call that writes.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn checking_the_session_adds_no_request_beyond_the_budget() {
    let trusted = SessionConfig::default().trust_cache_for(Duration::from_secs(60));
    for (config, budget) in [(SessionConfig::default(), [1, 1, 1, 1]), (trusted, [0, 0, 0, 1])] {
        let store = Arc::new(Switch::default());
        let sessions = Arc::new(StoreSessions::new(store.clone(), config).unwrap());
        let server = Server::builder("budget", "1").tool(hi).tool(peek).tool(bump).sessions(sessions).build();
        let mcp = McpHttp::new(server, HttpConfig::default());
        let sid = initialize(&mcp).await;
        for _ in 0..3 {
            for (body, want) in [LIST, HI, PEEK, BUMP].into_iter().zip(budget) {
                let before = store.round_trips.load(Ordering::SeqCst);
                let (status, _, text) = send(&mcp, post(body, Some(&sid))).await;
                assert_eq!(status, 200, "{text}");
                assert!(!text.contains("isError\":true"), "{text}");
                let cost = store.round_trips.load(Ordering::SeqCst) - before;
                assert_eq!(cost, want, "{body}: {text}");
            }
        }
    }
}
