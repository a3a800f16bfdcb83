//! Writes: which scope the next `UpdateItem` serves, what it carries, and
//! how its outcome is folded back into the cache and the waiters.

use super::batch::{self, AddResult, Op, Pending};
use super::pump::store_error;
use super::{Fail, Flight, Retry, SessionActor, UpdateJob};
use crate::store::{now_secs, StoreError, StoredSession, Write};
use actix::prelude::*;
use lambda_mcp_core::SessionError;
use std::collections::VecDeque;
use std::sync::Arc;
use std::time::Instant;

impl SessionActor {
    pub(super) fn wants_write(&self) -> bool {
        self.yield_wanted.is_some()
            || self.update.is_some()
            || self.pending.iter().any(|p| matches!(p.op, Op::Add { .. }))
            || self.flushes.iter().any(|f| self.has_pending(f.scope))
            || self.orphans.iter().any(|s| self.has_pending(*s))
    }

    /// The scope the next write serves, and the update that rides along.
    /// Adds first (their callers wait, and an update must see them), then
    /// the update, then flushes in the order they came, then orphans.
    fn next_write(&mut self) -> Option<(u64, Option<UpdateJob>)> {
        if let Some(p) = self.pending.iter().find(|p| matches!(p.op, Op::Add { .. })) {
            return Some((p.scope, None));
        }
        if let Some(job) = self.update.take() {
            return Some((job.scope, Some(job)));
        }
        if let Some(f) = self.flushes.iter().find(|f| self.has_pending(f.scope)) {
            return Some((f.scope, None));
        }
        let idle: Vec<u64> = self.orphans.iter().copied().filter(|s| !self.has_pending(*s)).collect();
        for scope in idle {
            self.tidy_scope(scope);
        }
        self.orphans.first().map(|scope| (*scope, None))
    }

    /// Starts the next write; `false` when an update's snapshot turned out
    /// stale here (answered with a fresh one) and nothing was sent.
    pub(super) fn launch_write(&mut self, ctx: &mut Context<Self>) -> bool {
        let Some((scope, job)) = self.next_write() else { return true };
        let stale = job.as_ref().is_some_and(|job| {
            let base = self.base.as_ref().expect("an update lease needs the session");
            base.version != job.version || self.pending.iter().any(|p| p.scope == job.scope && p.seq > job.mark)
        });
        let job = match job {
            Some(job) if stale => {
                let snapshot = self.snapshot(job.lease, job.scope);
                let _ = job.reply.send(Ok(Some(Retry { snapshot, conflict: false })));
                return false;
            }
            other => other,
        };
        let plan = batch::plan(self.pending.iter().filter(|p| p.scope == scope));
        let taken = self.take(scope, plan.taken);
        let mut write = Write {
            changes: plan.changes,
            expires_at: now_secs() + self.env.config.ttl_secs(),
            bump_version: true,
            ..Write::default()
        };
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
        self.launch(ctx, Flight::Write { scope, taken, adds: plan.adds, update: job }, write);
        true
    }

    /// Takes the first `n` waiting changes of `scope` out of the queue.
    fn take(&mut self, scope: u64, n: usize) -> Vec<Pending> {
        let mut taken = Vec::with_capacity(n);
        let mut rest = VecDeque::with_capacity(self.pending.len());
        for p in self.pending.drain(..) {
            if p.scope == scope && taken.len() < n {
                taken.push(p);
            } else {
                rest.push_back(p);
            }
        }
        self.pending = rest;
        taken
    }

    /// Puts changes whose write did not happen back in the queue, in order.
    pub(super) fn restore(&mut self, taken: Vec<Pending>) {
        if taken.is_empty() {
            return;
        }
        self.pending.extend(taken);
        self.pending.make_contiguous().sort_by_key(|p| p.seq);
    }

    pub(super) fn after_write(
        &mut self,
        result: Result<StoredSession, StoreError>,
        scope: u64,
        taken: Vec<Pending>,
        adds: Vec<AddResult>,
        update: Option<UpdateJob>,
        (tick, at): (u64, Instant),
    ) {
        match result {
            Ok(stored) => {
                answer_adds(&stored, taken, adds);
                if let Some(job) = update {
                    self.conflicts_in_row = 0;
                    self.lease = None;
                    let _ = job.reply.send(Ok(None));
                }
                self.set_base(stored, tick, at);
                self.answer_settled_flushes();
                self.tidy_scope(scope);
            }
            Err(StoreError::Conflict { current }) => {
                self.set_base(*current, tick, at);
                self.restore(taken);
                if let Some(job) = update {
                    self.conflicts_in_row += 1;
                    if self.conflicts_in_row.is_multiple_of(self.env.config.yield_after) {
                        // Lost too often: ask the others for room first, answer after.
                        self.yield_wanted = Some((job.lease, job.scope, job.reply));
                    } else {
                        let snapshot = self.snapshot(job.lease, job.scope);
                        let _ = job.reply.send(Ok(Some(Retry { snapshot, conflict: true })));
                    }
                }
            }
            Err(StoreError::NotFound) => {
                self.gone = true;
                let gone = || Fail::Session(SessionError::NotFound(self.id.clone()));
                for p in taken {
                    if let Op::Add { reply, .. } = p.op {
                        let _ = reply.send(Err(gone()));
                    }
                }
                if let Some(job) = update {
                    let _ = job.reply.send(Err(gone()));
                }
            }
            Err(err) => self.write_failed(Arc::new(err), scope, taken, update),
        }
    }

    /// A write failed: its adds and update fail, its sets and removes wait
    /// for the scope's next flush, and the scope's waiting flushes (only
    /// that scope's) learn of it.
    fn write_failed(&mut self, err: Arc<StoreError>, scope: u64, taken: Vec<Pending>, update: Option<UpdateJob>) {
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
        let (failed, waiting): (Vec<_>, Vec<_>) =
            std::mem::take(&mut self.flushes).into_iter().partition(|f| f.scope == scope);
        self.flushes = waiting;
        if !failed.is_empty() {
            for f in failed {
                let _ = f.reply.send(Err(Fail::Session(store_error(&err))));
            }
            self.failed.insert(scope);
            self.end_request();
        }
        if self.ended.contains(&scope) {
            // Nobody is left to retry or report them.
            self.discard(scope, "its orphan write failed");
        }
        // No retry loop: an idle scope's changes are tried again after the next idle second.
        self.orphans.remove(&scope);
        self.tidy_scope(scope);
        // The store may or may not hold the write: read before trusting the cache again.
        self.base_tick = 0;
    }

    pub(super) fn answer_settled_flushes(&mut self) {
        let flushes = std::mem::take(&mut self.flushes);
        let mut ended = false;
        for f in flushes {
            if self.settled(f.scope, f.target) {
                ended = true;
                self.failed.remove(&f.scope);
                let _ = f.reply.send(Ok(()));
            } else {
                self.flushes.push(f);
            }
        }
        if ended {
            self.end_request();
        }
    }
}

/// Tells each add of a successful write the value it produced.
fn answer_adds(stored: &StoredSession, taken: Vec<Pending>, adds: Vec<AddResult>) {
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
                Fail::Session(SessionError::NotAnInteger { key: p.key, found: "a value out of range".into() })
            }));
        }
    }
}
