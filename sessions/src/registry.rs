//! The sharded registry: session id → the address of its actor, and the
//! actix threads the actors live on.

use crate::actor::SessionActor;
use actix::prelude::*;
use lambda_mcp_core::SessionId;
use std::collections::hash_map::DefaultHasher;
use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError, Weak};

const SHARDS: usize = 16;

/// Live session actors, found by id. Each shard has its own lock, held
/// for a map access only; actors spread over a few actix threads by id.
pub(crate) struct Registry {
    shards: Box<[Mutex<HashMap<SessionId, Slot>>]>,
    workers: Vec<ArbiterHandle>,
    system: System,
    serial: AtomicU64,
}

struct Slot {
    addr: Addr<SessionActor>,
    serial: u64,
}

impl Registry {
    /// Starts an actix system with `threads` arbiters (at least one).
    pub(crate) fn start(threads: usize) -> std::io::Result<Arc<Self>> {
        let threads = threads.max(1);
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::Builder::new().name("lambda-mcp-sessions".into()).spawn(move || {
            let system = System::new();
            let extra: Vec<Arbiter> = system.block_on(async {
                let extra: Vec<Arbiter> = (1..threads).map(|_| Arbiter::new()).collect();
                let mut workers = vec![Arbiter::current()];
                workers.extend(extra.iter().map(Arbiter::handle));
                let _ = tx.send((workers, System::current()));
                extra
            });
            let _ = system.run();
            drop(extra);
        })?;
        let (workers, system) =
            rx.recv().map_err(|_| std::io::Error::other("the session actor thread died while starting"))?;
        let shards = (0..SHARDS).map(|_| Mutex::new(HashMap::new())).collect();
        Ok(Arc::new(Registry { shards, workers, system, serial: AtomicU64::new(0) }))
    }

    fn hash(id: &SessionId) -> usize {
        let mut h = DefaultHasher::new();
        id.hash(&mut h);
        h.finish() as usize
    }

    fn shard(&self, id: &SessionId) -> MutexGuard<'_, HashMap<SessionId, Slot>> {
        self.shards[Self::hash(id) % SHARDS].lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The session's actor, started with `make` when it has none.
    pub(crate) fn get_or_start(
        self: &Arc<Self>,
        id: &SessionId,
        make: impl FnOnce(Weak<Registry>, u64) -> SessionActor + Send + 'static,
    ) -> Addr<SessionActor> {
        let mut shard = self.shard(id);
        if let Some(slot) = shard.get(id) {
            if slot.addr.connected() {
                return slot.addr.clone();
            }
        }
        let serial = self.serial.fetch_add(1, Ordering::Relaxed);
        let worker = &self.workers[(Self::hash(id) / SHARDS) % self.workers.len()];
        let weak = Arc::downgrade(self);
        let addr = SessionActor::start_in_arbiter(worker, move |_| make(weak, serial));
        shard.insert(id.clone(), Slot { addr: addr.clone(), serial });
        addr
    }

    /// The session's live actor, if it has one (none is started).
    pub(crate) fn get(&self, id: &SessionId) -> Option<Addr<SessionActor>> {
        self.shard(id).get(id).filter(|slot| slot.addr.connected()).map(|slot| slot.addr.clone())
    }

    /// Forgets an actor that is stopping (only if it is still the current one).
    pub(crate) fn remove(&self, id: &SessionId, serial: u64) {
        let mut shard = self.shard(id);
        if shard.get(id).is_some_and(|slot| slot.serial == serial) {
            shard.remove(id);
        }
    }

    /// Takes a session's actor out of the registry (the session ended).
    pub(crate) fn take(&self, id: &SessionId) -> Option<Addr<SessionActor>> {
        self.shard(id).remove(id).map(|slot| slot.addr)
    }

    /// How many session actors are live.
    pub(crate) fn len(&self) -> usize {
        self.shards.iter().map(|s| s.lock().unwrap_or_else(PoisonError::into_inner).len()).sum()
    }
}

impl Drop for Registry {
    fn drop(&mut self) {
        self.system.stop();
    }
}
