//! A call past its deadline is cancelled through the token its handler
//! sees (`ToolContext::cancellation`), on every kind of connection: the
//! token of a stateless request is made only when something asks for it,
//! and must still be the one the router cancels.

use super::{initialized, params, result, stateless_meta, Collect};
use crate::jsonrpc::{Message, Request};
use crate::protocol::ToolInfo;
use crate::{async_trait, Arguments, CallToolResult, Connection, Server, StatefulTool, Tool, ToolContext, ToolError};
use serde_json::{json, Value};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::oneshot;

/// Hands its token to a task of its own, as a tool with background work
/// would, and never finishes: the task reports the cancellation.
struct Background(Mutex<Option<oneshot::Sender<()>>>);

#[async_trait]
impl Tool for Background {
    fn info(&self) -> ToolInfo {
        ToolInfo::new("background", json!({"type": "object"}))
    }
    async fn call(&self, _args: Arguments, ctx: &ToolContext) -> Result<CallToolResult, ToolError> {
        let token = ctx.cancellation().clone();
        let seen = self.0.lock().unwrap().take().expect("called once");
        tokio::spawn(async move {
            token.cancelled().await;
            let _ = seen.send(());
        });
        std::future::pending().await
    }
}

/// An actor tool that stalls on its first call only: its actor is free for
/// the next call only if the first one saw its cancellation.
#[derive(Default)]
struct StallOnce {
    calls: u32,
}

#[async_trait]
impl StatefulTool for StallOnce {
    fn tools(&self) -> Vec<ToolInfo> {
        vec![ToolInfo::new("stall_once", json!({"type": "object"}))]
    }
    async fn call(&mut self, _name: &str, _args: Arguments, _ctx: &ToolContext) -> Result<CallToolResult, ToolError> {
        self.calls += 1;
        if self.calls == 1 {
            std::future::pending::<()>().await;
        }
        Ok(CallToolResult::text(format!("call {}", self.calls)))
    }
}

fn server(seen: oneshot::Sender<()>) -> Server {
    Server::builder("test", "1")
        .tool(Background(Mutex::new(Some(seen))))
        .tool(StallOnce::default())
        .call_timeout(Duration::from_millis(100))
        .build()
}

async fn call(s: &Server, conn: &Connection, id: i64, name: &str, stateless: bool) -> Value {
    let mut p = json!({"name": name, "arguments": {}});
    if stateless {
        p["_meta"] = stateless_meta();
    }
    let request = Message::Request(Request::new(id, "tools/call", params(p)));
    result(s.handle(conn, request, Arc::new(Collect::default())).await.expect("a response"))
}

/// A stateless request's connection of its own, or a session's.
async fn connection(s: &Server, stateless: bool) -> Connection {
    if stateless {
        Connection::single_request(None)
    } else {
        initialized(s, "2025-11-25").await
    }
}

fn assert_timed_out(r: &Value) {
    assert_eq!(r["isError"], true, "{r}");
    assert!(r["content"][0]["text"].as_str().unwrap().contains("did not finish"), "{r}");
}

#[tokio::test]
async fn the_deadline_cancels_the_token_a_tool_handed_on_in_either_era() {
    for stateless in [true, false] {
        let (tx, seen) = oneshot::channel();
        let s = server(tx);
        assert_timed_out(&call(&s, &connection(&s, stateless).await, 1, "background", stateless).await);
        tokio::time::timeout(Duration::from_secs(5), seen)
            .await
            .unwrap_or_else(|_| panic!("stateless {stateless}: the tool's task never saw the cancellation"))
            .unwrap();
    }
}

#[tokio::test]
async fn an_actor_tool_past_its_deadline_is_stopped_and_serves_the_next_call() {
    for stateless in [true, false] {
        let (tx, _seen) = oneshot::channel();
        let s = server(tx);
        let conn = connection(&s, stateless).await;
        assert_timed_out(&call(&s, &conn, 1, "stall_once", stateless).await);
        // Stateless requests each have a connection of their own.
        let conn = if stateless { connection(&s, true).await } else { conn };
        let r = call(&s, &conn, 2, "stall_once", stateless).await;
        assert_eq!(r["content"][0]["text"], "call 2", "stateless {stateless}: {r}");
    }
}
