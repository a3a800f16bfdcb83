use crate::jsonrpc::RequestId;
use crate::principal::Principal;
use crate::protocol::{LoggingLevel, ProtocolVersion};
use crate::session::{Session, SessionHandle, SessionId};
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use tokio_util::sync::CancellationToken;

/// One client's connection: a stdio process, or one HTTP session. Holds the
/// handshake state, the session and the requests in flight. Cheap to clone.
#[derive(Clone, Default)]
pub struct Connection {
    inner: Arc<Inner>,
}

#[derive(Default)]
struct Inner {
    state: Mutex<State>,
    session: Option<Arc<dyn Session>>,
    principal: Option<Principal>,
    in_flight: Mutex<HashMap<RequestId, (u64, CancellationToken)>>,
    next_call: AtomicU64,
}

#[derive(Default)]
struct State {
    version: Option<ProtocolVersion>,
    initialized: bool,
    log_level: Option<LoggingLevel>,
}

impl Connection {
    /// A connection with an optional session and caller.
    pub fn new(session: Option<Arc<dyn Session>>, principal: Option<Principal>) -> Self {
        Connection { inner: Arc::new(Inner { session, principal, ..Inner::default() }) }
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

    pub(crate) fn session_handle(&self) -> SessionHandle {
        match &self.inner.session {
            Some(s) => SessionHandle::new(s.clone()),
            None => SessionHandle::none("no session is attached to this connection"),
        }
    }

    pub(crate) fn negotiated(&self, version: ProtocolVersion) {
        self.state(|s| s.version = Some(version));
    }

    pub(crate) fn mark_initialized(&self) {
        self.state(|s| s.initialized = true);
    }

    pub(crate) fn log_level(&self) -> Option<LoggingLevel> {
        self.state(|s| s.log_level)
    }

    pub(crate) fn set_log_level(&self, level: LoggingLevel) {
        self.state(|s| s.log_level = Some(level));
    }

    /// Registers a request as in flight; the guard removes it again.
    pub(crate) fn start(&self, id: &RequestId) -> InFlight {
        let token = CancellationToken::new();
        let call = self.inner.next_call.fetch_add(1, Ordering::Relaxed);
        self.inner.in_flight.lock().unwrap_or_else(PoisonError::into_inner).insert(id.clone(), (call, token.clone()));
        InFlight { conn: self.clone(), id: id.clone(), call, token }
    }

    /// Cancels a request in flight; unknown ids are ignored, as the spec says.
    pub(crate) fn cancel(&self, id: &RequestId) -> bool {
        let token = self.inner.in_flight.lock().unwrap_or_else(PoisonError::into_inner).remove(id);
        token.map(|(_, t)| t.cancel()).is_some()
    }

    /// Cancels every request in flight (the client went away).
    pub fn cancel_all(&self) {
        let tokens: Vec<_> =
            self.inner.in_flight.lock().unwrap_or_else(PoisonError::into_inner).drain().map(|(_, (_, t))| t).collect();
        tokens.iter().for_each(CancellationToken::cancel);
    }

    fn state<R>(&self, f: impl FnOnce(&mut State) -> R) -> R {
        f(&mut self.inner.state.lock().unwrap_or_else(PoisonError::into_inner))
    }
}

/// A request in flight; deregisters itself when dropped.
pub(crate) struct InFlight {
    conn: Connection,
    id: RequestId,
    call: u64,
    pub(crate) token: CancellationToken,
}

impl Drop for InFlight {
    fn drop(&mut self) {
        let mut map = self.conn.inner.in_flight.lock().unwrap_or_else(PoisonError::into_inner);
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
