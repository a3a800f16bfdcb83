//! # lambda-mcp-client
//!
//! A Model Context Protocol client that speaks both eras over both
//! transports, built on the wire types of `lambda-mcp-core`:
//!
//! - **Streamable HTTP**: one POST per message, JSON or SSE answers, a
//!   bearer token, timeouts. In the handshake era the `Mcp-Session-Id` is
//!   kept, a session the server ended (404) is re-initialised once, and
//!   [`Client::close`] sends `DELETE`. In the 2026-07-28 era every request
//!   carries `params._meta` (protocol version, client info, capabilities) and
//!   the `MCP-Protocol-Version`, `Mcp-Method` and `Mcp-Name` headers.
//! - **stdio**: the server command is spawned and spoken to over its pipes;
//!   a timed-out request is cancelled with `notifications/cancelled`; closing
//!   shuts stdin, waits, then kills.
//!
//! [`EraMode::Auto`] follows the dual-era client rules: `server/discover`
//! first; a discovery result that lists 2026-07-28 selects the stateless
//! era; any other error, an HTTP status without a recognised 2026 error, or
//! silence falls back to `initialize`. A recognised 2026 error (-32020,
//! -32021, or -32022 without a handshake version) and a 401 end the attempt
//! instead.
//!
//! ```no_run
//! use lambda_mcp_client::{Client, ConnectOptions, HttpOptions};
//!
//! # async fn demo() -> Result<(), lambda_mcp_client::ClientError> {
//! let http = HttpOptions { token: Some("secret".into()), ..HttpOptions::default() };
//! let client = Client::connect_http("http://127.0.0.1:8080/mcp", http, ConnectOptions::default()).await?;
//! for tool in client.list_tools().await? {
//!     println!("{}", tool.name);
//! }
//! let result = client.call_tool("say_hello_world", serde_json::Map::new()).await?;
//! assert!(!result.failed());
//! client.close().await;
//! # Ok(()) }
//! ```

mod client;
mod era;
mod error;
mod http;
mod sse;
mod stdio;
mod transport;

pub use client::{Client, ConnectOptions, Negotiated};
pub use era::EraMode;
pub use error::ClientError;
pub use http::HttpOptions;
pub use transport::{Direction, Tap};
