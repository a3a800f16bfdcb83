//! The session actor over the in-memory store: what each kind of call costs
//! in store round trips, no lost updates between two managers ("two
//! processes") sharing a store, conflicts, failures, expiry, idleness and
//! cancellation. The same contract runs against DynamoDB Local in
//! `tests/dynamodb.rs`.

use async_trait::async_trait;
use lambda_mcp_core::{Principal, SessionError, SessionHandle, SessionId, SessionManager};
use lambda_mcp_sessions::{MemoryStore, SessionConfig, SessionStore, StoreError, StoreSessions, StoredSession, Write};
use serde_json::json;
use std::collections::BTreeSet;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

/// Counts round trips and can be switched off (every call fails as if the
/// network were down) or made to lose every version race.
#[derive(Default)]
struct Probe {
    inner: MemoryStore,
    loads: AtomicU64,
    writes: AtomicU64,
    down: AtomicBool,
    always_conflict: AtomicBool,
}

impl Probe {
    fn round_trips(&self) -> (u64, u64) {
        (self.loads.load(Ordering::SeqCst), self.writes.load(Ordering::SeqCst))
    }

    fn check(&self) -> Result<(), StoreError> {
        if self.down.load(Ordering::SeqCst) {
            return Err(StoreError::Unavailable("connection refused".into()));
        }
        Ok(())
    }
}

#[async_trait]
impl SessionStore for Probe {
    async fn create(&self, id: &SessionId, session: &StoredSession) -> Result<(), StoreError> {
        self.check()?;
        self.inner.create(id, session).await
    }

    async fn load(&self, id: &SessionId, now: u64) -> Result<Option<StoredSession>, StoreError> {
        self.loads.fetch_add(1, Ordering::SeqCst);
        self.check()?;
        self.inner.load(id, now).await
    }

    async fn write(&self, id: &SessionId, write: &Write, now: u64) -> Result<StoredSession, StoreError> {
        self.writes.fetch_add(1, Ordering::SeqCst);
        self.check()?;
        if self.always_conflict.load(Ordering::SeqCst) && write.expected_version.is_some() {
            // Someone else always got there first.
            let bump = Write { bump_version: true, expires_at: write.expires_at, ..Write::default() };
            let current = self.inner.write(id, &bump, now).await?;
            return Err(StoreError::Conflict { current: Box::new(current) });
        }
        self.inner.write(id, write, now).await
    }

    async fn delete(&self, id: &SessionId, now: u64) -> Result<bool, StoreError> {
        self.check()?;
        self.inner.delete(id, now).await
    }
}

fn sessions(store: Arc<Probe>) -> StoreSessions {
    StoreSessions::new(store, SessionConfig::default()).unwrap()
}

/// Round trips since the last call: (loads, writes).
struct Meter(Arc<Probe>, (u64, u64));

impl Meter {
    fn step(&mut self) -> (u64, u64) {
        let now = self.0.round_trips();
        let delta = (now.0 - self.1 .0, now.1 - self.1 .1);
        self.1 = now;
        delta
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_kind_of_call_costs_what_the_design_says() {
    let store = Arc::new(Probe::default());
    let manager = sessions(store.clone());
    let s = SessionHandle::new(manager.create(None).await.unwrap());
    let mut m = Meter(store.clone(), store.round_trips());

    // The first request after creation reads from the cache creation filled.
    assert_eq!(s.get::<i64>("counter").await.unwrap(), None);
    s.flush().await.unwrap();
    assert_eq!(m.step(), (0, 0), "first request: the new session is known");

    // A read-only request: one consistent read, however many reads.
    assert_eq!(s.get::<i64>("counter").await.unwrap(), None);
    assert_eq!(s.get::<i64>("other").await.unwrap(), None);
    s.flush().await.unwrap();
    assert_eq!(m.step(), (1, 0), "read-only request");

    // A request that touches no state: nothing.
    s.flush().await.unwrap();
    assert_eq!(m.step(), (0, 0), "stateless request");

    // An increment: one write, no read; reads after it are free.
    assert_eq!(s.increment("counter", 5).await.unwrap(), 5);
    assert_eq!(s.get::<i64>("counter").await.unwrap(), Some(5));
    s.flush().await.unwrap();
    assert_eq!(m.step(), (0, 1), "increment request");

    // Sets and removes: buffered, one write at flush.
    s.set("a", &1).await.unwrap();
    s.set("b", &json!({"x": [1, 2]})).await.unwrap();
    s.remove("a").await.unwrap();
    assert_eq!(s.get::<i64>("a").await.unwrap(), None, "own changes are read locally");
    assert_eq!(m.step(), (0, 0), "nothing sent before the flush");
    s.flush().await.unwrap();
    assert_eq!(m.step(), (0, 1), "set/remove request");

    // An update on a cache that is still right: one write.
    let n = s.update(|st| {
        let n = st.get("counter").and_then(|v| v.as_i64()).unwrap_or(0) * 2;
        st.insert("counter".into(), json!(n));
        n
    });
    assert_eq!(n.await.unwrap(), 10);
    s.flush().await.unwrap();
    assert_eq!(m.step(), (0, 1), "update request");

    // An update that changes nothing writes nothing.
    s.update(|_| ()).await.unwrap();
    s.flush().await.unwrap();
    assert_eq!(m.step(), (0, 0), "no-op update");

    // Sets before an increment ride along with it.
    s.set("c", &3).await.unwrap();
    assert_eq!(s.increment("counter", 1).await.unwrap(), 11);
    s.flush().await.unwrap();
    assert_eq!(m.step(), (0, 1), "set + increment request");

    let state = manager.open(s.id().unwrap(), None).await.unwrap();
    let s2 = SessionHandle::new(state);
    assert_eq!(s2.get::<i64>("c").await.unwrap(), Some(3));
    assert_eq!(s2.get::<serde_json::Value>("b").await.unwrap(), Some(json!({"x": [1, 2]})));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_managers_on_one_store_lose_no_increment_and_no_update() {
    let store = Arc::new(Probe::default());
    let (a, b) = (sessions(store.clone()), sessions(store.clone()));
    let id = a.create(None).await.unwrap().id().clone();
    let on =
        [SessionHandle::new(a.open(&id, None).await.unwrap()), SessionHandle::new(b.open(&id, None).await.unwrap())];
    let mut tasks = Vec::new();
    for client in 0..8 {
        let on = on.clone();
        tasks.push(tokio::spawn(async move {
            let mut seen = Vec::new();
            for i in 0..50 {
                let s = &on[(client + i) % 2];
                seen.push(s.increment("n", 1).await.unwrap());
                s.update(|st| {
                    let u = st.get("u").and_then(|v| v.as_i64()).unwrap_or(0);
                    st.insert("u".into(), json!(u + 1));
                })
                .await
                .unwrap();
                s.flush().await.unwrap();
            }
            seen
        }));
    }
    let mut all = BTreeSet::new();
    for t in tasks {
        all.extend(t.await.unwrap());
    }
    assert_eq!(all, (1..=400).collect::<BTreeSet<i64>>(), "every increment saw its own value");
    for s in &on {
        assert_eq!(s.get::<i64>("n").await.unwrap(), Some(400));
        assert_eq!(s.get::<i64>("u").await.unwrap(), Some(400));
    }
}

#[tokio::test]
async fn an_update_that_keeps_conflicting_fails_clearly() {
    let store = Arc::new(Probe::default());
    let manager = StoreSessions::new(store.clone(), SessionConfig::default().update_attempts(5)).unwrap();
    let s = SessionHandle::new(manager.create(None).await.unwrap());
    store.always_conflict.store(true, Ordering::SeqCst);
    let mut runs = 0;
    let err = s
        .update(|st| {
            runs += 1;
            st.insert("k".into(), json!(runs));
        })
        .await
        .unwrap_err();
    assert!(matches!(err, SessionError::Conflict { attempts: 5, .. }), "{err}");
    assert_eq!(runs, 5);
    assert!(err.to_string().contains("was not applied"), "{err}");
    // The lease was given back: the next update goes through.
    store.always_conflict.store(false, Ordering::SeqCst);
    s.update(|st| {
        st.insert("k".into(), json!("ok"));
    })
    .await
    .unwrap();
    assert_eq!(s.get::<String>("k").await.unwrap().as_deref(), Some("ok"));
}

#[tokio::test]
async fn a_failed_write_is_reported_and_nothing_is_dropped() {
    let store = Arc::new(Probe::default());
    let manager = sessions(store.clone());
    let s = SessionHandle::new(manager.create(None).await.unwrap());
    s.increment("n", 1).await.unwrap();
    s.flush().await.unwrap();
    store.down.store(true, Ordering::SeqCst);
    let err = s.increment("n", 1).await.unwrap_err();
    assert!(err.to_string().contains("not saved") && err.to_string().contains("connection refused"), "{err}");
    s.set("note", &"kept").await.unwrap();
    let err = s.flush().await.unwrap_err();
    assert!(matches!(err, SessionError::Store(_)), "{err}");
    // Back up: the next flush writes what is still buffered.
    store.down.store(false, Ordering::SeqCst);
    s.flush().await.unwrap();
    let fresh = SessionHandle::new(sessions(store.clone()).open(s.id().unwrap(), None).await.unwrap());
    assert_eq!(fresh.get::<String>("note").await.unwrap().as_deref(), Some("kept"));
    assert_eq!(fresh.get::<i64>("n").await.unwrap(), Some(1), "the failed increment did not count");
}

#[tokio::test]
async fn owners_unknown_ids_and_end() {
    let store = Arc::new(Probe::default());
    let manager = sessions(store.clone());
    let alice = Principal::new("alice");
    let id = manager.create(Some(&alice)).await.unwrap().id().clone();
    assert!(manager.open(&id, Some(&alice)).await.is_ok());
    let other = sessions(store.clone());
    assert!(matches!(other.open(&id, Some(&Principal::new("bob"))).await, Err(SessionError::Forbidden(_))));
    assert!(matches!(other.open(&id, None).await, Err(SessionError::Forbidden(_))));
    assert!(matches!(manager.open(&SessionId::new("nope"), None).await, Err(SessionError::NotFound(_))));
    let s = SessionHandle::new(other.open(&id, Some(&alice)).await.unwrap());
    assert!(manager.end(&id).await.unwrap());
    assert!(!manager.end(&id).await.unwrap());
    assert!(matches!(manager.open(&id, Some(&alice)).await, Err(SessionError::NotFound(_))));
    // The other "process" learns it at its next write.
    assert!(matches!(s.increment("n", 1).await, Err(SessionError::NotFound(_))));
}

#[tokio::test]
async fn sessions_expire_and_activity_extends_them() {
    let store = Arc::new(Probe::default());
    let short = || StoreSessions::new(store.clone(), SessionConfig::default().ttl(Duration::from_secs(2))).unwrap();
    let manager = short();
    let idle = manager.create(None).await.unwrap().id().clone();
    let busy = SessionHandle::new(manager.create(None).await.unwrap());
    for _ in 0..7 {
        tokio::time::sleep(Duration::from_millis(500)).await;
        busy.get::<i64>("n").await.unwrap();
        busy.flush().await.unwrap();
    }
    assert!(matches!(short().open(&idle, None).await, Err(SessionError::NotFound(_))), "idle session expired");
    assert!(short().open(busy.id().unwrap(), None).await.is_ok(), "reads kept the busy one alive");
}

#[tokio::test]
async fn idle_actors_stop_and_come_back() {
    let store = Arc::new(Probe::default());
    let manager = StoreSessions::new(store.clone(), SessionConfig::default().idle(Duration::from_millis(200))).unwrap();
    let s = SessionHandle::new(manager.create(None).await.unwrap());
    s.increment("n", 2).await.unwrap();
    s.flush().await.unwrap();
    assert_eq!(manager.live_actors(), 1);
    tokio::time::sleep(Duration::from_millis(900)).await;
    assert_eq!(manager.live_actors(), 0);
    assert_eq!(s.increment("n", 1).await.unwrap(), 3, "a new actor serves the same handle");
}

#[tokio::test]
async fn a_dropped_call_leaves_no_half_done_write() {
    let store = Arc::new(Probe::default());
    let manager = sessions(store.clone());
    let s = SessionHandle::new(manager.create(None).await.unwrap());
    for _ in 0..20 {
        // Give up at once: the increment may or may not be sent, but is
        // applied whole if it is.
        let _ = tokio::time::timeout(Duration::from_micros(1), s.increment("n", 1)).await;
    }
    s.set("after", &true).await.unwrap();
    s.flush().await.unwrap();
    let n = s.get::<i64>("n").await.unwrap().unwrap_or(0);
    let fresh = SessionHandle::new(sessions(store.clone()).open(s.id().unwrap(), None).await.unwrap());
    assert_eq!(fresh.get::<i64>("n").await.unwrap().unwrap_or(0), n, "the cache and the store agree");
    assert_eq!(fresh.get::<bool>("after").await.unwrap(), Some(true));
}

#[tokio::test]
async fn read_and_write_failures_say_what_happened() {
    let store = Arc::new(Probe::default());
    let manager = sessions(store.clone());
    let id = manager.create(None).await.unwrap().id().clone();
    let s = SessionHandle::new(manager.open(&id, None).await.unwrap());
    s.get::<i64>("n").await.unwrap();
    s.flush().await.unwrap();
    store.down.store(true, Ordering::SeqCst);

    let read = s.get::<i64>("n").await.unwrap_err();
    assert!(matches!(read, SessionError::StoreRead(_)), "{read:?}");
    let text = read.to_string();
    assert!(text.contains("could not be read") && text.contains("connection refused"), "{text}");
    assert!(!text.contains("saved"), "a failed read saves nothing and loses nothing: {text}");
    let opened = match sessions(store.clone()).open(&id, None).await {
        Err(e) => e,
        Ok(_) => panic!("opened while the store is down"),
    };
    assert!(matches!(opened, SessionError::StoreRead(_)), "opening reads: {opened:?}");

    let written = s.increment("n", 1).await.unwrap_err();
    assert!(matches!(written, SessionError::Store(_)), "{written:?}");
    assert!(written.to_string().contains("state was not saved"), "{written}");
    s.set("k", &1).await.unwrap();
    let flushed = s.flush().await.unwrap_err();
    assert!(flushed.to_string().contains("state was not saved"), "{flushed}");
}
