//! # lambda-mcp-sessions
//!
//! Session state for Lambda MCP servers, behind the core's
//! [`SessionManager`](lambda_mcp_core::SessionManager) and
//! [`Session`](lambda_mcp_core::Session) traits:
//!
//! - [`MemorySessions`]: every session in this process, no actor: the
//!   embedded default for local runs and stdio.
//! - [`StoreSessions`]: sessions in a [`SessionStore`] ([`DynamoStore`] in
//!   production, [`MemoryStore`] for tests) behind one write-back actor per
//!   live session. Reads come from the actor's cache after at most one
//!   consistent read per request; each call's changes (its own only, even
//!   when calls of the session overlap) reach the store in one conditional
//!   `UpdateItem` before its response leaves; concurrent increments and
//!   updates from any number of processes are never lost.
//!   The [`actor`] module documents the consistency model, the cache trust
//!   rule, conflict handling and cancel safety.
//!
//! ```
//! use lambda_mcp_core::{SessionHandle, SessionManager};
//! use lambda_mcp_sessions::{MemoryStore, SessionConfig, StoreSessions};
//!
//! # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
//! let sessions = StoreSessions::new(MemoryStore::new(), SessionConfig::default()).unwrap();
//! let session = SessionHandle::new(sessions.create(None).await.unwrap());
//! assert_eq!(session.increment("counter", 1).await.unwrap(), 1);
//! session.set("name", &"ada").await.unwrap();
//! let len = session.update(|state| state.len()).await.unwrap();
//! assert_eq!(len, 2);
//! session.flush().await.unwrap(); // what the router does before a response leaves
//! # });
//! ```
//!
//! On DynamoDB (table `mcp_sessions`, key `session_id`, TTL on
//! `expires_at`), built from the standard AWS configuration chain:
//!
//! ```no_run
//! use lambda_mcp_sessions::{DynamoStore, SessionConfig, StoreSessions};
//!
//! # async fn demo() -> std::io::Result<()> {
//! let store = DynamoStore::from_env("mcp_sessions").await;
//! let sessions = StoreSessions::new(store, SessionConfig::default())?;
//! # let _ = sessions; Ok(()) }
//! ```

pub mod actor;
mod config;
pub mod dynamodb;
mod id;
mod manager;
mod memory;
mod memory_store;
mod registry;
mod store;

pub use config::SessionConfig;
pub use dynamodb::{DynamoStore, RequestCounter};
pub use id::new_session_id;
pub use manager::StoreSessions;
pub use memory::{MemorySession, MemorySessions};
pub use memory_store::MemoryStore;
pub use store::{now_secs, BoxError, Change, SessionStore, StoreError, StoredSession, Write};
