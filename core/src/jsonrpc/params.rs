//! A request's or notification's `params`.

use crate::server::meta::RequestMeta;
use crate::server::request::Typed;
use serde::{Serialize, Serializer};
use serde_json::{Map, Value};
use std::borrow::Cow;
use std::fmt;

/// The `params` object of a request or notification.
///
/// It is the object as sent, except in a message read by
/// [`super::parse_inbound`] for a method the server serves: those params are
/// typed while the body is parsed (one pass, no `Value` tree), and keep
/// what MCP defines for the method and the `_meta` members the server
/// reads; [`Params::to_object`] gives them back as an object.
///
/// ```
/// use lambda_mcp_core::jsonrpc::{parse_inbound, Incoming, Message};
/// let body = br#"{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"add","arguments":{"a":1}}}"#;
/// let Ok(Incoming::Single(Message::Request(request))) = parse_inbound(body) else { panic!() };
/// let params = request.params.unwrap();
/// assert_eq!(params.str_member("name"), Some("add"));
/// assert_eq!(params.to_object()["arguments"]["a"], 1);
/// ```
#[derive(Clone)]
pub struct Params(Repr);

#[derive(Clone)]
pub(crate) enum Repr {
    Object(Map<String, Value>),
    Typed(Box<Typed>),
}

impl Params {
    pub(crate) fn typed(typed: Box<Typed>) -> Params {
        Params(Repr::Typed(typed))
    }

    pub(crate) fn into_repr(self) -> Repr {
        self.0
    }

    #[cfg(test)]
    pub(crate) fn is_typed(&self) -> bool {
        matches!(self.0, Repr::Typed(_))
    }

    /// The `_meta` members the server reads.
    pub(crate) fn meta(&self) -> Cow<'_, RequestMeta> {
        match &self.0 {
            Repr::Object(map) => Cow::Owned(RequestMeta::of(map)),
            Repr::Typed(typed) => Cow::Borrowed(&typed.meta),
        }
    }

    /// The params as a JSON object.
    pub fn to_object(&self) -> Cow<'_, Map<String, Value>> {
        match &self.0 {
            Repr::Object(map) => Cow::Borrowed(map),
            Repr::Typed(typed) => Cow::Owned(typed.to_object()),
        }
    }

    /// The params as a JSON object, owned.
    pub fn into_object(self) -> Map<String, Value> {
        match self.0 {
            Repr::Object(map) => map,
            Repr::Typed(typed) => typed.to_object(),
        }
    }

    /// The member `key` when it is a string: for typed params, the string
    /// members MCP defines for the method (`name`, `uri`).
    pub fn str_member(&self, key: &str) -> Option<&str> {
        match &self.0 {
            Repr::Object(map) => map.get(key).and_then(Value::as_str),
            Repr::Typed(typed) => typed.str_member(key),
        }
    }

    /// `_meta["io.modelcontextprotocol/protocolVersion"]`, the version a
    /// stateless-era request asks for: `None` when absent, `Some("")` when
    /// present but not a string.
    pub fn requested_version(&self) -> Option<&str> {
        match &self.0 {
            Repr::Object(map) => map
                .get("_meta")?
                .get(crate::protocol::discovery::meta::PROTOCOL_VERSION)
                .map(|v| v.as_str().unwrap_or_default()),
            Repr::Typed(typed) => typed.meta.protocol_version.as_ref().map(|v| v.as_str().unwrap_or_default()),
        }
    }
}

impl From<Map<String, Value>> for Params {
    fn from(map: Map<String, Value>) -> Self {
        Params(Repr::Object(map))
    }
}

/// Equal when the objects are equal, however each was read.
impl PartialEq for Params {
    fn eq(&self, other: &Self) -> bool {
        self.to_object() == other.to_object()
    }
}

impl fmt::Debug for Params {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.to_object().fmt(f)
    }
}

impl Serialize for Params {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.to_object().serialize(s)
    }
}
