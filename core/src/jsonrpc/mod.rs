//! JSON-RPC 2.0 messages, parsed once at the edge into typed values.
//!
//! A server's transport hands raw bytes to [`parse_inbound`] (a client's to
//! [`parse`]); everything past that point works with [`Message`] and its
//! parts. The params of a method the server serves are typed in that same
//! pass ([`Params`]); `serde_json::Value` survives only in params kept as
//! sent (and in the tools' arguments); a `result` is [`RawJson`], written
//! once from its typed form.

mod error;
mod id;
pub(crate) mod params;
mod plain;
mod plain_call;
mod raw;

pub use error::{ErrorCode, ErrorObject};
pub use id::RequestId;
pub use params::Params;
pub use raw::RawJson;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// The only protocol version string JSON-RPC 2.0 allows.
pub const JSONRPC_VERSION: &str = "2.0";

/// A request: a method call that expects a response.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Request {
    /// Always `"2.0"`.
    pub jsonrpc: Version,
    /// The id the response must echo.
    pub id: RequestId,
    /// The method name.
    pub method: String,
    /// The parameters, when present (MCP only uses objects).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub params: Option<Params>,
}

/// A notification: a method call without an id, never answered.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Notification {
    /// Always `"2.0"`.
    pub jsonrpc: Version,
    /// The method name.
    pub method: String,
    /// The parameters, when present.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub params: Option<Params>,
}

/// A successful response.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Response {
    /// Always `"2.0"`.
    pub jsonrpc: Version,
    /// The id of the request this answers.
    pub id: RequestId,
    /// The result payload, as JSON text.
    pub result: RawJson,
}

/// An error response. `id` is `None` when the request's id could not be read.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ErrorResponse {
    /// Always `"2.0"`.
    pub jsonrpc: Version,
    /// The id of the failed request, or `null`.
    pub id: Option<RequestId>,
    /// What went wrong.
    pub error: ErrorObject,
}

/// Any single JSON-RPC message.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Message {
    /// A call that expects an answer.
    Request(Request),
    /// A call without an answer.
    Notification(Notification),
    /// A successful answer.
    Response(Response),
    /// A failed answer.
    Error(ErrorResponse),
}

/// The `"jsonrpc": "2.0"` marker; serialises as the string and nothing else.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Version;

impl Serialize for Version {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(JSONRPC_VERSION)
    }
}

/// What a transport read: one message or a batch (an array, only legal in
/// the 2025-03-26 protocol version).
#[derive(Debug, Clone, PartialEq)]
pub enum Incoming {
    /// A single message.
    Single(Message),
    /// A non-empty array of messages, each parsed on its own: a malformed
    /// element yields its own error response.
    Batch(Vec<Result<Message, ErrorResponse>>),
}

/// Parses one frame (a stdio line or an HTTP body).
///
/// Errors are ready-to-send error responses: -32700 for text that is not
/// JSON, -32600 for JSON that is not a JSON-RPC message.
///
/// ```
/// use lambda_mcp_core::jsonrpc::{parse, ErrorCode, Incoming, Message};
/// let msg = parse(br#"{"jsonrpc":"2.0","id":1,"method":"ping"}"#).unwrap();
/// assert!(matches!(msg, Incoming::Single(Message::Request(_))));
/// let err = parse(b"{not json").unwrap_err();
/// assert_eq!(err.error.code, ErrorCode::PARSE_ERROR);
/// ```
pub fn parse(bytes: &[u8]) -> Result<Incoming, ErrorResponse> {
    parse_frame(bytes, false)
}

/// Parses one frame a server received, as [`parse`] does, and types the
/// params of a request whose method the server serves in the same pass
/// (see [`Params`]): what a transport hands to
/// [`crate::Server::handle_incoming`]. Params that do not fit their method
/// are left as sent, for the router to answer with -32602.
pub fn parse_inbound(bytes: &[u8]) -> Result<Incoming, ErrorResponse> {
    parse_frame(bytes, true)
}

fn parse_frame(bytes: &[u8], typed: bool) -> Result<Incoming, ErrorResponse> {
    let not_a_message =
        || ErrorResponse::new(None, ErrorObject::invalid_request("a JSON-RPC message must be an object"));
    // UTF-8 checked once for the whole frame: parsing from `&str` spares
    // serde_json a check per string (a third of a small message's cost).
    let text = std::str::from_utf8(bytes)
        .map_err(|e| ErrorResponse::new(None, ErrorObject::parse_error(format!("the message is not UTF-8: {e}"))))?;
    match text.bytes().find(|b| !b.is_ascii_whitespace()) {
        Some(b'{') => {
            // The common case: a plain request's members around `params`
            // by hand, else straight into the envelope with serde; never
            // an intermediate map.
            let envelope = match plain::envelope(text, typed) {
                Some(envelope) => envelope,
                None => read_object(text, typed)?,
            };
            Message::from_envelope(envelope).map(Incoming::Single)
        }
        Some(b'[') => {
            let items: Vec<Value> = serde_json::from_str(text).map_err(parse_error)?;
            if items.is_empty() {
                return Err(ErrorResponse::new(
                    None,
                    ErrorObject::invalid_request("an empty batch is not a valid request"),
                ));
            }
            Ok(Incoming::Batch(items.into_iter().map(Message::from_value).collect()))
        }
        _ => {
            // Not an object or array: still tell malformed text from valid JSON.
            serde_json::from_str::<serde::de::IgnoredAny>(text).map_err(parse_error)?;
            Err(not_a_message())
        }
    }
}

/// The envelope of a frame that starts with `{`, read by serde.
fn read_object(text: &str, typed: bool) -> Result<envelope::Envelope, ErrorResponse> {
    let read = |typed| {
        let mut de = serde_json::Deserializer::from_str(text);
        let envelope = serde::de::DeserializeSeed::deserialize(envelope::Seed { typed }, &mut de)?;
        de.end().map(|()| envelope)
    };
    // Params that do not fit their method: read again as sent.
    let envelope = read(typed).or_else(|e| if typed { read(false) } else { Err(e) });
    envelope.map_err(|e| match e.classify() {
        // A member sent twice, the one data error of an envelope, is
        // found before the end of the text: -32700 if the text is
        // malformed further on, else -32600 naming the member.
        serde_json::error::Category::Data => match serde_json::from_str::<serde::de::IgnoredAny>(text) {
            Err(syntax) => parse_error(syntax),
            Ok(_) => ErrorResponse::new(None, ErrorObject::invalid_request(e.to_string())),
        },
        _ => parse_error(e),
    })
}

/// -32700 for text serde_json could not read.
fn parse_error(e: serde_json::Error) -> ErrorResponse {
    ErrorResponse::new(None, ErrorObject::parse_error(e.to_string()))
}

pub(crate) mod envelope;

impl Message {
    /// Classifies a JSON value as a JSON-RPC message.
    pub fn from_value(value: Value) -> Result<Message, ErrorResponse> {
        if !value.is_object() {
            return Err(ErrorResponse::new(None, ErrorObject::invalid_request("a JSON-RPC message must be an object")));
        }
        let envelope = serde::de::DeserializeSeed::deserialize(envelope::Seed { typed: false }, value)
            .map_err(|e| ErrorResponse::new(None, ErrorObject::invalid_request(e.to_string())))?;
        Message::from_envelope(envelope)
    }

    fn from_envelope(envelope: envelope::Envelope) -> Result<Message, ErrorResponse> {
        let envelope::Envelope { jsonrpc, id, method, params, result, error } = envelope;
        let id = match id {
            None => None,
            Some(raw) => {
                Some(raw.into_id().map_err(|why| ErrorResponse::new(None, ErrorObject::invalid_request(why)))?)
            }
        };
        let invalid = |why: &str| ErrorResponse::new(id.clone(), ErrorObject::invalid_request(why));
        if !jsonrpc.is_some_and(|v| v.0) {
            return Err(invalid("\"jsonrpc\" must be \"2.0\""));
        }
        if let Some(method) = method {
            let envelope::MethodName(Some(method)) = method else {
                return Err(invalid("\"method\" must be a string"));
            };
            let params = match params {
                None | Some(envelope::ParamsIn::Value(Value::Null)) => None,
                Some(envelope::ParamsIn::Value(Value::Object(map))) => Some(Params::from(map)),
                Some(envelope::ParamsIn::Typed(typed)) => Some(Params::typed(typed)),
                Some(_) => return Err(invalid("\"params\" must be an object")),
            };
            return Ok(match id {
                Some(id) => Message::Request(Request { jsonrpc: Version, id, method, params }),
                None => Message::Notification(Notification { jsonrpc: Version, method, params }),
            });
        }
        match (id, result, error) {
            (Some(id), Some(result), None) => Ok(Message::Response(Response { jsonrpc: Version, id, result })),
            (id, None, Some(error)) => {
                let error: ErrorObject = serde_json::from_value(error)
                    .map_err(|e| ErrorResponse::new(id.clone(), ErrorObject::invalid_request(e.to_string())))?;
                Ok(Message::Error(ErrorResponse { jsonrpc: Version, id, error }))
            }
            (id, _, _) => Err(ErrorResponse::new(
                id,
                ErrorObject::invalid_request("a message needs \"method\", \"result\" or \"error\""),
            )),
        }
    }
}

impl Request {
    /// A request with the given id, method and parameters.
    pub fn new(id: impl Into<RequestId>, method: impl Into<String>, params: Option<Map<String, Value>>) -> Self {
        Request { jsonrpc: Version, id: id.into(), method: method.into(), params: params.map(Params::from) }
    }
}

impl Notification {
    /// A notification with the given method and parameters.
    pub fn new(method: impl Into<String>, params: Option<Map<String, Value>>) -> Self {
        Notification { jsonrpc: Version, method: method.into(), params: params.map(Params::from) }
    }
}

impl Response {
    /// A successful response to `id` (a `Value` or [`RawJson`]).
    pub fn new(id: RequestId, result: impl Into<RawJson>) -> Self {
        Response { jsonrpc: Version, id, result: result.into() }
    }

    /// Appends the response to `out` as its `Serialize` writes it, with
    /// the result's text copied as it is: the hot path of every transport.
    pub fn write_json(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(RESPONSE_HEAD);
        serde_json::to_writer(&mut *out, &self.id).expect("request ids serialise");
        out.extend_from_slice(RESPONSE_RESULT);
        out.extend_from_slice(self.result.as_bytes());
        out.push(b'}');
    }

    /// The length of what [`Response::write_json`] writes, when known
    /// beforehand (always, but for a string id with escapes): a buffer of
    /// exactly that size becomes a `Bytes` without another allocation.
    pub(crate) fn json_len(&self) -> Option<usize> {
        Some(RESPONSE_HEAD.len() + self.id.json_len()? + RESPONSE_RESULT.len() + self.result.as_bytes().len() + 1)
    }
}

/// A response's text around its id and result.
const RESPONSE_HEAD: &[u8] = br#"{"jsonrpc":"2.0","id":"#;
const RESPONSE_RESULT: &[u8] = br#","result":"#;

impl ErrorResponse {
    /// An error response to `id` (or to an unreadable id).
    pub fn new(id: Option<RequestId>, error: ErrorObject) -> Self {
        ErrorResponse { jsonrpc: Version, id, error }
    }
}

impl<'de> Deserialize<'de> for Message {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let value = Value::deserialize(d)?;
        Message::from_value(value).map_err(|e| serde::de::Error::custom(e.error.message))
    }
}

#[cfg(test)]
mod tests;
