//! Message dispatch: era detection, lifecycle checks, then one handler per
//! request type.

use super::connection::Connection;
use super::connection::InFlight;
use super::era::{self, Cache, RequestScope};
use super::invoke::Call;
use super::request::ClientRequest;
use super::Server;
use crate::context::Notify;
use crate::jsonrpc::RequestId;
use crate::jsonrpc::{ErrorObject, ErrorResponse, Incoming, Message, Notification, Params, RawJson, Request, Response};
use crate::protocol::{
    cancellation, lifecycle, CancelledParams, DiscoverResult, InitializeParams, InitializeResult, ProtocolVersion,
};
use futures_util::future::{self, join_all, BoxFuture};
use futures_util::FutureExt;
use serde_json::{json, Value};
use std::future::Future;
use std::sync::Arc;

/// What the server sends back for one frame.
#[derive(Debug, Clone, PartialEq)]
pub enum Reply {
    /// The answer to a single request.
    Single(Message),
    /// The answers to a batch, in no particular order.
    Batch(Vec<Message>),
}

impl Reply {
    /// The reply as JSON text.
    pub fn to_json(&self) -> String {
        String::from_utf8(self.to_json_vec()).expect("serde_json writes UTF-8")
    }

    /// The reply as JSON text in bytes (a transport's body), in a buffer of
    /// exactly its size when that is known beforehand: a `Bytes` then takes
    /// it as it is, with no shared header to allocate.
    pub fn to_json_vec(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.json_len().unwrap_or(REPLY_CAPACITY));
        self.write_json(&mut out);
        out
    }

    /// The length of [`Reply::write_json`]'s text when known beforehand: a
    /// single response's ([`Response::json_len`]).
    fn json_len(&self) -> Option<usize> {
        match self {
            Reply::Single(Message::Response(r)) => r.json_len(),
            _ => None,
        }
    }

    /// Appends the reply as JSON to `out` (a transport's body buffer: no
    /// intermediate string).
    pub fn write_json(&self, out: &mut Vec<u8>) {
        match self {
            Reply::Single(m) => write_message(m, out),
            Reply::Batch(ms) => {
                out.push(b'[');
                for (i, m) in ms.iter().enumerate() {
                    if i > 0 {
                        out.push(b',');
                    }
                    write_message(m, out);
                }
                out.push(b']');
            }
        }
    }
}

/// A response by [`Response::write_json`] (its result copied as it is),
/// anything else by serde.
fn write_message(message: &Message, out: &mut Vec<u8>) {
    match message {
        Message::Response(r) => r.write_json(out),
        m => serde_json::to_writer(&mut *out, m).expect("JSON-RPC messages always serialise"),
    }
}

/// A first guess at a reply's size: most fit, so the buffer grows at most
/// once or twice instead of doubling from nothing.
const REPLY_CAPACITY: usize = 256;

impl Server {
    /// Handles one parsed frame: a message or, under 2025-03-26, a batch.
    /// Resolves to `None` when nothing is to be sent (notifications,
    /// cancelled requests).
    ///
    /// The request is admitted when this is called, not when the future is
    /// first polled: its era is judged by the connection's state at that
    /// moment and it can be cancelled from then on. A transport may spawn
    /// the future and go on reading.
    pub fn handle_incoming(
        &self,
        conn: &Connection,
        incoming: Incoming,
        notify: Arc<dyn Notify>,
    ) -> BoxFuture<'static, Option<Reply>> {
        match incoming {
            // `map`, not an `async` block: a block would hold the request's
            // future twice (as captured and as awaited).
            Incoming::Single(message) => {
                self.handle(conn, message, notify).map(|reply| reply.map(Reply::Single)).boxed()
            }
            Incoming::Batch(batch) => self.handle_batch(conn, batch, notify),
        }
    }

    /// A batch: each message handled as [`Server::handle`] does, the
    /// answers sent together. Never inlined, so that its futures' room is
    /// not in the stack frame of every single message.
    #[inline(never)]
    fn handle_batch(
        &self,
        conn: &Connection,
        batch: Vec<Result<Message, ErrorResponse>>,
        notify: Arc<dyn Notify>,
    ) -> BoxFuture<'static, Option<Reply>> {
        if conn.protocol_version() != Some(ProtocolVersion::V2025_03_26) {
            let err = ErrorObject::invalid_request("JSON-RPC batches are only allowed in protocol version 2025-03-26");
            return future::ready(Some(Reply::Single(Message::Error(ErrorResponse::new(None, err))))).boxed();
        }
        let admitted: Vec<_> = batch
            .into_iter()
            .map(|item| match item {
                Ok(message) => self.handle(conn, message, notify.clone()).boxed(),
                Err(err) => future::ready(Some(Message::Error(err))).boxed(),
            })
            .collect();
        async move {
            let replies: Vec<Message> = join_all(admitted).await.into_iter().flatten().collect();
            (!replies.is_empty()).then_some(Reply::Batch(replies))
        }
        .boxed()
    }

    /// Handles one message (admitted when called, as for
    /// [`Server::handle_incoming`]). Requests get a response unless
    /// cancelled; notifications and client responses get nothing.
    pub fn handle(
        &self,
        conn: &Connection,
        message: Message,
        notify: Arc<dyn Notify>,
    ) -> impl Future<Output = Option<Message>> + Send + 'static {
        let (server, conn) = (self.clone(), conn.clone());
        let admitted = match message {
            Message::Request(request) => Ok(server.admit(&conn, request)),
            Message::Notification(notification) => {
                server.notification(&conn, notification);
                Err(None)
            }
            Message::Response(response) => {
                if !conn.resolve(&response.id, Ok(response.result.to_value())) {
                    tracing::debug!(id = %response.id, "ignoring a response to no pending request");
                }
                Err(None)
            }
            Message::Error(error) => {
                let resolved = error.id.as_ref().is_some_and(|id| conn.resolve(id, Err(error.error.clone())));
                if !resolved {
                    tracing::debug!(error = %error.error, "ignoring an error response to no pending request");
                }
                Err(None)
            }
        };
        async move {
            let admitted = match admitted {
                Ok(admitted) => admitted,
                Err(nothing) => return nothing,
            };
            let id = admitted.id.clone();
            match server.dispatch(&conn, admitted, notify).await {
                Ok(Some(result)) => Some(Message::Response(Response::new(id, result))),
                Ok(None) => None,
                Err(error) => Some(Message::Error(ErrorResponse::new(Some(id), error))),
            }
        }
    }

    /// Settles a request's era against the connection as it is now, and
    /// registers it for cancellation.
    fn admit(&self, conn: &Connection, request: Request) -> Admitted {
        let Request { id, method, params, .. } = request;
        let meta = params.as_ref().map(Params::meta).unwrap_or_default();
        let scope = match era::stateless_scope(&meta) {
            Err(e) => Err(e),
            Ok(Some(scope)) => Ok(scope),
            Ok(None) if method == lifecycle::methods::INITIALIZE || method == lifecycle::methods::PING => {
                Ok(RequestScope {
                    version: ProtocolVersion::LATEST_HANDSHAKE,
                    log_level: None,
                    progress_token: None,
                    capabilities: None,
                })
            }
            // The version and the log level in one look at the connection.
            Ok(None) => match conn.version_and_log_level() {
                (Some(version), log_level) => Ok(RequestScope {
                    version,
                    log_level,
                    progress_token: era::progress_token(&meta),
                    capabilities: None,
                }),
                (None, _) => Err(not_initialized(&method)),
            },
        };
        let in_flight = conn.start(&id);
        Admitted { id, method, params, scope, in_flight }
    }

    async fn dispatch(
        &self,
        conn: &Connection,
        admitted: Admitted,
        notify: Arc<dyn Notify>,
    ) -> Result<Option<RawJson>, ErrorObject> {
        let Admitted { id, method, params, scope, in_flight } = admitted;
        let scope = scope?;
        let version = scope.version;
        // Bound first: a temporary of the `match` would live across the
        // awaits below, in every request's future.
        let request = ClientRequest::parse(&method, params, version.era())?.request;
        let (mut result, cache) = match request {
            ClientRequest::Initialize(params) => (self.initialize(conn, params)?, Cache::No),
            ClientRequest::Ping => (json!({}), Cache::No),
            ClientRequest::Discover => (self.discover(), self.cacheable()),
            ClientRequest::SetLevel(params) => {
                conn.set_log_level(params.level);
                (json!({}), Cache::No)
            }
            ClientRequest::ListTools(params) => (self.list_tools(params.cursor.as_deref(), version)?, self.cacheable()),
            ClientRequest::CallTool(params) => {
                // Written to JSON text and dressed by the call itself.
                let call = Call { conn, id, scope, in_flight, notify };
                return self.call_tool(params, call).await;
            }
            ClientRequest::Catalog(request) => {
                let call = Call { conn, id, scope, in_flight, notify };
                match self.boxed_catalog(&method, request, call).await? {
                    Some(served) => served,
                    None => return Ok(None),
                }
            }
        };
        era::dress(&mut result, version, cache, &self.inner.info_json);
        Ok(Some(RawJson::from(result)))
    }

    fn initialize(&self, conn: &Connection, params: InitializeParams) -> Result<Value, ErrorObject> {
        if conn.protocol_version().is_some() {
            return Err(ErrorObject::invalid_request("the connection is already initialized"));
        }
        let version = ProtocolVersion::negotiate(&params.protocol_version);
        conn.negotiated(version);
        conn.set_client_capabilities(params.capabilities.clone());
        tracing::debug!(client = %params.client_info.name, requested = %params.protocol_version, %version, "initialize");
        let result = InitializeResult {
            protocol_version: version,
            capabilities: self.inner.capabilities.clone(),
            server_info: self.inner.info.clone(),
            instructions: self.inner.instructions.clone(),
        };
        Ok(serde_json::to_value(result).expect("InitializeResult serialises"))
    }

    fn discover(&self) -> Value {
        let mut supported: Vec<String> = ProtocolVersion::ALL.iter().map(|v| v.to_string()).collect();
        supported.reverse();
        let mut capabilities = self.inner.capabilities.clone();
        if let Some(resources) = &mut capabilities.resources {
            resources.subscribe = None;
        }
        let result = DiscoverResult {
            supported_versions: supported,
            capabilities,
            instructions: self.inner.instructions.clone(),
        };
        serde_json::to_value(result).expect("DiscoverResult serialises")
    }

    pub(super) fn cacheable(&self) -> Cache {
        Cache::Ttl { ttl_ms: u64::try_from(self.inner.list_ttl.as_millis()).unwrap_or(u64::MAX) }
    }

    fn notification(&self, conn: &Connection, notification: Notification) {
        match notification.method.as_str() {
            lifecycle::methods::INITIALIZED => conn.mark_initialized(),
            cancellation::methods::CANCELLED => {
                let params = Value::Object(notification.params.map(Params::into_object).unwrap_or_default());
                match serde_json::from_value::<CancelledParams>(params) {
                    Ok(p) => {
                        let found = conn.cancel(&p.request_id);
                        tracing::debug!(request = %p.request_id, found, reason = p.reason.as_deref(), "cancelled");
                    }
                    Err(e) => {
                        tracing::debug!(error = %e, "ignoring a malformed notifications/cancelled")
                    }
                }
            }
            other => tracing::debug!(method = other, "ignoring notification"),
        }
    }
}

fn not_initialized(method: &str) -> ErrorObject {
    ErrorObject::invalid_request(format!(
        "`{method}` before `initialize`: start with `initialize` (protocol versions up to 2025-11-25), \
         or send `_meta[\"io.modelcontextprotocol/protocolVersion\"]` with every request (2026-07-28)"
    ))
}

/// A request admitted on its connection, waiting to be served.
struct Admitted {
    id: RequestId,
    method: String,
    params: Option<Params>,
    scope: Result<RequestScope, ErrorObject>,
    in_flight: InFlight,
}
