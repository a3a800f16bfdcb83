//! Handshake-era sessions: `Mcp-Session-Id` → the connection's state in
//! this process, falling back to the session store for sessions started
//! by another process (Lambda environments, a second VM).

use lambda_mcp_core::{Connection, Principal, ProtocolVersion, Server, SessionError, SessionId};
use std::collections::HashMap;
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

/// Why a session header could not be honoured.
pub(crate) enum Lookup {
    /// No such session (or it expired, or was ended): 404.
    Unknown,
    /// The store failed: 503.
    Store(SessionError),
}

/// The live connections of this process.
pub(crate) struct Registry {
    live: Mutex<HashMap<SessionId, Entry>>,
    idle: Duration,
}

struct Entry {
    conn: Connection,
    used: Instant,
}

impl Registry {
    pub(crate) fn new(idle: Duration) -> Self {
        Registry { live: Mutex::new(HashMap::new()), idle }
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
    pub(crate) async fn find(
        &self,
        server: &Server,
        id: &SessionId,
        principal: Option<&Principal>,
        version: ProtocolVersion,
    ) -> Result<Connection, Lookup> {
        if let Some(entry) = self.lock().get_mut(id) {
            if entry.conn.principal() != principal {
                return Err(Lookup::Unknown);
            }
            entry.used = Instant::now();
            return Ok(entry.conn.clone());
        }
        let Some(store) = server.sessions() else {
            return Err(Lookup::Unknown);
        };
        let session = match store.open(id, principal).await {
            Ok(session) => session,
            Err(SessionError::NotFound(_) | SessionError::Forbidden(_)) => return Err(Lookup::Unknown),
            Err(e) => return Err(Lookup::Store(e)),
        };
        let conn = server.resume(session, principal.cloned(), version);
        self.lock().insert(id.clone(), Entry { conn: conn.clone(), used: Instant::now() });
        Ok(conn)
    }

    /// Ends a session; `false` when it was unknown.
    pub(crate) async fn end(&self, server: &Server, id: &SessionId) -> Result<bool, SessionError> {
        let local = self.lock().remove(id);
        if let Some(entry) = &local {
            entry.conn.cancel_all();
        }
        let stored = match server.sessions() {
            Some(store) => store.end(id).await?,
            None => false,
        };
        Ok(local.is_some() || stored)
    }

    /// Forgets a session whose `initialize` failed.
    pub(crate) fn forget(&self, id: &SessionId) {
        self.lock().remove(id);
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<SessionId, Entry>> {
        self.live.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// A fresh id for a connection without a session store.
fn mint() -> SessionId {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes).expect("the operating system's random source failed");
    SessionId::new(bytes.iter().map(|b| format!("{b:02x}")).collect::<String>())
}
