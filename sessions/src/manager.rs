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
use std::sync::Arc;

/// Sessions in a [`SessionStore`] behind one write-back actor per live
/// session (see the crate docs for the consistency model). Cheap to clone.
#[derive(Clone)]
pub struct StoreSessions {
    shared: Arc<Shared>,
}

struct Shared {
    env: Arc<Env>,
    registry: Arc<Registry>,
}

impl StoreSessions {
    /// Sessions in `store`; starts the actor threads (one per core, at most 4).
    pub fn new(store: impl SessionStore, config: SessionConfig) -> std::io::Result<Self> {
        let threads = std::thread::available_parallelism().map_or(1, |n| n.get()).min(4);
        let mut token = [0u8; 8];
        getrandom::fill(&mut token).map_err(|e| std::io::Error::other(e.to_string()))?;
        let env = Env { store: Arc::new(store), config, token: token.iter().map(|b| format!("{b:02x}")).collect() };
        let registry = Registry::start(threads)?;
        Ok(StoreSessions { shared: Arc::new(Shared { env: Arc::new(env), registry }) })
    }

    /// How many sessions have a live actor in this process.
    pub fn live_actors(&self) -> usize {
        self.shared.registry.len()
    }

    fn session(&self, id: SessionId) -> Arc<dyn Session> {
        Arc::new(StoredSessionRef { id, shared: self.shared.clone() })
    }
}

#[async_trait]
impl SessionManager for StoreSessions {
    async fn create(&self, owner: Option<&Principal>) -> Result<Arc<dyn Session>, SessionError> {
        let env = &self.shared.env;
        let id = new_session_id();
        let stored = StoredSession::new(owner.map(|p| p.as_str().to_owned()), now_secs(), env.config.ttl_secs());
        env.store.create(&id, &stored).await.map_err(|e| to_session_error(&id, e))?;
        let (actor_id, actor_env) = (id.clone(), env.clone());
        self.shared.registry.get_or_start(&id, move |registry, serial| {
            SessionActor::new(actor_id, actor_env, registry, serial).created(stored)
        });
        Ok(self.session(id))
    }

    async fn open(&self, id: &SessionId, caller: Option<&Principal>) -> Result<Arc<dyn Session>, SessionError> {
        let handle = StoredSessionRef { id: id.clone(), shared: self.shared.clone() };
        let owner = handle.ask(|| actor::Open {}).await?;
        if owner.is_some() && owner.as_deref() != caller.map(Principal::as_str) {
            return Err(SessionError::Forbidden(id.clone()));
        }
        Ok(Arc::new(handle))
    }

    async fn end(&self, id: &SessionId) -> Result<bool, SessionError> {
        if let Some(addr) = self.shared.registry.take(id) {
            addr.do_send(actor::Stop {});
        }
        self.shared.env.store.delete(id, now_secs()).await.map_err(|e| to_session_error(id, e))
    }
}

fn to_session_error(id: &SessionId, err: StoreError) -> SessionError {
    match err {
        StoreError::NotFound => SessionError::NotFound(id.clone()),
        other => SessionError::Store(Box::new(other)),
    }
}

/// What a tool's `ctx.session()` talks to: an id and the way to its actor.
struct StoredSessionRef {
    id: SessionId,
    shared: Arc<Shared>,
}

impl StoredSessionRef {
    fn addr(&self) -> Addr<SessionActor> {
        let (id, env) = (self.id.clone(), self.shared.env.clone());
        self.shared
            .registry
            .get_or_start(&self.id, move |registry, serial| SessionActor::new(id, env, registry, serial))
    }

    /// Sends a message to the session's actor and waits for the answer. A
    /// message the actor never processed (it was stopping) is sent again
    /// to its successor; one it processed is never sent twice.
    async fn ask<M, T>(&self, make: impl Fn() -> M) -> Result<T, SessionError>
    where
        M: Message<Result = Reply<T>> + Send + 'static,
        SessionActor: Handler<M>,
        T: Send + 'static,
    {
        Ok(self.ask_at(make).await?.1)
    }

    async fn ask_at<M, T>(&self, make: impl Fn() -> M) -> Result<(Addr<SessionActor>, T), SessionError>
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
                Err(_) => return Err(SessionError::Store("the session actor stopped".into())),
            }
        }
        Err(SessionError::Store("the session actor kept stopping".into()))
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
        self.ask(|| actor::Get { key: key.to_owned() }).await
    }

    async fn set(&self, key: &str, value: Value) -> Result<(), SessionError> {
        self.ask(|| actor::Set { key: key.to_owned(), value: value.clone() }).await
    }

    async fn remove(&self, key: &str) -> Result<(), SessionError> {
        self.ask(|| actor::Remove { key: key.to_owned() }).await
    }

    async fn increment(&self, key: &str, delta: i64) -> Result<i64, SessionError> {
        self.ask(|| actor::Increment { key: key.to_owned(), delta }).await
    }

    async fn update(&self, f: &mut (dyn for<'s> FnMut(&'s mut SessionState) + Send)) -> Result<(), SessionError> {
        let (addr, first): (_, Snapshot) = self.ask_at(|| actor::TakeSnapshot {}).await?;
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
            let write =
                actor::WriteUpdate { lease: lease.lease, version: snapshot.version, mark: snapshot.mark, changes };
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
        self.ask(|| actor::Flush {}).await
    }
}
