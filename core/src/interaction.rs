//! Asking the client for input in the middle of a call: elicitation,
//! sampling, roots.
//!
//! - Handshake era: a real server → client request on the call's stream,
//!   whose response the client posts back.
//! - Stateless era (2026-07-28): the call ends with an `input_required`
//!   result; the client retries with `inputResponses` and the signed
//!   `requestState`, and the call runs again, this time finding its answers.
//!   A handler must therefore do nothing irreversible before its last input.

use crate::jsonrpc::{ErrorObject, RequestId};
use crate::server::Connection;
use serde_json::{json, Map, Value};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

/// One thing to ask the client.
#[derive(Debug, Clone, PartialEq)]
pub struct InputRequest {
    method: &'static str,
    params: Value,
    key: Option<String>,
}

impl InputRequest {
    /// `elicitation/create` with parameters of your own (e.g. URL mode, or
    /// a form without the `mode` field for older clients).
    pub fn elicit_with(params: Value) -> Self {
        InputRequest { method: "elicitation/create", params, key: None }
    }

    /// Names this request in `inputRequests` (stateless era); by default
    /// requests are numbered `input-1`, `input-2`, … in the order asked.
    pub fn key(mut self, key: impl Into<String>) -> Self {
        self.key = Some(key.into());
        self
    }

    /// `elicitation/create` in form mode: ask the user to fill in
    /// `requested_schema` (a flat object schema).
    pub fn elicit(message: impl Into<String>, requested_schema: Value) -> Self {
        let params = json!({ "mode": "form", "message": message.into(), "requestedSchema": requested_schema });
        InputRequest { method: "elicitation/create", params, key: None }
    }

    /// `sampling/createMessage` with the given parameters (`messages`,
    /// `maxTokens`, …).
    pub fn create_message(params: Value) -> Self {
        InputRequest { method: "sampling/createMessage", params, key: None }
    }

    /// `roots/list`.
    pub fn list_roots() -> Self {
        InputRequest { method: "roots/list", params: json!({}), key: None }
    }

    /// The method name.
    pub fn method(&self) -> &'static str {
        self.method
    }

    /// The client capability this request needs.
    pub fn capability(&self) -> &'static str {
        match self.method {
            "elicitation/create" => "elicitation",
            "sampling/createMessage" => "sampling",
            _ => "roots",
        }
    }

    pub(crate) fn into_parts(self) -> (&'static str, Value) {
        (self.method, self.params)
    }

    pub(crate) fn to_embedded(&self) -> Value {
        json!({ "method": self.method, "params": self.params })
    }
}

/// How the current call reaches its client.
#[derive(Default)]
pub(crate) enum Channel {
    /// Nobody to ask (tests, hand-built contexts).
    #[default]
    None,
    /// Handshake era: server → client requests on this connection (whose
    /// client capabilities, declared once by `initialize`, are read when
    /// the call asks: most calls never do).
    Live { conn: Connection },
    /// Stateless era: answers gathered over input-required rounds (held
    /// in the context itself: no allocation of its own per call).
    Rounds(Rounds),
}

/// The answers a stateless-era call has so far, and its next input key.
pub(crate) struct Rounds {
    /// The capabilities the request declared (shared, not copied).
    capabilities: Arc<Map<String, Value>>,
    answers: Map<String, Value>,
    next: AtomicUsize,
}

impl Channel {
    /// The answers gathered over a stateless-era call's rounds.
    pub(crate) fn answers(&self) -> Option<&Map<String, Value>> {
        match self {
            Channel::Rounds(rounds) => Some(&rounds.answers),
            _ => None,
        }
    }
}

impl Rounds {
    pub(crate) fn new(capabilities: Arc<Map<String, Value>>, answers: Map<String, Value>) -> Self {
        Rounds { capabilities, answers, next: AtomicUsize::new(0) }
    }
}

/// Why asking the client failed.
pub(crate) enum Asked {
    /// The client lacks this capability.
    Missing(&'static str),
    /// Stateless era: end the call with these input requests.
    Required(Map<String, Value>),
    /// The request failed or cannot be carried.
    Failed(String),
}

impl Channel {
    pub(crate) async fn ask(
        &self,
        requests: Vec<InputRequest>,
        notify: &dyn crate::Notify,
    ) -> Result<Vec<Value>, Asked> {
        match self {
            Channel::None => Err(Asked::Failed("this call has no client to ask".into())),
            Channel::Rounds(rounds) => rounds.ask(requests),
            Channel::Live { conn } => {
                let capabilities = conn.client_capabilities();
                if let Some(missing) = requests.iter().find(|r| !capabilities.contains_key(r.capability())) {
                    return Err(Asked::Missing(missing.capability()));
                }
                let asks = requests.into_iter().map(|r| live(conn, r, notify));
                futures_util::future::join_all(asks).await.into_iter().collect()
            }
        }
    }
}

impl Rounds {
    fn ask(&self, requests: Vec<InputRequest>) -> Result<Vec<Value>, Asked> {
        if let Some(missing) = requests.iter().find(|r| !self.capabilities.contains_key(r.capability())) {
            return Err(Asked::Missing(missing.capability()));
        }
        let first = self.next.fetch_add(requests.len(), Ordering::SeqCst);
        let keys: Vec<String> = (first..first + requests.len())
            .zip(&requests)
            .map(|(i, r)| r.key.clone().unwrap_or_else(|| format!("input-{}", i + 1)))
            .collect();
        // Every answer (ElicitResult, CreateMessageResult, ListRootsResult)
        // is an object; anything else counts as unanswered.
        let missing: Map<String, Value> = keys
            .iter()
            .zip(&requests)
            .filter(|(key, _)| !self.answers.get(*key).is_some_and(Value::is_object))
            .map(|(key, request)| (key.clone(), request.to_embedded()))
            .collect();
        if !missing.is_empty() {
            return Err(Asked::Required(missing));
        }
        Ok(keys.iter().map(|k| self.answers[k].clone()).collect())
    }
}

async fn live(conn: &Connection, request: InputRequest, notify: &dyn crate::Notify) -> Result<Value, Asked> {
    let (id, answer) = conn.expect_response();
    let (method, params) = request.into_parts();
    let params = match params {
        Value::Object(map) => Some(map),
        _ => None,
    };
    let sent = notify.request(crate::jsonrpc::Request::new(id.clone(), method, params)).await;
    if !sent {
        conn.forget_response(&id);
        return Err(Asked::Failed(format!("this transport cannot carry a {method} request to the client")));
    }
    match answer.await {
        Ok(Ok(value)) => Ok(value),
        Ok(Err(error)) => Err(Asked::Failed(format!("the client refused {method}: {}", error.message))),
        Err(_) => Err(Asked::Failed(format!("the connection ended before the client answered {method}"))),
    }
}

/// A pending server → client request's answer.
pub(crate) type Answer = tokio::sync::oneshot::Receiver<Result<Value, ErrorObject>>;

/// Ids of server → client requests: distinct from any client id space.
pub(crate) fn server_request_id(n: u64) -> RequestId {
    RequestId::String(format!("lambda-mcp-{n}"))
}
