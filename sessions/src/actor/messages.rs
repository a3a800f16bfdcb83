//! What a session handle asks its actor, and how the actor answers right
//! away from its cache or queues the question behind a store round trip.

use super::batch::{Op, Pending};
use super::{Fail, FlushWait, Reader, Retry, SessionActor, Snapshot, UpdateJob};
use crate::store::{now_secs, Change};
use actix::prelude::*;
use lambda_mcp_core::SessionError;
use serde_json::Value;
use std::time::Instant;
use tokio::sync::oneshot;

/// Where an answer arrives; it may come after a store round trip.
pub(crate) type Reply<T> = oneshot::Receiver<Result<T, Fail>>;

macro_rules! message {
    ($(#[$doc:meta])* $name:ident { $($field:ident: $ty:ty),* } -> $out:ty) => {
        $(#[$doc])*
        #[derive(Clone, Debug)]
        pub(crate) struct $name { $(pub(crate) $field: $ty),* }
        impl Message for $name {
            type Result = Reply<$out>;
        }
    };
}

message!(/// Reads one key, as `scope` sees it.
    Get { scope: u64, key: String } -> Option<Value>);
message!(/// Writes one key (buffered until the scope's next write).
    Set { scope: u64, key: String, value: Value } -> ());
message!(/// Deletes one key (buffered until the scope's next write).
    Remove { scope: u64, key: String } -> ());
message!(/// Adds to an integer key; answered once the store has it.
    Increment { scope: u64, key: String, delta: i64 } -> i64);
message!(/// The state to run an `update` on, and the session's update lease.
    TakeSnapshot { scope: u64 } -> Snapshot);
message!(/// The changes an `update` made to its snapshot.
    WriteUpdate { scope: u64, lease: u64, version: u64, mark: u64, changes: Vec<(String, Change)> } -> Option<Retry>);
message!(/// Gives the update lease back (an `update` that wrote nothing or was dropped).
    Release { lease: u64 } -> ());
message!(/// Answers once every change the scope made so far is in the store.
    Flush { scope: u64 } -> ());
message!(/// The session's owner, once it is known to exist.
    Open {} -> Option<String>);
message!(/// Answers once a round trip that started at or after `since` found the session.
    Confirm { since: Instant } -> ());
message!(/// The session was ended: fail everything, stop.
    Stop {} -> ());

/// A scope's handle was dropped: write what it left, or discard it if its
/// last flush failed (the client was told it was not saved).
#[derive(Clone, Debug)]
pub(crate) struct EndScope {
    pub(crate) scope: u64,
}

impl Message for EndScope {
    type Result = ();
}

impl SessionActor {
    /// Common to every message: note the activity; refuse when stopped.
    fn admit<T>(&mut self) -> (oneshot::Sender<Result<T, Fail>>, Reply<T>, bool) {
        self.last_used = std::time::Instant::now();
        let (tx, rx) = oneshot::channel();
        if self.stopping && !self.gone {
            let _ = tx.send(Err(Fail::Moved));
            return (oneshot::channel().0, rx, false);
        }
        if self.gone {
            let _ = tx.send(Err(Fail::Session(SessionError::NotFound(self.id.clone()))));
            return (oneshot::channel().0, rx, false);
        }
        (tx, rx, true)
    }

    fn push(&mut self, scope: u64, key: String, op: Op) {
        self.last_seq += 1;
        self.pending.push_back(Pending { seq: self.last_seq, scope, key, op });
    }
}

impl Handler<Get> for SessionActor {
    type Result = MessageResult<Get>;

    fn handle(&mut self, msg: Get, ctx: &mut Context<Self>) -> Self::Result {
        let (tx, rx, ok) = self.admit();
        if ok {
            if let Some(value) = self.known_locally(msg.scope, &msg.key) {
                let _ = tx.send(Ok(value));
            } else if self.fresh(self.boundary) {
                let _ = tx.send(Ok(self.view_value(msg.scope, &msg.key)));
            } else {
                self.readers.push(Reader { need: self.boundary, scope: msg.scope, key: msg.key, reply: tx });
                self.pump(ctx);
            }
        }
        MessageResult(rx)
    }
}

impl Handler<Set> for SessionActor {
    type Result = MessageResult<Set>;

    fn handle(&mut self, msg: Set, _ctx: &mut Context<Self>) -> Self::Result {
        let (tx, rx, ok) = self.admit();
        if ok {
            self.push(msg.scope, msg.key, Op::Set(msg.value));
            let _ = tx.send(Ok(()));
        }
        MessageResult(rx)
    }
}

impl Handler<Remove> for SessionActor {
    type Result = MessageResult<Remove>;

    fn handle(&mut self, msg: Remove, _ctx: &mut Context<Self>) -> Self::Result {
        let (tx, rx, ok) = self.admit();
        if ok {
            self.push(msg.scope, msg.key, Op::Remove);
            let _ = tx.send(Ok(()));
        }
        MessageResult(rx)
    }
}

impl Handler<Increment> for SessionActor {
    type Result = MessageResult<Increment>;

    fn handle(&mut self, msg: Increment, ctx: &mut Context<Self>) -> Self::Result {
        let (tx, rx, ok) = self.admit();
        if !ok {
            return MessageResult(rx);
        }
        // Refuse what the store would refuse, as far as the cache knows.
        let current = self.known_locally(msg.scope, &msg.key).unwrap_or_else(|| self.view_value(msg.scope, &msg.key));
        let refused = match &current {
            Some(v) if v.as_i64().is_none() => Some(v.to_string()),
            Some(v) if v.as_i64().and_then(|n| n.checked_add(msg.delta)).is_none() => {
                Some(format!("{v} (adding {} overflows)", msg.delta))
            }
            _ => None,
        };
        match refused {
            Some(found) => {
                let _ = tx.send(Err(Fail::Session(SessionError::NotAnInteger { key: msg.key, found })));
            }
            None => {
                self.push(msg.scope, msg.key, Op::Add { delta: msg.delta, reply: tx });
                self.pump(ctx);
            }
        }
        MessageResult(rx)
    }
}

impl Handler<TakeSnapshot> for SessionActor {
    type Result = MessageResult<TakeSnapshot>;

    fn handle(&mut self, msg: TakeSnapshot, ctx: &mut Context<Self>) -> Self::Result {
        let (tx, rx, ok) = self.admit();
        if ok {
            self.snapshots.push_back((msg.scope, tx));
            self.pump(ctx);
        }
        MessageResult(rx)
    }
}

impl Handler<WriteUpdate> for SessionActor {
    type Result = MessageResult<WriteUpdate>;

    fn handle(&mut self, msg: WriteUpdate, ctx: &mut Context<Self>) -> Self::Result {
        let (tx, rx, ok) = self.admit();
        if ok {
            if self.lease != Some(msg.lease) {
                let _ = tx.send(Err(Fail::Session(SessionError::Store("the update lease was lost".into()))));
            } else {
                self.update = Some(UpdateJob {
                    scope: msg.scope,
                    lease: msg.lease,
                    version: msg.version,
                    mark: msg.mark,
                    changes: msg.changes,
                    reply: tx,
                });
                self.pump(ctx);
            }
        }
        MessageResult(rx)
    }
}

impl Handler<Release> for SessionActor {
    type Result = MessageResult<Release>;

    fn handle(&mut self, msg: Release, ctx: &mut Context<Self>) -> Self::Result {
        let (tx, rx) = oneshot::channel();
        if self.lease == Some(msg.lease) {
            self.lease = None;
            if self.update.as_ref().is_some_and(|u| u.lease == msg.lease) {
                self.update = None;
            }
            self.pump(ctx);
        }
        let _ = tx.send(Ok(()));
        MessageResult(rx)
    }
}

impl Handler<Flush> for SessionActor {
    type Result = MessageResult<Flush>;

    fn handle(&mut self, msg: Flush, ctx: &mut Context<Self>) -> Self::Result {
        let (tx, rx, ok) = self.admit();
        if ok {
            let target = self.last_seq;
            if self.settled(msg.scope, target) {
                self.end_request();
                self.failed.remove(&msg.scope);
                let _ = tx.send(Ok(()));
                self.touch_wanted = self.refresh_due(now_secs());
            } else {
                self.flushes.push(FlushWait { scope: msg.scope, target, reply: tx });
            }
            self.pump(ctx);
        }
        MessageResult(rx)
    }
}

impl Handler<Confirm> for SessionActor {
    type Result = MessageResult<Confirm>;

    fn handle(&mut self, msg: Confirm, ctx: &mut Context<Self>) -> Self::Result {
        let (tx, rx, ok) = self.admit();
        if ok {
            let now = now_secs();
            if self.confirmed(msg.since, now) {
                let _ = tx.send(Ok(()));
                // A request that made no round trip is activity too.
                self.touch_wanted = self.refresh_due(now);
            } else {
                self.confirmers.push((msg.since, tx));
            }
            self.pump(ctx);
        }
        MessageResult(rx)
    }
}

impl Handler<EndScope> for SessionActor {
    type Result = ();

    fn handle(&mut self, msg: EndScope, ctx: &mut Context<Self>) {
        if !self.gone && !self.stopping {
            self.end_scope(msg.scope);
            self.pump(ctx);
        }
    }
}

impl Handler<Open> for SessionActor {
    type Result = MessageResult<Open>;

    fn handle(&mut self, _msg: Open, ctx: &mut Context<Self>) -> Self::Result {
        let (tx, rx, ok) = self.admit();
        if ok {
            let now = now_secs();
            match &self.base {
                Some(base) if !base.expired(now) => {
                    let _ = tx.send(Ok(base.owner.clone()));
                    // Opening is activity: slide the expiry in the background when due.
                    if self.refresh_due(now) {
                        self.touch_wanted = true;
                        self.pump(ctx);
                    }
                }
                _ => {
                    self.openers.push(tx);
                    self.pump(ctx);
                }
            }
        }
        MessageResult(rx)
    }
}

impl Handler<Stop> for SessionActor {
    type Result = MessageResult<Stop>;

    fn handle(&mut self, _msg: Stop, ctx: &mut Context<Self>) -> Self::Result {
        let (tx, rx) = oneshot::channel();
        self.gone = true;
        self.pump(ctx);
        let _ = tx.send(Ok(()));
        MessageResult(rx)
    }
}
