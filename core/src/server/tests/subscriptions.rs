//! Router tests: resource subscriptions (handshake era) and their pushes.

use super::{error_code, result, send};
use crate::jsonrpc::ErrorCode;
use crate::{Connection, Server, TextResource};
use serde_json::json;

async fn initialized(s: &Server) -> Connection {
    let conn = s.connect(None).await.unwrap();
    let init =
        json!({"protocolVersion": "2025-11-25", "capabilities": {}, "clientInfo": {"name": "t", "version": "1"}});
    result(send(s, &conn, 0, "initialize", init).await);
    conn
}

#[tokio::test]
async fn subscribers_hear_of_updates_until_they_unsubscribe() {
    let s =
        Server::builder("t", "1").resource(TextResource::new("test://watched", "watched", "text/plain", "v1")).build();
    let (a, b) = (initialized(&s).await, initialized(&s).await);
    let (mut heard_a, mut heard_b) = (a.attach_stream(), b.attach_stream());
    assert_eq!(result(send(&s, &a, 1, "resources/subscribe", json!({"uri": "test://watched"})).await), json!({}));
    s.resource_updated("test://watched");
    let note = heard_a.try_recv().expect("the subscriber is told");
    assert_eq!(note.method, "notifications/resources/updated");
    assert_eq!(note.params.unwrap().to_object()["uri"], "test://watched");
    assert!(heard_b.try_recv().is_err(), "a connection that did not subscribe hears nothing");
    assert_eq!(result(send(&s, &a, 2, "resources/unsubscribe", json!({"uri": "test://watched"})).await), json!({}));
    s.resource_updated("test://watched");
    assert!(heard_a.try_recv().is_err());
}

#[tokio::test]
async fn unknown_resources_cannot_be_subscribed() {
    let s = Server::builder("t", "1").resource(TextResource::new("test://a", "a", "text/plain", "A")).build();
    let conn = initialized(&s).await;
    let m = send(&s, &conn, 1, "resources/subscribe", json!({"uri": "test://nope"})).await;
    assert_eq!(error_code(m), ErrorCode::RESOURCE_NOT_FOUND);
}
