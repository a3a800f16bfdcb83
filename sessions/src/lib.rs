//! # lambda-mcp-sessions
//!
//! Session state for Lambda MCP servers. [`MemorySessions`] keeps every
//! session in this process: the default for local runs and stdio.
//!
//! ```
//! use lambda_mcp_core::{SessionHandle, SessionManager};
//! use lambda_mcp_sessions::MemorySessions;
//!
//! # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
//! let sessions = MemorySessions::default();
//! let session = SessionHandle::new(sessions.create(None).await.unwrap());
//! assert_eq!(session.increment("counter", 1).await.unwrap(), 1);
//! assert_eq!(session.increment("counter", 1).await.unwrap(), 2);
//! # });
//! ```

mod id;
mod memory;

pub use id::new_session_id;
pub use memory::{MemorySession, MemorySessions};
