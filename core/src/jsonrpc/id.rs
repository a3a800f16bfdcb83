use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::fmt;

/// A request id: a string or an integer (MCP forbids `null`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(untagged)]
pub enum RequestId {
    /// A numeric id.
    Number(i64),
    /// A string id.
    String(String),
}

impl RequestId {
    pub(crate) fn from_value(value: Value) -> Result<Self, &'static str> {
        match value {
            Value::String(s) => Ok(RequestId::String(s)),
            Value::Number(n) => n.as_i64().map(RequestId::Number).ok_or("\"id\" must be an integer or a string"),
            Value::Null => Err("\"id\" must not be null"),
            _ => Err("\"id\" must be an integer or a string"),
        }
    }
}

impl From<i64> for RequestId {
    fn from(n: i64) -> Self {
        RequestId::Number(n)
    }
}

impl From<&str> for RequestId {
    fn from(s: &str) -> Self {
        RequestId::String(s.to_owned())
    }
}

impl From<String> for RequestId {
    fn from(s: String) -> Self {
        RequestId::String(s)
    }
}

impl fmt::Display for RequestId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RequestId::Number(n) => write!(f, "{n}"),
            RequestId::String(s) => write!(f, "{s:?}"),
        }
    }
}
