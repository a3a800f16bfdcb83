//! Every way a request can end saves the session changes its handler made
//! before the request's future resolves: a cancellation, a deadline, a
//! failing or panicking handler, not only a result. (On Lambda the
//! environment may freeze as soon as the future resolves.)

use super::{result, Collect};
use crate::jsonrpc::{Message, Notification, Request};
use crate::protocol::ToolInfo;
use crate::{
    async_trait, Arguments, CallToolResult, Connection, ProtocolVersion, Resource, ResourceContents, ResourceError,
    ResourceInfo, Server, Session, SessionError, SessionId, SessionState, Tool, ToolContext, ToolError,
};
use serde_json::{json, Value};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::Notify;

/// A write-back session: `set` buffers, `flush` saves (after a short
/// delay, so that a flush left to run later could not win a race) or, with
/// `fail`, always fails.
pub(super) struct Recorder {
    id: SessionId,
    pending: Mutex<SessionState>,
    saved: Mutex<SessionState>,
    flushes: Mutex<u32>,
    fail: bool,
    at_once: bool,
}

impl Recorder {
    pub(super) fn new(id: &str, fail: bool) -> Self {
        Recorder {
            id: SessionId::new(id),
            pending: Mutex::default(),
            saved: Mutex::default(),
            flushes: Mutex::new(0),
            fail,
            at_once: false,
        }
    }

    /// Claims to apply every change at once ([`Session::applies_at_once`]).
    fn applying_at_once(mut self, at_once: bool) -> Self {
        self.at_once = at_once;
        self
    }

    fn saved(&self, key: &str) -> Option<Value> {
        self.saved.lock().unwrap().get(key).cloned()
    }
}

#[async_trait]
impl Session for Recorder {
    fn id(&self) -> &SessionId {
        &self.id
    }
    async fn get(&self, key: &str) -> Result<Option<Value>, SessionError> {
        Ok(self.pending.lock().unwrap().get(key).cloned().or_else(|| self.saved(key)))
    }
    async fn set(&self, key: &str, value: Value) -> Result<(), SessionError> {
        self.pending.lock().unwrap().insert(key.into(), value);
        Ok(())
    }
    async fn remove(&self, _key: &str) -> Result<(), SessionError> {
        Ok(())
    }
    async fn increment(&self, _key: &str, _delta: i64) -> Result<i64, SessionError> {
        Ok(1)
    }
    async fn update(&self, f: &mut (dyn for<'s> FnMut(&'s mut SessionState) + Send)) -> Result<(), SessionError> {
        f(&mut self.pending.lock().unwrap());
        Ok(())
    }
    async fn flush(&self) -> Result<(), SessionError> {
        tokio::time::sleep(Duration::from_millis(30)).await;
        *self.flushes.lock().unwrap() += 1;
        if self.fail {
            return Err(SessionError::Store("table unreachable".into()));
        }
        let changes = std::mem::take(&mut *self.pending.lock().unwrap());
        self.saved.lock().unwrap().extend(changes);
        Ok(())
    }
    fn applies_at_once(&self) -> bool {
        self.at_once
    }
}

/// Notes `key` in the session, says so, then waits for `release` (or
/// forever), as a long call that made a change would.
struct NoteAndWait {
    name: &'static str,
    entered: Arc<Notify>,
    fail: bool,
}

#[async_trait]
impl Tool for NoteAndWait {
    fn info(&self) -> ToolInfo {
        ToolInfo::new(self.name, json!({"type": "object"}))
    }
    async fn call(&self, _args: Arguments, ctx: &ToolContext) -> Result<CallToolResult, ToolError> {
        ctx.session().set(self.name, &true).await?;
        self.entered.notify_one();
        if self.fail {
            return Err(ToolError::failed("the tool failed after its change"));
        }
        std::future::pending().await
    }
}

/// A resource whose read notes `read` in the session, then waits forever.
struct NoteAndHang(Arc<Notify>);

#[async_trait]
impl Resource for NoteAndHang {
    fn info(&self) -> ResourceInfo {
        ResourceInfo::new("test://hang", "hang")
    }
    async fn read(&self, ctx: &ToolContext) -> Result<Vec<ResourceContents>, ResourceError> {
        ctx.session().set("read", &true).await.map_err(|e| ResourceError::failed(e.to_string()))?;
        self.0.notify_one();
        std::future::pending().await
    }
}

struct Fixture {
    server: Server,
    conn: Connection,
    session: Arc<Recorder>,
    entered: Arc<Notify>,
}

fn fixture(fail_flush: bool, timeout: Duration) -> Fixture {
    let entered = Arc::new(Notify::new());
    let tool = |name, fail| NoteAndWait { name, entered: entered.clone(), fail };
    let server = Server::builder("test", "1")
        .tool(tool("wait", false))
        .tool(tool("fail", true))
        .resource(NoteAndHang(entered.clone()))
        .call_timeout(timeout)
        .build();
    let session = Arc::new(Recorder::new("s", fail_flush));
    let conn = Connection::resumed(session.clone(), None, ProtocolVersion::V2025_11_25);
    Fixture { server, conn, session, entered }
}

fn request(id: i64, method: &str, params: Value) -> Message {
    Message::Request(Request::new(id, method, params.as_object().cloned()))
}

/// Starts a request, waits until its handler made its change, cancels it,
/// and returns what the request's future resolved to.
async fn cancel_midway(f: &Fixture, method: &str, params: Value) -> Option<Message> {
    let call = f.server.handle(&f.conn, request(7, method, params), Arc::new(Collect::default()));
    let call = tokio::spawn(call);
    f.entered.notified().await;
    let cancel = Notification::new("notifications/cancelled", json!({"requestId": 7}).as_object().cloned());
    assert!(f.server.handle(&f.conn, Message::Notification(cancel), Arc::new(Collect::default())).await.is_none());
    call.await.unwrap()
}

#[tokio::test]
async fn a_cancelled_tool_call_saves_its_changes_before_it_resolves() {
    let f = fixture(false, Duration::from_secs(30));
    let reply = cancel_midway(&f, "tools/call", json!({"name": "wait", "arguments": {}})).await;
    assert!(reply.is_none(), "a cancelled request gets no response: {reply:?}");
    assert_eq!(f.session.saved("wait"), Some(json!(true)), "flushed before the future resolved");
}

#[tokio::test]
async fn a_cancelled_resource_read_saves_its_changes_before_it_resolves() {
    let f = fixture(false, Duration::from_secs(30));
    let reply = cancel_midway(&f, "resources/read", json!({"uri": "test://hang"})).await;
    assert!(reply.is_none(), "{reply:?}");
    assert_eq!(f.session.saved("read"), Some(json!(true)));
}

#[tokio::test]
async fn a_failed_save_of_a_cancelled_call_is_no_response_and_no_panic() {
    let f = fixture(true, Duration::from_secs(30));
    let reply = cancel_midway(&f, "tools/call", json!({"name": "wait", "arguments": {}})).await;
    assert!(reply.is_none(), "{reply:?}");
    assert_eq!(*f.session.flushes.lock().unwrap(), 1, "the save was attempted");
}

#[tokio::test]
async fn calls_that_time_out_or_fail_save_their_changes_too() {
    let f = fixture(false, Duration::from_millis(50));
    let timed_out =
        f.server.handle(&f.conn, request(1, "tools/call", json!({"name": "wait"})), Arc::new(Collect::default()));
    let r = result(timed_out.await.unwrap());
    assert_eq!(r["isError"], true, "{r}");
    assert_eq!(f.session.saved("wait"), Some(json!(true)), "deadline");
    let failed =
        f.server.handle(&f.conn, request(2, "tools/call", json!({"name": "fail"})), Arc::new(Collect::default()));
    let r = result(failed.await.unwrap());
    assert_eq!(r["isError"], true, "{r}");
    assert_eq!(f.session.saved("fail"), Some(json!(true)), "tool error");
    let hung = f.server.handle(
        &f.conn,
        request(3, "resources/read", json!({"uri": "test://hang"})),
        Arc::new(Collect::default()),
    );
    let Some(Message::Error(e)) = hung.await else { panic!("a timed-out read is an error") };
    assert!(e.error.message.contains("did not finish"), "{e:?}");
    assert_eq!(f.session.saved("read"), Some(json!(true)), "resource deadline");
}

#[tokio::test]
async fn a_failed_save_wins_over_the_handlers_error() {
    let f = fixture(true, Duration::from_millis(50));
    let failed =
        f.server.handle(&f.conn, request(1, "tools/call", json!({"name": "fail"})), Arc::new(Collect::default()));
    let r = result(failed.await.unwrap());
    assert_eq!(r["isError"], true, "{r}");
    assert!(r["content"][0]["text"].as_str().unwrap().contains("state was not saved"), "{r}");
}

/// A session that applies its changes at once is never asked to flush; any
/// other is, once per call.
#[tokio::test]
async fn only_sessions_that_keep_changes_back_are_flushed() {
    for (at_once, flushes) in [(false, 1), (true, 0)] {
        let session = Arc::new(Recorder::new("s", false).applying_at_once(at_once));
        let tool = NoteAndWait { name: "fail", entered: Arc::new(Notify::new()), fail: true };
        let server = Server::builder("test", "1").tool(tool).build();
        let conn = Connection::resumed(session.clone(), None, ProtocolVersion::V2025_11_25);
        let call =
            server.handle(&conn, request(1, "tools/call", json!({"name": "fail"})), Arc::new(Collect::default()));
        assert_eq!(result(call.await.unwrap())["isError"], true);
        assert_eq!(*session.flushes.lock().unwrap(), flushes, "applies at once: {at_once}");
    }
}
