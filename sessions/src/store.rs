//! The storage contract under the session actor: whole-item reads and
//! one-round-trip conditional writes, with typed errors.

use async_trait::async_trait;
use lambda_mcp_core::{SessionId, SessionState};
use serde_json::Value;
use std::time::{SystemTime, UNIX_EPOCH};

/// A boxed error from a store's client library.
pub type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// One session as a store holds it.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredSession {
    /// The tool-visible state.
    pub state: SessionState,
    /// Bumped by every write that changes `state`; the optimistic-concurrency token.
    pub version: u64,
    /// The principal the session belongs to, if any.
    pub owner: Option<String>,
    /// When the session was created, in seconds since the Unix epoch.
    pub created_at: u64,
    /// When the session expires, in seconds since the Unix epoch; it is
    /// absent from then on, whether or not the item is still stored.
    pub expires_at: u64,
    /// A fairness hint: the writer that asked the others to hold back
    /// their writes until [`StoredSession::yield_until_ms`], after losing
    /// several version races in a row.
    pub yield_to: Option<String>,
    /// Until when (milliseconds since the Unix epoch) the others hold back.
    pub yield_until_ms: u64,
}

impl StoredSession {
    /// A fresh, empty session.
    pub fn new(owner: Option<String>, now: u64, ttl_secs: u64) -> Self {
        StoredSession {
            state: SessionState::new(),
            version: 0,
            owner,
            created_at: now,
            expires_at: now + ttl_secs,
            yield_to: None,
            yield_until_ms: 0,
        }
    }

    /// Whether the session has expired at `now` (epoch seconds).
    pub fn expired(&self, now: u64) -> bool {
        self.expires_at <= now
    }
}

/// What a write does to one key of `state`.
#[derive(Debug, Clone, PartialEq)]
pub enum Change {
    /// Sets the key to a value.
    Set(Value),
    /// Deletes the key.
    Remove,
    /// Adds to an integer key, atomically in the store (absent counts as 0).
    Add(i64),
}

/// One conditional write: a single round trip (one `UpdateItem` on DynamoDB).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Write {
    /// The keys it changes, each once.
    pub changes: Vec<(String, Change)>,
    /// The whole new state, when a version-checked write changes so many
    /// keys that sending the map is shorter (DynamoDB limits an expression
    /// to 4 KB). `changes` is then ignored.
    pub replace_state: Option<SessionState>,
    /// Applied only if the stored version is this one (a read-modify-write);
    /// `None`: whatever the version (blind writes and atomic adds).
    pub expected_version: Option<u64>,
    /// The new expiry (epoch seconds).
    pub expires_at: u64,
    /// Whether the write changes state and so bumps the version (a pure
    /// expiry refresh does not).
    pub bump_version: bool,
    /// Asks the other writers to hold back until this instant (epoch ms).
    pub yield_to: Option<(String, u64)>,
}

impl Write {
    /// A write that only slides the expiry forward.
    pub fn touch(expires_at: u64) -> Self {
        Write { expires_at, ..Write::default() }
    }
}

/// Why a store operation failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError {
    /// The session does not exist or has expired (the write was not applied).
    #[error("the session does not exist or has expired")]
    NotFound,
    /// A new session's id is already taken.
    #[error("session {0} already exists")]
    AlreadyExists(SessionId),
    /// The stored version was not the expected one; nothing was applied.
    /// `current` is the session as the store holds it now.
    #[error("the session changed concurrently (now at version {})", current.version)]
    Conflict {
        /// The session as stored, read in the same round trip.
        current: Box<StoredSession>,
    },
    /// An atomic add met a value that is not a number.
    #[error("an atomic add met a value that is not a number: {0}")]
    NotANumber(#[source] BoxError),
    /// The store could not be reached or did not answer in time. A write
    /// may or may not have been applied.
    #[error("the session store is unreachable: {}", chain(.0.as_ref()))]
    Unavailable(#[source] BoxError),
    /// The store refused the request (throttling, a missing table, limits…).
    #[error("the session store refused the request: {}", chain(.0.as_ref()))]
    Rejected(#[source] BoxError),
    /// The stored item is not a session this crate wrote.
    #[error("session {id} is malformed in the store: {what}")]
    Malformed {
        /// The session.
        id: SessionId,
        /// What is wrong with it.
        what: &'static str,
    },
}

/// An error and its sources on one line: SDK errors put the useful part
/// ("connection refused") several sources deep.
fn chain(err: &(dyn std::error::Error + 'static)) -> String {
    let mut text = err.to_string();
    let mut source = err.source();
    while let Some(s) = source {
        let next = s.to_string();
        if !text.contains(&next) {
            text.push_str(": ");
            text.push_str(&next);
        }
        source = s.source();
    }
    text
}

/// Where sessions live. Every method is one round trip; implementations
/// treat an item whose `expires_at` has passed as absent.
#[async_trait]
pub trait SessionStore: Send + Sync + 'static {
    /// Stores a new session; [`StoreError::AlreadyExists`] if the id is taken.
    async fn create(&self, id: &SessionId, session: &StoredSession) -> Result<(), StoreError>;

    /// A strongly consistent read; `None` when absent or expired at `now`.
    async fn load(&self, id: &SessionId, now: u64) -> Result<Option<StoredSession>, StoreError>;

    /// Applies `write` if the session exists, has not expired at `now` and
    /// (when asked) is at the expected version; returns the session as
    /// stored afterwards.
    async fn write(&self, id: &SessionId, write: &Write, now: u64) -> Result<StoredSession, StoreError>;

    /// Deletes a session; `false` when it was absent or already expired.
    async fn delete(&self, id: &SessionId, now: u64) -> Result<bool, StoreError>;
}

/// Seconds since the Unix epoch.
pub fn now_secs() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0)
}

/// Milliseconds since the Unix epoch.
pub(crate) fn now_millis() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_millis() as u64).unwrap_or(0)
}

/// A shared store is a store: several managers (as in tests simulating
/// several processes) can use one.
#[async_trait]
impl<S: SessionStore + ?Sized> SessionStore for std::sync::Arc<S> {
    async fn create(&self, id: &SessionId, session: &StoredSession) -> Result<(), StoreError> {
        (**self).create(id, session).await
    }

    async fn load(&self, id: &SessionId, now: u64) -> Result<Option<StoredSession>, StoreError> {
        (**self).load(id, now).await
    }

    async fn write(&self, id: &SessionId, write: &Write, now: u64) -> Result<StoredSession, StoreError> {
        (**self).write(id, write, now).await
    }

    async fn delete(&self, id: &SessionId, now: u64) -> Result<bool, StoreError> {
        (**self).delete(id, now).await
    }
}
