//! Handshake-era sessions: `Mcp-Session-Id` → the connection's state in
//! this process, falling back to the session store for sessions started
//! by another process (Lambda environments, a second VM).
//!
//! # When a session known here is checked against the store
//! A session ended (`DELETE` through another process) or expired elsewhere
//! must be 404 here too, without a store read added to every request (the
//! budget: at most one DynamoDB request for a call that only reads, none
//! when the cache may be trusted, exactly one for a call that writes). The
//! rule:
//! - A session found in this process's map is served without asking the
//!   store first, unless it has been idle here for the session TTL (the
//!   manager's [`lambda_mcp_core::SessionManager::ttl`]): then it is looked
//!   up in the store again, as a session of another process would be.
//! - After the request has been handled, and before a buffered response
//!   leaves, the session is confirmed ([`lambda_mcp_core::Session::confirm`]
//!   with the instant the request arrived). That is free when the request's
//!   own store round trip (the consistent read of a call that reads, the
//!   conditional write of a call that writes) found the session, or when
//!   the manager may trust its cache; otherwise it is one read, which also
//!   slides the session's expiry when due. A call that touches no state
//!   thus costs one read, a call that reads or writes nothing extra.
//! - Found ended or expired: the response becomes 404 and the session is
//!   forgotten here. Found unreachable: the response stands (stateless tools
//!   keep working while the store is down; a store that has not answered
//!   within two seconds counts as unreachable) and the next request checks
//!   again.
//! - What this cannot undo: the request has run (its session writes were
//!   refused, being conditional on the live item, but a tool's effects
//!   elsewhere happened), and a response that already started streaming
//!   keeps its 200: the session is forgotten and the next request is 404.
//!   A GET stream is checked before it opens.

use lambda_mcp_core::{Connection, Principal, ProtocolVersion, Server, SessionError, SessionId};
use std::collections::HashMap;
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

/// The sessions this process holds. Only ids the server minted (random)
/// are inserted, so a fast hash with a per-process seed (foldhash) serves;
/// a client's made-up id is only looked up.
type Live = HashMap<SessionId, Entry, foldhash::fast::RandomState>;

/// How long the check after a request may wait for a slow store before
/// the response leaves unchecked.
const CONFIRM_LIMIT: Duration = Duration::from_secs(2);

/// Why a session header could not be honoured.
pub(crate) enum Lookup {
    /// No such session (or it expired, or was ended): 404.
    Unknown,
    /// The store failed: 503.
    Store(SessionError),
}

/// The live connections of this process.
pub(crate) struct Registry {
    live: Mutex<Live>,
    idle: Duration,
}

struct Entry {
    conn: Connection,
    used: Instant,
}

impl Registry {
    pub(crate) fn new(idle: Duration) -> Self {
        Registry { live: Mutex::new(Live::default()), idle }
    }

    /// Starts a session for an `initialize` request.
    pub(crate) async fn create(
        &self,
        server: &Server,
        principal: Option<Principal>,
    ) -> Result<(SessionId, Connection), SessionError> {
        let conn = server.connect(principal).await?;
        let id = conn.session_id().cloned().unwrap_or_else(mint);
        let mut live = self.lock();
        let idle = self.idle;
        live.retain(|_, e| e.used.elapsed() < idle);
        live.insert(id.clone(), Entry { conn: conn.clone(), used: Instant::now() });
        Ok((id, conn))
    }

    /// Finds a session: here, or in the store (resumed at `version`).
    /// `now`: when the request arrived (the clock is read once per request).
    pub(crate) async fn find(
        &self,
        server: &Server,
        id: &str,
        principal: Option<&Principal>,
        version: ProtocolVersion,
        now: Instant,
    ) -> Result<Connection, Lookup> {
        if let Some(conn) = self.local(id, principal, now)? {
            return Ok(conn);
        }
        let Some(store) = server.sessions() else {
            return Err(Lookup::Unknown);
        };
        let id = SessionId::new(id);
        let session = match store.open(&id, principal).await {
            Ok(session) => session,
            Err(SessionError::NotFound(_) | SessionError::Forbidden(_)) => return Err(Lookup::Unknown),
            Err(e) => return Err(Lookup::Store(e)),
        };
        let conn = server.resume(session, principal.cloned(), version);
        self.lock().insert(id, Entry { conn: conn.clone(), used: now });
        Ok(conn)
    }

    /// The session's connection in this process, unless it has been idle
    /// here for the session's lifetime (then the store decides).
    fn local(&self, id: &str, principal: Option<&Principal>, now: Instant) -> Result<Option<Connection>, Lookup> {
        let mut live = self.lock();
        let Some(entry) = live.get_mut(id) else { return Ok(None) };
        if now.saturating_duration_since(entry.used) >= self.idle {
            live.remove(id);
            return Ok(None);
        }
        if entry.conn.principal() != principal {
            return Err(Lookup::Unknown);
        }
        entry.used = entry.used.max(now);
        Ok(Some(entry.conn.clone()))
    }

    /// Confirms, after a request that arrived at `since`, that its session
    /// still exists (see the module docs); `false` when it was ended or has
    /// expired, and is now forgotten here. (A connection without a session
    /// store has nothing to confirm; one with a session is kept here under
    /// its session's id.)
    pub(crate) async fn confirm(&self, conn: &Connection, since: Instant) -> bool {
        let Some(session) = conn.session() else { return true };
        match lambda_mcp_core::timer::timeout(CONFIRM_LIMIT, session.confirm(since)).await {
            Ok(Ok(())) => true,
            Ok(Err(SessionError::NotFound(_) | SessionError::Forbidden(_))) => {
                self.forget(session.id());
                false
            }
            Ok(Err(e)) => {
                tracing::debug!(error = %e, "could not confirm a session; serving it");
                true
            }
            Err(_) => {
                tracing::debug!("the session store did not confirm a session in time; serving it");
                true
            }
        }
    }

    /// Ends a session; `false` when it was unknown.
    /// When the store fails, the session is not ended and stays here too.
    pub(crate) async fn end(&self, server: &Server, id: &SessionId) -> Result<bool, SessionError> {
        let stored = match server.sessions() {
            Some(store) => store.end(id).await?,
            None => false,
        };
        let local = self.lock().remove(id);
        if let Some(entry) = &local {
            entry.conn.cancel_all();
        }
        Ok(local.is_some() || stored)
    }

    /// Forgets a session whose `initialize` failed.
    pub(crate) fn forget(&self, id: &SessionId) {
        self.lock().remove(id);
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Live> {
        self.live.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// A fresh id for a connection without a session store.
fn mint() -> SessionId {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes).expect("the operating system's random source failed");
    SessionId::new(bytes.iter().map(|b| format!("{b:02x}")).collect::<String>())
}
