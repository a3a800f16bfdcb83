//! `server/discover` and the per-request `_meta` of the stateless era (2026-07-28).

use super::{LoggingLevel, ServerCapabilities};
use serde::{Deserialize, Serialize};

/// `server/discover` result (before the router adds `resultType`, `ttlMs`,
/// `cacheScope` and `_meta`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DiscoverResult {
    /// Every protocol version the server speaks, newest first.
    pub supported_versions: Vec<String>,
    /// What the server offers.
    pub capabilities: ServerCapabilities,
    /// How to use this server, for the model.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub instructions: Option<String>,
}

/// How a result may be cached (`CacheableResult.cacheScope`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CacheScope {
    /// No user-specific data: shared caches may keep it.
    Public,
    /// Reuse only within the same authorization context.
    Private,
}

/// The kind of a stateless-era result (`resultType`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ResultType {
    /// A final result.
    Complete,
    /// The server needs input from the client before it can finish.
    InputRequired,
}

/// The reserved `_meta` keys of the stateless era.
pub mod meta {
    /// Request: the protocol version (required).
    pub const PROTOCOL_VERSION: &str = "io.modelcontextprotocol/protocolVersion";
    /// Request: the client's capabilities (required, `{}` for none).
    pub const CLIENT_CAPABILITIES: &str = "io.modelcontextprotocol/clientCapabilities";
    /// Request: who the client is (recommended).
    pub const CLIENT_INFO: &str = "io.modelcontextprotocol/clientInfo";
    /// Request: the least severe log level wanted for this request.
    pub const LOG_LEVEL: &str = "io.modelcontextprotocol/logLevel";
    /// Result: who the server is.
    pub const SERVER_INFO: &str = "io.modelcontextprotocol/serverInfo";
    /// Request: the progress token (both eras).
    pub const PROGRESS_TOKEN: &str = "progressToken";
}

/// The per-request fields a stateless-era request carried.
#[derive(Debug, Clone, PartialEq)]
pub struct StatelessMeta {
    /// The requested version string (validated by the router).
    pub protocol_version: String,
    /// The log level for this request, if any.
    pub log_level: Option<LoggingLevel>,
}

/// Method names of this area.
pub mod methods {
    /// Describes the server (stateless era).
    pub const DISCOVER: &str = "server/discover";
}
