//! The actor's engine: answer whoever the cache can answer, then start the
//! one store round trip the session needs next, and fold its result back in.

use super::batch::Op;
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
            if let Some((lease, scope, then)) = self.yield_wanted.take() {
                let write = Write {
                    yield_to: Some((
                        self.env.token.clone(),
                        now_millis() + self.env.config.yield_for.as_millis() as u64,
                    )),
                    ..Write::touch(now_secs() + self.env.config.ttl_secs())
                };
                self.launch(ctx, Flight::Yield { then: Some(then), lease, scope }, write);
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
        let now = now_secs();
        let needs_read = self.readers.iter().any(|r| !self.fresh(r.need))
            || !self.openers.is_empty()
            || self.confirmers.iter().any(|(since, _)| !self.confirmed(*since, now))
            || (!self.snapshots.is_empty() && self.base.is_none());
        if needs_read || (self.touch_wanted && self.refresh_due(now)) {
            self.touch_wanted = false;
            self.launch_read(ctx, now);
        }
    }

    /// Answers every waiter the cache can answer now.
    fn serve_waiting(&mut self) {
        self.answer_settled_flushes();
        let readers = std::mem::take(&mut self.readers);
        for r in readers {
            if self.fresh(r.need) {
                let _ = r.reply.send(Ok(self.view_value(r.scope, &r.key)));
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
        let confirmers = std::mem::take(&mut self.confirmers);
        for (since, reply) in confirmers {
            if self.confirmed(since, now) {
                let _ = reply.send(Ok(()));
            } else {
                self.confirmers.push((since, reply));
            }
        }
        while self.lease.is_none() && self.base.is_some() {
            let Some((scope, reply)) = self.snapshots.pop_front() else { break };
            self.next_lease += 1;
            let snapshot = self.snapshot(self.next_lease, scope);
            if reply.send(Ok(snapshot)).is_ok() {
                self.lease = Some(self.next_lease);
            }
        }
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

    pub(super) fn launch(&mut self, ctx: &mut Context<Self>, flight: Flight, write: Write) {
        let (store, id, now) = (self.env.store.clone(), self.id.clone(), now_secs());
        self.tick += 1;
        let (tick, at) = (self.tick, Instant::now());
        self.flight = Some((flight, tick, at));
        let work = async move { store.write(&id, &write, now).await };
        ctx.spawn(work.into_actor(self).map(move |result, act, ctx| {
            let (flight, ..) = act.flight.take().expect("the flight that finished");
            match flight {
                Flight::Write { scope, taken, adds, update } => {
                    act.after_write(result, scope, taken, adds, update, (tick, at))
                }
                Flight::Yield { then, lease, scope } => {
                    match result {
                        Ok(stored) => act.set_base(stored, tick, at),
                        Err(StoreError::NotFound) => act.gone = true,
                        Err(err) => {
                            tracing::warn!(session = %act.id, error = %err, "could not ask other writers to yield")
                        }
                    }
                    if let Some(reply) = then.filter(|_| !act.gone) {
                        let _ = reply.send(Ok(Some(Retry { snapshot: act.snapshot(lease, scope), conflict: true })));
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
                let fail = || Fail::Session(read_error(&err));
                for r in self.readers.drain(..) {
                    let _ = r.reply.send(Err(fail()));
                }
                for reply in self.openers.drain(..) {
                    let _ = reply.send(Err(fail()));
                }
                for (_, reply) in self.confirmers.drain(..) {
                    let _ = reply.send(Err(fail()));
                }
                if self.base.is_none() {
                    for (_, reply) in self.snapshots.drain(..) {
                        let _ = reply.send(Err(fail()));
                    }
                }
            }
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
        for (_, reply) in self.confirmers.drain(..) {
            let _ = reply.send(Err(gone()));
        }
        for (_, reply) in self.snapshots.drain(..) {
            let _ = reply.send(Err(gone()));
        }
        if let Some(job) = self.update.take() {
            let _ = job.reply.send(Err(gone()));
        }
        if let Some((_, _, reply)) = self.yield_wanted.take() {
            let _ = reply.send(Err(gone()));
        }
        for f in self.flushes.drain(..) {
            let _ = f.reply.send(Err(gone()));
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
            && self.confirmers.is_empty()
            && self.snapshots.is_empty()
            && self.lease.is_none()
            && self.update.is_none()
            && self.flushes.is_empty();
        if quiet && self.pending.is_empty() && idle >= self.env.config.idle {
            self.stop(ctx);
        } else if quiet && !self.pending.is_empty() && idle >= Duration::from_secs(1) {
            // Changes of a scope that stays alive and never flushed.
            self.adopt_idle_orphans();
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

/// A failed write, as its waiters learn it.
pub(super) fn store_error(err: &Arc<StoreError>) -> SessionError {
    SessionError::Store(Box::new(StoreFailure(err.clone())))
}

/// A failed read, as its waiters learn it.
fn read_error(err: &Arc<StoreError>) -> SessionError {
    SessionError::StoreRead(Box::new(StoreFailure(err.clone())))
}
