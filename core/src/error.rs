//! The errors a tool call can end with, and how they reach the client.

use crate::protocol::CallToolResult;
use crate::session::SessionError;
use std::time::Duration;

/// Why a tool call failed. Every variant becomes an `isError` result that
/// the model can read; none becomes a JSON-RPC error.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ToolError {
    /// The arguments do not fit the tool's input schema.
    #[error("invalid arguments for tool `{tool}`: {message}")]
    InvalidArguments {
        /// The tool's name.
        tool: String,
        /// What is wrong, naming the offending field.
        message: String,
    },
    /// The session state could not be read or saved.
    #[error(transparent)]
    Session(#[from] SessionError),
    /// The call ran past its deadline.
    #[error("tool `{tool}` did not finish within {}", humanize(*.after))]
    DeadlineExceeded {
        /// The tool's name.
        tool: String,
        /// The deadline that passed.
        after: Duration,
    },
    /// The client cancelled the call.
    #[error("the call was cancelled")]
    Cancelled,
    /// The tool panicked; the panic message, if it was a string.
    #[error("tool `{tool}` failed unexpectedly: {message}")]
    Panicked {
        /// The tool's name.
        tool: String,
        /// The panic payload, when it was text.
        message: String,
    },
    /// The client does not support what the call asked of it (e.g. no
    /// `elicitation` capability). In the stateless era this is error -32021.
    #[error("the client does not support `{capability}`, which this call needs")]
    MissingCapability {
        /// The missing client capability.
        capability: String,
    },
    /// Stateless era: the call needs these inputs from the client (key →
    /// embedded request). Returned by [`crate::ToolContext::request_input`];
    /// let it propagate and the router answers `input_required`.
    #[error("the call needs input from the client")]
    InputRequired(serde_json::Map<String, serde_json::Value>),
    /// The tool itself failed.
    #[error("{0}")]
    Failed(#[source] Box<dyn std::error::Error + Send + Sync>),
}

impl ToolError {
    /// A tool failure from any error or message.
    ///
    /// ```
    /// use lambda_mcp_core::ToolError;
    /// let err = ToolError::failed("upstream returned 503");
    /// assert_eq!(err.to_string(), "upstream returned 503");
    /// ```
    pub fn failed(err: impl Into<Box<dyn std::error::Error + Send + Sync>>) -> Self {
        ToolError::Failed(err.into())
    }

    /// The `isError` result the client sees.
    pub fn into_result(self) -> CallToolResult {
        CallToolResult::error(self.to_string())
    }
}

fn humanize(d: Duration) -> String {
    if d.subsec_millis() == 0 {
        format!("{}s", d.as_secs())
    } else {
        format!("{}ms", d.as_millis())
    }
}
