//! The transport's rules, driven without a socket.

use super::*;
use http::HeaderMap;
use http_body_util::BodyExt;
use lambda_mcp_core::protocol::{CallToolResult, ToolInfo};
use lambda_mcp_core::{async_trait, Arguments, Tool, ToolContext, ToolError};
use lambda_mcp_sessions::MemorySessions;
use serde_json::{json, Value};

struct Chatty;

#[async_trait]
impl Tool for Chatty {
    fn info(&self) -> ToolInfo {
        ToolInfo::new("chatty", json!({"type": "object"}))
    }
    async fn call(&self, _args: Arguments, ctx: &ToolContext) -> Result<CallToolResult, ToolError> {
        ctx.progress(1.0, Some(1.0), Some("done")).await;
        Ok(CallToolResult::text("said"))
    }
}

fn mcp(streaming: bool) -> McpHttp {
    let server = Server::builder("http-test", "1").tool(Chatty).sessions(Arc::new(MemorySessions::default())).build();
    let config = HttpConfig::default()
        .max_body_bytes(4096)
        .bearer_token("correct-horse-battery")
        .allow_origin("https://app.example.com")
        .restrict_hosts(["mcp.example.com".to_owned()])
        .streaming(streaming);
    McpHttp::new(server, config)
}

const TOKEN: &str = "Bearer correct-horse-battery";
const INIT: &str = r#"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"t","version":"1"}}}"#;
const META: &str = r#""_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28","io.modelcontextprotocol/clientCapabilities":{}}"#;

/// The headers of a valid POST, besides those of its era.
const POST_HEADERS: [(&str, &str); 4] = [
    ("host", "localhost:8080"),
    ("authorization", TOKEN),
    ("content-type", "application/json"),
    ("accept", "application/json, text/event-stream"),
];

fn post(_body: &str) -> http::request::Builder {
    POST_HEADERS.iter().fold(Request::post("/mcp"), |b, (name, value)| b.header(*name, *value))
}

async fn send(mcp: &McpHttp, request: Request<Bytes>) -> (StatusCode, HeaderMap, String) {
    let response = mcp.handle(request, None).await;
    let (parts, body) = response.into_parts();
    let bytes = body.collect().await.unwrap().to_bytes();
    (parts.status, parts.headers, String::from_utf8(bytes.to_vec()).unwrap())
}

/// [`send`], bounded: a request not answered within 10 s fails the test,
/// naming `what` was sent.
async fn send_within(mcp: &McpHttp, request: Request<Bytes>, what: &str) -> (StatusCode, String) {
    let answered = tokio::time::timeout(std::time::Duration::from_secs(10), send(mcp, request)).await;
    let (status, _, reply) = answered.unwrap_or_else(|_| panic!("no answer within 10 s to {what}"));
    (status, reply)
}

async fn session(mcp: &McpHttp) -> String {
    let (status, headers, _) = send(mcp, post(INIT).body(Bytes::from(INIT)).unwrap()).await;
    assert_eq!(status, 200);
    headers[SESSION_HEADER].to_str().unwrap().to_owned()
}

fn code(body: &str) -> i64 {
    let value: Value = serde_json::from_str(body).unwrap_or_else(|e| panic!("{e}: {body}"));
    value["error"]["code"].as_i64().unwrap_or_else(|| panic!("no error code in {body}"))
}

#[tokio::test]
async fn bad_requests_get_exact_statuses_and_codes() {
    let mcp = mcp(true);
    let sid = session(&mcp).await;
    let ended = session(&mcp).await;
    let delete = Request::delete("/mcp")
        .header("host", "localhost")
        .header("authorization", TOKEN)
        .header(SESSION_HEADER, &ended);
    assert_eq!(send(&mcp, delete.body(Bytes::new()).unwrap()).await.0, 200);

    let list = r#"{"jsonrpc":"2.0","id":2,"method":"tools/list"}"#;
    let stateless_list = format!(r#"{{"jsonrpc":"2.0","id":3,"method":"tools/list","params":{{{META}}}}}"#);
    let big = format!(r#"{{"jsonrpc":"2.0","id":4,"method":"ping","params":{{"pad":"{}"}}}}"#, "x".repeat(5000));
    let with_sid =
        |b: http::request::Builder| b.header(SESSION_HEADER, &sid).header("mcp-protocol-version", "2025-11-25");
    type Case = (&'static str, Request<Bytes>, u16, Option<i64>);
    let cases: Vec<Case> = vec![
        (
            "wrong method",
            Request::put("/mcp").header("host", "localhost").header("authorization", TOKEN).body(Bytes::new()).unwrap(),
            405,
            Some(-32600),
        ),
        (
            "wrong path",
            Request::post("/other")
                .header("host", "localhost")
                .header("authorization", TOKEN)
                .body(Bytes::new())
                .unwrap(),
            404,
            Some(-32600),
        ),
        (
            "json-only accept",
            {
                let mut r = with_sid(post(list)).body(Bytes::from(list)).unwrap();
                r.headers_mut().insert("accept", "application/json".parse().unwrap());
                r
            },
            406,
            Some(-32600),
        ),
        (
            "wrong content type",
            {
                let mut r = with_sid(post(list)).body(Bytes::from(list)).unwrap();
                r.headers_mut().insert("content-type", "text/plain".parse().unwrap());
                r
            },
            415,
            Some(-32600),
        ),
        ("empty body", with_sid(post("")).body(Bytes::new()).unwrap(), 400, Some(-32700)),
        ("malformed json", with_sid(post("{")).body(Bytes::from("{")).unwrap(), 400, Some(-32700)),
        (
            "batch outside 2025-03-26",
            with_sid(post(list)).body(Bytes::from(format!("[{list}]"))).unwrap(),
            200,
            Some(-32600),
        ),
        ("oversized body", with_sid(post(&big)).body(Bytes::from(big.clone())).unwrap(), 413, Some(-32600)),
        ("missing session", post(list).body(Bytes::from(list)).unwrap(), 400, Some(-32600)),
        (
            "unknown session",
            post(list).header(SESSION_HEADER, "nope").body(Bytes::from(list)).unwrap(),
            404,
            Some(-32600),
        ),
        (
            "ended session",
            post(list).header(SESSION_HEADER, &ended).body(Bytes::from(list)).unwrap(),
            404,
            Some(-32600),
        ),
        (
            "foreign origin",
            with_sid(post(list)).header("origin", "https://evil.example").body(Bytes::from(list)).unwrap(),
            403,
            Some(-32600),
        ),
        (
            "foreign host",
            {
                let mut r = with_sid(post(list)).body(Bytes::from(list)).unwrap();
                r.headers_mut().insert("host", "evil.example".parse().unwrap());
                r
            },
            403,
            Some(-32600),
        ),
        (
            "bad token",
            {
                let mut r = with_sid(post(list)).body(Bytes::from(list)).unwrap();
                r.headers_mut().insert("authorization", "Bearer wrong".parse().unwrap());
                r
            },
            401,
            Some(-32600),
        ),
        (
            "unsupported header version",
            post(list)
                .header(SESSION_HEADER, &sid)
                .header("mcp-protocol-version", "1999-01-01")
                .body(Bytes::from(list))
                .unwrap(),
            400,
            Some(-32022),
        ),
        (
            "2026 header mismatch",
            post(&stateless_list)
                .header("mcp-protocol-version", "2026-07-28")
                .header("mcp-method", "tools/call")
                .body(Bytes::from(stateless_list.clone()))
                .unwrap(),
            400,
            Some(-32020),
        ),
        (
            "2026 missing headers",
            post(&stateless_list).body(Bytes::from(stateless_list.clone())).unwrap(),
            400,
            Some(-32020),
        ),
        (
            "2026 unsupported version",
            {
                let body = stateless_list.replace("2026-07-28", "2031-01-01");
                post(&body)
                    .header("mcp-protocol-version", "2031-01-01")
                    .header("mcp-method", "tools/list")
                    .body(Bytes::from(body))
                    .unwrap()
            },
            400,
            Some(-32022),
        ),
        (
            "2026 unknown method",
            {
                let body = stateless_list.replace("tools/list", "tools/teleport");
                post(&body)
                    .header("mcp-protocol-version", "2026-07-28")
                    .header("mcp-method", "tools/teleport")
                    .body(Bytes::from(body))
                    .unwrap()
            },
            404,
            Some(-32601),
        ),
        (
            "2026 GET",
            Request::get("/mcp")
                .header("host", "localhost")
                .header("authorization", TOKEN)
                .header("mcp-protocol-version", "2026-07-28")
                .body(Bytes::new())
                .unwrap(),
            405,
            Some(-32600),
        ),
        (
            "2026 DELETE",
            Request::delete("/mcp")
                .header("host", "localhost")
                .header("authorization", TOKEN)
                .header("mcp-protocol-version", "2026-07-28")
                .body(Bytes::new())
                .unwrap(),
            405,
            Some(-32600),
        ),
    ];
    for (name, request, status, want) in cases {
        let (got, headers, body) = send(&mcp, request).await;
        assert_eq!(got.as_u16(), status, "{name}: {body}");
        if let Some(want) = want {
            assert_eq!(code(&body), want, "{name}: {body}");
        }
        if status == 401 {
            assert_eq!(headers["www-authenticate"], "Bearer", "{name}");
        }
    }
    // Still serving afterwards.
    let (status, _, body) = send(&mcp, with_sid(post(list)).body(Bytes::from(list)).unwrap()).await;
    assert_eq!(status, 200, "{body}");
}

#[tokio::test]
async fn notifications_get_202_and_allowed_origins_pass() {
    let mcp = mcp(true);
    let sid = session(&mcp).await;
    let note = r#"{"jsonrpc":"2.0","method":"notifications/initialized"}"#;
    let request = post(note)
        .header(SESSION_HEADER, &sid)
        .header("origin", "https://app.example.com")
        .body(Bytes::from(note))
        .unwrap();
    let (status, _, body) = send(&mcp, request).await;
    assert_eq!((status.as_u16(), body.as_str()), (202, ""));
}

#[tokio::test]
async fn notifications_before_the_result_make_an_sse_body() {
    for streaming in [true, false] {
        let mcp = mcp(streaming);
        let sid = session(&mcp).await;
        let call = r#"{"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"name":"chatty","_meta":{"progressToken":"t"}}}"#;
        let (status, headers, body) =
            send(&mcp, post(call).header(SESSION_HEADER, &sid).body(Bytes::from(call)).unwrap()).await;
        assert_eq!(status, 200);
        assert_eq!(headers["content-type"], "text/event-stream");
        assert!(headers.capacity() >= 12, "room for the next request's headers: {}", headers.capacity());
        let events: Vec<Value> = body
            .split("\n\n")
            .filter_map(|e| e.strip_prefix("event: message\ndata: "))
            .map(|d| serde_json::from_str(d).unwrap())
            .collect();
        assert_eq!(events.len(), 2, "{body}");
        assert_eq!(events[0]["method"], "notifications/progress");
        assert_eq!(events[1]["id"], 7);
    }
}

#[tokio::test]
async fn stateless_requests_need_no_session() {
    let mcp = mcp(true);
    let call = format!(r#"{{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{{"name":"chatty",{META}}}}}"#);
    let request = post(&call)
        .header("mcp-protocol-version", "2026-07-28")
        .header("mcp-method", "tools/call")
        .header("mcp-name", "chatty")
        .body(Bytes::from(call.clone()))
        .unwrap();
    let (status, headers, body) = send(&mcp, request).await;
    assert_eq!(status, 200, "{body}");
    assert!(!headers.contains_key(SESSION_HEADER));
    // hyper parses the connection's next request into this map.
    assert!(headers.capacity() >= 12, "room for the next request's headers: {}", headers.capacity());
    let value: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(value["result"]["resultType"], "complete");
}

#[tokio::test]
async fn get_streams_only_where_the_deployment_streams() {
    let streaming = mcp(true);
    let sid = session(&streaming).await;
    let get = |sid: &str| {
        Request::get("/mcp")
            .header("host", "localhost")
            .header("authorization", TOKEN)
            .header("accept", "text/event-stream")
            .header(SESSION_HEADER, sid)
    };
    let response = streaming.handle(get(&sid).body(Bytes::new()).unwrap(), None).await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], "text/event-stream");
    streaming.close_streams();
    let buffered = mcp(false);
    let sid = session(&buffered).await;
    assert_eq!(send(&buffered, get(&sid).body(Bytes::new()).unwrap()).await.0, 405);
}

#[test]
fn the_token_never_shows_in_debug_output() {
    assert!(!format!("{:?}", mcp(true).config()).contains("horse"));
}

/// Damaged bodies, from a fixed seed, in both eras: each is answered
/// within a bound, never with a 5xx; text that is not JSON is 400 with
/// -32700; every other 4xx carries a JSON-RPC error; and the server still
/// serves afterwards.
#[tokio::test]
async fn damaged_bodies_get_json_rpc_answers_and_never_a_server_error() {
    use lambda_mcp_test_support::damage::{self, Damage};
    let mcp = mcp(false);
    let sid = session(&mcp).await;
    let in_session =
        |b: http::request::Builder| b.header(SESSION_HEADER, &sid).header("mcp-protocol-version", "2025-11-25");
    let in_2026 = |b: http::request::Builder| {
        b.header("mcp-protocol-version", "2026-07-28").header("mcp-method", "tools/call").header("mcp-name", "chatty")
    };
    let legacy =
        r#"{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"chatty","arguments":{"a":[1,"x"]}}}"#;
    let stateless = format!(
        r#"{{"jsonrpc":"2.0","id":3,"method":"tools/call","params":{{"name":"chatty","arguments":{{}},{META}}}}}"#
    );
    let mut damage = Damage::new(0x5eed);
    let mut statuses = std::collections::BTreeMap::new();
    for (body, era) in [(legacy, "2025-11-25"), (stateless.as_str(), "2026-07-28")] {
        let inputs: Vec<Vec<u8>> = Damage::truncations(body.as_bytes())
            .map(<[u8]>::to_vec)
            .chain((0..300).map(|_| damage.apply(body.as_bytes())))
            .collect();
        for input in inputs {
            let request = if era == "2026-07-28" { in_2026(post("")) } else { in_session(post("")) };
            let request = request.body(Bytes::from(input.clone())).unwrap();
            let text = String::from_utf8_lossy(&input).into_owned();
            let (status, reply) = send_within(&mcp, request, &text).await;
            *statuses.entry(status.as_u16()).or_insert(0) += 1;
            assert!(!status.is_server_error(), "{status} for {text}: {reply}");
            if !damage::is_json(&input) {
                assert_eq!((status.as_u16(), code(&reply)), (400, -32700), "{era}: {text}: {reply}");
            } else if status.is_client_error() {
                code(&reply);
            }
        }
    }
    // Both outcomes must be common for the sweep to mean anything.
    assert!(
        statuses.get(&200).is_some_and(|&n| n > 20) && statuses.get(&400).is_some_and(|&n| n > 200),
        "{statuses:?}"
    );
    let call = in_session(post(legacy)).body(Bytes::from(legacy)).unwrap();
    let (status, _, reply) = send(&mcp, call).await;
    assert_eq!(status, 200, "{reply}");
}

/// Damaged header values, one header at a time, from a fixed seed, in both
/// eras: the byte-wise header checks (media ranges, host, origin, token,
/// version, method and name) answer each with a status and a JSON-RPC
/// body, never a 5xx.
#[tokio::test]
async fn damaged_headers_get_json_rpc_answers_and_never_a_server_error() {
    use lambda_mcp_test_support::damage::Damage;
    let mcp = mcp(false);
    let sid = session(&mcp).await;
    let legacy = r#"{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"chatty"}}"#.to_owned();
    let stateless = format!(r#"{{"jsonrpc":"2.0","id":3,"method":"tools/call","params":{{"name":"chatty",{META}}}}}"#);
    let base: Vec<(&str, &str)> = POST_HEADERS.iter().copied().chain([("origin", "https://app.example.com")]).collect();
    let legacy_headers = [("mcp-protocol-version", "2025-11-25"), (SESSION_HEADER, sid.as_str())];
    let stateless_headers =
        [("mcp-protocol-version", "2026-07-28"), ("mcp-method", "tools/call"), ("mcp-name", "chatty")];
    let mut damage = Damage::new(0x4ead);
    let mut statuses = std::collections::BTreeMap::new();
    for (body, era_headers) in [(&legacy, &legacy_headers[..]), (&stateless, &stateless_headers[..])] {
        let headers: Vec<(&str, &str)> = base.iter().chain(era_headers).copied().collect();
        for (i, (name, value)) in headers.iter().enumerate() {
            for _ in 0..60 {
                let Ok(damaged) = HeaderValue::from_bytes(&damage.apply(value.as_bytes())) else { continue };
                let mut request = Request::post("/mcp");
                for (j, (n, v)) in headers.iter().enumerate() {
                    request = if i == j { request.header(*n, damaged.clone()) } else { request.header(*n, *v) };
                }
                let request = request.body(Bytes::from(body.clone())).unwrap();
                let (status, reply) = send_within(&mcp, request, &format!("{name}: {damaged:?}")).await;
                *statuses.entry(status.as_u16()).or_insert(0) += 1;
                assert!(!status.is_server_error(), "{status} for {name}: {damaged:?}: {reply}");
                if status != 200 {
                    code(&reply);
                }
            }
        }
    }
    // The checks must both pass and refuse damaged values for the sweep to mean anything.
    for status in [200, 400, 401, 403, 404, 406, 415] {
        assert!(statuses.contains_key(&status), "no {status}: {statuses:?}");
    }
}
