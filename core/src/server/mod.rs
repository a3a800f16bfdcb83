//! [`Server`]: the transport-agnostic MCP service. A transport parses a
//! frame, hands each message to [`Server::handle`] with the
//! [`Connection`] it arrived on, and writes back what comes out.
//!
//! # Cancel safety
//! Dropping the future of [`Server::handle`] abandons the request: an
//! inline tool's future (or a resource read, prompt get or completion) is
//! dropped at its current `.await`, an actor tool is told through its
//! cancellation token. Session changes already made in memory stay; they
//! are flushed by the next request of the session.

mod builder;
mod catalog;
mod completion;
mod connection;
mod era;
mod invoke;
mod pagination;
mod prompts;
mod request;
mod request_state;
mod resources;
mod router;
mod tools;

pub use builder::ServerBuilder;
pub use connection::Connection;
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
    instructions: Option<String>,
    tools: Vec<Entry>,
    tool_index: HashMap<String, usize>,
    sessions: Option<Arc<dyn SessionManager>>,
    call_timeout: Duration,
    page_size: usize,
    list_ttl: Duration,
    state_key: request_state::StateKey,
    capabilities: ServerCapabilities,
    catalog: catalog::Catalog,
    // Keeps the actor thread alive as long as the server.
    _actors: Option<ActorHost>,
}

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
        Ok(Connection::new(session, principal))
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
