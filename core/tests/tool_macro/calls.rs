//! Calling `#[tool]` fns through `Tool::call`: conversion of every kind of
//! return value, argument errors, the context parameter.

use super::{call, ctx, greet, info_json, text};
use lambda_mcp_core::{tool, CallToolResult, Content, IntoToolResult, Tool, ToolContext, ToolError};
use schemars::JsonSchema;
use serde::Serialize;
use serde_json::{json, Value};

/// A weather forecast.
#[derive(Debug, Serialize, JsonSchema)]
struct Forecast {
    city: String,
    celsius: f64,
}

/// Forecast the weather of a city.
#[tool(read_only)]
async fn forecast(city: String) -> Forecast {
    Forecast { city, celsius: 21.5 }
}

/// The cities we know.
#[tool]
async fn cities() -> Vec<String> {
    vec!["Paris".into(), "Lima".into()]
}

/// Forecast, failing for an empty city.
#[tool]
async fn checked_forecast(city: String) -> Result<Forecast, String> {
    if city.is_empty() {
        return Err("no city given".into());
    }
    Ok(Forecast { city, celsius: 3.0 })
}

/// Divide `a` by `b`.
#[tool]
async fn divide(a: f64, b: f64) -> Result<f64, ToolError> {
    if b == 0.0 {
        return Err(ToolError::failed("division by zero"));
    }
    Ok(a / b)
}

/// Who is asking.
#[tool]
async fn whoami(ctx: &ToolContext, prefix: String) -> String {
    format!("{prefix}{}", ctx.request_id())
}

/// The context, by path, after an argument.
#[tool]
async fn versions(#[tool(default = 0)] n: u32, ctx: &lambda_mcp_core::ToolContext) -> String {
    format!("{} {n}", ctx.protocol_version())
}

/// The context, by value.
#[tool]
async fn owned_context(ctx: ToolContext) -> String {
    ctx.request_id().to_string()
}

/// A picture.
#[tool]
async fn picture() -> Content {
    Content::image("aGk=", "image/png")
}

/// Several blocks.
#[tool]
async fn blocks() -> Vec<Content> {
    vec![Content::text("one"), Content::text("two")]
}

/// A hand-made result.
#[tool]
async fn raw() -> CallToolResult {
    CallToolResult::error("made by hand")
}

/// Some JSON, as text.
#[tool]
async fn json_value() -> serde_json::Value {
    json!({"a": 1})
}

/// Forced structured output.
#[tool(structured)]
async fn structured_number() -> u32 {
    7
}

/// A static string.
#[tool]
async fn motto() -> &'static str {
    "be kind"
}

#[tokio::test]
async fn text_output() {
    let result = call(&greet, json!({"name": "Ada", "excited": true})).await;
    assert_eq!(result, CallToolResult::text("Hello, Ada!"));
    assert_eq!(text(&call(&greet, json!({"name": "Bo", "times": 2})).await), "Hello, Bo. Hello, Bo.");
    assert_eq!(text(&call(&motto, json!({})).await), "be kind");
    assert_eq!(text(&call(&json_value, json!({})).await), r#"{"a":1}"#);
}

#[tokio::test]
async fn structured_output() {
    let info = info_json(&forecast);
    assert_eq!(info["outputSchema"]["type"], "object");
    assert_eq!(info["outputSchema"]["required"], json!(["city", "celsius"]));
    let result = call(&forecast, json!({"city": "Paris"})).await;
    let expected = json!({"city": "Paris", "celsius": 21.5});
    assert_eq!(result.structured_content, Some(expected.clone()));
    assert_eq!(serde_json::from_str::<Value>(text(&result)).unwrap(), expected);
}

#[tokio::test]
async fn lists_and_scalars_are_wrapped() {
    let info = info_json(&cities);
    assert_eq!(info["outputSchema"]["type"], "object");
    assert_eq!(info["outputSchema"]["properties"]["result"]["type"], "array");
    let result = call(&cities, json!({})).await;
    assert_eq!(result.structured_content, Some(json!({"result": ["Paris", "Lima"]})));
    let result = call(&structured_number, json!({})).await;
    assert_eq!(result.structured_content, Some(json!({"result": 7})));
}

#[tokio::test]
async fn result_errors_become_is_error() {
    assert!(info_json(&checked_forecast)["outputSchema"].is_object());
    let ok = call(&checked_forecast, json!({"city": "Oslo"})).await;
    assert_eq!(ok.structured_content, Some(json!({"city": "Oslo", "celsius": 3.0})));
    let err = call(&checked_forecast, json!({"city": ""})).await;
    assert!(err.failed());
    assert_eq!(text(&err), "no city given");
    assert_eq!(text(&call(&divide, json!({"a": 1.0, "b": 4.0})).await), "0.25");
    let err = call(&divide, json!({"a": 1.0, "b": 0.0})).await;
    assert!(err.failed() && text(&err) == "division by zero", "{err:?}");
}

#[tokio::test]
async fn invalid_arguments_name_the_field() {
    for (args, field) in [
        (json!({"name": 3}), "name"),
        (json!({}), "name"),
        (json!({"name": "Ada", "times": 300}), "times"),
        (json!({"name": "Ada", "excited": "yes"}), "excited"),
    ] {
        let result = call(&greet, args.clone()).await;
        assert!(result.failed(), "{args}: {result:?}");
        let message = text(&result);
        assert!(message.contains(&format!("`{field}`")), "{args}: {message}");
        assert!(message.contains("greet"), "{message}");
    }
}

#[tokio::test]
async fn arguments_are_checked_before_the_body_runs() {
    let err = greet.call(Default::default(), &ctx()).await.unwrap_err();
    assert!(matches!(err, ToolError::InvalidArguments { ref tool, .. } if tool == "greet"), "{err:?}");
}

#[tokio::test]
async fn the_context_is_passed_through() {
    assert_eq!(text(&call(&whoami, json!({"prefix": "request "})).await), "request 1");
    let schema = &info_json(&whoami)["inputSchema"];
    assert_eq!(schema["required"], json!(["prefix"]));
    assert_eq!(text(&call(&versions, json!({})).await), "2025-11-25 0");
    assert_eq!(text(&call(&owned_context, json!({})).await), "1");
    assert_eq!(
        info_json(&versions)["inputSchema"]["properties"],
        json!({"n": {"type": "integer", "format": "uint32", "minimum": 0, "default": 0}})
    );
}

#[tokio::test]
async fn content_output() {
    let result = call(&picture, json!({})).await;
    assert_eq!(result.content, vec![Content::image("aGk=", "image/png")]);
    assert!(info_json(&picture).get("outputSchema").is_none());
    assert_eq!(call(&blocks, json!({})).await.content.len(), 2);
    let by_hand = call(&raw, json!({})).await;
    assert!(by_hand.failed() && text(&by_hand) == "made by hand");
}

/// Words said loudly: converts itself.
struct Shout(String);

impl IntoToolResult for Shout {
    fn into_tool_result(self) -> Result<CallToolResult, ToolError> {
        Ok(CallToolResult::text(self.0.to_uppercase()))
    }
}

/// Not this doc.
#[tool(text, description = "Shout the words.")]
async fn shout(words: String) -> Result<Shout, std::io::Error> {
    Ok(Shout(words))
}

#[tokio::test]
async fn forced_text_and_explicit_description() {
    let info = info_json(&shout);
    assert_eq!(info["description"], "Shout the words.");
    assert!(info.get("outputSchema").is_none());
    assert_eq!(text(&call(&shout, json!({"words": "hi"})).await), "HI");
}
