//! What the authorizer's test binaries share: the configured token and the
//! recorded events (compiled in), with their credentials replaced.

#![allow(dead_code)] // each test binary uses part of this

use serde_json::{json, Value};

/// The token the authorizer is configured with.
pub(crate) const TOKEN: &str = "7f3c9a1e5b2d8046c1e9f7a3b5d20486";

/// The recorded TOKEN event, as API Gateway sends it.
pub(crate) fn token_event() -> Value {
    serde_json::from_str(include_str!("../data/token-event.json")).unwrap()
}

/// The recorded REQUEST event, as API Gateway sends it.
pub(crate) fn request_event() -> Value {
    serde_json::from_str(include_str!("../data/request-event.json")).unwrap()
}

/// Replaces a REQUEST event's `Authorization` header, in both header maps
/// (`None`: removed).
pub(crate) fn set_authorization_header(event: &mut Value, header: Option<&str>) {
    for key in ["headers", "multiValueHeaders"] {
        let headers = event[key].as_object_mut().unwrap();
        headers.remove("Authorization");
        if let Some(h) = header {
            let value = if key == "headers" { json!(h) } else { json!([h]) };
            headers.insert("Authorization".into(), value);
        }
    }
}
