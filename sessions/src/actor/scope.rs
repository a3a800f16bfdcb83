//! The life of a request scope in the actor: what happens to the changes a
//! scope leaves behind when its request ends without flushing them, or
//! after its flush failed.
//!
//! The rule: a request's changes are written by its own flush. If its
//! flush failed (the client was told the state was not saved), the changes
//! wait for the scope's next flush and are discarded when the scope ends.
//! If the scope ends without having flushed them (its request's future was
//! dropped), they are written at once, as an orphan write with nobody
//! waiting for it; should that write fail, they are discarded too (nobody
//! is left to retry or report them). A scope that stays alive without
//! flushing has its changes written after a second of idleness.

use super::batch::{Op, Pending};
use super::SessionActor;

impl SessionActor {
    /// A scope's handle was dropped.
    pub(super) fn end_scope(&mut self, scope: u64) {
        if !self.has_pending(scope) && !self.in_flight_for(scope) {
            self.forget_scope(scope);
            return;
        }
        if self.failed.contains(&scope) {
            self.discard(scope, "its flush failed");
        }
        if self.has_pending(scope) || self.in_flight_for(scope) {
            self.ended.insert(scope);
            self.orphans.insert(scope);
        } else {
            self.forget_scope(scope);
        }
    }

    /// Whether the write in flight carries changes of `scope`.
    fn in_flight_for(&self, scope: u64) -> bool {
        matches!(&self.flight, Some((super::Flight::Write { scope: s, .. }, ..)) if *s == scope)
    }

    /// Drops the scope's buffered `set`s and `remove`s (its adds are
    /// already being written and are kept).
    pub(super) fn discard(&mut self, scope: u64, why: &str) {
        let before = self.pending.len();
        self.pending.retain(|p| p.scope != scope || matches!(p.op, Op::Add { .. }));
        let dropped = before - self.pending.len();
        if dropped > 0 {
            tracing::warn!(session = %self.id, dropped, reason = why, "discarding unsaved changes of an ended request");
        }
    }

    /// Forgets whatever the actor noted about a scope that has nothing left.
    pub(super) fn forget_scope(&mut self, scope: u64) {
        self.failed.remove(&scope);
        self.ended.remove(&scope);
        self.orphans.remove(&scope);
    }

    /// After a write of `scope` settled: forget the scope if it ended and
    /// has nothing left.
    pub(super) fn tidy_scope(&mut self, scope: u64) {
        if !self.has_pending(scope) {
            self.orphans.remove(&scope);
            if self.ended.contains(&scope) {
                self.forget_scope(scope);
            }
        }
    }

    /// The scopes that have changes waiting and no flush to write them,
    /// except those whose flush failed: they wait for their next flush.
    pub(super) fn adopt_idle_orphans(&mut self) {
        let idle: Vec<u64> =
            self.pending.iter().map(|p: &Pending| p.scope).filter(|s| !self.failed.contains(s)).collect();
        self.orphans.extend(idle);
    }
}
