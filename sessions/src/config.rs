//! [`SessionConfig`]: lifetimes, the cache trust rule and conflict limits.

use std::time::Duration;

/// How [`crate::StoreSessions`] keeps sessions.
///
/// ```
/// use lambda_mcp_sessions::SessionConfig;
/// use std::time::Duration;
///
/// let config = SessionConfig::default().ttl(Duration::from_secs(900)).update_attempts(16);
/// assert_eq!(config.ttl_secs(), 900);
/// ```
#[derive(Clone, Debug)]
pub struct SessionConfig {
    pub(crate) ttl: Duration,
    pub(crate) idle: Duration,
    pub(crate) update_attempts: u32,
    pub(crate) trust_cache_for: Duration,
    pub(crate) yield_after: u32,
    pub(crate) yield_for: Duration,
}

impl Default for SessionConfig {
    fn default() -> Self {
        SessionConfig {
            ttl: Duration::from_secs(3600),
            idle: Duration::from_secs(300),
            update_attempts: 16,
            trust_cache_for: Duration::ZERO,
            yield_after: 2,
            yield_for: Duration::from_millis(50),
        }
    }
}

impl SessionConfig {
    /// How long a session lives without activity (default 1 hour). Its
    /// `expires_at` slides forward with every write, and with a read once
    /// less than half of this remains.
    pub fn ttl(mut self, ttl: Duration) -> Self {
        self.ttl = ttl.max(Duration::from_secs(1));
        self
    }

    /// The session lifetime in whole seconds.
    pub fn ttl_secs(&self) -> u64 {
        self.ttl.as_secs()
    }

    /// How long a session's actor (and its cache) outlives its last message
    /// (default 5 minutes).
    pub fn idle(mut self, idle: Duration) -> Self {
        self.idle = idle;
        self
    }

    /// How many version conflicts with other writers an `update` survives
    /// (its closure runs again each time) before it fails with
    /// [`lambda_mcp_core::SessionError::Conflict`] (default 16). A snapshot
    /// found stale inside this process costs no request and is retried
    /// within four times this bound.
    pub fn update_attempts(mut self, attempts: u32) -> Self {
        self.update_attempts = attempts.max(1);
        self
    }

    /// Serves reads from a cache younger than this without asking the
    /// store, even in a new request (default zero: the first read of each
    /// request is one strongly consistent read). Only for deployments where
    /// each session is served by one process (sticky routing); elsewhere a
    /// read may miss another process's write for this long. Writes stay
    /// exact either way.
    pub fn trust_cache_for(mut self, window: Duration) -> Self {
        self.trust_cache_for = window;
        self
    }

    /// After this many version conflicts in a row, a writer asks the others
    /// to hold back their writes for `hold` (default 2 and 50 ms).
    pub fn yield_after(mut self, conflicts: u32, hold: Duration) -> Self {
        self.yield_after = conflicts.max(1);
        self.yield_for = hold;
        self
    }
}
