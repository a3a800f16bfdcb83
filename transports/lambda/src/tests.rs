//! The adapter on recorded events, without a runtime: `handle` is the seam.

use super::*;
use lambda_mcp_core::{tool, ToolContext};
use lambda_mcp_test_support::lambda::{HttpEvent, Shape};
use serde_json::{json, Value};

/// Who is calling, as the tools see it.
#[tool]
async fn whoami(ctx: &ToolContext) -> String {
    ctx.principal().map(|p| p.as_str().to_owned()).unwrap_or_else(|| "anonymous".into())
}

/// Reports progress, then answers: an SSE body on a streaming server.
#[tool]
async fn chatty(ctx: &ToolContext) -> String {
    ctx.progress(0.5, Some(1.0), Some("working")).await;
    "done".into()
}

fn mcp() -> McpHttp {
    endpoint(Server::builder("lambda-test", "1.0.0").tool(whoami).tool(chatty).build(), HttpConfig::default())
}

fn stateless_call(shape: Shape, tool: &str) -> HttpEvent {
    let body = json!({"jsonrpc": "2.0", "id": 1, "method": "tools/call", "params": {"name": tool, "arguments": {},
        "_meta": {"io.modelcontextprotocol/protocolVersion": "2026-07-28", "io.modelcontextprotocol/clientCapabilities": {},
            "progressToken": "p1"}}});
    HttpEvent::new(shape, "POST", "/mcp")
        .header("Content-Type", "application/json")
        .header("Accept", "application/json, text/event-stream")
        .header("MCP-Protocol-Version", "2026-07-28")
        .header("Mcp-Method", "tools/call")
        .header("Mcp-Name", tool)
        .body(body.to_string().as_bytes())
}

async fn answer(event: HttpEvent) -> (u16, String, String) {
    let request = lambda_http::request::from_str(&event.to_json().to_string()).expect("a recorded event");
    let response = handle(&mcp(), request).await;
    let content_type = response.headers().get("content-type").map(|v| v.to_str().unwrap().to_owned());
    let body = match response.body() {
        Body::Empty => String::new(),
        Body::Text(text) => text.clone(),
        Body::Binary(bytes) => String::from_utf8_lossy(bytes).into_owned(),
        _ => unreachable!("lambda_http has no other body"),
    };
    (response.status().as_u16(), content_type.unwrap_or_default(), body)
}

fn result_text(body: &str) -> String {
    let last = body.lines().filter_map(|l| l.strip_prefix("data: ")).next_back().unwrap_or(body);
    let message: Value = serde_json::from_str(last).expect("a JSON-RPC message");
    message["result"]["content"][0]["text"].as_str().unwrap_or_default().to_owned()
}

#[tokio::test]
async fn every_shape_reaches_mcp_with_its_authorizers_principal() {
    for (shape, principal, expected) in [
        (Shape::RestV1, Some("alice"), "alice"),
        (Shape::HttpV2, Some("bob"), "bob"),
        (Shape::FunctionUrl, Some("arn:aws:iam::123456789012:user/carol"), "arn:aws:iam::123456789012:user/carol"),
        (Shape::RestV1, None, "anonymous"),
    ] {
        let (status, _, body) = answer(stateless_call(shape, "whoami").principal(principal)).await;
        assert_eq!((status, result_text(&body).as_str()), (200, expected), "{shape:?}: {body}");
    }
}

#[tokio::test]
async fn the_stage_is_not_part_of_the_endpoint_path() {
    // REST events name the stage in the request context (`Prod`), HTTP APIs
    // on a named stage put it in rawPath too.
    let (status, _, _) = answer(stateless_call(Shape::RestV1, "whoami")).await;
    assert_eq!(status, 200);
    let mut staged = stateless_call(Shape::HttpV2, "whoami").to_json();
    staged["rawPath"] = json!("/dev/mcp");
    staged["requestContext"]["stage"] = json!("dev");
    let request = lambda_http::request::from_str(&staged.to_string()).unwrap();
    assert_eq!(handle(&mcp(), request).await.status(), 200);
    let (status, _, _) = answer(HttpEvent::new(Shape::RestV1, "POST", "/other")).await;
    assert_eq!(status, 404);
}

#[tokio::test]
async fn notifications_before_the_result_come_back_as_one_buffered_sse_body() {
    for shape in Shape::ALL {
        let (status, content_type, body) = answer(stateless_call(shape, "chatty")).await;
        assert_eq!((status, content_type.as_str()), (200, "text/event-stream"), "{shape:?}");
        assert!(body.contains("notifications/progress"), "{body}");
        assert_eq!(result_text(&body), "done");
    }
}

#[tokio::test]
async fn base64_bodies_are_decoded_and_refusals_keep_their_status() {
    // Function URL events carry the body in base64 (and the recorded one an IAM caller).
    let (status, _, body) = answer(stateless_call(Shape::FunctionUrl, "whoami")).await;
    assert_eq!((status, result_text(&body).as_str()), (200, "arn:aws:iam::123456789012:user/mcp-client"));
    let note = json!({"jsonrpc": "2.0", "method": "notifications/initialized"});
    let event = HttpEvent::new(Shape::HttpV2, "POST", "/mcp")
        .header("Content-Type", "application/json")
        .header("Accept", "application/json, text/event-stream")
        .body(note.to_string().as_bytes());
    let (status, _, body) = answer(event).await;
    assert_eq!(status, 400, "a handshake-era notification needs a session: {body}");
}

#[tokio::test]
async fn the_get_stream_is_refused() {
    let event = HttpEvent::new(Shape::RestV1, "GET", "/mcp").header("Accept", "text/event-stream");
    assert_eq!(answer(event).await.0, 405);
}
