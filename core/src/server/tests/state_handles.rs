//! Router tests: stateless-era state handles (SEP-2567) are opened for the
//! principal that created them, and only for it.

use super::{result, stateless_meta, Collect};
use crate::jsonrpc::{Message, Request};
use crate::session::{Session, SessionError, SessionId, SessionManager, SessionState};
use crate::{async_trait, tool, Connection, Principal, Server, ToolContext, ToolError};
use serde_json::{json, Value};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// Mints a handle.
#[tool]
async fn mint(ctx: &ToolContext) -> Result<String, ToolError> {
    Ok(ctx.create_state_handle().await?.to_string())
}

/// Counts in the session.
#[tool]
async fn bump(ctx: &ToolContext, #[serde(rename = "state_handle")] _handle: Option<String>) -> Result<i64, ToolError> {
    Ok(ctx.session().increment("n", 1).await?)
}

/// Handle → (owner, session).
type Owners = HashMap<SessionId, (Option<Principal>, Arc<Counter>)>;

/// A tiny owner-checking manager (the real ones live in lambda-mcp-sessions).
#[derive(Default)]
struct Owned(Mutex<Owners>);

struct Counter(SessionId, Mutex<i64>);

#[async_trait]
impl Session for Counter {
    fn id(&self) -> &SessionId {
        &self.0
    }
    async fn get(&self, _key: &str) -> Result<Option<Value>, SessionError> {
        Ok(Some(json!(*self.1.lock().unwrap())))
    }
    async fn set(&self, _key: &str, _value: Value) -> Result<(), SessionError> {
        Ok(())
    }
    async fn remove(&self, _key: &str) -> Result<(), SessionError> {
        Ok(())
    }
    async fn increment(&self, _key: &str, delta: i64) -> Result<i64, SessionError> {
        let mut n = self.1.lock().unwrap();
        *n += delta;
        Ok(*n)
    }
    async fn update(&self, _f: &mut (dyn for<'s> FnMut(&'s mut SessionState) + Send)) -> Result<(), SessionError> {
        Ok(())
    }
    async fn flush(&self) -> Result<(), SessionError> {
        Ok(())
    }
}

#[async_trait]
impl SessionManager for Owned {
    async fn create(&self, owner: Option<&Principal>) -> Result<Arc<dyn Session>, SessionError> {
        let mut map = self.0.lock().unwrap();
        let id = SessionId::new(format!("h{}", map.len()));
        let session = Arc::new(Counter(id.clone(), Mutex::new(0)));
        map.insert(id, (owner.cloned(), session.clone()));
        Ok(session)
    }
    async fn open(&self, id: &SessionId, caller: Option<&Principal>) -> Result<Arc<dyn Session>, SessionError> {
        match self.0.lock().unwrap().get(id) {
            None => Err(SessionError::NotFound(id.clone())),
            Some((owner, _)) if owner.as_ref() != caller => Err(SessionError::Forbidden(id.clone())),
            Some((_, s)) => Ok(s.clone()),
        }
    }
    async fn end(&self, id: &SessionId) -> Result<bool, SessionError> {
        Ok(self.0.lock().unwrap().remove(id).is_some())
    }
}

async fn call(s: &Server, who: &str, name: &str, args: Value) -> Value {
    let conn = Connection::new(None, Some(Principal::new(who)));
    let p = json!({"_meta": stateless_meta(), "name": name, "arguments": args});
    let m = s.handle(
        &conn,
        Message::Request(Request::new(1, "tools/call", p.as_object().cloned())),
        Arc::new(Collect::default()),
    );
    result(m.await.unwrap())
}

#[tokio::test]
async fn a_handle_serves_its_owner_and_nobody_else() {
    let s = Server::builder("t", "1").tool(mint).tool(bump).sessions(Arc::new(Owned::default())).build();
    let handle = call(&s, "alice", "mint", json!({})).await["content"][0]["text"].as_str().unwrap().to_owned();
    assert_eq!(call(&s, "alice", "bump", json!({"state_handle": handle})).await["content"][0]["text"], "1");
    assert_eq!(call(&s, "alice", "bump", json!({"state_handle": handle})).await["content"][0]["text"], "2");
    let stolen = call(&s, "mallory", "bump", json!({"state_handle": handle})).await;
    assert_eq!(stolen["isError"], true);
    assert!(stolen["content"][0]["text"].as_str().unwrap().contains("another principal"), "{stolen}");
    let none = call(&s, "alice", "bump", json!({})).await;
    assert!(none["content"][0]["text"].as_str().unwrap().contains("state_handle"), "{none}");
}
