use crate::context::ToolContext;
use crate::interaction::{server_request_id, Answer};
use crate::jsonrpc::{ErrorObject, Notification, RequestId};
use crate::principal::Principal;
use crate::protocol::{Era, LoggingLevel, ProtocolVersion};
use crate::session::{Session, SessionHandle, SessionId};
use serde_json::{Map, Value};
use std::collections::{BTreeSet, HashMap};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, OnceLock, PoisonError, Weak};
use tokio::sync::{mpsc, oneshot};
use tokio_util::sync::CancellationToken;

/// One client's connection: a stdio process, or one HTTP session. Holds the
/// handshake state, the session and the requests in flight. Cheap to clone.
#[derive(Clone, Default)]
pub struct Connection {
    inner: Arc<Inner>,
}

/// Requests of one connection by id. The ids are the client's, but only
/// its own requests in flight share a map, hashed with a per-process seed
/// (foldhash): a client colliding its ids slows only itself.
type ById<T> = HashMap<RequestId, T, foldhash::fast::RandomState>;

#[derive(Default)]
struct Inner {
    state: Mutex<State>,
    session: Option<Arc<dyn Session>>,
    principal: Option<Principal>,
    /// A connection that carries one request only: nothing can cancel it
    /// by id, so it is not registered in `in_flight`.
    single: bool,
    /// Made on first use: the connection of a stateless request never needs it.
    live: OnceLock<Live>,
}

/// What a connection of many requests keeps between them.
#[derive(Default)]
struct Live {
    in_flight: Mutex<ById<(u64, Arc<RequestCancel>)>>,
    next_call: AtomicU64,
    awaiting: Mutex<ById<oneshot::Sender<Result<Value, ErrorObject>>>>,
    next_server_request: AtomicU64,
    subscriptions: Mutex<BTreeSet<String>>,
    streams: Mutex<Vec<mpsc::Sender<Notification>>>,
}

#[derive(Default)]
struct State {
    version: Option<ProtocolVersion>,
    /// Set by `initialize`; `None` until then (no allocation for the
    /// connections of stateless requests, which never ask).
    client_capabilities: Option<Arc<Map<String, Value>>>,
    initialized: bool,
    log_level: Option<LoggingLevel>,
}

impl Connection {
    /// A connection with an optional session and caller.
    pub fn new(session: Option<Arc<dyn Session>>, principal: Option<Principal>) -> Self {
        Connection { inner: Arc::new(Inner { session, principal, ..Inner::default() }) }
    }

    /// The connection of one stateless-era request (2026-07-28 over HTTP:
    /// each POST stands alone). Nothing can cancel its request by id, only
    /// by dropping the request's future (the client went away), so the
    /// request is not registered for cancellation.
    pub fn single_request(principal: Option<Principal>) -> Self {
        Connection { inner: Arc::new(Inner { principal, single: true, ..Inner::default() }) }
    }

    /// A connection resumed in another process (or after a restart) from a
    /// stored session: the handshake happened elsewhere, at `version`.
    pub fn resumed(session: Arc<dyn Session>, principal: Option<Principal>, version: ProtocolVersion) -> Self {
        let conn = Connection::new(Some(session), principal);
        conn.negotiated(version);
        conn.mark_initialized();
        conn
    }

    /// The handshake-era version negotiated by `initialize`, if any.
    pub fn protocol_version(&self) -> Option<ProtocolVersion> {
        self.state(|s| s.version)
    }

    /// Whether the client sent `notifications/initialized`.
    pub fn is_initialized(&self) -> bool {
        self.state(|s| s.initialized)
    }

    /// The session's id, if the connection has a session.
    pub fn session_id(&self) -> Option<&SessionId> {
        self.inner.session.as_ref().map(|s| s.id())
    }

    /// The authenticated caller.
    pub fn principal(&self) -> Option<&Principal> {
        self.inner.principal.as_ref()
    }

    /// The connection's session, if it has one.
    pub fn session(&self) -> Option<&Arc<dyn Session>> {
        self.inner.session.as_ref()
    }

    /// The session as one request sees it: a per-request view
    /// ([`SessionHandle::for_request`]), so that overlapping requests of
    /// the session flush and report only their own changes.
    pub(crate) fn session_handle(&self, era: Era) -> SessionHandle {
        match (&self.inner.session, era) {
            (Some(s), _) => SessionHandle::for_request(s),
            (None, Era::Stateless) => SessionHandle::none(
                "requests of the stateless 2026-07-28 revision carry no session: pass a `state_handle` \
                 argument (a tool of this server creates one), or connect with the initialize handshake",
            ),
            (None, Era::Handshake) => SessionHandle::none("this server keeps no sessions"),
        }
    }

    pub(crate) fn negotiated(&self, version: ProtocolVersion) {
        self.state(|s| s.version = Some(version));
    }

    pub(crate) fn mark_initialized(&self) {
        self.state(|s| s.initialized = true);
    }

    pub(crate) fn set_client_capabilities(&self, capabilities: Map<String, Value>) {
        self.state(|s| s.client_capabilities = Some(Arc::new(capabilities)));
    }

    /// The capabilities the client declared in `initialize` (none before).
    pub(crate) fn client_capabilities(&self) -> Arc<Map<String, Value>> {
        self.state(|s| s.client_capabilities.clone()).unwrap_or_default()
    }

    /// A fresh id for a server → client request, and where its answer arrives.
    pub(crate) fn expect_response(&self) -> (RequestId, Answer) {
        let id = server_request_id(self.live().next_server_request.fetch_add(1, Ordering::Relaxed) + 1);
        let (tx, rx) = oneshot::channel();
        lock(&self.live().awaiting).insert(id.clone(), tx);
        (id, rx)
    }

    pub(crate) fn forget_response(&self, id: &RequestId) {
        if let Some(live) = self.inner.live.get() {
            lock(&live.awaiting).remove(id);
        }
    }

    /// Delivers the client's answer to a server → client request; `false`
    /// when no request with that id is waiting.
    pub(crate) fn resolve(&self, id: &RequestId, answer: Result<Value, ErrorObject>) -> bool {
        let waiting = self.inner.live.get().and_then(|live| lock(&live.awaiting).remove(id));
        waiting.is_some_and(|tx| tx.send(answer).is_ok())
    }

    /// Opens a stream of the notifications that concern this connection
    /// but no request (`notifications/resources/updated`): stdio writes
    /// them out, HTTP sends them on the GET stream. Dropping the receiver
    /// closes it.
    pub fn attach_stream(&self) -> mpsc::Receiver<Notification> {
        let (tx, rx) = mpsc::channel(32);
        lock(&self.live().streams).push(tx);
        rx
    }

    pub(crate) fn subscribe(&self, uri: String) {
        lock(&self.live().subscriptions).insert(uri);
    }

    pub(crate) fn unsubscribe(&self, uri: &str) {
        if let Some(live) = self.inner.live.get() {
            lock(&live.subscriptions).remove(uri);
        }
    }

    pub(crate) fn is_subscribed(&self, uri: &str) -> bool {
        let live = self.inner.live.get();
        live.is_some_and(|live| lock(&live.subscriptions).contains(uri))
    }

    /// Sends to every attached stream; a full stream loses this message
    /// (the client is not reading), a closed one is dropped.
    pub(crate) fn push(&self, notification: &Notification) {
        let Some(live) = self.inner.live.get() else {
            return;
        };
        let mut streams = lock(&live.streams);
        streams.retain(|tx| match tx.try_send(notification.clone()) {
            Ok(()) => true,
            Err(mpsc::error::TrySendError::Full(_)) => {
                tracing::warn!(method = %notification.method, "a client stream is full; dropping a notification");
                true
            }
            Err(mpsc::error::TrySendError::Closed(_)) => false,
        });
    }

    pub(crate) fn downgrade(&self) -> WeakConnection {
        WeakConnection(Arc::downgrade(&self.inner))
    }

    /// The negotiated version and the level set by `logging/setLevel`,
    /// under one lock: every handshake-era request asks for both.
    pub(crate) fn version_and_log_level(&self) -> (Option<ProtocolVersion>, Option<LoggingLevel>) {
        self.state(|s| (s.version, s.log_level))
    }

    pub(crate) fn set_log_level(&self, level: LoggingLevel) {
        self.state(|s| s.log_level = Some(level));
    }

    /// Registers a request as in flight, with what cancels it by id; the
    /// guard removes it again. A request of a
    /// [single-request](Connection::single_request) connection is not
    /// registered (its context makes a token if asked).
    pub(crate) fn start(&self, id: &RequestId) -> InFlight {
        if self.inner.single {
            return InFlight { _entry: None, cancel: None, context: OnceLock::new() };
        }
        let cancel = Arc::new(RequestCancel::default());
        let live = self.live();
        let call = live.next_call.fetch_add(1, Ordering::Relaxed);
        lock(&live.in_flight).insert(id.clone(), (call, cancel.clone()));
        let entry = Entry { conn: self.clone(), id: id.clone(), call };
        InFlight { _entry: Some(entry), cancel: Some(cancel), context: OnceLock::new() }
    }

    /// Cancels a request in flight; unknown ids are ignored, as the spec says.
    pub(crate) fn cancel(&self, id: &RequestId) -> bool {
        let Some(live) = self.inner.live.get() else {
            return false;
        };
        let cancel = lock(&live.in_flight).remove(id);
        cancel.map(|(_, c)| c.cancel()).is_some()
    }

    /// Cancels every request in flight (the client went away).
    pub fn cancel_all(&self) {
        let Some(live) = self.inner.live.get() else {
            return;
        };
        let cancels: Vec<_> = lock(&live.in_flight).drain().map(|(_, (_, c))| c).collect();
        cancels.iter().for_each(|c| c.cancel());
    }

    /// What the connection keeps between requests, made by the first
    /// registration (lookups, removals and cancellations read `inner.live`
    /// and find nothing when it was never made).
    fn live(&self) -> &Live {
        self.inner.live.get_or_init(Live::default)
    }

    fn state<R>(&self, f: impl FnOnce(&mut State) -> R) -> R {
        f(&mut lock(&self.inner.state))
    }
}

/// Locks one of a connection's maps or its state; a panic elsewhere while
/// it was held does not make the connection unusable.
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

/// A connection the server tracks without keeping it alive.
pub(crate) struct WeakConnection(Weak<Inner>);

impl WeakConnection {
    pub(crate) fn upgrade(&self) -> Option<Connection> {
        self.0.upgrade().map(|inner| Connection { inner })
    }
}

/// What cancels a request by id: a flag, and a token only once someone
/// waits for one. Most requests end on their first poll and nobody does:
/// making, sharing and dropping a `CancellationToken` (each step under its
/// node's lock) cost more than many a tool.
#[derive(Default)]
pub(crate) struct RequestCancel {
    cancelled: AtomicBool,
    token: Mutex<Option<CancellationToken>>,
}

impl RequestCancel {
    /// Cancels the request, and its token if one was made.
    pub(crate) fn cancel(&self) {
        self.cancelled.store(true, Ordering::Release);
        if let Some(token) = &*lock(&self.token) {
            token.cancel();
        }
    }

    pub(crate) fn is_cancelled(&self) -> bool {
        self.cancelled.load(Ordering::Acquire)
    }

    /// The request's token, made on first use; cancelled already if the
    /// request is. A `cancel` that comes while it is made either sees the
    /// token under the lock or has set the flag before this looks.
    pub(crate) fn token(&self) -> CancellationToken {
        let mut slot = lock(&self.token);
        let token = slot.get_or_insert_with(CancellationToken::new).clone();
        if self.is_cancelled() {
            token.cancel();
        }
        token
    }
}

/// A request in flight; deregisters itself when dropped.
pub(crate) struct InFlight {
    /// Where it is registered (held for its `Drop`); `None` on a
    /// single-request connection.
    _entry: Option<Entry>,
    /// What its connection cancels it by, shared with its context; `None`
    /// on a single-request connection, where nothing can (the context
    /// makes a token if the handler asks for one).
    pub(crate) cancel: Option<Arc<RequestCancel>>,
    /// The handler's context, once made: whoever ends the request early
    /// (a cancellation, a panic, a timeout) can still save its session.
    context: OnceLock<ToolContext>,
}

impl InFlight {
    /// Attaches the handler's context (the first one made wins).
    pub(crate) fn attach(&self, ctx: ToolContext) {
        let _ = self.context.set(ctx);
    }

    /// The handler's context, if one was made.
    pub(crate) fn context(&self) -> Option<&ToolContext> {
        self.context.get()
    }

    /// Resolves when the request is cancelled: by id (the token is made
    /// now), or through its context; never on a single-request connection
    /// without a context, where nothing can cancel it.
    pub(crate) async fn cancelled(&self) {
        match (&self.cancel, self.context()) {
            (Some(cancel), _) => cancel.token().cancelled_owned().await,
            (None, Some(ctx)) => ctx.cancellation().cancelled().await,
            (None, None) => std::future::pending().await,
        }
    }

    /// Cancels the request (its handler sees it through its context).
    pub(crate) fn cancel(&self) {
        match (&self.cancel, self.context()) {
            (Some(cancel), _) => cancel.cancel(),
            (None, Some(ctx)) => ctx.cancellation().cancel(),
            (None, None) => {}
        }
    }
}

/// A request's entry in its connection's `in_flight` map.
struct Entry {
    conn: Connection,
    id: RequestId,
    /// Tells this request from a newer one that reuses its id.
    call: u64,
}

impl Drop for Entry {
    fn drop(&mut self) {
        let mut map = lock(&self.conn.live().in_flight);
        // Only remove our own entry: a reused id may belong to a newer request.
        if map.get(&self.id).is_some_and(|(call, _)| *call == self.call) {
            map.remove(&self.id);
        }
    }
}

impl std::fmt::Debug for Connection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Connection")
            .field("version", &self.protocol_version())
            .field("session", &self.session_id())
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A request of a handshake-era connection can be cancelled by id until
    /// it ends; the request of a single-request connection is never in a
    /// map (only dropping its future ends it), and its token still works.
    #[test]
    fn only_connections_of_many_requests_register_them() {
        let id = RequestId::Number(1);
        let conn = Connection::new(None, None);
        let in_flight = conn.start(&id);
        assert!(conn.cancel(&id) && in_flight.cancel.as_ref().is_some_and(|c| c.is_cancelled()));
        let again = conn.start(&id);
        drop(again);
        assert!(!conn.cancel(&id), "an ended request is deregistered");

        let single = Connection::single_request(None);
        let in_flight = single.start(&id);
        assert!(!single.cancel(&id));
        assert!(!single.resolve(&id, Ok(Value::Null)) && !single.is_subscribed("file:///a"));
        single.push(&Notification::new("notifications/resources/updated", None));
        assert!(single.inner.live.get().is_none(), "nothing is kept for other requests");
        assert!(in_flight.cancel.is_none(), "nothing can cancel it by id");
    }

    /// The token is made only when asked for, and is cancelled whether the
    /// request was cancelled before or after it was made.
    #[test]
    fn a_request_token_is_made_on_demand_and_never_misses_a_cancel() {
        let conn = Connection::new(None, None);
        let id = RequestId::Number(1);
        let in_flight = conn.start(&id);
        let cancel = in_flight.cancel.clone().unwrap();
        let ctx = crate::context::Cancellation::by_id(Some(cancel.clone()));
        assert!(!ctx.is_cancelled() && lock(&cancel.token).is_none(), "asking whether it is cancelled makes none");
        assert!(conn.cancel(&id) && ctx.is_cancelled());
        assert!(cancel.token().is_cancelled(), "made after the cancel: cancelled");

        let later = RequestCancel::default();
        let token = later.token();
        assert!(!token.is_cancelled());
        later.cancel();
        assert!(token.is_cancelled(), "made before the cancel: cancelled by it");

        // A cancel racing the token's making (bounded: 200 rounds).
        for _ in 0..200 {
            let racing = Arc::new(RequestCancel::default());
            let other = racing.clone();
            let canceller = std::thread::spawn(move || other.cancel());
            let token = racing.token();
            canceller.join().unwrap();
            assert!(token.is_cancelled());
        }
    }
}
