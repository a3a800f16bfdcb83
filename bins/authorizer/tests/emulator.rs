//! The real `mcp-authorizer` bootstrap under the Lambda Runtime API
//! emulator: recorded TOKEN and REQUEST events with good, wrong, missing and
//! malformed tokens; the token never reaches the logs.

use lambda_mcp_test_support::lambda::{Function, InvokeError};
use serde_json::{json, Value};
use std::path::Path;

mod common;
use common::{request_event, token_event, TOKEN};

fn with_token(mut event: Value, header: Option<&str>) -> Value {
    if event["type"] == "TOKEN" {
        match header {
            Some(h) => event["authorizationToken"] = json!(h),
            None => event["authorizationToken"] = json!(""),
        }
        return event;
    }
    common::set_authorization_header(&mut event, header);
    event
}

async fn authorizer(token: &str) -> Function {
    let bootstrap = Path::new(env!("CARGO_BIN_EXE_mcp-authorizer"));
    let env = [("MCP_AUTH_TOKEN".to_owned(), token.to_owned()), ("RUST_LOG".to_owned(), "info".to_owned())];
    Function::start(bootstrap, &env).await.expect("start mcp-authorizer")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn good_tokens_get_an_allow_for_every_method_of_the_endpoint() {
    let function = authorizer(TOKEN).await;
    for event in [token_event(), request_event(), with_token(token_event(), Some(&format!("bearer {TOKEN}")))] {
        let answer = function.invoke_json(&event).await.expect("an Allow policy");
        let statement = &answer["policyDocument"]["Statement"][0];
        assert_eq!(statement["Effect"], "Allow", "{answer}");
        let resource = statement["Resource"].to_string();
        assert!(resource.contains("a1b2c3d4e5/Prod/*/mcp"), "every method of /mcp: {resource}");
        let principal = answer["principalId"].as_str().unwrap_or_default();
        assert!(!principal.is_empty() && !principal.contains(TOKEN), "{answer}");
    }
    function.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wrong_missing_and_malformed_tokens_are_unauthorized() {
    let function = authorizer(TOKEN).await;
    let wrong = format!("Bearer {}", TOKEN.replace('7', "8"));
    let cases = [
        with_token(token_event(), Some(&wrong)),
        with_token(token_event(), Some(&format!("Bearer {TOKEN}x"))),
        with_token(token_event(), Some(&format!("Basic {TOKEN}"))),
        with_token(token_event(), Some(TOKEN)),
        with_token(token_event(), Some("Bearer")),
        with_token(token_event(), None),
        with_token(request_event(), None),
        with_token(request_event(), Some(&wrong)),
        json!({"type": "TOKEN", "methodArn": 42}),
        json!("not an authorizer event"),
    ];
    for event in cases {
        match function.invoke_json(&event).await {
            Err(InvokeError::Function(body)) => {
                let error: Value = serde_json::from_str(&body).unwrap();
                assert_eq!(error["errorMessage"], "Unauthorized", "{event}: {body}");
            }
            other => panic!("{event}: expected Unauthorized, got {other:?}"),
        }
    }
    let logs = function.logs().join("\n");
    assert!(logs.contains("requestId"), "JSON logs with the request id:\n{logs}");
    assert!(!logs.contains(TOKEN) && !logs.contains("8f3c9a1e"), "no token in the logs:\n{logs}");
    function.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_missing_or_short_configured_token_stops_the_start() {
    for configured in ["", "too-short"] {
        let function = authorizer(configured).await;
        match function.invoke_json(&token_event()).await {
            Err(InvokeError::Init(_) | InvokeError::Exited(_)) => {}
            Ok(answer) => panic!("{configured:?}: a misconfigured authorizer allowed {answer}"),
            Err(other) => panic!("{configured:?}: {other:?}"),
        }
        function.stop().await;
    }
}
