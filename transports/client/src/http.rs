//! Streamable HTTP: one POST per message, a JSON or an SSE answer, the
//! handshake era's `Mcp-Session-Id` kept and ended with `DELETE`.

use crate::sse::SseParser;
use crate::transport::{answer, tap, Direction, Headers, Tap};
use crate::ClientError;
use lambda_mcp_core::jsonrpc::{self, Incoming, Message, Notification, Request, RequestId};
use reqwest::header::{HeaderName, HeaderValue, ACCEPT, AUTHORIZATION, CONTENT_TYPE, WWW_AUTHENTICATE};
use reqwest::StatusCode;
use std::sync::Mutex;
use std::time::Duration;

/// The session header of the handshake era.
const SESSION: &str = "mcp-session-id";
/// The version header of both eras.
const VERSION: &str = "mcp-protocol-version";
/// At most this much of an error body is read.
const ERROR_BODY_LIMIT: usize = 64 * 1024;

/// Options of the HTTP transport.
#[derive(Debug, Clone)]
pub struct HttpOptions {
    /// Sent as `Authorization: Bearer <token>`.
    pub token: Option<String>,
    /// How long connecting may take.
    pub connect_timeout: Duration,
}

impl Default for HttpOptions {
    fn default() -> Self {
        HttpOptions { token: None, connect_timeout: Duration::from_secs(10) }
    }
}

pub(crate) struct HttpTransport {
    client: reqwest::Client,
    url: String,
    token: Option<String>,
    session: Mutex<Option<String>>,
    version: Mutex<Option<String>>,
    tap: Option<Tap>,
}

impl HttpTransport {
    pub(crate) fn new(url: &str, options: &HttpOptions, tap: Option<Tap>) -> Result<Self, ClientError> {
        let client = reqwest::Client::builder()
            .connect_timeout(options.connect_timeout)
            .user_agent(concat!("lambda-mcp-client/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|source| ClientError::Http { url: url.to_owned(), source })?;
        Ok(HttpTransport {
            client,
            url: url.to_owned(),
            token: options.token.clone(),
            session: Mutex::new(None),
            version: Mutex::new(None),
            tap,
        })
    }

    pub(crate) fn set_version(&self, version: &str) {
        *self.version.lock().expect("version lock") = Some(version.to_owned());
    }

    pub(crate) fn reset_session(&self) {
        *self.session.lock().expect("session lock") = None;
        *self.version.lock().expect("version lock") = None;
    }

    fn session(&self) -> Option<String> {
        self.session.lock().expect("session lock").clone()
    }

    pub(crate) async fn request(
        &self,
        request: &Request,
        headers: Headers,
        timeout: Duration,
    ) -> Result<Message, ClientError> {
        let body = serde_json::to_string(request).expect("requests serialise");
        let exchange = async {
            let response = self.post(body, headers).await?;
            self.read_answer(response, &request.id, &request.method).await
        };
        match tokio::time::timeout(timeout, exchange).await {
            Err(_) => Err(ClientError::Timeout { method: request.method.clone(), after: timeout }),
            Ok(Err(ClientError::Rpc { error, .. })) => Err(ClientError::Rpc { method: request.method.clone(), error }),
            Ok(answer) => answer,
        }
    }

    pub(crate) async fn notify(&self, notification: &Notification, headers: Headers) -> Result<(), ClientError> {
        let body = serde_json::to_string(notification).expect("notifications serialise");
        self.post(body, headers).await.map(drop)
    }

    /// Ends the handshake-era session, if there is one. Failures only show
    /// on the tap: the client is going away either way.
    pub(crate) async fn close(&self) {
        let Some(session) = self.session.lock().expect("session lock").take() else { return };
        let mut delete = self.client.delete(&self.url).header(SESSION, session);
        if let Some(version) = self.version.lock().expect("version lock").clone() {
            delete = delete.header(VERSION, version);
        }
        if let Some(token) = &self.token {
            delete = delete.header(AUTHORIZATION, format!("Bearer {token}"));
        }
        match tokio::time::timeout(Duration::from_secs(5), delete.send()).await {
            Ok(Ok(r)) => tap(&self.tap, Direction::Info, &format!("DELETE session: HTTP {}", r.status().as_u16())),
            Ok(Err(e)) => tap(&self.tap, Direction::Info, &format!("DELETE session failed: {e}")),
            Err(_) => tap(&self.tap, Direction::Info, "DELETE session timed out"),
        }
    }

    /// POSTs one message; returns the response when its status is a success.
    async fn post(&self, body: String, headers: Headers) -> Result<reqwest::Response, ClientError> {
        tap(&self.tap, Direction::Sent, &body);
        let mut post = self
            .client
            .post(&self.url)
            .header(CONTENT_TYPE, "application/json")
            .header(ACCEPT, "application/json, text/event-stream");
        let session = self.session();
        if let Some(session) = &session {
            post = post.header(SESSION, session);
        }
        if let Some(version) = self.version.lock().expect("version lock").clone() {
            post = post.header(VERSION, version);
        }
        for (name, value) in headers {
            if let (Ok(name), Ok(value)) = (HeaderName::try_from(name), HeaderValue::try_from(value)) {
                post = post.header(name, value);
            }
        }
        if let Some(token) = &self.token {
            post = post.header(AUTHORIZATION, format!("Bearer {token}"));
        }
        let response = post.body(body).send().await.map_err(|source| self.send_error(source))?;
        let status = response.status();
        let kind = response.headers().get(CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("-").to_owned();
        tap(&self.tap, Direction::Info, &format!("HTTP {} ({kind})", status.as_u16()));
        if let Some(id) = response.headers().get(SESSION).and_then(|v| v.to_str().ok()) {
            *self.session.lock().expect("session lock") = Some(id.to_owned());
        }
        if status.is_success() {
            return Ok(response);
        }
        if status == StatusCode::UNAUTHORIZED {
            let challenge = response.headers().get(WWW_AUTHENTICATE).and_then(|v| v.to_str().ok());
            tap(&self.tap, Direction::Info, &format!("WWW-Authenticate: {}", challenge.unwrap_or("-")));
            return Err(ClientError::Unauthorized { url: self.url.clone(), token_sent: self.token.is_some() });
        }
        if status == StatusCode::NOT_FOUND && session.is_some() {
            return Err(ClientError::SessionExpired);
        }
        Err(self.status_error(status, response).await)
    }

    fn send_error(&self, source: reqwest::Error) -> ClientError {
        let url = self.url.clone();
        if source.is_connect() {
            ClientError::Connect { url, source }
        } else {
            ClientError::Http { url, source }
        }
    }

    /// A failure status: the JSON-RPC error in the body, or the status.
    async fn status_error(&self, status: StatusCode, mut response: reqwest::Response) -> ClientError {
        let mut body = Vec::new();
        while let Ok(Some(chunk)) = response.chunk().await {
            body.extend_from_slice(&chunk);
            if body.len() > ERROR_BODY_LIMIT {
                break;
            }
        }
        tap(&self.tap, Direction::Received, &String::from_utf8_lossy(&body));
        if let Ok(Incoming::Single(Message::Error(e))) = jsonrpc::parse(&body) {
            return ClientError::Rpc { method: String::new(), error: e.error };
        }
        let text: String = String::from_utf8_lossy(&body).chars().take(300).collect();
        ClientError::HttpStatus { url: self.url.clone(), status: status.as_u16(), body: text }
    }

    /// Reads the answer to request `id` from a JSON or SSE body.
    async fn read_answer(
        &self,
        mut response: reqwest::Response,
        id: &RequestId,
        method: &str,
    ) -> Result<Message, ClientError> {
        let invalid = |reason: String| ClientError::InvalidResponse { method: method.to_owned(), reason };
        let kind = response.headers().get(CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("").to_owned();
        if kind.starts_with("text/event-stream") {
            let mut parser = SseParser::default();
            loop {
                let chunk =
                    response.chunk().await.map_err(|source| ClientError::Http { url: self.url.clone(), source })?;
                let events = match &chunk {
                    Some(bytes) => parser.feed(bytes),
                    None => parser.finish(),
                };
                for data in events {
                    if let Some(found) = self.incoming(data.as_bytes(), id).await {
                        return Ok(found);
                    }
                }
                if chunk.is_none() {
                    return Err(invalid("the SSE stream ended without the response".into()));
                }
            }
        }
        let body = response.bytes().await.map_err(|source| ClientError::Http { url: self.url.clone(), source })?;
        if body.is_empty() {
            return Err(invalid(format!("empty body (HTTP {})", response_status_hint(&kind))));
        }
        self.incoming(&body, id).await.ok_or_else(|| invalid("the body holds no response to this request".into()))
    }

    /// Handles one message from the server; returns it when it answers `id`.
    async fn incoming(&self, bytes: &[u8], id: &RequestId) -> Option<Message> {
        if bytes.trim_ascii().is_empty() {
            // SSE priming events and keep-alives carry no message.
            return None;
        }
        tap(&self.tap, Direction::Received, &String::from_utf8_lossy(bytes));
        let message = match jsonrpc::parse(bytes) {
            Ok(Incoming::Single(message)) => message,
            _ => return None,
        };
        match message {
            Message::Response(ref r) if &r.id == id => Some(message),
            Message::Error(ref e) if e.id.as_ref() == Some(id) || e.id.is_none() => Some(message),
            Message::Request(request) => {
                let reply = serde_json::to_string(&answer(&request)).expect("answers serialise");
                if let Err(e) = self.post(reply, Vec::new()).await {
                    tap(&self.tap, Direction::Info, &format!("answering {} failed: {e}", request.method));
                }
                None
            }
            _ => None,
        }
    }
}

fn response_status_hint(kind: &str) -> String {
    if kind.is_empty() {
        "no content type".into()
    } else {
        kind.to_owned()
    }
}
