//! Router tests for resources, resource templates and their completion.

use super::{error, error_code, initialized, result, send, stateless_meta};
use crate::jsonrpc::{ErrorCode, Message};
use crate::protocol::resources::ResourceTemplateInfo;
use crate::{
    async_trait, BlobResource, Completion, Connection, FnResource, FnTemplate, Principal, Resource, ResourceContents,
    ResourceError, ResourceInfo, ResourceTemplate, Server, TextResource, ToolContext,
};
use serde_json::{json, Value};
use std::time::Duration;

/// Tells what its context says, to prove reads get one.
struct Whoami;

#[async_trait]
impl Resource for Whoami {
    fn info(&self) -> ResourceInfo {
        ResourceInfo::new("test://whoami", "whoami").with_title("Who am I")
    }
    async fn read(&self, ctx: &ToolContext) -> Result<Vec<ResourceContents>, ResourceError> {
        let text = format!(
            "{} {} {}",
            ctx.protocol_version(),
            ctx.request_id(),
            ctx.principal().map_or("nobody", |p| p.as_str())
        );
        Ok(vec![ResourceContents::text("test://whoami", "text/plain", text)])
    }
}

fn data_template() -> impl ResourceTemplate {
    let info = ResourceTemplateInfo::new("test://template/{id}/data", "template-data")
        .with_title("Data by id")
        .with_mime_type("application/json");
    FnTemplate::new(info, |uri, vars| async move {
        let id = &vars["id"];
        if id == "missing" {
            return Err(ResourceError::not_found(uri));
        }
        let body = json!({"id": id, "templateTest": true, "data": format!("Data for ID: {id}")});
        Ok(vec![ResourceContents::text(uri, "application/json", body.to_string())])
    })
    .with_completion(|variable, value, _context| {
        assert_eq!(variable, "id");
        Completion::matching((0..250).map(|i| i.to_string()), value)
    })
}

fn server() -> Server {
    let failing = FnResource::new(ResourceInfo::new("test://failing", "failing"), || async {
        Err(ResourceError::failed("disk on fire"))
    });
    let slow = FnResource::new(ResourceInfo::new("test://slow", "slow"), || async {
        tokio::time::sleep(Duration::from_secs(10)).await;
        Ok(Vec::new())
    });
    let panics = FnResource::new(ResourceInfo::new("test://panics", "panics"), || async { panic!("kaboom") });
    let files = FnTemplate::new(ResourceTemplateInfo::new("file:///{name}.{ext}", "files"), |uri, vars| async move {
        Ok(vec![ResourceContents::text(uri, "text/plain", format!("{} / {}", vars["name"], vars["ext"]))])
    });
    Server::builder("test", "1.0.0")
        .resource(TextResource::new(
            "test://static-text",
            "static-text",
            "text/plain",
            "This is the content of the static text resource.",
        ))
        .resource(BlobResource::new("test://static-binary", "static-binary", "image/png", "iVBORw0KGgo="))
        .resource(Whoami)
        .resource(failing)
        .resource(slow)
        .resource(panics)
        .resource_template(data_template())
        .resource_template(files)
        .page_size(2)
        .list_ttl(Duration::from_secs(60))
        .call_timeout(Duration::from_millis(200))
        .build()
}

async fn read(s: &Server, conn: &Connection, uri: &str) -> Message {
    send(s, conn, 7, "resources/read", json!({"uri": uri})).await
}

/// Every item of a paginated list, following `nextCursor`.
async fn list_all(s: &Server, conn: &Connection, method: &str, key: &str, field: &str) -> Vec<String> {
    let (mut items, mut pages, mut cursor) = (Vec::new(), 0, None::<Value>);
    loop {
        let p = cursor.map_or(json!({}), |c| json!({"cursor": c}));
        let r = result(send(s, conn, 1, method, p).await);
        pages += 1;
        items.extend(r[key].as_array().unwrap().iter().map(|i| i[field].as_str().unwrap().to_owned()));
        cursor = r.get("nextCursor").cloned();
        if cursor.is_none() {
            break;
        }
    }
    assert_eq!(pages, items.len().div_ceil(2), "pages of two");
    items
}

#[tokio::test]
async fn lists_page_in_registration_order() {
    let s = server();
    let conn = initialized(&s, "2025-11-25").await;
    let uris = list_all(&s, &conn, "resources/list", "resources", "uri").await;
    assert_eq!(uris, s.resource_uris());
    assert_eq!(uris[..3], ["test://static-text", "test://static-binary", "test://whoami"]);
    let templates = list_all(&s, &conn, "resources/templates/list", "resourceTemplates", "uriTemplate").await;
    assert_eq!(templates, ["test://template/{id}/data", "file:///{name}.{ext}"]);
    let first = result(send(&s, &conn, 2, "resources/list", json!({})).await);
    assert_eq!(
        first["resources"][0],
        json!({"uri": "test://static-text", "name": "static-text", "mimeType": "text/plain", "size": 48})
    );
    assert_eq!(first["resources"][1]["size"], 8);
    let bad = send(&s, &conn, 3, "resources/templates/list", json!({"cursor": "nope"})).await;
    assert_eq!(error_code(bad), ErrorCode::INVALID_PARAMS);
}

#[tokio::test]
async fn titles_are_hidden_from_versions_before_2025_06_18() {
    let s = server();
    let old = initialized(&s, "2025-03-26").await;
    let r = result(send(&s, &old, 1, "resources/list", json!({"cursor": "lmcp1.2"})).await);
    assert_eq!(r["resources"][0]["uri"], "test://whoami");
    assert!(r["resources"][0].get("title").is_none());
    let t = result(send(&s, &old, 2, "resources/templates/list", json!({})).await);
    assert!(t["resourceTemplates"][0].get("title").is_none());
    let new = initialized(&s, "2025-06-18").await;
    let r = result(send(&s, &new, 1, "resources/list", json!({"cursor": "lmcp1.2"})).await);
    assert_eq!(r["resources"][0]["title"], "Who am I");
}

#[tokio::test]
async fn reads_static_text_and_blob() {
    let s = server();
    let conn = initialized(&s, "2025-11-25").await;
    let text = result(read(&s, &conn, "test://static-text").await);
    assert_eq!(
        text,
        json!({"contents": [{"uri": "test://static-text", "mimeType": "text/plain", "text": "This is the content of the static text resource."}]})
    );
    let blob = result(read(&s, &conn, "test://static-binary").await);
    assert_eq!(
        blob,
        json!({"contents": [{"uri": "test://static-binary", "mimeType": "image/png", "blob": "iVBORw0KGgo="}]})
    );
}

#[tokio::test]
async fn templates_read_with_their_variables() {
    let s = server();
    let conn = initialized(&s, "2025-11-25").await;
    let r = result(read(&s, &conn, "test://template/123/data").await);
    let content = &r["contents"][0];
    assert_eq!(content["uri"], "test://template/123/data");
    assert_eq!(content["mimeType"], "application/json");
    let body: Value = serde_json::from_str(content["text"].as_str().unwrap()).unwrap();
    assert_eq!(body, json!({"id": "123", "templateTest": true, "data": "Data for ID: 123"}));
    let r = result(read(&s, &conn, "file:///notes%20v2.tar.gz").await);
    assert_eq!(r["contents"][0]["text"], "notes v2.tar / gz");
}

#[tokio::test]
async fn reads_get_a_context() {
    let s = server();
    let conn = Connection::new(None, Some(Principal::new("alice")));
    let init =
        json!({"protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "t", "version": "1"}});
    result(send(&s, &conn, 0, "initialize", init).await);
    let r = result(read(&s, &conn, "test://whoami").await);
    assert_eq!(r["contents"][0]["text"], "2025-06-18 7 alice");
    let meta = stateless_meta();
    let r = result(
        send(&s, &Connection::default(), 8, "resources/read", json!({"_meta": meta, "uri": "test://whoami"})).await,
    );
    assert_eq!(r["contents"][0]["text"], "2026-07-28 8 nobody");
}

#[tokio::test]
async fn not_found_is_32002_with_a_handshake_and_32602_without() {
    let s = server();
    let conn = initialized(&s, "2025-11-25").await;
    for uri in ["test://nope", "test://template/missing/data", "test://template/a/b/data"] {
        let e = error(read(&s, &conn, uri).await);
        assert_eq!(e.code, ErrorCode::RESOURCE_NOT_FOUND, "{uri}");
        assert_eq!(e.data, Some(json!({"uri": uri})));
        let p = json!({"_meta": stateless_meta(), "uri": uri});
        let e = error(send(&s, &Connection::default(), 1, "resources/read", p).await);
        assert_eq!(e.code, ErrorCode::INVALID_PARAMS, "{uri}");
        assert_eq!(e.data, Some(json!({"uri": uri})));
    }
    let missing_uri = error(send(&s, &conn, 2, "resources/read", json!({})).await);
    assert_eq!(missing_uri.code, ErrorCode::INVALID_PARAMS);
}

#[tokio::test]
async fn failures_panics_and_timeouts_are_internal_errors() {
    let s = server();
    let conn = initialized(&s, "2025-11-25").await;
    for (uri, says) in [("test://failing", "disk on fire"), ("test://panics", "kaboom"), ("test://slow", "200ms")] {
        let e = error(read(&s, &conn, uri).await);
        assert_eq!(e.code, ErrorCode::INTERNAL_ERROR, "{uri}");
        assert!(e.message.contains(says), "{}", e.message);
    }
}

#[tokio::test]
async fn stateless_results_are_cacheable() {
    let s = server();
    let conn = Connection::default();
    let meta = stateless_meta();
    for (method, p) in [
        ("resources/list", json!({"_meta": meta})),
        ("resources/templates/list", json!({"_meta": meta})),
        ("resources/read", json!({"_meta": meta, "uri": "test://static-text"})),
        ("resources/read", json!({"_meta": meta, "uri": "test://template/1/data"})),
    ] {
        let r = result(send(&s, &conn, 1, method, p).await);
        assert_eq!(r["resultType"], "complete", "{method}");
        assert_eq!(r["ttlMs"], 60_000, "{method}");
        assert_eq!(r["cacheScope"], "public", "{method}");
        assert_eq!(r["_meta"]["io.modelcontextprotocol/serverInfo"]["name"], "test");
    }
    let handshake = initialized(&s, "2025-11-25").await;
    let r = result(send(&s, &handshake, 1, "resources/list", json!({})).await);
    assert!(r.get("resultType").is_none() && r.get("ttlMs").is_none());
}

#[tokio::test]
async fn template_variables_complete_up_to_a_hundred() {
    let s = server();
    let conn = initialized(&s, "2025-11-25").await;
    let complete = |value: &str| json!({"ref": {"type": "ref/resource", "uri": "test://template/{id}/data"}, "argument": {"name": "id", "value": value}});
    let r = result(send(&s, &conn, 1, "completion/complete", complete("12")).await);
    assert_eq!(
        r,
        json!({"completion": {"values": ["12", "120", "121", "122", "123", "124", "125", "126", "127", "128", "129"]}})
    );
    let r = result(send(&s, &conn, 2, "completion/complete", complete("")).await);
    assert_eq!(r["completion"]["values"].as_array().unwrap().len(), 100);
    assert_eq!(r["completion"]["total"], 250);
    assert_eq!(r["completion"]["hasMore"], true);
    let r = result(send(&s, &conn, 3, "completion/complete", json!({"ref": {"type": "ref/resource", "uri": "file:///{name}.{ext}"}, "argument": {"name": "ext", "value": "g"}})).await);
    assert_eq!(r["completion"]["values"], json!([]), "no completer: no values");
    for bad in [
        json!({"ref": {"type": "ref/resource", "uri": "test://template/1/data"}, "argument": {"name": "id", "value": ""}}),
        json!({"ref": {"type": "ref/resource", "uri": "test://template/{id}/data"}, "argument": {"name": "nope", "value": ""}}),
        json!({"ref": {"type": "ref/tool", "name": "x"}, "argument": {"name": "id", "value": ""}}),
    ] {
        assert_eq!(
            error_code(send(&s, &conn, 4, "completion/complete", bad.clone()).await),
            ErrorCode::INVALID_PARAMS,
            "{bad}"
        );
    }
}

#[test]
#[should_panic(expected = "only simple {name} variables")]
fn unsupported_templates_are_refused_at_registration() {
    let t = FnTemplate::new(ResourceTemplateInfo::new("file:///{+path}", "files"), |_, _| async { Ok(Vec::new()) });
    let _ = Server::builder("test", "1").resource_template(t);
}

#[test]
#[should_panic(expected = "already registered")]
fn duplicate_uris_are_refused() {
    let _ = Server::builder("test", "1")
        .resource(TextResource::new("a://b", "b", "text/plain", ""))
        .resource(TextResource::new("a://b", "c", "text/plain", ""));
}
