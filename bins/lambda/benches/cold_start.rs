//! Cold start of the real `mcp-lambda` bootstrap under the Runtime API
//! emulator, with DynamoDB sessions (AWS's DynamoDB Local), beside the
//! floor: `lambda-echo`, a bare lambda_runtime function, in the same run.
//!
//!     cargo bench -p lambda-mcp-bin-lambda --bench cold_start
//!
//! Cold start = process start → the first response, for an `initialize`
//! (which creates the session item) and, in fresh environments, for a
//! stateless `tools/call`; median and max of 20 each. Then warm invocations
//! (p50/p99 of 200), the bootstrap's size and its peak RSS.
//!
//! `cargo test --all-targets` runs this binary without `--bench`: then it is
//! a smoke test of the same code (two cold starts and a few warm calls of
//! `mcp-lambda`, no floor, no figures), which needs nothing built beforehand.

use lambda_mcp_test_support::dynamodb_local::DynamoDbLocal;
use lambda_mcp_test_support::lambda::{Function, HttpEvent, HttpReply, Shape};
use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

const RUNS: usize = 20;
const WARM: usize = 200;

fn initialize() -> HttpEvent {
    let body = json!({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
        "protocolVersion": "2025-11-25", "capabilities": {}, "clientInfo": {"name": "bench", "version": "1"}}});
    post(&body).header("MCP-Protocol-Version", "2025-11-25")
}

fn hello() -> HttpEvent {
    let body = json!({"jsonrpc": "2.0", "id": 2, "method": "tools/call", "params": {"name": "say_hello_world",
        "arguments": {}, "_meta": {"io.modelcontextprotocol/protocolVersion": "2026-07-28",
        "io.modelcontextprotocol/clientCapabilities": {}}}});
    post(&body)
        .header("MCP-Protocol-Version", "2026-07-28")
        .header("Mcp-Method", "tools/call")
        .header("Mcp-Name", "say_hello_world")
}

fn post(body: &Value) -> HttpEvent {
    HttpEvent::new(Shape::RestV1, "POST", "/mcp")
        .header("Content-Type", "application/json")
        .header("Accept", "application/json, text/event-stream")
        .principal(Some("bench"))
        .body(body.to_string().as_bytes())
}

/// The time from process start to the first answer, and the environment.
async fn cold(bootstrap: &Path, env: &[(String, String)], event: &HttpEvent) -> (Duration, Function) {
    let function = Function::start(bootstrap, env).await.expect("start the bootstrap");
    let answer = function.invoke(&event.to_bytes(), Duration::from_secs(30)).await.expect("an answer");
    let took = function.started().elapsed();
    let reply = HttpReply::from_json(&serde_json::from_slice(&answer).unwrap()).unwrap();
    assert_eq!(reply.status, 200, "{}", String::from_utf8_lossy(&reply.body));
    (took, function)
}

async fn cold_series(
    bootstrap: &Path,
    env: &[(String, String)],
    event: &HttpEvent,
    runs: usize,
) -> (Vec<Duration>, u64) {
    let mut times = Vec::with_capacity(runs);
    let mut peak = 0;
    for _ in 0..runs {
        let (took, function) = cold(bootstrap, env, event).await;
        peak = peak.max(function.peak_rss_kib().unwrap_or(0));
        function.stop().await;
        times.push(took);
    }
    times.sort();
    (times, peak)
}

async fn warm_series(function: &Function, event: &HttpEvent, calls: usize) -> Vec<Duration> {
    let bytes = event.to_bytes();
    let mut times = Vec::with_capacity(calls);
    for _ in 0..calls {
        let started = Instant::now();
        function.invoke(&bytes, Duration::from_secs(30)).await.expect("an answer");
        times.push(started.elapsed());
    }
    times.sort();
    times
}

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1000.0)
}

fn size_mib(path: &Path) -> String {
    let bytes = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
    format!("{:.1} MiB", bytes as f64 / (1024.0 * 1024.0))
}

fn sibling(name: &str) -> PathBuf {
    Path::new(env!("CARGO_BIN_EXE_mcp-lambda")).with_file_name(name)
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    // `cargo bench` passes `--bench`; `cargo test --all-targets` does not.
    let measuring = std::env::args().any(|a| a == "--bench");
    let mcp = PathBuf::from(env!("CARGO_BIN_EXE_mcp-lambda"));
    let echo = sibling("lambda-echo");
    if measuring {
        assert!(
            echo.exists(),
            "build the floor first: cargo build --release -p lambda-mcp-test-support --bin lambda-echo"
        );
    }
    let db = DynamoDbLocal::start();
    let mut env = db.env();
    env.extend([
        ("MCP_SESSION_TABLE".to_owned(), "bench_sessions".to_owned()),
        ("MCP_STATE_SECRET".to_owned(), "bench-state-secret".to_owned()),
        ("RUST_LOG".to_owned(), "warn".to_owned()),
    ]);
    // Create the table and warm DynamoDB Local's JVM; not measured.
    let mut setup = env.clone();
    setup.push(("MCP_CREATE_TABLE".to_owned(), "true".to_owned()));
    for _ in 0..if measuring { 5 } else { 1 } {
        cold(&mcp, &setup, &initialize()).await.1.stop().await;
    }
    if !measuring {
        let (_, function) = cold(&mcp, &env, &hello()).await;
        let warm = warm_series(&function, &hello(), 5).await;
        function.stop().await;
        drop(db);
        println!("cold_start: smoke run passed ({} warm calls); figures: cargo bench", warm.len());
        return;
    }

    let (floor, floor_rss) = cold_series(&echo, &env, &hello(), RUNS).await;
    let (init, init_rss) = cold_series(&mcp, &env, &initialize(), RUNS).await;
    let (call, call_rss) = cold_series(&mcp, &env, &hello(), RUNS).await;
    let (_, warm_fn) = cold(&mcp, &env, &hello()).await;
    let warm = warm_series(&warm_fn, &hello(), WARM).await;
    let warm_rss = warm_fn.peak_rss_kib().unwrap_or(0);
    warm_fn.stop().await;
    let (_, echo_fn) = cold(&echo, &env, &hello()).await;
    let warm_floor = warm_series(&echo_fn, &hello(), WARM).await;
    echo_fn.stop().await;

    println!("cold start, process start -> first response, {RUNS} fresh environments each (DynamoDB Local sessions)");
    println!("{:<44} {:>10} {:>10} {:>12}", "", "median", "max", "peak RSS");
    let row = |name: &str, t: &[Duration], rss: u64| {
        println!("{:<44} {:>10} {:>10} {:>9} MiB", name, ms(t[t.len() / 2]), ms(t[t.len() - 1]), rss / 1024);
    };
    row("lambda-echo (floor: bare lambda_runtime)", &floor, floor_rss);
    row("mcp-lambda: initialize (creates the session)", &init, init_rss);
    row("mcp-lambda: tools/call (2026-07-28)", &call, call_rss);
    println!();
    println!("warm invocations through the emulator, {WARM} each");
    println!("{:<44} {:>10} {:>10}", "", "p50", "p99");
    let warm_row = |name: &str, t: &[Duration]| {
        println!("{:<44} {:>10} {:>10}", name, ms(t[t.len() / 2]), ms(t[t.len() * 99 / 100]));
    };
    warm_row("lambda-echo (floor)", &warm_floor);
    warm_row("mcp-lambda: tools/call say_hello_world", &warm);
    println!(
        "overhead over the floor (p50): {}; peak RSS after {WARM} calls: {} MiB",
        ms(warm[warm.len() / 2].saturating_sub(warm_floor[warm_floor.len() / 2])),
        warm_rss / 1024
    );
    println!();
    println!("bootstrap size: mcp-lambda {} (this build), lambda-echo {}", size_mib(&mcp), size_mib(&echo));
    drop(db);
}
