//! Router tests for prompts and their completion.

use super::{error, error_code, initialized, result, send, stateless_meta};
use crate::jsonrpc::{ErrorCode, Message};
use crate::{
    async_trait, Completion, Connection, Content, FnPrompt, GetPromptResult, Prompt, PromptArgument, PromptError,
    PromptInfo, PromptMessage, ResourceContents, Role, Server, ToolContext,
};
use serde_json::json;
use std::collections::BTreeMap;
use std::time::Duration;

/// Embeds a resource, and checks its argument itself.
struct Embed;

#[async_trait]
impl Prompt for Embed {
    fn info(&self) -> PromptInfo {
        PromptInfo::new("test_prompt_with_embedded_resource")
            .with_title("Embed")
            .with_argument(PromptArgument::required("resourceUri").with_title("URI"))
    }
    async fn get(&self, args: BTreeMap<String, String>, ctx: &ToolContext) -> Result<GetPromptResult, PromptError> {
        let uri = &args["resourceUri"];
        if !uri.contains("://") {
            return Err(PromptError::InvalidArgument { argument: "resourceUri".into(), message: "not a URI".into() });
        }
        let text = format!("Embedded for {}.", ctx.protocol_version());
        let embedded = ResourceContents::text(uri, "text/plain", text);
        Ok(GetPromptResult::new(vec![
            PromptMessage::new(Role::User, Content::resource(embedded)),
            PromptMessage::text(Role::User, "Please process the embedded resource above."),
        ]))
    }
}

fn server() -> Server {
    let simple = FnPrompt::new(PromptInfo::new("test_simple_prompt").with_description("No arguments."), |_| async {
        let text = "This is a simple prompt for testing.";
        Ok(GetPromptResult::new(vec![PromptMessage::text(Role::User, text)]))
    });
    let info = PromptInfo::new("test_prompt_with_arguments")
        .with_argument(PromptArgument::required("arg1").with_description("First"))
        .with_argument(PromptArgument::optional("arg2"));
    let with_args = FnPrompt::new(info, |args| async move {
        let arg2 = args.get("arg2").map_or("(none)", String::as_str);
        let text = format!("Prompt with arguments: arg1='{}', arg2='{arg2}'", args["arg1"]);
        Ok(GetPromptResult::new(vec![PromptMessage::text(Role::User, text)]).with_description("filled"))
    })
    .with_completion(|argument, value, context| match argument {
        "arg1" => Completion::matching(["paris", "park", "party", "rome"], value),
        _ => {
            let prefix = context.get("arg1").map_or("", String::as_str);
            Completion::new((0..150).map(|i| format!("{prefix}-{i}")))
        }
    });
    let failing =
        FnPrompt::new(PromptInfo::new("failing"), |_| async { Err(PromptError::failed("template store down")) });
    Server::builder("test", "1.0.0")
        .prompt(simple)
        .prompt(with_args)
        .prompt(Embed)
        .prompt(failing)
        .page_size(3)
        .list_ttl(Duration::from_millis(1500))
        .build()
}

async fn get(s: &Server, conn: &Connection, p: serde_json::Value) -> Message {
    send(s, conn, 5, "prompts/get", p).await
}

#[tokio::test]
async fn prompts_list_pages_in_registration_order() {
    let s = server();
    let conn = initialized(&s, "2025-11-25").await;
    let first = result(send(&s, &conn, 1, "prompts/list", json!({})).await);
    let names: Vec<_> = first["prompts"].as_array().unwrap().iter().map(|p| p["name"].clone()).collect();
    assert_eq!(names, ["test_simple_prompt", "test_prompt_with_arguments", "test_prompt_with_embedded_resource"]);
    assert_eq!(
        first["prompts"][1]["arguments"],
        json!([{"name": "arg1", "description": "First", "required": true}, {"name": "arg2"}])
    );
    assert!(first["prompts"][0].get("arguments").is_none());
    assert_eq!(first["prompts"][2]["title"], "Embed");
    let next = json!({"cursor": first["nextCursor"]});
    let second = result(send(&s, &conn, 2, "prompts/list", next).await);
    assert_eq!(second["prompts"][0]["name"], "failing");
    assert!(second.get("nextCursor").is_none());
    assert_eq!(s.prompt_names().len(), 4);
}

#[tokio::test]
async fn old_versions_see_no_titles() {
    let s = server();
    let conn = initialized(&s, "2024-11-05").await;
    let r = result(send(&s, &conn, 1, "prompts/list", json!({})).await);
    assert!(r["prompts"][2].get("title").is_none());
    assert_eq!(r["prompts"][2]["arguments"], json!([{"name": "resourceUri", "required": true}]));
}

#[tokio::test]
async fn prompts_get_with_and_without_arguments() {
    let s = server();
    let conn = initialized(&s, "2025-11-25").await;
    let r = result(get(&s, &conn, json!({"name": "test_simple_prompt"})).await);
    assert_eq!(
        r,
        json!({"messages": [{"role": "user", "content": {"type": "text", "text": "This is a simple prompt for testing."}}]})
    );
    let p = json!({"name": "test_prompt_with_arguments", "arguments": {"arg1": "hello", "arg2": "world"}});
    let r = result(get(&s, &conn, p).await);
    assert_eq!(r["description"], "filled");
    assert_eq!(r["messages"][0]["content"]["text"], "Prompt with arguments: arg1='hello', arg2='world'");
    let p = json!({"name": "test_prompt_with_arguments", "arguments": {"arg1": "hello"}});
    let r = result(get(&s, &conn, p).await);
    assert_eq!(r["messages"][0]["content"]["text"], "Prompt with arguments: arg1='hello', arg2='(none)'");
    let p = json!({"name": "test_prompt_with_embedded_resource", "arguments": {"resourceUri": "test://x"}});
    let r = result(get(&s, &conn, p).await);
    assert_eq!(
        r["messages"][0]["content"],
        json!({"type": "resource", "resource": {"uri": "test://x", "mimeType": "text/plain", "text": "Embedded for 2025-11-25."}})
    );
}

#[tokio::test]
async fn bad_requests_are_invalid_params_and_failures_internal() {
    let s = server();
    let conn = initialized(&s, "2025-11-25").await;
    let e = error(get(&s, &conn, json!({"name": "nope"})).await);
    assert_eq!((e.code, e.data), (ErrorCode::INVALID_PARAMS, Some(json!({"name": "nope"}))));
    let e = error(get(&s, &conn, json!({"name": "test_prompt_with_arguments", "arguments": {"arg2": "x"}})).await);
    assert_eq!(e.code, ErrorCode::INVALID_PARAMS);
    assert!(e.message.contains("`arg1`"), "{}", e.message);
    assert_eq!(e.data, Some(json!({"name": "test_prompt_with_arguments", "argument": "arg1"})));
    let p = json!({"name": "test_prompt_with_embedded_resource", "arguments": {"resourceUri": "plain"}});
    let e = error(get(&s, &conn, p).await);
    assert_eq!((e.code, e.data), (ErrorCode::INVALID_PARAMS, Some(json!({"argument": "resourceUri"}))));
    let e = error(get(&s, &conn, json!({"name": "failing"})).await);
    assert_eq!(e.code, ErrorCode::INTERNAL_ERROR);
    assert!(e.message.contains("template store down"), "{}", e.message);
    let not_strings = json!({"name": "test_simple_prompt", "arguments": {"n": 1}});
    assert_eq!(error_code(get(&s, &conn, not_strings).await), ErrorCode::INVALID_PARAMS);
}

#[tokio::test]
async fn stateless_lists_are_cacheable_and_gets_are_not() {
    let s = server();
    let conn = Connection::default();
    let meta = stateless_meta();
    let list = result(send(&s, &conn, 1, "prompts/list", json!({"_meta": meta})).await);
    assert_eq!(
        (&list["resultType"], &list["ttlMs"], &list["cacheScope"]),
        (&json!("complete"), &json!(1500), &json!("public"))
    );
    let p = json!({"_meta": meta, "name": "test_prompt_with_embedded_resource", "arguments": {"resourceUri": "a://b"}});
    let got = result(get(&s, &conn, p).await);
    assert_eq!(got["resultType"], "complete");
    assert!(got.get("ttlMs").is_none() && got.get("cacheScope").is_none());
    assert_eq!(got["messages"][0]["content"]["resource"]["text"], "Embedded for 2026-07-28.");
    let p = json!({"_meta": meta, "ref": {"type": "ref/prompt", "name": "test_prompt_with_arguments"}, "argument": {"name": "arg1", "value": "r"}});
    let completed = result(send(&s, &conn, 2, "completion/complete", p).await);
    assert_eq!(completed["completion"]["values"], json!(["rome"]));
    assert_eq!(completed["resultType"], "complete");
    assert!(completed.get("ttlMs").is_none());
}

#[tokio::test]
async fn prompt_arguments_complete() {
    let s = server();
    let conn = initialized(&s, "2025-11-25").await;
    let complete = |arg: &str, value: &str, context: serde_json::Value| json!({"ref": {"type": "ref/prompt", "name": "test_prompt_with_arguments"}, "argument": {"name": arg, "value": value}, "context": context});
    let r = result(send(&s, &conn, 1, "completion/complete", complete("arg1", "PA", json!({}))).await);
    assert_eq!(r, json!({"completion": {"values": ["paris", "park", "party"]}}));
    let p = complete("arg2", "", json!({"arguments": {"arg1": "paris"}}));
    let r = result(send(&s, &conn, 2, "completion/complete", p).await);
    let values = r["completion"]["values"].as_array().unwrap();
    assert_eq!((values.len(), &values[0]), (100, &json!("paris-0")));
    assert_eq!((&r["completion"]["total"], &r["completion"]["hasMore"]), (&json!(150), &json!(true)));
    let e = error(send(&s, &conn, 3, "completion/complete", complete("arg3", "", json!({}))).await);
    assert_eq!((e.code, e.data), (ErrorCode::INVALID_PARAMS, Some(json!({"argument": "arg3"}))));
    let unknown = json!({"ref": {"type": "ref/prompt", "name": "nope"}, "argument": {"name": "a", "value": ""}});
    let e = error(send(&s, &conn, 4, "completion/complete", unknown).await);
    assert_eq!((e.code, e.data), (ErrorCode::INVALID_PARAMS, Some(json!({"name": "nope"}))));
    let no_completer = json!({"ref": {"type": "ref/prompt", "name": "test_prompt_with_embedded_resource"}, "argument": {"name": "resourceUri", "value": ""}});
    let r = result(send(&s, &conn, 5, "completion/complete", no_completer).await);
    assert_eq!(r, json!({"completion": {"values": []}}));
}

#[test]
#[should_panic(expected = "already registered")]
fn duplicate_prompt_names_are_refused() {
    let p = || FnPrompt::new(PromptInfo::new("p"), |_| async { Ok(GetPromptResult::new(Vec::new())) });
    let _ = Server::builder("test", "1").prompt(p()).prompt(p());
}
