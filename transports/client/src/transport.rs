//! The two transports behind one small interface: send a request and wait
//! for its answer, send a notification, close.

use crate::http::HttpTransport;
use crate::stdio::StdioTransport;
use crate::ClientError;
use lambda_mcp_core::jsonrpc::{ErrorObject, ErrorResponse, Message, Notification, Request, Response};
use serde_json::{json, Value};
use std::sync::Arc;
use std::time::Duration;

/// Which way a message went, for a [`Tap`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// Client → server.
    Sent,
    /// Server → client.
    Received,
    /// Transport events (HTTP status lines, process exits).
    Info,
}

/// Sees every raw message the client sends and receives (e.g. to print the
/// exchange with `--verbose`).
pub type Tap = Arc<dyn Fn(Direction, &str) + Send + Sync>;

/// Extra HTTP headers of one message (ignored on stdio).
pub(crate) type Headers = Vec<(String, String)>;

pub(crate) enum Transport {
    Http(HttpTransport),
    Stdio(StdioTransport),
}

impl Transport {
    /// Sends a request and waits for its result; a JSON-RPC error becomes
    /// [`ClientError::Rpc`].
    pub(crate) async fn request(
        &self,
        request: &Request,
        headers: Headers,
        timeout: Duration,
    ) -> Result<Value, ClientError> {
        let answer = match self {
            Transport::Http(t) => t.request(request, headers, timeout).await,
            Transport::Stdio(t) => t.request(request, timeout).await,
        };
        match answer? {
            Message::Response(r) => Ok(r.result.to_value()),
            Message::Error(e) => Err(ClientError::Rpc { method: request.method.clone(), error: e.error }),
            _ => Err(ClientError::InvalidResponse { method: request.method.clone(), reason: "not a response".into() }),
        }
    }

    pub(crate) async fn notify(&self, notification: &Notification, headers: Headers) -> Result<(), ClientError> {
        match self {
            Transport::Http(t) => t.notify(notification, headers).await,
            Transport::Stdio(t) => t.notify(notification).await,
        }
    }

    /// HTTP: remembers the handshake's version and sends it from now on.
    pub(crate) fn set_handshake_version(&self, version: &str) {
        if let Transport::Http(t) = self {
            t.set_version(version);
        }
    }

    /// Forgets the handshake (HTTP: the session id), before a new one.
    pub(crate) fn reset_session(&self) {
        if let Transport::Http(t) = self {
            t.reset_session();
        }
    }

    pub(crate) async fn close(&self) {
        match self {
            Transport::Http(t) => t.close().await,
            Transport::Stdio(t) => t.close().await,
        }
    }
}

/// The answer to a server → client request. This client offers no
/// capabilities, so only `ping` succeeds.
pub(crate) fn answer(request: &Request) -> Message {
    if request.method == "ping" {
        Message::Response(Response::new(request.id.clone(), json!({})))
    } else {
        let error = ErrorObject::method_not_found(&request.method);
        Message::Error(ErrorResponse::new(Some(request.id.clone()), error))
    }
}

pub(crate) fn tap(tap: &Option<Tap>, direction: Direction, text: &str) {
    if let Some(tap) = tap {
        tap(direction, text);
    }
}
