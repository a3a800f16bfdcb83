//! What tools see of session state, and what transports use to find it.
//!
//! The core defines the traits; `lambda-mcp-sessions` implements them (in
//! memory, and on DynamoDB behind a write-back cache).

use crate::principal::Principal;
use async_trait::async_trait;
use serde::{de::DeserializeOwned, Serialize};
use serde_json::{Map, Value};
use std::borrow::Cow;
use std::fmt;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// The tool argument that carries a state handle in the stateless era
/// (SEP-2567): a session id minted by [`crate::ToolContext::create_state_handle`]
/// and passed back by the client on later calls. The router opens it (for
/// the same principal only) and [`crate::ToolContext::session`] serves it.
pub const STATE_HANDLE_ARG: &str = "state_handle";

/// The tool-visible state of one session: key → JSON value.
pub type SessionState = Map<String, Value>;

/// A session id: `Mcp-Session-Id` in the handshake era, a state handle in
/// the stateless era. Server-minted and unguessable.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SessionId(String);

impl SessionId {
    /// Wraps an id read from the wire or minted by a store.
    pub fn new(id: impl Into<String>) -> Self {
        SessionId(id.into())
    }

    /// The id as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Looked up by the text of a header, without copying it: a `SessionId`
/// hashes and compares as its text does.
///
/// ```
/// use lambda_mcp_core::SessionId;
/// let live = std::collections::HashMap::from([(SessionId::new("9f2c"), 1)]);
/// assert_eq!(live.get("9f2c"), Some(&1));
/// ```
impl std::borrow::Borrow<str> for SessionId {
    fn borrow(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for SessionId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Why a session operation failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SessionError {
    /// The call has no session (e.g. a stateless-era call without a handle).
    #[error("this call has no session: {hint}")]
    NoSession {
        /// How to get one.
        hint: String,
    },
    /// The session does not exist or has expired.
    #[error("session {0} does not exist or has expired")]
    NotFound(SessionId),
    /// The session belongs to another principal.
    #[error("session {0} belongs to another principal")]
    Forbidden(SessionId),
    /// `increment` found a value that is not an integer.
    #[error("session key `{key}` holds {found}, not an integer")]
    NotAnInteger {
        /// The key.
        key: String,
        /// A short description of what is there.
        found: String,
    },
    /// A value could not be converted to or from JSON.
    #[error("session key `{key}`: {source}")]
    Serde {
        /// The key.
        key: String,
        /// The conversion error.
        source: serde_json::Error,
    },
    /// An `update` kept conflicting with concurrent writers.
    #[error("session {id} changed concurrently {attempts} times in a row; the update was not applied")]
    Conflict {
        /// The session.
        id: SessionId,
        /// How many attempts were made.
        attempts: u32,
    },
    /// The store failed while saving: the change was not saved (a store
    /// that could not be reached may still have applied it).
    #[error("the session store failed, state was not saved: {0}")]
    Store(#[source] Box<dyn std::error::Error + Send + Sync>),
    /// The store failed while reading: the state could not be read. Reading
    /// changes nothing; changes made earlier in the call are unaffected.
    #[error("the session store failed, state could not be read: {0}")]
    StoreRead(#[source] Box<dyn std::error::Error + Send + Sync>),
    /// The store did not answer before the call's deadline (plus a short
    /// grace): whether the call's changes were saved is unknown.
    #[error("the session store did not answer in time; state may not have been saved")]
    Timeout,
}

/// One session's state as tools use it. Implementations serialise
/// concurrent changes so that none is lost.
#[async_trait]
pub trait Session: Send + Sync {
    /// The session's id.
    fn id(&self) -> &SessionId;
    /// Reads one key.
    async fn get(&self, key: &str) -> Result<Option<Value>, SessionError>;
    /// Writes one key.
    async fn set(&self, key: &str, value: Value) -> Result<(), SessionError>;
    /// Deletes one key.
    async fn remove(&self, key: &str) -> Result<(), SessionError>;
    /// Atomically adds `delta` to an integer key (absent counts as 0) and
    /// returns the new value.
    async fn increment(&self, key: &str, delta: i64) -> Result<i64, SessionError>;
    /// Read-modify-write of the whole state. `f` may run more than once if
    /// a concurrent writer interferes; it must not have side effects.
    async fn update(&self, f: &mut (dyn for<'s> FnMut(&'s mut SessionState) + Send)) -> Result<(), SessionError>;
    /// Makes every change made through this value so far durable. Called
    /// before a response leaves.
    async fn flush(&self) -> Result<(), SessionError>;

    /// Whether every change made through this value is durable as soon as
    /// it is made, so that [`Session::flush`] never has anything to do:
    /// the router then skips the flush after each request (and the clock
    /// read of its deadline). The default, `false`, always flushes.
    fn applies_at_once(&self) -> bool {
        false
    }

    /// A view of this session for one request: its changes are flushed, and
    /// its flush failures reported, apart from those of other requests of
    /// the same session running at the same time. `None` (the default):
    /// requests may share `self` (a session that applies every change at
    /// once, so a flush has nothing of another request to send).
    fn for_request(&self) -> Option<Arc<dyn Session>> {
        None
    }

    /// Confirms that the session still exists where it is stored (it may
    /// have been ended or have expired through another process), answering
    /// [`SessionError::NotFound`] when it does not. Costs at most one store
    /// round trip, and none when a round trip that started at or after
    /// `since` (e.g. a read or write of the request being answered) already
    /// found the session, or when the implementation may trust its cache.
    /// The default answers `Ok` (nothing is stored elsewhere).
    async fn confirm(&self, since: Instant) -> Result<(), SessionError> {
        let _ = since;
        Ok(())
    }
}

/// Creates, finds and ends sessions; used by transports, not tools.
#[async_trait]
pub trait SessionManager: Send + Sync {
    /// Starts a new session owned by `owner`.
    async fn create(&self, owner: Option<&Principal>) -> Result<Arc<dyn Session>, SessionError>;
    /// Finds a live session; `Forbidden` when it belongs to someone else.
    async fn open(&self, id: &SessionId, caller: Option<&Principal>) -> Result<Arc<dyn Session>, SessionError>;
    /// Ends a session; `false` when it did not exist.
    async fn end(&self, id: &SessionId) -> Result<bool, SessionError>;

    /// How long a session lives without activity, when the manager knows:
    /// a transport forgets its own per-session state after as long. The
    /// default is `None` (the transport picks).
    fn ttl(&self) -> Option<Duration> {
        None
    }
}

/// The session of one call, as [`crate::ToolContext::session`] hands it out:
/// typed helpers over [`Session`], and a clear error when there is none.
#[derive(Clone)]
pub struct SessionHandle {
    /// The session, or why there is none (mostly a constant: no copy per call).
    inner: Result<Arc<dyn Session>, Cow<'static, str>>,
}

impl SessionHandle {
    /// A handle on a live session.
    pub fn new(session: Arc<dyn Session>) -> Self {
        SessionHandle { inner: Ok(session) }
    }

    /// A handle on `session` for one request (see [`Session::for_request`]):
    /// what the router gives each call, so that concurrent calls of one
    /// session flush only their own changes.
    pub fn for_request(session: &Arc<dyn Session>) -> Self {
        SessionHandle::new(session.for_request().unwrap_or_else(|| session.clone()))
    }

    /// A handle whose every operation fails with [`SessionError::NoSession`].
    pub fn none(hint: impl Into<Cow<'static, str>>) -> Self {
        SessionHandle { inner: Err(hint.into()) }
    }

    fn session(&self) -> Result<&Arc<dyn Session>, SessionError> {
        self.inner.as_ref().map_err(|hint| SessionError::NoSession { hint: hint.to_string() })
    }

    /// Whether a [`SessionHandle::flush`] could have anything to do: there
    /// is a session, and it does not apply changes at once.
    pub(crate) fn needs_flush(&self) -> bool {
        self.inner.as_ref().is_ok_and(|s| !s.applies_at_once())
    }

    /// The session's id, when there is a session.
    pub fn id(&self) -> Option<&SessionId> {
        self.inner.as_ref().ok().map(|s| s.id())
    }

    /// Reads a key as `T`.
    pub async fn get<T: DeserializeOwned>(&self, key: &str) -> Result<Option<T>, SessionError> {
        match self.session()?.get(key).await? {
            None => Ok(None),
            Some(v) => serde_json::from_value(v)
                .map(Some)
                .map_err(|source| SessionError::Serde { key: key.to_owned(), source }),
        }
    }

    /// Writes a key.
    pub async fn set<T: Serialize>(&self, key: &str, value: &T) -> Result<(), SessionError> {
        let value =
            serde_json::to_value(value).map_err(|source| SessionError::Serde { key: key.to_owned(), source })?;
        self.session()?.set(key, value).await
    }

    /// Deletes a key.
    pub async fn remove(&self, key: &str) -> Result<(), SessionError> {
        self.session()?.remove(key).await
    }

    /// Atomically adds `delta` to an integer key and returns the new value.
    pub async fn increment(&self, key: &str, delta: i64) -> Result<i64, SessionError> {
        self.session()?.increment(key, delta).await
    }

    /// Read-modify-write; `f` may run again on a conflict, so it must be pure.
    /// Returns what the last run of `f` returned.
    pub async fn update<R: Send>(&self, mut f: impl FnMut(&mut SessionState) -> R + Send) -> Result<R, SessionError> {
        let mut out = None;
        self.session()?.update(&mut |state| out = Some(f(state))).await?;
        Ok(out.expect("Session::update ran the closure"))
    }

    /// Makes every change so far durable.
    pub async fn flush(&self) -> Result<(), SessionError> {
        match &self.inner {
            Ok(s) => s.flush().await,
            Err(_) => Ok(()),
        }
    }
}

impl fmt::Debug for SessionHandle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.inner {
            Ok(s) => f.debug_tuple("SessionHandle").field(s.id()).finish(),
            Err(_) => f.write_str("SessionHandle(none)"),
        }
    }
}
