//! The session actor: one actix actor per live session in this process,
//! owning the session's cached state and its changes not yet written.
//!
//! # Consistency model
//! - **Writes are exact across processes.** Every write is one conditional
//!   `UpdateItem` on the live item (`attribute_exists(session_id) AND
//!   expires_at > :now`) that touches only the changed keys of `state`, adds
//!   1 to `version` and slides `expires_at`. `set` and `remove` are blind
//!   (last writer wins per key); `increment` is an atomic add in the store
//!   (`ADD state.k :d`), so concurrent increments
//!   from any number of processes all count and need no read; `update` is a
//!   read-modify-write conditioned on `version`: on a conflict the store
//!   returns the current item (`ALL_OLD`), the closure runs again on it, at
//!   most [`SessionConfig::update_attempts`] times, then
//!   [`SessionError::Conflict`]. Blind writes bump the version too, so an
//!   `update` never overwrites a change it did not see.
//! - **Per-request scopes.** Each request sees the session through its own
//!   scope ([`lambda_mcp_core::Session::for_request`]; the router makes one
//!   per call). A write carries the changes of one scope only, so the flush
//!   at the end of a request sends exactly that request's changes and
//!   reports only their fate: two overlapping requests of one session in
//!   one process never send, or fail on, each other's changes. A scope
//!   reads its own unwritten changes; another scope's become visible once
//!   written.
//! - **Write-back, one write per call.** `set`/`remove` wait in the actor
//!   until the scope's `flush()` (before the response leaves), then go out
//!   together. `increment` and `update` must return what the store decided
//!   (the new value; whether the version held), so they are written when
//!   called, carrying every change their scope buffered before them. A
//!   call that only increments, or only updates, or only sets, costs
//!   exactly one `UpdateItem`; changes made after an increment in the same
//!   call cost a second one. A call that changes nothing writes nothing,
//!   whatever other requests have buffered.
//! - **Cache trust rule.** A read is served from the cache when the cache
//!   came from a store round trip (a read, or the `ALL_NEW`/`ALL_OLD` item
//!   of a write) that *started after the latest end of a request* (a
//!   `flush`) of this session in this process, or, if configured, is younger
//!   than [`SessionConfig::trust_cache_for`]. So a call that reads costs at
//!   most one strongly consistent `GetItem`, none after its own write, and a
//!   session resumed by `open` has its first call's reads already paid for.
//!   Keys the scope changed and has not yet written are always answered
//!   locally.
//! - **Liveness.** `confirm(since)` (asked by the HTTP transport after each
//!   request) is answered from the cache when a round trip that started at
//!   or after `since` found the session (the request's own read or write),
//!   or the cache may be trusted; otherwise it costs one read. A session
//!   ended or expired through another process is thus noticed by the next
//!   request here, without adding a request to a call that reads or writes.
//! - **Expiry** slides without a write per request: writes set `expires_at`
//!   anyway; a read that finds less than half the TTL left is made as a
//!   touching `UpdateItem` (returning the item) instead of a `GetItem`; a
//!   call that neither reads nor writes touches in the background when due.
//!   Expired items are absent (`NotFound`) even before DynamoDB deletes them.
//! - **Failures are never silent.** An increment or update whose write
//!   fails returns the error to its caller; a flush whose write fails
//!   returns the error (the router turns it into an `isError` result saying
//!   state was not saved). The scope's failed `set`/`remove` stay buffered:
//!   its next flush retries them and reports on them; when the scope ends
//!   (its request is over) they are discarded, as the client was told.
//! - **Fairness.** Within a process, updates of a session take turns (an
//!   update lease), so they never conflict with each other. Across
//!   processes, a writer that loses the version race
//!   [`SessionConfig::yield_after`] times in a row asks the others, with one
//!   unconditional `UpdateItem` on the item (`yield_to`, `yield_until_ms`),
//!   to hold their writes for a few milliseconds, and retries once that is
//!   out. Without it the process that just won, whose next write leaves
//!   first, keeps winning: measured with two processes and 4 attempts, 0 of
//!   4 runs of 400 updates succeeded without the hint, 3 of 4 with it (the
//!   default allows 16).
//!
//! # Cancel safety
//! Every store round trip runs in the actor, never in the caller: dropping
//! the future of a [`crate::StoreSessions`] session operation (a cancelled
//! call, a deadline) never leaves a write half-done. What the actor
//! accepted happens: an increment already sent is applied; a buffered
//! `set` is written by its scope's flush — the router flushes a cancelled
//! call like any other before its future resolves — and when a scope is
//! dropped with changes it never flushed (its request's future was
//! dropped), the actor writes them at once, not after an idle period. (As
//! a last resort, changes of a scope that stays alive without flushing are
//! written after a second of idleness.) An `update` dropped between its
//! snapshot and its write gives its lease back and writes nothing. The
//! actor stops only when idle with nothing buffered, nothing in flight and
//! nobody waiting; a message that reaches it while it stops is answered
//! "moved" and the handle asks the registry for a fresh actor.

mod batch;
mod messages;
mod scope;
mod write;

pub(crate) use batch::diff;
pub(crate) use messages::{
    Confirm, EndScope, Flush, Get, Increment, Open, Release, Remove, Reply, Set, Stop, TakeSnapshot, WriteUpdate,
};

use crate::registry::Registry;
use crate::store::{now_millis, StoreError, StoredSession};
use crate::{SessionConfig, SessionStore};
use actix::prelude::*;
use batch::{AddResult, Op, Pending};
use lambda_mcp_core::{SessionError, SessionId, SessionState};
use serde_json::Value;
use std::collections::{BTreeSet, HashSet, VecDeque};
use std::sync::{Arc, Weak};
use std::time::{Duration, Instant};
use tokio::sync::oneshot;

/// What every actor of one manager shares.
pub(crate) struct Env {
    pub(crate) store: Arc<dyn SessionStore>,
    pub(crate) config: SessionConfig,
    /// This manager's name in `yield_to`.
    pub(crate) token: String,
}

/// Why the actor gave no value.
#[derive(Debug)]
pub(crate) enum Fail {
    /// This actor is stopping; ask the registry for the session's new one.
    Moved,
    /// The operation failed.
    Session(SessionError),
}

pub(crate) type Answer<T> = oneshot::Sender<Result<T, Fail>>;

/// The state an `update` runs on.
#[derive(Debug, Clone)]
pub(crate) struct Snapshot {
    pub(crate) lease: u64,
    pub(crate) state: SessionState,
    pub(crate) version: u64,
    /// The last change the snapshot includes.
    pub(crate) mark: u64,
}

struct Reader {
    need: u64,
    scope: u64,
    key: String,
    reply: Answer<Option<Value>>,
}

struct UpdateJob {
    scope: u64,
    lease: u64,
    version: u64,
    mark: u64,
    changes: Vec<(String, crate::store::Change)>,
    reply: Answer<Option<Retry>>,
}

/// A flush waiting for its scope's changes up to `target` to be written.
struct FlushWait {
    scope: u64,
    target: u64,
    reply: Answer<()>,
}

/// Why an update must run again, on a newer snapshot.
#[derive(Debug)]
pub(crate) struct Retry {
    pub(crate) snapshot: Snapshot,
    /// The store refused the version (another writer won); `false` when
    /// the snapshot was already stale here and nothing was sent.
    pub(crate) conflict: bool,
}

/// The store round trip in flight (at most one per session and process).
enum Flight {
    Read,
    Write {
        scope: u64,
        taken: Vec<Pending>,
        adds: Vec<AddResult>,
        update: Option<UpdateJob>,
    },
    /// Asking the other writers to hold back; the update that lost the
    /// race learns its new snapshot once the request is out.
    Yield {
        then: Option<Answer<Option<Retry>>>,
        lease: u64,
        scope: u64,
    },
}

pub(crate) struct SessionActor {
    id: SessionId,
    env: Arc<Env>,
    registry: Weak<Registry>,
    serial: u64,
    base: Option<StoredSession>,
    /// The tick at which the round trip that produced `base` started.
    base_tick: u64,
    /// When that round trip started.
    base_at: Instant,
    tick: u64,
    /// The tick of the latest end of a request.
    boundary: u64,
    last_seq: u64,
    pending: VecDeque<Pending>,
    flight: Option<(Flight, u64, Instant)>,
    readers: Vec<Reader>,
    openers: Vec<Answer<Option<String>>>,
    /// `confirm` calls waiting for a round trip that started after their instant.
    confirmers: Vec<(Instant, Answer<()>)>,
    snapshots: VecDeque<(u64, Answer<Snapshot>)>,
    lease: Option<u64>,
    next_lease: u64,
    update: Option<UpdateJob>,
    flushes: Vec<FlushWait>,
    /// Scopes whose latest flush failed: their leftovers are discarded when they end.
    failed: HashSet<u64>,
    /// Scopes whose handle was dropped while they still had changes to write.
    ended: HashSet<u64>,
    /// Scopes to write without anyone waiting (ended, or idle for too long).
    orphans: BTreeSet<u64>,
    conflicts_in_row: u32,
    /// A yield request to send, with the update that waits for it.
    yield_wanted: Option<(u64, u64, Answer<Option<Retry>>)>,
    touch_wanted: bool,
    hold_until_ms: u64,
    wake_scheduled: bool,
    last_used: Instant,
    gone: bool,
    stopping: bool,
}

impl Actor for SessionActor {
    type Context = Context<Self>;

    fn started(&mut self, ctx: &mut Context<Self>) {
        let every = (self.env.config.idle / 4).clamp(Duration::from_millis(250), Duration::from_secs(5));
        ctx.run_interval(every, |act, ctx| act.idle_tick(ctx));
    }
}

impl SessionActor {
    /// An actor for a session known only by id: its first need loads it.
    pub(crate) fn new(id: SessionId, env: Arc<Env>, registry: Weak<Registry>, serial: u64) -> Self {
        let now = Instant::now();
        SessionActor {
            id,
            env,
            registry,
            serial,
            base: None,
            base_tick: 0,
            base_at: now,
            tick: 0,
            boundary: 0,
            last_seq: 0,
            pending: VecDeque::new(),
            flight: None,
            readers: Vec::new(),
            openers: Vec::new(),
            confirmers: Vec::new(),
            snapshots: VecDeque::new(),
            lease: None,
            next_lease: 0,
            update: None,
            flushes: Vec::new(),
            failed: HashSet::new(),
            ended: HashSet::new(),
            orphans: BTreeSet::new(),
            conflicts_in_row: 0,
            yield_wanted: None,
            touch_wanted: false,
            hold_until_ms: 0,
            wake_scheduled: false,
            last_used: now,
            gone: false,
            stopping: false,
        }
    }

    /// An actor for a session just created: its cache is the store's item,
    /// as written by the round trip that started at `at`.
    pub(crate) fn created(mut self, session: StoredSession, at: Instant) -> Self {
        self.tick = 1;
        self.base_tick = 1;
        self.base_at = at;
        self.base = Some(session);
        self
    }

    // ---- what the cache knows -------------------------------------------

    /// The changes of `scope` the store has not acknowledged: in flight, then waiting.
    fn unacknowledged(&self, scope: u64) -> impl Iterator<Item = &Pending> {
        let flying = match &self.flight {
            Some((Flight::Write { taken, .. }, ..)) => taken.as_slice(),
            _ => &[],
        };
        flying.iter().chain(self.pending.iter()).filter(move |p| p.scope == scope)
    }

    /// Whether `scope` has changes waiting for a write (not in flight).
    fn has_pending(&self, scope: u64) -> bool {
        self.pending.iter().any(|p| p.scope == scope)
    }

    /// A key's value when the scope's own unwritten changes decide it.
    fn known_locally(&self, scope: u64, key: &str) -> Option<Option<Value>> {
        let mut known: Option<Option<Value>> = None;
        for p in self.unacknowledged(scope).filter(|p| p.key == key) {
            known = match (&p.op, known) {
                (Op::Set(v), _) => Some(Some(v.clone())),
                (Op::Remove, _) => Some(None),
                (Op::Add { .. }, None) => None,
                (op @ Op::Add { .. }, Some(mut value)) => {
                    batch::apply_op(&mut value, op);
                    Some(value)
                }
            };
        }
        known
    }

    fn view_value(&self, scope: u64, key: &str) -> Option<Value> {
        let mut value = self.base.as_ref().and_then(|b| b.state.get(key).cloned());
        for p in self.unacknowledged(scope).filter(|p| p.key == key) {
            batch::apply_op(&mut value, &p.op);
        }
        value
    }

    fn fresh(&self, need: u64) -> bool {
        self.base.is_some() && (self.base_tick > need || self.trusted())
    }

    /// Whether the configured trust window covers the cache.
    fn trusted(&self) -> bool {
        !self.env.config.trust_cache_for.is_zero() && self.base_at.elapsed() < self.env.config.trust_cache_for
    }

    /// Whether the store found the session live in a round trip that started
    /// at or after `since` (or the cache may be trusted), and it has not
    /// expired since.
    fn confirmed(&self, since: Instant, now: u64) -> bool {
        self.base.as_ref().is_some_and(|b| !b.expired(now)) && (self.base_at >= since || self.trusted())
    }

    fn refresh_due(&self, now: u64) -> bool {
        // Half the TTL or less left (whole seconds: a 2 s TTL refreshes with 1 s left).
        self.base.as_ref().is_some_and(|b| b.expires_at.saturating_sub(now) * 2 <= self.env.config.ttl_secs())
    }

    fn settled(&self, scope: u64, target: u64) -> bool {
        self.unacknowledged(scope).all(|p| p.seq > target)
    }

    fn end_request(&mut self) {
        self.tick += 1;
        self.boundary = self.tick;
    }

    fn snapshot(&self, lease: u64, scope: u64) -> Snapshot {
        let base = self.base.as_ref().expect("a snapshot needs the session");
        Snapshot {
            lease,
            state: batch::view(&base.state, self.unacknowledged(scope)),
            version: base.version,
            mark: self.last_seq,
        }
    }

    fn set_base(&mut self, stored: StoredSession, tick: u64, at: Instant) {
        let now_ms = now_millis();
        if stored.yield_to.as_deref() != Some(self.env.token.as_str()) && stored.yield_until_ms > now_ms {
            // Another writer asked for room; never hold for long, whatever the clocks say.
            self.hold_until_ms = stored.yield_until_ms.min(now_ms + 1000);
        }
        self.base = Some(stored);
        self.base_tick = tick;
        self.base_at = at;
    }
}

/// A store error shared by every waiter it fails.
#[derive(Debug, Clone)]
pub(crate) struct StoreFailure(pub(crate) Arc<StoreError>);

impl std::fmt::Display for StoreFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

impl std::error::Error for StoreFailure {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.0.source()
    }
}

mod pump;
