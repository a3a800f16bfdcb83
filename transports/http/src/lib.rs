//! # lambda-mcp-http
//!
//! Streamable HTTP for a Lambda MCP [`Server`], over plain
//! `http::Request<Bytes>` → `http::Response<McpBody>`, so the hyper server
//! (`lambda-mcp-hyper`) and the Lambda adapter share one implementation of
//! the transport's rules:
//!
//! - one endpoint (`/mcp`): POST for messages, GET for the server → client
//!   stream (streaming deployments only), DELETE to end a session;
//! - Origin and Host checks (403), an optional bearer token (401), `Accept`
//!   (406), `Content-Type` (415), a body limit (413);
//! - handshake era: `Mcp-Session-Id` minted on `initialize`, required
//!   afterwards (400 without, 404 when unknown or ended);
//!   `MCP-Protocol-Version` (absent: 2025-03-26, unsupported: 400);
//! - stateless era (2026-07-28): no sessions, POST only, `MCP-Protocol-Version`,
//!   `Mcp-Method` and `Mcp-Name` checked against the body (400, -32020);
//! - a JSON body for a plain result, an SSE body when the request emits
//!   notifications first; 202 for notifications and responses.
//!
//! ```
//! use bytes::Bytes;
//! use lambda_mcp_core::Server;
//! use lambda_mcp_http::{HttpConfig, McpHttp};
//!
//! # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
//! let mcp = McpHttp::new(Server::builder("demo", "1.0.0").build(), HttpConfig::default());
//! let request = http::Request::post("/mcp")
//!     .header("content-type", "application/json")
//!     .header("accept", "application/json, text/event-stream")
//!     .body(Bytes::from_static(br#"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"doc","version":"1"}}}"#))
//!     .unwrap();
//! let response = mcp.handle(request, None).await;
//! assert_eq!(response.status(), 200);
//! assert!(response.headers().contains_key("mcp-session-id"));
//! # });
//! ```
//!
//! # Cancel safety
//! Dropping the future of [`McpHttp::handle`] abandons the request, as a
//! client disconnect does; an SSE response already returned keeps running
//! in its own task until the result is sent (stateless era: until the
//! client goes away).

// Refusals travel as `Err(Response)`: the response to send, on a cold path.
#![allow(clippy::result_large_err)]

mod body;
mod config;
mod guard;
mod headers;
mod outbox;
mod reply;
mod respond;
mod sessions;
mod stateless;
mod streams;
mod version;

pub use body::{empty, full, McpBody};
pub use config::{BearerToken, HttpConfig};

use bytes::Bytes;
use headers::Inbound;
use http::{HeaderValue, Method, Request, Response, StatusCode};
use lambda_mcp_core::jsonrpc::{self, ErrorCode, Incoming, Message, RequestId};
use lambda_mcp_core::protocol::Era;
use lambda_mcp_core::{Connection, Principal, ProtocolVersion, Server, SessionId};
use respond::{respond, Mode};
use sessions::{Lookup, Registry};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};
use streams::Closing;
use version::VersionHeader;

/// The session header of the handshake era.
pub const SESSION_HEADER: &str = "mcp-session-id";

/// The session header's name, parsed once.
const SESSION_ID: http::HeaderName = http::HeaderName::from_static(SESSION_HEADER);

/// How long a session idle here is remembered when the session manager
/// does not say.
const DEFAULT_SESSION_IDLE: Duration = Duration::from_secs(3600);

/// The MCP endpoint as an HTTP service. Cheap to clone.
#[derive(Clone)]
pub struct McpHttp {
    inner: Arc<Inner>,
}

struct Inner {
    server: Server,
    config: HttpConfig,
    registry: Registry,
    closing: Closing,
}

impl McpHttp {
    /// Serves `server` with `config`. Sessions idle in this process for
    /// the session manager's TTL ([`lambda_mcp_core::SessionManager::ttl`];
    /// one hour when it names none) are forgotten here.
    pub fn new(server: Server, config: HttpConfig) -> Self {
        let idle = server.sessions().and_then(|s| s.ttl()).unwrap_or(DEFAULT_SESSION_IDLE);
        McpHttp {
            inner: Arc::new(Inner { server, config, registry: Registry::new(idle), closing: Closing::default() }),
        }
    }

    /// The configuration.
    pub fn config(&self) -> &HttpConfig {
        &self.inner.config
    }

    /// Ends every open GET stream, so a graceful shutdown does not wait on
    /// them. Requests in flight are not affected.
    pub fn close_streams(&self) {
        self.inner.closing.close();
    }

    /// Answers one request. `principal` is the caller as authenticated in
    /// front of this service (e.g. by an API Gateway authorizer).
    pub async fn handle(&self, request: Request<Bytes>, principal: Option<Principal>) -> Response<McpBody> {
        // The request log costs a clock read and a copy of the path: only
        // when it is enabled.
        if !tracing::enabled!(tracing::Level::DEBUG) {
            return self.route(request, principal).await;
        }
        let started = std::time::Instant::now();
        let (method, path) = (request.method().clone(), request.uri().path().to_owned());
        let response = self.route(request, principal).await;
        tracing::debug!(%method, path, status = response.status().as_u16(), elapsed_us = started.elapsed().as_micros() as u64, "mcp request");
        response
    }

    async fn route(&self, request: Request<Bytes>, principal: Option<Principal>) -> Response<McpBody> {
        let (parts, body) = request.into_parts();
        let headers = Inbound::read(&parts.headers);
        if let Err(refusal) = guard::admit(&self.inner.config, &parts.uri, &headers) {
            return refusal;
        }
        let result = match parts.method {
            Method::POST => self.post(&headers, body, principal).await,
            Method::GET => self.get(&headers, principal).await,
            Method::DELETE => self.delete(&headers, principal).await,
            _ => Err(reply::method_not_allowed("GET, POST, DELETE")),
        };
        result.unwrap_or_else(|refusal| refusal)
    }

    async fn post(
        &self,
        headers: &Inbound<'_>,
        body: Bytes,
        principal: Option<Principal>,
    ) -> Result<Response<McpBody>, Response<McpBody>> {
        guard::post_headers(headers)?;
        if body.len() > self.inner.config.max_body_bytes {
            return Err(reply::refuse(StatusCode::PAYLOAD_TOO_LARGE, "Payload Too Large"));
        }
        let incoming =
            jsonrpc::parse_inbound(&body).map_err(|e| reply::error(StatusCode::BAD_REQUEST, e.id, e.error))?;
        let version = VersionHeader::read(headers);
        if let Incoming::Single(message) = &incoming {
            if stateless::era_of(version, message)
                .map_err(|(id, e)| reply::error(StatusCode::BAD_REQUEST, id, e))?
                .is_some()
            {
                return self.post_stateless(headers, incoming, principal).await;
            }
        }
        self.post_handshake(headers, version, incoming, principal).await
    }

    async fn post_stateless(
        &self,
        headers: &Inbound<'_>,
        incoming: Incoming,
        principal: Option<Principal>,
    ) -> Result<Response<McpBody>, Response<McpBody>> {
        if let Incoming::Single(Message::Request(request)) = &incoming {
            stateless::check_headers(headers, request)
                .map_err(|e| reply::error(StatusCode::BAD_REQUEST, Some(request.id.clone()), e))?;
        }
        let conn = Connection::single_request(principal);
        let (notify, notes) = respond::sink(false);
        let reply = self.inner.server.handle_incoming(&conn, incoming, notify);
        let mode = Mode { streaming: self.inner.config.streaming, cancel_on_disconnect: true };
        let mut response = respond(reply, notes, mode).await;
        if let Some(status) = stateless_status(&response) {
            *response.status_mut() = status;
        }
        Ok(response)
    }

    async fn post_handshake(
        &self,
        headers: &Inbound<'_>,
        version: VersionHeader<'_>,
        incoming: Incoming,
        principal: Option<Principal>,
    ) -> Result<Response<McpBody>, Response<McpBody>> {
        let version = version.handshake()?;
        let is_initialize = matches!(&incoming, Incoming::Single(Message::Request(r)) if r.method == "initialize");
        let mode = Mode { streaming: self.inner.config.streaming, cancel_on_disconnect: false };
        if !is_initialize {
            return self.post_in_session(headers, incoming, principal.as_ref(), version, mode).await;
        }
        let request_id = match &incoming {
            Incoming::Single(Message::Request(r)) => Some(r.id.clone()),
            _ => None,
        };
        let (id, conn) = self
            .inner
            .registry
            .create(&self.inner.server, principal)
            .await
            .map_err(|e| store_failure(&e, request_id, "the session was not created"))?;
        let (notify, notes) = respond::sink(false);
        let reply = self.inner.server.handle_incoming(&conn, incoming, notify);
        let mut response = respond(reply, notes, mode).await;
        if response.status() == StatusCode::OK && conn.protocol_version().is_some() {
            let value = HeaderValue::from_str(id.as_str()).expect("session ids are visible ASCII");
            response.headers_mut().insert(SESSION_ID, value);
        } else {
            self.inner.registry.forget(&id);
        }
        Ok(response)
    }

    /// A POST in an existing session: handled, then the session confirmed
    /// (see `sessions.rs`): a session ended or expired elsewhere is 404.
    async fn post_in_session(
        &self,
        headers: &Inbound<'_>,
        incoming: Incoming,
        principal: Option<&Principal>,
        version: ProtocolVersion,
        mode: Mode,
    ) -> Result<Response<McpBody>, Response<McpBody>> {
        let since = Instant::now();
        let conn = self.session(headers, principal, version, since).await?;
        let (notify, notes) = respond::sink(self.inner.config.streaming);
        let reply = self.inner.server.handle_incoming(&conn, incoming, notify);
        let gone = Arc::new(AtomicBool::new(false));
        let (mcp, flag) = (self.clone(), gone.clone());
        let checked = async move {
            let reply = reply.await;
            if !mcp.inner.registry.confirm(&conn, since).await {
                flag.store(true, Ordering::Release);
            }
            reply
        };
        let response = respond(Box::pin(checked), notes, mode).await;
        if gone.load(Ordering::Acquire) {
            return Err(unknown_session());
        }
        Ok(response)
    }

    async fn get(
        &self,
        headers: &Inbound<'_>,
        principal: Option<Principal>,
    ) -> Result<Response<McpBody>, Response<McpBody>> {
        let version = VersionHeader::read(headers).any_era()?;
        if version.era() == Era::Stateless || !self.inner.config.streaming {
            return Err(reply::method_not_allowed("POST, DELETE"));
        }
        guard::get_headers(headers)?;
        let since = Instant::now();
        let conn = self.session(headers, principal.as_ref(), version, since).await?;
        if !self.inner.registry.confirm(&conn, since).await {
            return Err(unknown_session());
        }
        Ok(respond::sse(self.inner.closing.stream(conn.attach_stream())))
    }

    async fn delete(
        &self,
        headers: &Inbound<'_>,
        principal: Option<Principal>,
    ) -> Result<Response<McpBody>, Response<McpBody>> {
        let version = VersionHeader::read(headers).any_era()?;
        if version.era() == Era::Stateless {
            return Err(reply::method_not_allowed("POST"));
        }
        // Only the session's owner may end it.
        self.session(headers, principal.as_ref(), version, Instant::now()).await?;
        let id = SessionId::new(session_id(headers)?);
        match self.inner.registry.end(&self.inner.server, &id).await {
            Ok(true) => Ok(reply::status(StatusCode::OK)),
            Ok(false) => Err(reply::refuse(StatusCode::NOT_FOUND, "Not Found: unknown session")),
            Err(e) => Err(store_failure(&e, None, "the session was not ended")),
        }
    }

    /// The request's session; `now`: when the request arrived.
    async fn session(
        &self,
        headers: &Inbound<'_>,
        principal: Option<&Principal>,
        version: ProtocolVersion,
        now: Instant,
    ) -> Result<Connection, Response<McpBody>> {
        let id = session_id(headers)?;
        match self.inner.registry.find(&self.inner.server, id, principal, version, now).await {
            Ok(conn) => Ok(conn),
            Err(Lookup::Unknown) => Err(unknown_session()),
            Err(Lookup::Store(e)) => Err(store_failure(&e, None, "the session could not be read")),
        }
    }
}

/// The `Mcp-Session-Id` header's text (looked up without a copy).
fn session_id<'h>(headers: &Inbound<'h>) -> Result<&'h str, Response<McpBody>> {
    let value = headers.session_id.and_then(|v| v.to_str().ok()).filter(|v| !v.is_empty());
    value.ok_or_else(|| reply::refuse(StatusCode::BAD_REQUEST, "Bad Request: the Mcp-Session-Id header is required"))
}

/// Stateless-era errors that the transport reports with a status: an
/// unknown method is 404, version and header problems are 400.
fn stateless_status(response: &Response<McpBody>) -> Option<StatusCode> {
    let code = response.extensions().get::<ErrorCode>()?;
    match *code {
        ErrorCode::METHOD_NOT_FOUND => Some(StatusCode::NOT_FOUND),
        ErrorCode::UNSUPPORTED_PROTOCOL_VERSION
        | ErrorCode::HEADER_MISMATCH
        | ErrorCode::MISSING_REQUIRED_CLIENT_CAPABILITY => Some(StatusCode::BAD_REQUEST),
        _ => None,
    }
}

/// 404 for a session this process does not know, or that ended or expired.
fn unknown_session() -> Response<McpBody> {
    reply::refuse(StatusCode::NOT_FOUND, "Not Found: unknown or expired session")
}

/// 503 with -32603: the session store failed (`what`: the consequence).
fn store_failure(e: &lambda_mcp_core::SessionError, id: Option<RequestId>, what: &str) -> Response<McpBody> {
    tracing::warn!(error = %e, "session store failure");
    reply::store_unavailable(id, what)
}

#[cfg(test)]
mod tests;
