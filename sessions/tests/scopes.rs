//! Per-request scopes: overlapping requests of one session in one process
//! each flush, and hear about, only their own changes; what a request
//! leaves behind when it ends without flushing; and the router saving a
//! cancelled call's changes before its future resolves.

use async_trait::async_trait;
use lambda_mcp_core::context::Discard;
use lambda_mcp_core::jsonrpc::{Message, Notification, Request};
use lambda_mcp_core::protocol::ToolInfo;
use lambda_mcp_core::{
    Arguments, CallToolResult, Connection, ProtocolVersion, Server, Session, SessionError, SessionHandle, SessionId,
    SessionManager, Tool, ToolContext, ToolError,
};
use lambda_mcp_sessions::{
    now_secs, MemoryStore, SessionConfig, SessionStore, StoreError, StoreSessions, StoredSession, Write,
};
use serde_json::{json, Value};
use std::collections::BTreeSet;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::sync::Notify;

/// A store that notes the keys each write touches, can refuse writes that
/// touch one key, and can be slow to write.
#[derive(Default)]
struct Ledger {
    inner: MemoryStore,
    writes: Mutex<Vec<BTreeSet<String>>>,
    refuse: Mutex<Option<String>>,
    delay: Mutex<Duration>,
}

impl Ledger {
    fn writes(&self) -> Vec<BTreeSet<String>> {
        self.writes.lock().unwrap().clone()
    }

    fn refuse(&self, key: Option<&str>) {
        *self.refuse.lock().unwrap() = key.map(str::to_owned);
    }

    /// The stored value of `key`, read past every cache.
    async fn stored(&self, id: &SessionId, key: &str) -> Option<Value> {
        self.inner.load(id, now_secs()).await.unwrap().and_then(|s| s.state.get(key).cloned())
    }
}

#[async_trait]
impl SessionStore for Ledger {
    async fn create(&self, id: &SessionId, session: &StoredSession) -> Result<(), StoreError> {
        self.inner.create(id, session).await
    }

    async fn load(&self, id: &SessionId, now: u64) -> Result<Option<StoredSession>, StoreError> {
        self.inner.load(id, now).await
    }

    async fn write(&self, id: &SessionId, write: &Write, now: u64) -> Result<StoredSession, StoreError> {
        let keys: BTreeSet<String> = match &write.replace_state {
            Some(state) => state.keys().cloned().collect(),
            None => write.changes.iter().map(|(k, _)| k.clone()).collect(),
        };
        let refused = self.refuse.lock().unwrap().as_ref().is_some_and(|k| keys.contains(k));
        self.writes.lock().unwrap().push(keys);
        let delay = *self.delay.lock().unwrap();
        tokio::time::sleep(delay).await;
        if refused {
            return Err(StoreError::Unavailable("connection refused".into()));
        }
        self.inner.write(id, write, now).await
    }

    async fn delete(&self, id: &SessionId, now: u64) -> Result<bool, StoreError> {
        self.inner.delete(id, now).await
    }
}

fn keys(sets: &[&[&str]]) -> Vec<BTreeSet<String>> {
    sets.iter().map(|s| s.iter().map(|k| k.to_string()).collect()).collect()
}

async fn setup(config: SessionConfig) -> (Arc<Ledger>, StoreSessions, Arc<dyn Session>) {
    let store = Arc::new(Ledger::default());
    let manager = StoreSessions::new(store.clone(), config).unwrap();
    let session = manager.create(None).await.unwrap();
    (store, manager, session)
}

#[tokio::test]
async fn overlapping_requests_flush_only_their_own_changes() {
    let (store, _manager, session) = setup(SessionConfig::default()).await;
    let (a, b, idle) = (
        SessionHandle::for_request(&session),
        SessionHandle::for_request(&session),
        SessionHandle::for_request(&session),
    );
    b.set("b", &1).await.unwrap();
    a.set("a", &1).await.unwrap();
    a.flush().await.unwrap();
    assert_eq!(store.writes(), keys(&[&["a"]]), "A's flush sends A's change only");
    idle.flush().await.unwrap();
    assert_eq!(store.writes(), keys(&[&["a"]]), "a request that changed nothing writes nothing");
    assert_eq!(a.get::<i64>("b").await.unwrap(), None, "B's unsaved change is B's alone");
    assert_eq!(b.get::<i64>("b").await.unwrap(), Some(1), "B reads its own change");

    // An increment is written at once, with its own request's changes only.
    let c = SessionHandle::for_request(&session);
    c.set("c", &1).await.unwrap();
    assert_eq!(a.increment("n", 1).await.unwrap(), 1);
    assert_eq!(store.writes(), keys(&[&["a"], &["n"]]));
    b.flush().await.unwrap();
    c.flush().await.unwrap();
    assert_eq!(store.writes(), keys(&[&["a"], &["n"], &["b"], &["c"]]), "one write per request that changed something");
    let id = session.id();
    for (key, want) in [("a", 1), ("b", 1), ("c", 1), ("n", 1)] {
        assert_eq!(store.stored(id, key).await, Some(json!(want)), "{key}");
    }
}

#[tokio::test]
async fn a_failed_flush_of_one_request_never_fails_another() {
    let (store, _manager, session) = setup(SessionConfig::default().idle(Duration::from_millis(400))).await;
    let (a, b) = (SessionHandle::for_request(&session), SessionHandle::for_request(&session));
    store.refuse(Some("b"));
    b.set("b", &1).await.unwrap();
    a.set("a", &1).await.unwrap();
    let err = b.flush().await.unwrap_err();
    assert!(matches!(err, SessionError::Store(_)) && err.to_string().contains("not saved"), "{err}");
    a.flush().await.expect("B's failure is not A's");
    assert_eq!(store.writes(), keys(&[&["b"], &["a"]]));

    // B's request ends: the client was told its change was not saved, so it
    // is dropped, not written later behind its back.
    store.refuse(None);
    drop(b);
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(store.writes().len(), 2, "nothing retried");
    assert_eq!(store.stored(session.id(), "b").await, None);
    assert_eq!(store.stored(session.id(), "a").await, Some(json!(1)));
}

#[tokio::test]
async fn a_failed_flush_is_retried_by_the_same_requests_next_flush() {
    let (store, _manager, session) = setup(SessionConfig::default()).await;
    let b = SessionHandle::for_request(&session);
    store.refuse(Some("b"));
    b.set("b", &1).await.unwrap();
    assert!(b.flush().await.is_err());
    store.refuse(None);
    b.flush().await.unwrap();
    assert_eq!(store.stored(session.id(), "b").await, Some(json!(1)));
}

#[tokio::test]
async fn a_request_dropped_without_flushing_is_written_at_once() {
    let (store, _manager, session) = setup(SessionConfig::default()).await;
    let dropped = SessionHandle::for_request(&session);
    dropped.set("left", &"behind").await.unwrap();
    let started = Instant::now();
    drop(dropped);
    while store.stored(session.id(), "left").await.is_none() {
        assert!(started.elapsed() < Duration::from_millis(900), "not waiting for an idle flush");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert_eq!(store.writes(), keys(&[&["left"]]));
}

/// Notes its own name in the session, says so, then waits for `release`
/// (if it has one).
struct Note {
    name: &'static str,
    entered: Arc<Notify>,
    release: Option<Arc<Notify>>,
}

#[async_trait]
impl Tool for Note {
    fn info(&self) -> ToolInfo {
        ToolInfo::new(self.name, json!({"type": "object"}))
    }
    async fn call(&self, _args: Arguments, ctx: &ToolContext) -> Result<CallToolResult, ToolError> {
        ctx.session().set(self.name, &true).await?;
        self.entered.notify_one();
        if let Some(release) = &self.release {
            release.notified().await;
        }
        Ok(CallToolResult::text(self.name))
    }
}

struct Fixture {
    store: Arc<Ledger>,
    server: Server,
    conn: Connection,
    id: SessionId,
    entered: Arc<Notify>,
    release: Arc<Notify>,
}

async fn fixture() -> Fixture {
    let store = Arc::new(Ledger::default());
    let sessions = Arc::new(StoreSessions::new(store.clone(), SessionConfig::default()).unwrap());
    let (entered, release) = (Arc::new(Notify::new()), Arc::new(Notify::new()));
    let server = Server::builder("scopes", "1")
        .tool(Note { name: "slow", entered: entered.clone(), release: Some(release.clone()) })
        .tool(Note { name: "quick", entered: Arc::new(Notify::new()), release: None })
        .sessions(sessions.clone())
        .build();
    let session = sessions.create(None).await.unwrap();
    let id = session.id().clone();
    let conn = server.resume(session, None, ProtocolVersion::V2025_11_25);
    Fixture { store, server, conn, id, entered, release }
}

fn call(f: &Fixture, id: i64, name: &str) -> impl std::future::Future<Output = Option<Message>> + Send + 'static {
    let params = json!({"name": name, "arguments": {}});
    f.server.handle(
        &f.conn,
        Message::Request(Request::new(id, "tools/call", params.as_object().cloned())),
        Arc::new(Discard),
    )
}

fn result(reply: Option<Message>) -> Value {
    match reply {
        Some(Message::Response(r)) => r.result.to_value(),
        other => panic!("expected a result, got {other:?}"),
    }
}

#[tokio::test]
async fn two_overlapping_calls_each_write_their_own_keys() {
    let f = fixture().await;
    let slow = tokio::spawn(call(&f, 1, "slow"));
    f.entered.notified().await;
    let quick = result(call(&f, 2, "quick").await);
    assert_ne!(quick["isError"], true, "{quick}");
    assert_eq!(f.store.writes(), keys(&[&["quick"]]), "the quick call's flush carries its key only");
    f.release.notify_one();
    let slow = result(slow.await.unwrap());
    assert_ne!(slow["isError"], true, "{slow}");
    assert_eq!(f.store.writes(), keys(&[&["quick"], &["slow"]]));

    // The slow call's save fails: the quick call, overlapping it, still succeeds.
    f.store.refuse(Some("slow"));
    let slow = tokio::spawn(call(&f, 3, "slow"));
    f.entered.notified().await;
    let quick = result(call(&f, 4, "quick").await);
    assert_ne!(quick["isError"], true, "{quick}");
    f.release.notify_one();
    let slow = result(slow.await.unwrap());
    assert_eq!(slow["isError"], true, "{slow}");
    assert!(slow["content"][0]["text"].as_str().unwrap().contains("state was not saved"), "{slow}");
    assert_eq!(f.store.writes()[2..], keys(&[&["quick"], &["slow"]]));
}

#[tokio::test]
async fn a_cancelled_call_is_saved_before_its_future_resolves() {
    let f = fixture().await;
    // A slow store: a save left to the background would still be on its way.
    *f.store.delay.lock().unwrap() = Duration::from_millis(300);
    let slow = tokio::spawn(call(&f, 1, "slow"));
    f.entered.notified().await;
    let cancel = Notification::new("notifications/cancelled", json!({"requestId": 1}).as_object().cloned());
    assert!(f.server.handle(&f.conn, Message::Notification(cancel), Arc::new(Discard)).await.is_none());
    assert!(slow.await.unwrap().is_none(), "a cancelled call gets no response");
    assert_eq!(f.store.stored(&f.id, "slow").await, Some(json!(true)), "saved before the future resolved");
}
