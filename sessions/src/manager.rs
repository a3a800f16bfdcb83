//! [`StoreSessions`]: the [`SessionManager`] over any [`SessionStore`], and
//! the [`Session`] handle tools use, which talks to the session's actor.

use crate::actor::{self, Env, Fail, Reply, SessionActor, Snapshot};
use crate::registry::Registry;
use crate::store::{now_secs, SessionStore, StoreError, StoredSession};
use crate::{new_session_id, SessionConfig};
use actix::prelude::*;
use async_trait::async_trait;
use lambda_mcp_core::{Principal, Session, SessionError, SessionId, SessionManager, SessionState};
use serde_json::Value;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Sessions in a [`SessionStore`] behind one write-back actor per live
/// session (see the crate docs for the consistency model). Cheap to clone.
#[derive(Clone)]
pub struct StoreSessions {
    shared: Arc<Shared>,
}

struct Shared {
    env: Arc<Env>,
    registry: Arc<Registry>,
    /// The next request scope's number.
    next_scope: AtomicU64,
}

impl StoreSessions {
    /// Sessions in `store`; starts the actor threads (one per core, at most 4).
    pub fn new(store: impl SessionStore, config: SessionConfig) -> std::io::Result<Self> {
        let threads = std::thread::available_parallelism().map_or(1, |n| n.get()).min(4);
        let mut token = [0u8; 8];
        getrandom::fill(&mut token).map_err(|e| std::io::Error::other(e.to_string()))?;
        let env = Env { store: Arc::new(store), config, token: token.iter().map(|b| format!("{b:02x}")).collect() };
        let registry = Registry::start(threads)?;
        let shared = Shared { env: Arc::new(env), registry, next_scope: AtomicU64::new(1) };
        Ok(StoreSessions { shared: Arc::new(shared) })
    }

    /// How many sessions have a live actor in this process.
    pub fn live_actors(&self) -> usize {
        self.shared.registry.len()
    }

    fn session(&self, id: SessionId) -> Arc<dyn Session> {
        Arc::new(StoredSessionRef::new(id, self.shared.clone()))
    }
}

#[async_trait]
impl SessionManager for StoreSessions {
    async fn create(&self, owner: Option<&Principal>) -> Result<Arc<dyn Session>, SessionError> {
        let env = &self.shared.env;
        let id = new_session_id();
        let stored = StoredSession::new(owner.map(|p| p.as_str().to_owned()), now_secs(), env.config.ttl_secs());
        let at = Instant::now();
        env.store.create(&id, &stored).await.map_err(|e| to_session_error(&id, e))?;
        let (actor_id, actor_env) = (id.clone(), env.clone());
        self.shared.registry.get_or_start(&id, move |registry, serial| {
            SessionActor::new(actor_id, actor_env, registry, serial).created(stored, at)
        });
        Ok(self.session(id))
    }

    async fn open(&self, id: &SessionId, caller: Option<&Principal>) -> Result<Arc<dyn Session>, SessionError> {
        let handle = StoredSessionRef::new(id.clone(), self.shared.clone());
        let owner = handle.ask(Kind::Read, || actor::Open {}).await?;
        if owner.is_some() && owner.as_deref() != caller.map(Principal::as_str) {
            return Err(SessionError::Forbidden(id.clone()));
        }
        Ok(Arc::new(handle))
    }

    /// Deletes the item first: when the store fails, the session is not
    /// ended and its actor stays.
    async fn end(&self, id: &SessionId) -> Result<bool, SessionError> {
        let existed = self.shared.env.store.delete(id, now_secs()).await.map_err(|e| to_session_error(id, e))?;
        if let Some(addr) = self.shared.registry.take(id) {
            addr.do_send(actor::Stop {});
        }
        Ok(existed)
    }

    fn ttl(&self) -> Option<Duration> {
        Some(self.shared.env.config.ttl)
    }
}

fn to_session_error(id: &SessionId, err: StoreError) -> SessionError {
    match err {
        StoreError::NotFound => SessionError::NotFound(id.clone()),
        other => SessionError::Store(Box::new(other)),
    }
}

/// What a tool's `ctx.session()` talks to: an id, the way to its actor,
/// and the request scope its changes belong to (each value is a scope of
/// its own; [`Session::for_request`] makes a new one).
struct StoredSessionRef {
    id: SessionId,
    shared: Arc<Shared>,
    scope: u64,
    /// Whether this scope ever sent a change (then its end is reported).
    changed: AtomicBool,
}

/// Whether a message reads or writes, so that its failure says which.
#[derive(Clone, Copy)]
enum Kind {
    Read,
    Write,
}

impl Kind {
    fn fail(self, why: &'static str) -> SessionError {
        match self {
            Kind::Read => SessionError::StoreRead(why.into()),
            Kind::Write => SessionError::Store(why.into()),
        }
    }
}

impl StoredSessionRef {
    fn new(id: SessionId, shared: Arc<Shared>) -> Self {
        let scope = shared.next_scope.fetch_add(1, Ordering::Relaxed);
        StoredSessionRef { id, shared, scope, changed: AtomicBool::new(false) }
    }

    /// Notes that this scope sent a change.
    fn changing(&self) -> u64 {
        self.changed.store(true, Ordering::Relaxed);
        self.scope
    }

    fn addr(&self) -> Addr<SessionActor> {
        let (id, env) = (self.id.clone(), self.shared.env.clone());
        self.shared
            .registry
            .get_or_start(&self.id, move |registry, serial| SessionActor::new(id, env, registry, serial))
    }

    /// Sends a message to the session's actor and waits for the answer. A
    /// message the actor never processed (it was stopping) is sent again
    /// to its successor; one it processed is never sent twice.
    async fn ask<M, T>(&self, kind: Kind, make: impl Fn() -> M) -> Result<T, SessionError>
    where
        M: Message<Result = Reply<T>> + Send + 'static,
        SessionActor: Handler<M>,
        T: Send + 'static,
    {
        Ok(self.ask_at(kind, make).await?.1)
    }

    async fn ask_at<M, T>(&self, kind: Kind, make: impl Fn() -> M) -> Result<(Addr<SessionActor>, T), SessionError>
    where
        M: Message<Result = Reply<T>> + Send + 'static,
        SessionActor: Handler<M>,
        T: Send + 'static,
    {
        for _ in 0..4 {
            let addr = self.addr();
            let Ok(reply) = addr.send(make()).await else { continue };
            match reply.await {
                Ok(Ok(value)) => return Ok((addr, value)),
                Ok(Err(Fail::Session(err))) => return Err(err),
                Ok(Err(Fail::Moved)) => continue,
                Err(_) => return Err(kind.fail("the session actor stopped")),
            }
        }
        Err(kind.fail("the session actor kept stopping"))
    }
}

impl Drop for StoredSessionRef {
    fn drop(&mut self) {
        // Only a scope that changed something can have left changes behind;
        // with no live actor, nothing is buffered (an actor stops only when
        // it has nothing left).
        if self.changed.load(Ordering::Relaxed) {
            if let Some(addr) = self.shared.registry.get(&self.id) {
                addr.do_send(actor::EndScope { scope: self.scope });
            }
        }
    }
}

/// Gives an `update`'s lease back unless its write settled it.
struct Lease {
    addr: Addr<SessionActor>,
    lease: u64,
    settled: bool,
}

impl Drop for Lease {
    fn drop(&mut self) {
        if !self.settled {
            self.addr.do_send(actor::Release { lease: self.lease });
        }
    }
}

#[async_trait]
impl Session for StoredSessionRef {
    fn id(&self) -> &SessionId {
        &self.id
    }

    async fn get(&self, key: &str) -> Result<Option<Value>, SessionError> {
        self.ask(Kind::Read, || actor::Get { scope: self.scope, key: key.to_owned() }).await
    }

    async fn set(&self, key: &str, value: Value) -> Result<(), SessionError> {
        let scope = self.changing();
        self.ask(Kind::Write, || actor::Set { scope, key: key.to_owned(), value: value.clone() }).await
    }

    async fn remove(&self, key: &str) -> Result<(), SessionError> {
        let scope = self.changing();
        self.ask(Kind::Write, || actor::Remove { scope, key: key.to_owned() }).await
    }

    async fn increment(&self, key: &str, delta: i64) -> Result<i64, SessionError> {
        let scope = self.changing();
        self.ask(Kind::Write, || actor::Increment { scope, key: key.to_owned(), delta }).await
    }

    async fn update(&self, f: &mut (dyn for<'s> FnMut(&'s mut SessionState) + Send)) -> Result<(), SessionError> {
        let (addr, first): (_, Snapshot) =
            self.ask_at(Kind::Read, || actor::TakeSnapshot { scope: self.scope }).await?;
        let mut lease = Lease { addr: addr.clone(), lease: first.lease, settled: false };
        let mut snapshot = first;
        let attempts = self.shared.env.config.update_attempts;
        // Conflicts with other writers count; a snapshot found stale here
        // before sending (a concurrent write of this process landed) is
        // retried too, within a looser bound.
        let (mut conflicts, mut local) = (0, 0);
        loop {
            let mut state = snapshot.state.clone();
            f(&mut state);
            let changes = actor::diff(&snapshot.state, &state);
            if changes.is_empty() {
                return Ok(());
            }
            let write = actor::WriteUpdate {
                scope: self.changing(),
                lease: lease.lease,
                version: snapshot.version,
                mark: snapshot.mark,
                changes,
            };
            let reply = addr.send(write).await.map_err(|_| SessionError::Store("the session actor stopped".into()))?;
            match reply.await {
                Ok(Ok(None)) => {
                    lease.settled = true;
                    return Ok(());
                }
                Ok(Ok(Some(retry))) => {
                    if retry.conflict {
                        conflicts += 1;
                    } else {
                        local += 1;
                    }
                    if conflicts >= attempts || local >= 4 * attempts {
                        return Err(SessionError::Conflict { id: self.id.clone(), attempts: conflicts + local });
                    }
                    snapshot = retry.snapshot;
                }
                Ok(Err(Fail::Session(err))) => {
                    lease.settled = true;
                    return Err(err);
                }
                Ok(Err(Fail::Moved)) | Err(_) => return Err(SessionError::Store("the session actor stopped".into())),
            }
        }
    }

    async fn flush(&self) -> Result<(), SessionError> {
        self.ask(Kind::Write, || actor::Flush { scope: self.scope }).await
    }

    fn for_request(&self) -> Option<Arc<dyn Session>> {
        Some(Arc::new(StoredSessionRef::new(self.id.clone(), self.shared.clone())))
    }

    async fn confirm(&self, since: Instant) -> Result<(), SessionError> {
        self.ask(Kind::Read, || actor::Confirm { since }).await
    }
}
