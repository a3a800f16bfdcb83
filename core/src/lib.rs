//! # lambda-mcp-core
//!
//! The transport-agnostic core of Lambda MCP: JSON-RPC 2.0, the MCP types of
//! both protocol eras (the `initialize` handshake of 2024-11-05 … 2025-11-25
//! and the stateless 2026-07-28 revision), the [`Tool`] trait, the
//! [`#[tool]`](macro@tool) macro, the [`Resource`], [`ResourceTemplate`]
//! and [`Prompt`] traits (with one-line [`TextResource`], [`FnTemplate`] and
//! [`FnPrompt`]) and the router ([`Server`]).
//!
//! It knows no transport and no AWS: stdio, hyper and Lambda adapters feed
//! it parsed messages, and sessions reach it through [`SessionManager`].
//!
//! ```
//! use lambda_mcp_core::{tool, Server, ToolContext, ToolError};
//!
//! /// Say hello world!
//! #[tool]
//! async fn say_hello_world() -> String {
//!     "Hello MCP World!".into()
//! }
//!
//! /// Increment a session-based counter.
//! #[tool]
//! async fn increment_counter(ctx: &ToolContext) -> Result<i64, ToolError> {
//!     Ok(ctx.session().increment("counter", 1).await?)
//! }
//!
//! let server = Server::builder("mcp-lambda-server", "1.0.0")
//!     .tool(say_hello_world)
//!     .tool(increment_counter)
//!     .build();
//! assert_eq!(server.tool_names(), ["say_hello_world", "increment_counter"]);
//! ```

// Lets `#[tool]` (which names `::lambda_mcp_core`) be used in this crate's tests.
#[cfg(test)]
extern crate self as lambda_mcp_core;

pub mod context;
mod error;
mod interaction;
pub mod jsonrpc;
mod principal;
mod prompt;
pub mod protocol;
mod resource;
mod server;
pub mod session;
pub mod timer;
mod tool;

pub use context::{Notify, ToolContext};
pub use error::ToolError;
pub use interaction::InputRequest;
pub use principal::Principal;
pub use prompt::{FnPrompt, Prompt, PromptError};
pub use protocol::resources::ResourceTemplateInfo;
pub use protocol::{CallToolResult, Content, ProtocolVersion, ToolAnnotations, ToolInfo};
pub use protocol::{
    Completion, GetPromptResult, PromptArgument, PromptInfo, PromptMessage, ResourceContents, ResourceInfo, Role,
};
pub use resource::{
    BlobResource, FnResource, FnTemplate, Resource, ResourceError, ResourceTemplate, TextResource, UriTemplate,
    UriTemplateError,
};
pub use server::{stateless_version, unsupported_version, Connection, Reply, Server, ServerBuilder};
pub use session::{Session, SessionError, SessionHandle, SessionId, SessionManager, SessionState, STATE_HANDLE_ARG};
pub use tool::{
    input_schema, marker, Arguments, IntoToolResult, IntoTools, OutputShape, Registered, StatefulTool, Structured,
    Tool, ToolSet,
};

pub use async_trait::async_trait;
#[doc = include_str!("tool_macro.md")]
pub use lambda_mcp_macros::tool;
/// Re-exported so tool crates can derive `JsonSchema` for argument and
/// output types without depending on schemars themselves.
pub use schemars;
/// Re-exported for `#[derive(Serialize, Deserialize)]` in tool crates.
pub use serde;
/// Re-exported for building JSON values in tool crates.
pub use serde_json;

/// The README's examples, compiled as doc tests.
#[doc = include_str!("../../README.md")]
#[cfg(doctest)]
pub struct ReadmeDoctests;

/// Not public API: what `#[tool]` expands to.
#[doc(hidden)]
pub mod __private {
    pub use crate::tool::{Arguments, IntoToolResult, OutputShape, Structured};
    pub use async_trait::async_trait;
    pub use schemars;
    pub use serde;
    pub use serde_json;
    pub use std::sync::OnceLock;
}
