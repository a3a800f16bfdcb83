//! What can go wrong talking to an MCP server.

use lambda_mcp_core::jsonrpc::{ErrorCode, ErrorObject};
use std::time::Duration;

/// An error from the client: the transport, the server's HTTP layer, or a
/// JSON-RPC error the server answered with.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ClientError {
    /// HTTP 401: no bearer token was sent, or the server rejected it.
    #[error("{url} answered 401 Unauthorized: {}", unauthorized_hint(*.token_sent))]
    Unauthorized {
        /// The endpoint.
        url: String,
        /// Whether a token was sent (then it was rejected).
        token_sent: bool,
    },
    /// An HTTP status the protocol does not explain, with the start of the body.
    #[error("{url} answered HTTP {status}{}", body_suffix(.body))]
    HttpStatus {
        /// The endpoint.
        url: String,
        /// The status code.
        status: u16,
        /// The start of the response body, for the error message.
        body: String,
    },
    /// The server answered with a JSON-RPC error.
    #[error("the server answered {method} with an error: {error}")]
    Rpc {
        /// The method that failed.
        method: String,
        /// The error object.
        error: ErrorObject,
    },
    /// The server could not be reached.
    #[error("cannot reach {url}: {source}")]
    Connect {
        /// The endpoint.
        url: String,
        /// Why.
        #[source]
        source: reqwest::Error,
    },
    /// The HTTP exchange failed after the connection was made.
    #[error("HTTP request to {url} failed: {source}")]
    Http {
        /// The endpoint.
        url: String,
        /// Why.
        #[source]
        source: reqwest::Error,
    },
    /// No answer within the deadline.
    #[error("{method} timed out after {:.1} s", .after.as_secs_f64())]
    Timeout {
        /// The method that timed out.
        method: String,
        /// The deadline.
        after: Duration,
    },
    /// The stdio server command could not be started.
    #[error("cannot start {command:?}: {source}")]
    Spawn {
        /// The program.
        command: String,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// The stdio server exited or closed its stdout.
    #[error("the server process exited ({status}){}", stderr_suffix(.stderr))]
    ServerExited {
        /// How it exited, as far as known.
        status: String,
        /// The last lines it wrote to stderr.
        stderr: String,
    },
    /// Writing to or reading from the stdio server failed.
    #[error("stdio I/O failed: {0}")]
    Io(#[from] std::io::Error),
    /// The server sent something that is not a valid answer.
    #[error("invalid answer to {method}: {reason}")]
    InvalidResponse {
        /// The method asked.
        method: String,
        /// What is wrong with the answer.
        reason: String,
    },
    /// The handshake-era session ended on the server (HTTP 404) and could
    /// not be re-established.
    #[error("the server ended the session (HTTP 404) and a new one could not be started")]
    SessionExpired,
    /// The server and this client share no protocol version.
    #[error("no common protocol version: the server speaks {supported:?}")]
    NoCommonVersion {
        /// What the server said it supports.
        supported: Vec<String>,
    },
    /// The server needs input (elicitation, sampling, roots) that this client
    /// does not offer.
    #[error("{method} needs input from the client that it cannot give ({keys:?})")]
    InputRequired {
        /// The method asked.
        method: String,
        /// The keys of the input requests.
        keys: Vec<String>,
    },
}

impl ClientError {
    /// The JSON-RPC error object, when the server answered with one.
    pub fn rpc(&self) -> Option<&ErrorObject> {
        match self {
            ClientError::Rpc { error, .. } => Some(error),
            _ => None,
        }
    }

    /// Whether this is a JSON-RPC error with the given code.
    pub fn is_code(&self, code: ErrorCode) -> bool {
        self.rpc().is_some_and(|e| e.code == code)
    }
}

fn unauthorized_hint(token_sent: bool) -> &'static str {
    if token_sent {
        "the bearer token was rejected (check --token / MCP_AUTH_TOKEN)"
    } else {
        "the server requires a bearer token (pass --token or set MCP_AUTH_TOKEN)"
    }
}

fn body_suffix(body: &str) -> String {
    if body.trim().is_empty() {
        String::new()
    } else {
        format!(": {}", body.trim())
    }
}

fn stderr_suffix(stderr: &str) -> String {
    if stderr.trim().is_empty() {
        String::new()
    } else {
        format!("; its stderr ended with:\n{}", stderr.trim_end())
    }
}
