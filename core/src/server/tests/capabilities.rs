//! Router tests: resources, prompts and completion are advertised, and
//! served, only when something of their kind is registered.

use super::{error_code, result, send, stateless_meta};
use crate::jsonrpc::ErrorCode;
use crate::protocol::resources::ResourceTemplateInfo;
use crate::{Connection, FnPrompt, FnTemplate, GetPromptResult, PromptInfo, Server, TextResource};
use serde_json::{json, Value};

fn with(resource: bool, template: bool, prompt: bool) -> Server {
    let mut b = Server::builder("test", "1");
    if resource {
        b = b.resource(TextResource::new("test://a", "a", "text/plain", "A"));
    }
    if template {
        let info = ResourceTemplateInfo::new("test://t/{id}", "t");
        b = b.resource_template(FnTemplate::new(info, |_, _| async { Ok(Vec::new()) }));
    }
    if prompt {
        let get = |_| async { Ok(GetPromptResult::new(Vec::new())) };
        b = b.prompt(FnPrompt::new(PromptInfo::new("p"), get));
    }
    b.build()
}

/// The capabilities of `initialize`, checked against `server/discover`.
async fn caps(s: &Server) -> Value {
    let init =
        json!({"protocolVersion": "2025-11-25", "capabilities": {}, "clientInfo": {"name": "t", "version": "1"}});
    let handshake = result(send(s, &Connection::default(), 0, "initialize", init).await);
    let p = json!({"_meta": stateless_meta()});
    let discovered = result(send(s, &Connection::default(), 1, "server/discover", p).await);
    let mut caps = handshake["capabilities"].clone();
    if let Some(resources) = caps.get_mut("resources") {
        // Subscriptions are a handshake-era feature only.
        assert_eq!(resources.as_object_mut().unwrap().remove("subscribe"), Some(json!(true)));
    }
    assert_eq!(caps, discovered["capabilities"]);
    caps
}

#[tokio::test]
async fn only_what_is_registered_is_advertised() {
    for (resource, template, prompt) in
        [(false, false, false), (true, false, false), (false, true, false), (false, false, true), (true, true, true)]
    {
        let c = caps(&with(resource, template, prompt)).await;
        let case = format!("{resource} {template} {prompt}: {c}");
        assert_eq!(c.get("resources").is_some(), resource || template, "{case}");
        assert_eq!(c.get("prompts").is_some(), prompt, "{case}");
        assert_eq!(c.get("completions").is_some(), template || prompt, "{case}");
        if resource || template {
            assert_eq!(c["resources"], json!({}), "no listChanged; subscribe only in the handshake era");
        }
    }
}

#[tokio::test]
async fn unadvertised_methods_are_not_found_in_both_eras() {
    let complete = json!({"ref": {"type": "ref/prompt", "name": "p"}, "argument": {"name": "a", "value": ""}});
    let requests = [
        ("resources/list", json!({})),
        ("resources/templates/list", json!({})),
        ("resources/read", json!({"uri": "test://a"})),
        ("prompts/list", json!({})),
        ("prompts/get", json!({"name": "p"})),
        ("completion/complete", complete),
    ];
    let bare = with(false, false, false);
    let resources_only = with(true, false, false);
    let init =
        json!({"protocolVersion": "2025-11-25", "capabilities": {}, "clientInfo": {"name": "t", "version": "1"}});
    for (s, refused) in [(&bare, 0..6), (&resources_only, 3..6)] {
        let conn = Connection::default();
        result(send(s, &conn, 0, "initialize", init.clone()).await);
        for (method, p) in &requests[refused] {
            let m = send(s, &conn, 1, method, p.clone()).await;
            assert_eq!(error_code(m), ErrorCode::METHOD_NOT_FOUND, "{method}");
            let mut p = p.clone();
            p["_meta"] = stateless_meta();
            let m = send(s, &Connection::default(), 2, method, p).await;
            assert_eq!(error_code(m), ErrorCode::METHOD_NOT_FOUND, "{method}");
        }
    }
}

#[tokio::test]
async fn the_stateless_era_has_no_subscribe_methods() {
    let s = with(true, false, false);
    let conn = Connection::default();
    let init =
        json!({"protocolVersion": "2025-11-25", "capabilities": {}, "clientInfo": {"name": "t", "version": "1"}});
    result(send(&s, &conn, 0, "initialize", init).await);
    for method in ["resources/subscribe", "resources/unsubscribe"] {
        let p = json!({"_meta": stateless_meta(), "uri": "test://a"});
        let m = send(&s, &Connection::default(), 2, method, p).await;
        assert_eq!(error_code(m), ErrorCode::METHOD_NOT_FOUND, "the stateless era has no {method}");
    }
}
