//! What the authorizer logs: the decision and its reason, never a token.
//! A test binary of its own: tracing caches each log statement's interest
//! process-wide, so a test running on another thread without a subscriber
//! could switch statements off for this one's scoped subscriber.

use lambda_mcp_bin_authorizer::{token_from, Authorizer};
use serde_json::{json, Value};
use std::io::Write;
use std::sync::{Arc, Mutex};

mod common;
use common::TOKEN;

fn token_event(header: &str) -> Value {
    let mut event = common::token_event();
    event["authorizationToken"] = json!(header);
    event
}

#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[test]
fn logs_carry_the_decision_and_reason_never_a_token() {
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt().json().with_writer(move || writer.clone()).finish();
    let presented = "Bearer 7f3c9a1e5b2d8046c1e9f7a3b5d2WRONG";
    tracing::subscriber::with_default(subscriber, || {
        let authorizer = Authorizer::new(token_from(|_| Some(TOKEN.to_owned())).unwrap());
        authorizer.authorize(token_event(&format!("Bearer {TOKEN}"))).unwrap();
        authorizer.authorize(token_event(presented)).unwrap_err();
        authorizer.authorize(token_event("Basic dXNlcjpwYXNz")).unwrap_err();
        authorizer.authorize(json!({"type": "TOKEN", "authorizationToken": [TOKEN]})).unwrap_err();
    });
    let logs = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    let lines: Vec<Value> = logs.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    let fields: Vec<(String, String)> = lines
        .iter()
        .map(|l| {
            let f = &l["fields"];
            (f["decision"].as_str().unwrap().to_owned(), f["reason"].as_str().unwrap_or("").to_owned())
        })
        .collect();
    assert_eq!(
        fields,
        [
            ("allow".to_owned(), String::new()),
            ("deny".to_owned(), "wrong token".to_owned()),
            ("deny".to_owned(), "not a Bearer credential".to_owned()),
            ("deny".to_owned(), "not a TOKEN or REQUEST authorizer event".to_owned()),
        ]
    );
    for secret in [TOKEN, "7f3c9a1e5b2d8046", "WRONG", "dXNlcjpwYXNz"] {
        assert!(!logs.contains(secret), "{secret} in {logs}");
    }
}
