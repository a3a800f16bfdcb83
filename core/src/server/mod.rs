//! [`Server`]: the transport-agnostic MCP service. A transport parses a
//! frame ([`crate::jsonrpc::parse_inbound`]), hands it to
//! [`Server::handle_incoming`] (or each message to [`Server::handle`]) with the
//! [`Connection`] it arrived on, and writes back what comes out.
//!
//! # Cancel safety
//! A request that is cancelled (`notifications/cancelled`, a deadline, a
//! transport cancelling it) still flushes the session changes its handler
//! made before its future resolves, like one that completes: tool calls,
//! resource reads and prompt gets all end with their session flushed. A
//! flush failure turns a result into an error; a cancelled request gets no
//! response, so its flush failure is logged.
//!
//! Dropping the future of [`Server::handle`] abandons the request: an
//! inline tool's future (or a resource read, prompt get or completion) is
//! dropped at its current `.await`, an actor tool is told through its
//! cancellation token, and no flush runs. Each request sees the session
//! through its own view ([`crate::Session::for_request`]); when that view
//! is dropped with changes it never flushed, the session implementation
//! saves them at once in the background (`lambda-mcp-sessions` does).

mod builder;
mod catalog;
mod completion;
mod connection;
mod era;
mod invoke;
pub(crate) mod meta;
mod pagination;
mod prompts;
pub(crate) mod request;
mod request_state;
mod resources;
mod router;
mod tools;

pub use builder::ServerBuilder;
pub use connection::Connection;
pub(crate) use connection::RequestCancel;
pub use era::{stateless_version, unsupported_version};
pub use router::Reply;

use crate::principal::Principal;
use crate::protocol::{Implementation, ServerCapabilities};
use crate::session::{SessionError, SessionManager};
use crate::tool::{ActorHost, Entry};
use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

/// An MCP server: its identity, its tools, resources and prompts, and its
/// settings. Cheap to clone; every clone serves the same things.
#[derive(Clone)]
pub struct Server {
    inner: Arc<Inner>,
}

struct Inner {
    info: Implementation,
    /// `info` as JSON, for the `_meta` of stateless-era results.
    info_json: serde_json::Value,
    /// The `_meta` of stateless-era results, as JSON text, for results
    /// written straight to text.
    result_meta: crate::jsonrpc::RawJson,
    instructions: Option<String>,
    tools: Vec<Entry>,
    tool_index: ToolIndex,
    sessions: Option<Arc<dyn SessionManager>>,
    call_timeout: Duration,
    page_size: usize,
    list_ttl: Duration,
    state_key: request_state::StateKey,
    live: std::sync::Mutex<Vec<connection::WeakConnection>>,
    capabilities: ServerCapabilities,
    catalog: catalog::Catalog,
    // Keeps the actor thread alive as long as the server.
    _actors: Option<ActorHost>,
}

/// Tool name → position in `tools`. The names are the server's own, so a
/// fast hash (foldhash, seeded per process) serves: no client picks them.
pub(crate) type ToolIndex = HashMap<String, usize, foldhash::fast::RandomState>;

impl Server {
    /// Starts building a server with the given name and version.
    pub fn builder(name: impl Into<String>, version: impl Into<String>) -> ServerBuilder {
        ServerBuilder::new(name, version)
    }

    /// The server's name and version.
    pub fn info(&self) -> &Implementation {
        &self.inner.info
    }

    /// The registered tools' names, in `tools/list` order.
    pub fn tool_names(&self) -> Vec<&str> {
        self.inner.tools.iter().map(|t| t.info.name.as_str()).collect()
    }

    /// The session manager, when one is configured.
    pub fn sessions(&self) -> Option<&Arc<dyn SessionManager>> {
        self.inner.sessions.as_ref()
    }

    /// A new connection for `principal`, with a fresh session when a
    /// session manager is configured.
    pub async fn connect(&self, principal: Option<Principal>) -> Result<Connection, SessionError> {
        let session = match &self.inner.sessions {
            Some(manager) => Some(manager.create(principal.as_ref()).await?),
            None => None,
        };
        Ok(self.track(Connection::new(session, principal)))
    }

    /// A connection resumed from a stored session: the handshake happened
    /// in another process (or before a restart), at `version`.
    pub fn resume(
        &self,
        session: Arc<dyn crate::Session>,
        principal: Option<Principal>,
        version: crate::ProtocolVersion,
    ) -> Connection {
        self.track(Connection::resumed(session, principal, version))
    }

    fn track(&self, conn: Connection) -> Connection {
        let mut live = self.inner.live.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        live.retain(|c| c.upgrade().is_some());
        live.push(conn.downgrade());
        conn
    }

    /// Tells every connection subscribed to `uri` that it changed
    /// (`notifications/resources/updated`, handshake era), on the stream
    /// its transport attached (stdio, or the HTTP GET stream).
    pub fn resource_updated(&self, uri: &str) {
        let params = serde_json::json!({ "uri": uri });
        let notification = crate::jsonrpc::Notification::new(
            crate::protocol::resources::methods::UPDATED,
            params.as_object().cloned(),
        );
        let live: Vec<Connection> = {
            let live = self.inner.live.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
            live.iter().filter_map(|c| c.upgrade()).collect()
        };
        for conn in live.iter().filter(|c| c.is_subscribed(uri)) {
            conn.push(&notification);
        }
    }

    /// How long a tool call may run.
    pub fn call_timeout(&self) -> Duration {
        self.inner.call_timeout
    }
}

impl std::fmt::Debug for Server {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Server")
            .field("info", &self.inner.info)
            .field("tools", &self.tool_names())
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests;
