//! `search_website` against a local server that speaks Serper's API: it
//! records every request (method, path, headers, body) and answers from a
//! script, so each test checks both what the tool sends and how it reads
//! each kind of answer.

use http_body_util::{BodyExt, Full};
use hyper::body::{Bytes, Incoming};
use hyper::{HeaderMap, Request, Response};
use hyper_util::rt::TokioIo;
use lambda_mcp_core::jsonrpc::RequestId;
use lambda_mcp_core::{Arguments, CallToolResult, ProtocolVersion, Tool, ToolContext};
use lambda_mcp_tool_web_search::{SerperConfig, WebSearch};
use serde_json::{json, Value};
use std::collections::VecDeque;
use std::convert::Infallible;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::net::TcpListener;

const KEY: &str = "test-key-0123456789abcdef";

/// What Serper answered to "rust programming language" (trimmed).
const SERPER_OK: &str = r#"{
  "searchParameters": {"q": "rust programming language", "type": "search", "num": 2, "engine": "google"},
  "answerBox": {"title": "Rust", "answer": "A language empowering everyone to build reliable and efficient software.", "link": "https://www.rust-lang.org/"},
  "knowledgeGraph": {"title": "Rust", "type": "Programming language", "website": "https://www.rust-lang.org/",
                     "description": "Rust is a general-purpose programming language.",
                     "attributes": {"Designed by": "Graydon Hoare", "First appeared": "2015"}},
  "organic": [
    {"title": "Rust Programming Language", "link": "https://www.rust-lang.org/",
     "snippet": "A language empowering everyone to build reliable and efficient software.", "position": 1,
     "sitelinks": [{"title": "Install", "link": "https://www.rust-lang.org/tools/install"}]},
    {"title": "Rust (programming language) - Wikipedia", "link": "https://en.wikipedia.org/wiki/Rust_(programming_language)",
     "snippet": "Rust is a general-purpose programming language emphasizing performance.", "date": "3 days ago", "position": 2}
  ],
  "peopleAlsoAsk": [{"question": "Is Rust hard to learn?"}],
  "credits": 1
}"#;

/// One scripted answer.
#[derive(Clone)]
struct Reply {
    status: u16,
    body: &'static str,
    headers: Vec<(&'static str, &'static str)>,
    delay: Duration,
}

fn reply(status: u16, body: &'static str) -> Reply {
    Reply { status, body, headers: vec![("content-type", "application/json")], delay: Duration::ZERO }
}

/// One request as the server saw it.
struct Seen {
    method: String,
    path: String,
    headers: HeaderMap,
    body: Value,
}

/// A Serper stand-in on a random loopback port. Answers with the script in
/// order (the last reply repeats); stops when dropped.
struct FakeSerper {
    url: String,
    seen: Arc<Mutex<Vec<Seen>>>,
    task: tokio::task::JoinHandle<()>,
}

impl FakeSerper {
    async fn start(script: Vec<Reply>) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let seen = Arc::new(Mutex::new(Vec::new()));
        let script = Arc::new(Mutex::new(VecDeque::from(script)));
        let (seen2, script2) = (seen.clone(), script.clone());
        let task = tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let (seen, script) = (seen2.clone(), script2.clone());
                let service = hyper::service::service_fn(move |req| answer(req, seen.clone(), script.clone()));
                tokio::spawn(
                    hyper::server::conn::http1::Builder::new().serve_connection(TokioIo::new(stream), service),
                );
            }
        });
        FakeSerper { url, seen, task }
    }

    fn requests(&self) -> usize {
        self.seen.lock().unwrap().len()
    }
}

impl Drop for FakeSerper {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn answer(
    req: Request<Incoming>,
    seen: Arc<Mutex<Vec<Seen>>>,
    script: Arc<Mutex<VecDeque<Reply>>>,
) -> Result<Response<Full<Bytes>>, Infallible> {
    let (parts, body) = req.into_parts();
    let body = body.collect().await.map(|b| b.to_bytes()).unwrap_or_default();
    seen.lock().unwrap().push(Seen {
        method: parts.method.to_string(),
        path: parts.uri.path().to_owned(),
        headers: parts.headers,
        body: serde_json::from_slice(&body).unwrap_or(Value::Null),
    });
    let next = {
        let mut script = script.lock().unwrap();
        if script.len() > 1 {
            script.pop_front().unwrap()
        } else {
            script[0].clone()
        }
    };
    tokio::time::sleep(next.delay).await;
    let mut response = Response::builder().status(next.status);
    for (name, value) in next.headers {
        response = response.header(name, value);
    }
    Ok(response.body(Full::new(Bytes::from_static(next.body.as_bytes()))).unwrap())
}

fn tool(server: &FakeSerper) -> WebSearch {
    let config = SerperConfig::new(KEY).base_url(&server.url).retry_delay(Duration::from_millis(10));
    WebSearch::new(config).unwrap()
}

async fn call(tool: &WebSearch, args: Value) -> CallToolResult {
    let ctx = ToolContext::builder(RequestId::Number(1), ProtocolVersion::V2025_11_25, Instant::now()).build();
    let args = Arguments::new(args.as_object().unwrap().clone());
    match tool.call(args, &ctx).await {
        Ok(result) => result,
        Err(err) => err.into_result(),
    }
}

fn text(result: &CallToolResult) -> String {
    serde_json::to_value(&result.content[0]).unwrap()["text"].as_str().unwrap().to_owned()
}

/// A failed call's message, checked never to contain the key.
async fn error_of(tool: &WebSearch, args: Value) -> String {
    let result = call(tool, args).await;
    assert!(result.failed(), "expected an error, got {result:?}");
    let message = text(&result);
    assert!(!message.contains(KEY), "the key leaked: {message}");
    message
}

fn assert_matches_output_schema(tool: &WebSearch, value: &Value) {
    let schema = Value::Object(tool.info().output_schema.expect("an outputSchema"));
    let validator = jsonschema::validator_for(&schema).expect("a valid schema");
    let errors: Vec<String> = validator.iter_errors(value).map(|e| e.to_string()).collect();
    assert!(errors.is_empty(), "structuredContent does not match the outputSchema: {errors:?}\n{value:#}");
}

#[tokio::test]
async fn a_normal_search_sends_serpers_request_and_returns_structured_results() {
    let server = FakeSerper::start(vec![reply(200, SERPER_OK)]).await;
    let tool = tool(&server);
    let result = call(&tool, json!({"query": "rust programming language", "num_results": 2})).await;
    assert!(!result.failed(), "{result:?}");

    let seen = server.seen.lock().unwrap();
    assert_eq!(seen.len(), 1);
    let request = &seen[0];
    assert_eq!(request.method, "POST");
    assert_eq!(request.path, "/search");
    assert_eq!(request.headers["x-api-key"], KEY);
    assert_eq!(request.headers["content-type"], "application/json");
    assert_eq!(request.body, json!({"q": "rust programming language", "num": 2}));

    let structured = result.structured_content.as_ref().unwrap();
    assert_matches_output_schema(&tool, structured);
    assert_eq!(structured["organic"][1]["title"], "Rust (programming language) - Wikipedia");
    assert_eq!(structured["organic"][1]["position"], 2);
    assert_eq!(structured["organic"][1]["date"], "3 days ago");
    assert_eq!(structured["answerBox"]["link"], "https://www.rust-lang.org/");
    assert_eq!(structured["knowledgeGraph"]["type"], "Programming language");
    assert_eq!(structured["knowledgeGraph"]["attributes"]["Designed by"], "Graydon Hoare");

    let text = text(&result);
    assert!(text.starts_with("2 web results for \"rust programming language\"."), "{text}");
    assert!(text.contains("\n1. Rust Programming Language\n   https://www.rust-lang.org/\n"), "{text}");
    assert!(text.contains("About: Rust (Programming language)"), "{text}");
}

#[tokio::test]
async fn the_tool_is_read_only_open_world_with_both_schemas() {
    let server = FakeSerper::start(vec![reply(200, SERPER_OK)]).await;
    let info = tool(&server).info();
    assert_eq!(info.name, "search_website");
    let annotations = info.annotations.unwrap();
    assert_eq!((annotations.read_only_hint, annotations.open_world_hint), (Some(true), Some(true)));
    assert_eq!(info.input_schema["required"], json!(["query"]));
    assert_eq!(info.input_schema["properties"]["num_results"]["maximum"], 100);
    assert_eq!(info.output_schema.unwrap()["required"], json!(["query", "organic"]));
}

#[tokio::test]
async fn an_empty_result_is_a_success_with_no_results() {
    for body in [r#"{"searchParameters":{"q":"zxqv"},"organic":[],"credits":1}"#, r#"{"credits":1}"#] {
        let server = FakeSerper::start(vec![reply(200, body)]).await;
        let tool = tool(&server);
        let result = call(&tool, json!({"query": "zxqv"})).await;
        assert!(!result.failed(), "{result:?}");
        assert_eq!(text(&result), "No web results for \"zxqv\".");
        let structured = result.structured_content.unwrap();
        assert_eq!(structured, json!({"query": "zxqv", "organic": []}));
        assert_matches_output_schema(&tool, &structured);
        assert_eq!(server.seen.lock().unwrap()[0].body, json!({"q": "zxqv", "num": 10}));
    }
}

#[tokio::test]
async fn a_bad_key_is_reported_without_retry_or_echo() {
    for status in [401, 403] {
        let server = FakeSerper::start(vec![reply(status, r#"{"message":"Unauthorized.","statusCode":403}"#)]).await;
        let message = error_of(&tool(&server), json!({"query": "q"})).await;
        assert_eq!(
            message,
            format!("Serper rejected the API key (HTTP {status}: Unauthorized.); check SERPER_API_KEY")
        );
        assert_eq!(server.requests(), 1, "a bad key is not retried");
    }
}

#[tokio::test]
async fn rate_limiting_passes_on_retry_after() {
    let mut limited = reply(429, r#"{"message":"Too many requests"}"#);
    limited.headers.push(("retry-after", "30"));
    let server = FakeSerper::start(vec![limited]).await;
    let message = error_of(&tool(&server), json!({"query": "q"})).await;
    assert_eq!(message, "Serper's rate limit was reached (HTTP 429); retry after 30 seconds");
    assert_eq!(server.requests(), 1);

    let server = FakeSerper::start(vec![reply(429, "")]).await;
    let message = error_of(&tool(&server), json!({"query": "q"})).await;
    assert_eq!(message, "Serper's rate limit was reached (HTTP 429); wait before retrying");
}

#[tokio::test]
async fn a_server_error_is_retried_once() {
    let server = FakeSerper::start(vec![reply(500, r#"{"message":"Internal error"}"#), reply(200, SERPER_OK)]).await;
    let result = call(&tool(&server), json!({"query": "rust programming language", "num_results": 2})).await;
    assert!(!result.failed(), "{result:?}");
    assert_eq!(server.requests(), 2);
    {
        let seen = server.seen.lock().unwrap();
        assert_eq!(seen[0].body, seen[1].body, "the retry sends the same request");
        assert_eq!(seen[1].headers["x-api-key"], KEY);
    }

    let server = FakeSerper::start(vec![reply(500, "{}"), reply(503, "upstream overloaded")]).await;
    let message = error_of(&tool(&server), json!({"query": "q"})).await;
    assert_eq!(message, "Serper failed (HTTP 503: upstream overloaded) on 2 attempt(s); try again later");
    assert_eq!(server.requests(), 2, "only one retry");
}

#[tokio::test]
async fn a_slow_answer_times_out_after_one_retry() {
    let mut slow = reply(200, SERPER_OK);
    slow.delay = Duration::from_secs(3);
    let server = FakeSerper::start(vec![slow.clone()]).await;
    let config = SerperConfig::new(KEY)
        .base_url(&server.url)
        .timeout(Duration::from_millis(300))
        .retry_delay(Duration::from_millis(10));
    let tool = WebSearch::new(config.clone()).unwrap();
    let started = Instant::now();
    let message = error_of(&tool, json!({"query": "q"})).await;
    assert_eq!(message, "Serper did not answer within 300ms on 2 attempt(s)");
    assert_eq!(server.requests(), 2);
    assert!(started.elapsed() < Duration::from_millis(1500), "took {:?}", started.elapsed());

    // A slow first answer, then a quick one: the retry succeeds.
    let server = FakeSerper::start(vec![slow, reply(200, SERPER_OK)]).await;
    let tool = WebSearch::new(config.base_url(&server.url)).unwrap();
    let result = call(&tool, json!({"query": "rust programming language"})).await;
    assert!(!result.failed(), "{result:?}");
}

#[tokio::test]
async fn invalid_json_is_a_malformed_response() {
    let mut html = reply(200, "<html>Service temporarily unavailable</html>");
    html.headers = vec![("content-type", "text/html")];
    let server = FakeSerper::start(vec![html]).await;
    let message = error_of(&tool(&server), json!({"query": "q"})).await;
    assert!(message.starts_with("Serper sent a malformed response (expected value at line 1"), "{message}");
    assert_eq!(server.requests(), 1, "a malformed answer is not retried");

    let server = FakeSerper::start(vec![reply(200, r#"{"organic": {"title": "not a list"}}"#)]).await;
    let message = error_of(&tool(&server), json!({"query": "q"})).await;
    assert!(message.contains("invalid type: map, expected a sequence"), "{message}");
}

#[tokio::test]
async fn without_a_key_nothing_is_sent() {
    let server = FakeSerper::start(vec![reply(200, SERPER_OK)]).await;
    let tool = WebSearch::new(SerperConfig::without_key().base_url(&server.url)).unwrap();
    let message = error_of(&tool, json!({"query": "q"})).await;
    assert!(message.contains("set the SERPER_API_KEY environment variable"), "{message}");
    assert_eq!(server.requests(), 0);
}

#[tokio::test]
async fn bad_arguments_are_refused_before_any_request() {
    let server = FakeSerper::start(vec![reply(200, SERPER_OK)]).await;
    let tool = tool(&server);
    let cases = [
        (json!({"query": "q", "num_results": 0}), "num_results must be between 1 and 100"),
        (json!({"query": "q", "num_results": 101}), "num_results must be between 1 and 100"),
        (json!({"query": "q", "num_results": 300}), "`num_results`"),
        (json!({"query": "   "}), "query must not be empty"),
        (json!({}), "`query`"),
    ];
    for (args, expected) in cases {
        let message = error_of(&tool, args.clone()).await;
        assert!(message.contains(expected), "{args}: {message}");
    }
    assert_eq!(server.requests(), 0);
}

#[tokio::test]
async fn a_closed_port_fails_fast_with_the_cause() {
    let port = {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        listener.local_addr().unwrap().port()
    };
    let config = SerperConfig::new(KEY).base_url(format!("http://127.0.0.1:{port}"));
    let started = Instant::now();
    let message = error_of(&WebSearch::new(config).unwrap(), json!({"query": "q"})).await;
    assert!(message.starts_with(&format!("could not reach Serper at http://127.0.0.1:{port}/search on 2 attempt(s)")));
    assert!(message.to_lowercase().contains("refused"), "{message}");
    assert!(started.elapsed() < Duration::from_secs(2), "took {:?}", started.elapsed());
}

#[test]
fn debug_output_never_shows_the_key() {
    let tool = WebSearch::new(SerperConfig::new(KEY)).unwrap();
    let shown = format!("{tool:?} {:?}", tool.config());
    assert!(!shown.contains(KEY), "{shown}");
    assert!(shown.contains("redacted"), "{shown}");
}
