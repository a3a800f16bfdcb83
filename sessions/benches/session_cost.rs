//! What a tool call costs in DynamoDB requests and latency, per kind of
//! call, through the real router (`tools/call` → tool → `flush`):
//!
//! ```sh
//! cargo bench -p lambda-mcp-sessions --bench session_cost            # 300 calls per row
//! SESSION_COST_CALLS=1000 cargo bench -p lambda-mcp-sessions --bench session_cost
//! ```
//!
//! Requests are counted by an SDK interceptor ([`RequestCounter`]) on the
//! client, per call. DynamoDB Local (started here, as in the tests) stands
//! in for DynamoDB: its latency is a local JVM's, not the service's, so
//! the added latency is a lower bound; the request counts are exact.

#[path = "../tests/support/mod.rs"]
mod support;
use support::LocalStores;

use lambda_mcp_core::context::Discard;
use lambda_mcp_core::jsonrpc::{Message, Request};
use lambda_mcp_core::{tool, Connection, ProtocolVersion, Server, SessionManager};
use lambda_mcp_sessions::{MemorySessions, MemoryStore, RequestCounter, SessionConfig, StoreSessions};
use serde_json::{json, Value};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Say hello; touches no state (a stateless tool called in a session).
#[tool(read_only)]
async fn say_hello_world() -> String {
    "Hello MCP World!".into()
}

const CALLS: [&str; 4] = ["say_hello_world", "get_counter", "increment_counter", "bump_by_update"];

struct Row {
    call: &'static str,
    store: &'static str,
    requests: Option<(f64, u64)>,
    p50: Duration,
    p90: Duration,
}

async fn measure(
    label: &'static str,
    sessions: Arc<dyn SessionManager>,
    counter: Option<&RequestCounter>,
    calls: usize,
) -> Vec<Row> {
    let server = Server::builder("bench", "1")
        .tool(say_hello_world)
        .tool(support::bump_by_update)
        .tool(lambda_mcp_tool_counter::increment_counter)
        .tool(lambda_mcp_tool_counter::get_counter)
        .sessions(sessions.clone())
        .build();
    let session = sessions.create(None).await.expect("create a session");
    let conn = server.resume(session, None, ProtocolVersion::V2025_11_25);
    let mut rows = Vec::new();
    let mut id = 0i64;
    for name in CALLS {
        // Let DynamoDB Local's JVM finish what the last row left it doing (GC, JIT): 2 cores only.
        tokio::time::sleep(Duration::from_millis(if calls > 10 { 1500 } else { 0 })).await;
        let mut latencies = Vec::with_capacity(calls);
        let mut requests = Vec::with_capacity(calls);
        let warmup = calls.min(30);
        for i in 0..calls + warmup {
            id += 1;
            let before = counter.map(RequestCounter::total).unwrap_or(0);
            let start = Instant::now();
            let result = call(&server, &conn, id, name).await;
            let took = start.elapsed();
            assert_ne!(result["isError"], true, "{label} {name}: {result}");
            if i >= warmup {
                latencies.push(took);
                requests.push(counter.map(RequestCounter::total).unwrap_or(0) - before);
            }
        }
        latencies.sort();
        let mean = requests.iter().sum::<u64>() as f64 / requests.len() as f64;
        rows.push(Row {
            call: name,
            store: label,
            requests: counter.map(|_| (mean, requests.iter().copied().max().unwrap_or(0))),
            p50: latencies[latencies.len() / 2],
            p90: latencies[latencies.len() * 9 / 10],
        });
    }
    rows
}

async fn call(server: &Server, conn: &Connection, id: i64, name: &str) -> Value {
    let params = json!({"name": name, "arguments": {}});
    let request = Request::new(id, "tools/call", params.as_object().cloned());
    match server.handle(conn, Message::Request(request), Arc::new(Discard)).await {
        Some(Message::Response(r)) => r.result.to_value(),
        other => panic!("{name}: {other:?}"),
    }
}

fn micros(d: Duration) -> String {
    format!("{:.0} µs", d.as_secs_f64() * 1e6)
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    // `cargo bench` passes `--bench`; `cargo test --all-targets` does not: then a quick smoke run.
    let full = std::env::args().any(|a| a == "--bench");
    let calls: usize =
        std::env::var("SESSION_COST_CALLS").ok().and_then(|v| v.parse().ok()).unwrap_or(if full { 300 } else { 3 });
    eprintln!("starting DynamoDB Local…");
    let local = support::DynamoDbLocal::start();
    let (counter, trusting) = (RequestCounter::default(), RequestCounter::default());
    let dynamo = local.store(Some(&counter)).await;
    let dynamo_trusting = lambda_mcp_sessions::DynamoStore::new(local.config(Some(&trusting)), dynamo.table());

    // Warm DynamoDB Local's JVM up first, so that rows compare like with like.
    let warm = StoreSessions::new(
        lambda_mcp_sessions::DynamoStore::new(local.config(None), dynamo.table()),
        SessionConfig::default(),
    )
    .unwrap();
    measure("warm-up", Arc::new(warm), None, calls).await;

    let mut rows = Vec::new();
    rows.extend(measure("memory (MemorySessions, no actor)", Arc::new(MemorySessions::default()), None, calls).await);
    let actor_memory = StoreSessions::new(MemoryStore::new(), SessionConfig::default()).unwrap();
    rows.extend(measure("memory store + session actor", Arc::new(actor_memory), None, calls).await);
    let actor_dynamo = StoreSessions::new(dynamo, SessionConfig::default()).unwrap();
    rows.extend(measure("DynamoDB Local + session actor", Arc::new(actor_dynamo), Some(&counter), calls).await);
    let trusted = SessionConfig::default().trust_cache_for(Duration::from_secs(60));
    let actor_trusting = StoreSessions::new(dynamo_trusting, trusted).unwrap();
    rows.extend(measure("DynamoDB Local, cache trusted 60 s", Arc::new(actor_trusting), Some(&trusting), calls).await);

    let warmup = calls.min(30);
    println!(
        "\nSession cost per tools/call ({calls} sequential calls per row after {warmup} warm-up calls; one session)\n"
    );
    println!("| call | store | DynamoDB requests per call (mean / max) | p50 | p90 | p50 added vs memory |");
    println!("|---|---|---|---|---|---|");
    for name in CALLS {
        let base = rows.iter().find(|r| r.call == name).map(|r| r.p50).unwrap_or_default();
        for r in rows.iter().filter(|r| r.call == name) {
            let requests = r.requests.map_or("–".to_owned(), |(mean, max)| format!("{mean:.2} / {max}"));
            let added = if r.p50 >= base { micros(r.p50 - base) } else { format!("-{}", micros(base - r.p50)) };
            println!(
                "| `{}` | {} | {} | {} | {} | {} |",
                r.call,
                r.store,
                requests,
                micros(r.p50),
                micros(r.p90),
                added
            );
        }
    }
    println!("\nBy operation: default {:?}; trusted cache {:?}", counter.by_operation(), trusting.by_operation());
    drop(local);
}
