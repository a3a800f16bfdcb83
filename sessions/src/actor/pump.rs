//! The actor's engine: answer whoever the cache can answer, then start the
//! one store round trip the session needs next, and fold its result back in.

use super::batch::{self, AddResult, Op, Pending};
use super::{Fail, Flight, Retry, SessionActor, StoreFailure};
use crate::store::{now_millis, now_secs, StoreError, StoredSession, Write};
use actix::prelude::*;
use lambda_mcp_core::SessionError;
use std::sync::Arc;
use std::time::{Duration, Instant};

impl SessionActor {
    /// Runs after every message and every round trip.
    pub(super) fn pump(&mut self, ctx: &mut Context<Self>) {
        if self.gone {
            self.fail_all();
            self.stop(ctx);
            return;
        }
        self.serve_waiting();
        if self.flight.is_some() {
            return;
        }
        if self.wants_write() {
            if let Some((lease, then)) = self.yield_wanted.take() {
                let write = Write {
                    yield_to: Some((
                        self.env.token.clone(),
                        now_millis() + self.env.config.yield_for.as_millis() as u64,
                    )),
                    ..Write::touch(now_secs() + self.env.config.ttl_secs())
                };
                self.launch(ctx, Flight::Yield { then: Some(then), lease }, write);
                return;
            }
            let hold = self.hold_until_ms.saturating_sub(now_millis());
            if hold == 0 {
                if self.launch_write(ctx) {
                    return;
                }
                // A local conflict answered an update; look again.
                return self.pump(ctx);
            }
            // Another writer asked for room: writes wait, reads go on.
            if !self.wake_scheduled {
                self.wake_scheduled = true;
                ctx.run_later(Duration::from_millis(hold), |act, ctx| {
                    act.wake_scheduled = false;
                    act.pump(ctx);
                });
            }
        }
        let needs_read = self.readers.iter().any(|r| !self.fresh(r.need))
            || !self.openers.is_empty()
            || (!self.snapshots.is_empty() && self.base.is_none());
        let now = now_secs();
        if needs_read || (self.touch_wanted && self.refresh_due(now)) {
            self.touch_wanted = false;
            self.launch_read(ctx, now);
        }
    }

    fn wants_write(&self) -> bool {
        self.yield_wanted.is_some()
            || self.update.is_some()
            || self.pending.iter().any(|p| matches!(p.op, Op::Add { .. }))
            || ((!self.flushes.is_empty() || self.flush_orphans) && !self.pending.is_empty())
    }

    /// Answers every waiter the cache can answer now.
    fn serve_waiting(&mut self) {
        self.answer_settled_flushes();
        let readers = std::mem::take(&mut self.readers);
        for r in readers {
            if self.fresh(r.need) {
                let _ = r.reply.send(Ok(self.view_value(&r.key)));
            } else {
                self.readers.push(r);
            }
        }
        let now = now_secs();
        if self.base.as_ref().is_some_and(|b| !b.expired(now)) {
            let owner = self.base.as_ref().and_then(|b| b.owner.clone());
            for reply in self.openers.drain(..) {
                let _ = reply.send(Ok(owner.clone()));
            }
        }
        while self.lease.is_none() && self.base.is_some() {
            let Some(reply) = self.snapshots.pop_front() else { break };
            self.next_lease += 1;
            let snapshot = self.snapshot(self.next_lease);
            if reply.send(Ok(snapshot)).is_ok() {
                self.lease = Some(self.next_lease);
            }
        }
    }

    /// Starts the next write; `false` when an update's snapshot turned out
    /// stale here (answered with a fresh one) and nothing was sent.
    fn launch_write(&mut self, ctx: &mut Context<Self>) -> bool {
        let now = now_secs();
        let has_adds = self.pending.iter().any(|p| matches!(p.op, Op::Add { .. }));
        let mut write = Write { expires_at: now + self.env.config.ttl_secs(), bump_version: true, ..Write::default() };
        let job = match self.update.take() {
            // Adds first, as a blind write; the update follows.
            Some(job) if has_adds => {
                self.update = Some(job);
                None
            }
            other => other,
        };
        let stale = job.as_ref().is_some_and(|job| {
            let base = self.base.as_ref().expect("an update lease needs the session");
            base.version != job.version || self.pending.back().is_some_and(|p| p.seq > job.mark)
        });
        if stale {
            let job = job.expect("checked above");
            let snapshot = self.snapshot(job.lease);
            let _ = job.reply.send(Ok(Some(Retry { snapshot, conflict: false })));
            return false;
        }
        let plan = batch::plan(&self.pending);
        let taken: Vec<Pending> = self.pending.drain(..plan.taken).collect();
        write.changes = plan.changes;
        if let Some(job) = &job {
            for (key, change) in &job.changes {
                write.changes.retain(|(k, _)| k != key);
                write.changes.push((key.clone(), change.clone()));
            }
            write.expected_version = Some(job.version);
            if write.changes.len() > 48 {
                let mut state = self.base.as_ref().expect("checked above").state.clone();
                crate::memory_store::apply(&mut state, &write.changes).expect("no adds in an update write");
                write.replace_state = Some(state);
            }
        }
        self.flush_orphans = false;
        self.launch(ctx, Flight::Write { taken, adds: plan.adds, update: job }, write);
        true
    }

    fn launch_read(&mut self, ctx: &mut Context<Self>, now: u64) {
        let touch = self.refresh_due(now).then(|| Write::touch(now + self.env.config.ttl_secs()));
        let (store, id) = (self.env.store.clone(), self.id.clone());
        self.tick += 1;
        let (tick, at) = (self.tick, Instant::now());
        self.flight = Some((Flight::Read, tick, at));
        let work = async move {
            match touch {
                Some(write) => match store.write(&id, &write, now).await {
                    Err(StoreError::NotFound) => Ok(None),
                    other => other.map(Some),
                },
                None => store.load(&id, now).await,
            }
        };
        ctx.spawn(work.into_actor(self).map(move |result, act, ctx| {
            act.flight = None;
            act.after_read(result, tick, at);
            act.pump(ctx);
        }));
    }

    fn launch(&mut self, ctx: &mut Context<Self>, flight: Flight, write: Write) {
        let (store, id, now) = (self.env.store.clone(), self.id.clone(), now_secs());
        self.tick += 1;
        let (tick, at) = (self.tick, Instant::now());
        self.flight = Some((flight, tick, at));
        let work = async move { store.write(&id, &write, now).await };
        ctx.spawn(work.into_actor(self).map(move |result, act, ctx| {
            let (flight, ..) = act.flight.take().expect("the flight that finished");
            match flight {
                Flight::Write { taken, adds, update } => act.after_write(result, taken, adds, update, tick, at),
                Flight::Yield { then, lease } => {
                    match result {
                        Ok(stored) => act.set_base(stored, tick, at),
                        Err(StoreError::NotFound) => act.gone = true,
                        Err(err) => {
                            tracing::warn!(session = %act.id, error = %err, "could not ask other writers to yield")
                        }
                    }
                    if let Some(reply) = then.filter(|_| !act.gone) {
                        let _ = reply.send(Ok(Some(Retry { snapshot: act.snapshot(lease), conflict: true })));
                    }
                }
                Flight::Read => unreachable!("reads finish in launch_read"),
            }
            act.pump(ctx);
        }));
    }

    fn after_read(&mut self, result: Result<Option<StoredSession>, StoreError>, tick: u64, at: Instant) {
        match result {
            Ok(Some(stored)) => self.set_base(stored, tick, at),
            Ok(None) | Err(StoreError::NotFound) => self.gone = true,
            Err(err) => {
                let err = Arc::new(err);
                for r in self.readers.drain(..) {
                    let _ = r.reply.send(Err(Fail::Session(store_error(&err))));
                }
                for reply in self.openers.drain(..) {
                    let _ = reply.send(Err(Fail::Session(store_error(&err))));
                }
                if self.base.is_none() {
                    for reply in self.snapshots.drain(..) {
                        let _ = reply.send(Err(Fail::Session(store_error(&err))));
                    }
                }
            }
        }
    }

    fn after_write(
        &mut self,
        result: Result<StoredSession, StoreError>,
        taken: Vec<Pending>,
        adds: Vec<AddResult>,
        update: Option<super::UpdateJob>,
        tick: u64,
        at: Instant,
    ) {
        match result {
            Ok(stored) => {
                let mut results = adds.into_iter();
                for p in taken {
                    if let Op::Add { reply, .. } = p.op {
                        let value = match results.next() {
                            Some(AddResult::Known(n)) => Some(n),
                            Some(AddResult::Stored { key, later }) => {
                                stored.state.get(&key).and_then(|v| v.as_i64()).map(|n| n - later)
                            }
                            None => None,
                        };
                        let _ = reply.send(value.ok_or_else(|| {
                            Fail::Session(SessionError::NotAnInteger {
                                key: p.key,
                                found: "a value out of range".into(),
                            })
                        }));
                    }
                }
                if let Some(job) = update {
                    self.conflicts_in_row = 0;
                    self.lease = None;
                    let _ = job.reply.send(Ok(None));
                }
                self.set_base(stored, tick, at);
                self.answer_settled_flushes();
            }
            Err(StoreError::Conflict { current }) => {
                self.set_base(*current, tick, at);
                self.restore(taken);
                if let Some(job) = update {
                    self.conflicts_in_row += 1;
                    if self.conflicts_in_row.is_multiple_of(self.env.config.yield_after) {
                        // Lost too often: ask the others for room first, answer after.
                        self.yield_wanted = Some((job.lease, job.reply));
                    } else {
                        let snapshot = self.snapshot(job.lease);
                        let _ = job.reply.send(Ok(Some(Retry { snapshot, conflict: true })));
                    }
                }
            }
            Err(StoreError::NotFound) => {
                self.gone = true;
                for p in taken {
                    if let Op::Add { reply, .. } = p.op {
                        let _ = reply.send(Err(Fail::Session(SessionError::NotFound(self.id.clone()))));
                    }
                }
                if let Some(job) = update {
                    let _ = job.reply.send(Err(Fail::Session(SessionError::NotFound(self.id.clone()))));
                }
            }
            Err(err) => self.write_failed(Arc::new(err), taken, update),
        }
    }

    /// A write failed: its adds and update fail, its sets and removes wait
    /// for the next flush, and every waiting flush learns of it.
    fn write_failed(&mut self, err: Arc<StoreError>, taken: Vec<Pending>, update: Option<super::UpdateJob>) {
        tracing::warn!(session = %self.id, error = %err, "a session write failed");
        let mut kept = Vec::new();
        for p in taken {
            match p.op {
                Op::Add { reply, .. } => {
                    let fail = match err.as_ref() {
                        StoreError::NotANumber(_) => {
                            SessionError::NotAnInteger { key: p.key, found: "a value that is not a number".into() }
                        }
                        _ => store_error(&err),
                    };
                    let _ = reply.send(Err(Fail::Session(fail)));
                }
                op => kept.push(Pending { op, ..p }),
            }
        }
        self.restore(kept);
        if let Some(job) = update {
            self.lease = None;
            let _ = job.reply.send(Err(Fail::Session(store_error(&err))));
        }
        if !self.flushes.is_empty() {
            for (_, reply) in self.flushes.drain(..) {
                let _ = reply.send(Err(Fail::Session(store_error(&err))));
            }
            self.end_request();
        }
        // The store may or may not hold the write: read before trusting the cache again.
        self.base_tick = 0;
    }

    fn restore(&mut self, taken: Vec<Pending>) {
        for p in taken.into_iter().rev() {
            self.pending.push_front(p);
        }
    }

    fn answer_settled_flushes(&mut self) {
        let flushes = std::mem::take(&mut self.flushes);
        let mut ended = false;
        for (target, reply) in flushes {
            if self.settled(target) {
                ended = true;
                let _ = reply.send(Ok(()));
            } else {
                self.flushes.push((target, reply));
            }
        }
        if ended {
            self.end_request();
        }
    }

    /// Every waiter fails: the session is gone.
    fn fail_all(&mut self) {
        let gone = || Fail::Session(SessionError::NotFound(self.id.clone()));
        for r in self.readers.drain(..) {
            let _ = r.reply.send(Err(gone()));
        }
        for reply in self.openers.drain(..) {
            let _ = reply.send(Err(gone()));
        }
        for reply in self.snapshots.drain(..) {
            let _ = reply.send(Err(gone()));
        }
        if let Some(job) = self.update.take() {
            let _ = job.reply.send(Err(gone()));
        }
        if let Some((_, reply)) = self.yield_wanted.take() {
            let _ = reply.send(Err(gone()));
        }
        for (_, reply) in self.flushes.drain(..) {
            let _ = reply.send(Err(gone()));
        }
        for p in self.pending.drain(..) {
            if let Op::Add { reply, .. } = p.op {
                let _ = reply.send(Err(gone()));
            }
        }
    }

    pub(super) fn idle_tick(&mut self, ctx: &mut Context<Self>) {
        let idle = self.last_used.elapsed();
        let quiet = self.flight.is_none()
            && self.readers.is_empty()
            && self.openers.is_empty()
            && self.snapshots.is_empty()
            && self.lease.is_none()
            && self.update.is_none()
            && self.flushes.is_empty();
        if quiet && self.pending.is_empty() && idle >= self.env.config.idle {
            self.stop(ctx);
        } else if quiet && !self.pending.is_empty() && idle >= Duration::from_secs(1) {
            // Changes of a request that never flushed (it was cancelled).
            self.flush_orphans = true;
            self.pump(ctx);
        }
    }

    /// Leaves the registry, then stops; late messages are answered "moved".
    fn stop(&mut self, ctx: &mut Context<Self>) {
        if self.stopping {
            return;
        }
        self.stopping = true;
        if let Some(registry) = self.registry.upgrade() {
            registry.remove(&self.id, self.serial);
        }
        ctx.stop();
    }
}

fn store_error(err: &Arc<StoreError>) -> SessionError {
    SessionError::Store(Box::new(StoreFailure(err.clone())))
}
