use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::fmt;

/// A JSON-RPC error code. The constants are the codes the JSON-RPC 2.0 and
/// MCP specifications assign.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct ErrorCode(pub i32);

impl ErrorCode {
    /// Invalid JSON was received (JSON-RPC 2.0).
    pub const PARSE_ERROR: ErrorCode = ErrorCode(-32700);
    /// The JSON sent is not a valid request object (JSON-RPC 2.0).
    pub const INVALID_REQUEST: ErrorCode = ErrorCode(-32600);
    /// The method does not exist or is not available (JSON-RPC 2.0).
    pub const METHOD_NOT_FOUND: ErrorCode = ErrorCode(-32601);
    /// Invalid method parameters (JSON-RPC 2.0).
    pub const INVALID_PARAMS: ErrorCode = ErrorCode(-32602);
    /// Internal error (JSON-RPC 2.0).
    pub const INTERNAL_ERROR: ErrorCode = ErrorCode(-32603);
    /// A resource was not found (MCP, `resources/read`).
    pub const RESOURCE_NOT_FOUND: ErrorCode = ErrorCode(-32002);
    /// HTTP headers disagree with the body (MCP 2026-07-28).
    pub const HEADER_MISMATCH: ErrorCode = ErrorCode(-32020);
    /// A required `_meta` capability or field is missing (MCP 2026-07-28).
    pub const MISSING_REQUIRED_CLIENT_CAPABILITY: ErrorCode = ErrorCode(-32021);
    /// The requested protocol version is not supported (MCP 2026-07-28).
    pub const UNSUPPORTED_PROTOCOL_VERSION: ErrorCode = ErrorCode(-32022);
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// The `error` member of an error response.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ErrorObject {
    /// The error code.
    pub code: ErrorCode,
    /// A short description.
    pub message: String,
    /// Structured detail, when useful (e.g. the unknown method's name).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub data: Option<Value>,
}

impl ErrorObject {
    /// An error with a code and message.
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        ErrorObject { code, message: message.into(), data: None }
    }

    /// Adds structured detail.
    pub fn with_data(mut self, data: Value) -> Self {
        self.data = Some(data);
        self
    }

    /// -32700: the frame is not JSON.
    pub fn parse_error(detail: impl Into<String>) -> Self {
        ErrorObject::new(ErrorCode::PARSE_ERROR, format!("Parse error: {}", detail.into()))
    }

    /// -32600: the JSON is not a valid JSON-RPC request.
    pub fn invalid_request(detail: impl Into<String>) -> Self {
        ErrorObject::new(ErrorCode::INVALID_REQUEST, format!("Invalid request: {}", detail.into()))
    }

    /// -32601: no such method; the name goes into `data`.
    pub fn method_not_found(method: &str) -> Self {
        ErrorObject::new(ErrorCode::METHOD_NOT_FOUND, format!("Method not found: {method}"))
            .with_data(serde_json::json!({ "method": method }))
    }

    /// -32602: the parameters do not fit the method.
    pub fn invalid_params(detail: impl Into<String>) -> Self {
        ErrorObject::new(ErrorCode::INVALID_PARAMS, format!("Invalid params: {}", detail.into()))
    }

    /// -32603: the server failed.
    pub fn internal(detail: impl Into<String>) -> Self {
        ErrorObject::new(ErrorCode::INTERNAL_ERROR, format!("Internal error: {}", detail.into()))
    }
}

impl fmt::Display for ErrorObject {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({})", self.message, self.code)
    }
}

impl std::error::Error for ErrorObject {}
