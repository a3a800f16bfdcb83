//! Router tests: asking the client for input. Handshake era: a real
//! server → client request answered through `Server::handle`. Stateless
//! era: input-required rounds with a signed `requestState`.

use super::{error, result, stateless_meta, Collect};
use crate::jsonrpc::{ErrorCode, Message, Request, Response};
use crate::{tool, InputRequest, Notify, Server, ToolContext, ToolError};
use serde_json::{json, Value};
use std::sync::Arc;

/// Asks for a name, then a colour, and greets.
#[tool]
async fn two_questions(ctx: &ToolContext) -> Result<String, ToolError> {
    let name = ctx.request_input(InputRequest::elicit("Name?", json!({"type": "object"})).key("step1")).await?;
    let colour = ctx.request_input(InputRequest::elicit("Colour?", json!({"type": "object"})).key("step2")).await?;
    Ok(format!("{} likes {}", name["content"]["name"], colour["content"]["color"]))
}

/// Needs sampling.
#[tool]
async fn needs_sampling(ctx: &ToolContext) -> Result<Value, ToolError> {
    ctx.request_input(InputRequest::create_message(json!({"messages": [], "maxTokens": 5}))).await
}

fn server() -> Server {
    Server::builder("t", "1").tool(two_questions).tool(needs_sampling).build()
}

fn call(name: &str, extra: Value) -> Value {
    let mut p = json!({"_meta": stateless_meta(), "name": name, "arguments": {}});
    p["_meta"]["io.modelcontextprotocol/clientCapabilities"] = json!({"elicitation": {}});
    for (k, v) in extra.as_object().unwrap() {
        p[k] = v.clone();
    }
    p
}

async fn send(s: &Server, id: i64, params: Value) -> Message {
    let conn = crate::Connection::default();
    s.handle(
        &conn,
        Message::Request(Request::new(id, "tools/call", params.as_object().cloned())),
        Arc::new(Collect::default()),
    )
    .await
    .expect("a response")
}

#[tokio::test]
async fn stateless_calls_gather_their_inputs_over_rounds() {
    let s = server();
    let first = result(send(&s, 1, call("two_questions", json!({}))).await);
    assert_eq!(first["resultType"], "input_required");
    assert_eq!(first["inputRequests"]["step1"]["method"], "elicitation/create");
    assert!(first.get("ttlMs").is_none());
    let s1 = first["requestState"].as_str().unwrap().to_owned();

    let answer1 = json!({"step1": {"action": "accept", "content": {"name": "Ada"}}});
    let second =
        result(send(&s, 2, call("two_questions", json!({"inputResponses": answer1, "requestState": s1}))).await);
    assert_eq!(second["resultType"], "input_required");
    assert!(second["inputRequests"].get("step2").is_some() && second["inputRequests"].get("step1").is_none());
    let s2 = second["requestState"].as_str().unwrap().to_owned();
    assert_ne!(s1, s2);

    let answer2 = json!({"step2": {"action": "accept", "content": {"color": "teal"}}});
    let done = result(
        send(&s, 3, call("two_questions", json!({"inputResponses": answer2, "requestState": s2.clone()}))).await,
    );
    assert_eq!(done["resultType"], "complete");
    assert_eq!(done["content"][0]["text"], "\"Ada\" likes \"teal\"");

    let tampered = format!("{s2}-TAMPERED");
    let e =
        error(send(&s, 4, call("two_questions", json!({"inputResponses": answer2, "requestState": tampered}))).await);
    assert_eq!(e.code, ErrorCode::INVALID_PARAMS);
    let bogus = json!({"step1": 12345});
    let again = result(send(&s, 5, call("two_questions", json!({"inputResponses": bogus}))).await);
    assert_eq!(again["resultType"], "input_required", "a non-object answer is no answer");
}

#[tokio::test]
async fn a_missing_client_capability_is_32021_in_the_stateless_era() {
    let e = error(send(&server(), 1, call("needs_sampling", json!({}))).await);
    assert_eq!(e.code, ErrorCode::MISSING_REQUIRED_CLIENT_CAPABILITY);
    assert_eq!(e.data.unwrap()["requiredCapabilities"], json!({"sampling": {}}));
}

/// Captures server → client requests and answers them like a client.
#[derive(Default)]
struct Client(std::sync::Mutex<Vec<Request>>);

#[crate::async_trait]
impl Notify for Client {
    async fn notify(&self, _n: crate::jsonrpc::Notification) {}
    async fn request(&self, request: Request) -> bool {
        self.0.lock().unwrap().push(request);
        true
    }
}

#[tokio::test]
async fn handshake_calls_ask_the_client_directly() {
    let s = server();
    let conn = crate::Connection::default();
    let init = json!({"protocolVersion": "2025-11-25", "capabilities": {"elicitation": {}}, "clientInfo": {"name": "t", "version": "1"}});
    s.handle(
        &conn,
        Message::Request(Request::new(0, "initialize", init.as_object().cloned())),
        Arc::new(Collect::default()),
    )
    .await;
    let client = Arc::new(Client::default());
    let p = json!({"name": "two_questions", "arguments": {}});
    let call = tokio::spawn(s.handle(
        &conn,
        Message::Request(Request::new(1, "tools/call", p.as_object().cloned())),
        client.clone(),
    ));
    for answer in [
        json!({"action": "accept", "content": {"name": "Ada"}}),
        json!({"action": "accept", "content": {"color": "teal"}}),
    ] {
        let asked = loop {
            if let Some(r) = client.0.lock().unwrap().pop() {
                break r;
            }
            tokio::task::yield_now().await;
        };
        assert_eq!(asked.method, "elicitation/create");
        assert!(s
            .handle(&conn, Message::Response(Response::new(asked.id, answer)), Arc::new(Collect::default()))
            .await
            .is_none());
    }
    let done = result(call.await.unwrap().unwrap());
    assert_eq!(done["content"][0]["text"], "\"Ada\" likes \"teal\"");
    // Without the sampling capability the call fails as a result, not an error.
    let p = json!({"name": "needs_sampling", "arguments": {}});
    let refused = result(
        s.handle(&conn, Message::Request(Request::new(2, "tools/call", p.as_object().cloned())), client).await.unwrap(),
    );
    assert_eq!(refused["isError"], true);
}
