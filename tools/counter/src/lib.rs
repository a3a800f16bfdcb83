//! Session-counter tools: state that lives as long as the conversation.
//! They use only `ctx.session()`, so they work with every session store
//! (in memory, DynamoDB) and every transport.
//!
//! Stateless clients (protocol 2026-07-28) have no connection-long
//! session: they call `start_session` once and pass the `state_handle` it
//! returns to the other tools.
//!
//! ```
//! let server = lambda_mcp_core::Server::builder("demo", "1.0.0")
//!     .tool(lambda_mcp_tool_counter::increment_counter)
//!     .tool(lambda_mcp_tool_counter::get_counter)
//!     .tool(lambda_mcp_tool_counter::start_session)
//!     .build();
//! assert_eq!(server.tool_names(), ["increment_counter", "get_counter", "start_session"]);
//! ```

use lambda_mcp_core::{tool, ToolContext, ToolError};

/// The session key the counter is kept under.
pub const COUNTER_KEY: &str = "counter";

/// Increment a session-based counter and return its new value.
#[tool(idempotent = false, open_world = false)]
pub async fn increment_counter(
    ctx: &ToolContext,
    /// How much to add (default 1; may be negative).
    #[tool(default = 1)]
    by: i64,
    /// Stateless clients (protocol 2026-07-28) only: the handle from `start_session`.
    #[serde(rename = "state_handle")]
    _state_handle: Option<String>,
) -> Result<i64, ToolError> {
    Ok(ctx.session().increment(COUNTER_KEY, by).await?)
}

/// Get the current value of the session-based counter (0 if never incremented).
#[tool(read_only, open_world = false)]
pub async fn get_counter(
    ctx: &ToolContext,
    /// Stateless clients (protocol 2026-07-28) only: the handle from `start_session`.
    #[serde(rename = "state_handle")]
    _state_handle: Option<String>,
) -> Result<i64, ToolError> {
    Ok(ctx.session().get::<i64>(COUNTER_KEY).await?.unwrap_or(0))
}

/// A new state handle.
#[derive(Debug, lambda_mcp_core::serde::Serialize, lambda_mcp_core::schemars::JsonSchema)]
#[serde(crate = "lambda_mcp_core::serde")]
#[schemars(crate = "lambda_mcp_core::schemars")]
pub struct StartedSession {
    /// Pass this as `state_handle` to the session tools.
    pub state_handle: String,
}

/// Start a session for stateless clients (protocol 2026-07-28), which have no
/// `Mcp-Session-Id`: returns a `state_handle` to pass to `increment_counter`
/// and `get_counter`. A handle belongs to the caller who created it and
/// expires after an hour without use. Clients using the initialize handshake
/// do not need it: their connection is their session.
#[tool(open_world = false)]
pub async fn start_session(ctx: &ToolContext) -> Result<StartedSession, ToolError> {
    Ok(StartedSession { state_handle: ctx.create_state_handle().await?.to_string() })
}

#[cfg(test)]
mod tests {
    use super::*;
    use lambda_mcp_core::jsonrpc::RequestId;
    use lambda_mcp_core::{ProtocolVersion, SessionHandle, SessionManager};
    use lambda_mcp_sessions::MemorySessions;
    use std::time::{Duration, Instant};

    async fn fresh_ctx() -> ToolContext {
        let session = MemorySessions::default().create(None).await.unwrap();
        ToolContext::builder(
            RequestId::Number(1),
            ProtocolVersion::V2025_11_25,
            Instant::now() + Duration::from_secs(5),
        )
        .session(SessionHandle::new(session))
        .build()
    }

    #[tokio::test]
    async fn counts_per_session() {
        let ctx = fresh_ctx().await;
        assert_eq!(get_counter::run(&ctx, None).await.unwrap(), 0);
        assert_eq!(increment_counter::run(&ctx, 1, None).await.unwrap(), 1);
        assert_eq!(increment_counter::run(&ctx, 5, None).await.unwrap(), 6);
        assert_eq!(get_counter::run(&ctx, None).await.unwrap(), 6);
        assert_eq!(get_counter::run(&fresh_ctx().await, None).await.unwrap(), 0, "another session starts at 0");
    }

    #[tokio::test]
    async fn without_a_session_the_error_says_why() {
        let ctx = ToolContext::builder(RequestId::Number(1), ProtocolVersion::V2025_11_25, Instant::now()).build();
        let err = increment_counter::run(&ctx, 1, None).await.unwrap_err().to_string();
        assert!(err.contains("no session"), "{err}");
    }
}
