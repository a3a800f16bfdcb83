use serde::{Deserialize, Serialize};
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
    /// The id's length as JSON text, when known without writing it: any
    /// number, and a string that needs no escape (serde_json escapes `"`,
    /// `\` and control characters).
    pub(crate) fn json_len(&self) -> Option<usize> {
        match self {
            RequestId::Number(n) => {
                let digits = n.unsigned_abs().checked_ilog10().map_or(1, |d| d as usize + 1);
                Some(digits + usize::from(*n < 0))
            }
            RequestId::String(s) => s.bytes().all(|b| b >= 0x20 && b != b'"' && b != b'\\').then_some(s.len() + 2),
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
