//! `#[tool]` used as a tool crate uses it: schemas and metadata here,
//! calls in `tool_macro/calls.rs`, impl blocks in `tool_macro/impls.rs`.

#[path = "tool_macro/calls.rs"]
mod calls;
#[path = "tool_macro/impls.rs"]
mod impls;

use lambda_mcp_core::jsonrpc::RequestId;
use lambda_mcp_core::{tool, Arguments, CallToolResult, Content, ProtocolVersion, Tool, ToolContext, ToolError};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use std::collections::{BTreeMap, HashMap};
use std::time::{Duration, Instant};

/// A context for calls made by hand.
fn ctx() -> ToolContext {
    ToolContext::builder(RequestId::Number(1), ProtocolVersion::V2025_11_25, Instant::now() + Duration::from_secs(5))
        .build()
}

/// Calls `tool` with `args`; an `Err` becomes the `isError` result the
/// router would send.
async fn call(tool: &impl Tool, args: Value) -> CallToolResult {
    let args = Arguments::new(args.as_object().expect("an object").clone());
    tool.call(args, &ctx()).await.unwrap_or_else(ToolError::into_result)
}

/// The text of the first content block.
fn text(result: &CallToolResult) -> &str {
    match result.content.first() {
        Some(Content::Text { text }) => text,
        other => panic!("expected a text block, got {other:?}"),
    }
}

/// The info of `tool` as JSON, as `tools/list` shows it.
fn info_json(tool: &impl Tool) -> Value {
    serde_json::to_value(tool.info()).expect("ToolInfo serialises")
}

/// Say hello to someone.
///
/// Longer description lines are kept too.
#[tool]
pub async fn greet(
    /// Who to greet.
    name: String,
    /// How many times.
    #[tool(default = 1)]
    times: u8,
    excited: Option<bool>,
) -> String {
    let mark = if excited.unwrap_or(false) { "!" } else { "." };
    vec![format!("Hello, {name}{mark}"); times.into()].join(" ")
}

/// Adds two numbers.
///
/// # Arguments
///
/// * `a` - The first number.
/// - b: The second
///   number.
///
/// # Notes
///
/// Overflow wraps.
#[tool(name = "add_numbers", title = "Adder", read_only, idempotent = true, destructive = false)]
async fn add(a: i64, b: i64) -> i64 {
    a.wrapping_add(b)
}

/// A temperature unit.
#[derive(Debug, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
enum Unit {
    Celsius,
    Fahrenheit,
}

/// A point on the plane.
#[derive(Debug, Deserialize, Serialize, JsonSchema)]
struct Point {
    /// Abscissa.
    x: f64,
    /// Ordinate.
    y: f64,
}

/// Takes every kind of argument.
#[tool]
async fn kitchen_sink(
    unit: Unit,
    tags: Vec<String>,
    weights: HashMap<String, f64>,
    limits: BTreeMap<String, u32>,
    /// Where to start.
    origin: Point,
    #[serde(default)] verbose: bool,
    #[tool(default = "hi")] greeting: String,
    r#type: Option<String>,
) -> String {
    format!(
        "{unit:?} {tags:?} {} {} {origin:?} {verbose} {greeting} {kind:?}",
        weights.len(),
        limits.len(),
        kind = r#type
    )
}

#[tool]
async fn undocumented() {}

#[test]
fn greet_schema_and_description() {
    let info = info_json(&greet);
    assert_eq!(info["name"], "greet");
    assert_eq!(info["description"], "Say hello to someone.\n\nLonger description lines are kept too.");
    let schema = &info["inputSchema"];
    assert_eq!(schema["type"], "object");
    assert_eq!(schema["required"], json!(["name"]));
    assert_eq!(schema["properties"]["name"]["type"], "string");
    assert_eq!(schema["properties"]["name"]["description"], "Who to greet.");
    assert_eq!(schema["properties"]["times"]["description"], "How many times.");
    assert_eq!(schema["properties"]["times"]["default"], 1);
    assert_eq!(schema["properties"]["times"]["maximum"], 255);
    assert!(schema["properties"]["excited"].is_object());
    assert!(info.get("title").is_none() && info.get("annotations").is_none() && info.get("outputSchema").is_none());
}

#[test]
fn arguments_section_name_title_and_annotations() {
    let info = info_json(&add);
    assert_eq!(info["name"], "add_numbers");
    assert_eq!(info["title"], "Adder");
    assert_eq!(info["description"], "Adds two numbers.\n\n# Notes\n\nOverflow wraps.");
    let properties = &info["inputSchema"]["properties"];
    assert_eq!(properties["a"]["description"], "The first number.");
    assert_eq!(properties["b"]["description"], "The second number.");
    assert_eq!(info["inputSchema"]["required"], json!(["a", "b"]));
    assert_eq!(info["annotations"], json!({"readOnlyHint": true, "destructiveHint": false, "idempotentHint": true}));
}

#[test]
fn rich_argument_types() {
    let schema = &info_json(&kitchen_sink)["inputSchema"];
    let properties = &schema["properties"];
    assert_eq!(schema["required"], json!(["unit", "tags", "weights", "limits", "origin"]));
    let unit = &schema["$defs"]["Unit"];
    assert_eq!(properties["unit"]["$ref"], "#/$defs/Unit");
    assert_eq!(unit["enum"], json!(["celsius", "fahrenheit"]));
    assert_eq!(properties["tags"]["type"], "array");
    assert_eq!(properties["tags"]["items"]["type"], "string");
    assert_eq!(properties["weights"]["type"], "object");
    assert_eq!(properties["weights"]["additionalProperties"]["type"], "number");
    assert_eq!(properties["limits"]["additionalProperties"]["type"], "integer");
    assert_eq!(properties["origin"]["$ref"], "#/$defs/Point");
    assert_eq!(properties["origin"]["description"], "Where to start.");
    assert_eq!(schema["$defs"]["Point"]["properties"]["x"]["description"], "Abscissa.");
    assert_eq!(properties["verbose"]["default"], false);
    assert_eq!(properties["greeting"]["default"], "hi");
    assert!(properties["type"].is_object(), "raw identifiers lose their r#: {properties}");
}

#[test]
fn no_docs_no_params() {
    let info = info_json(&undocumented);
    assert_eq!(info["name"], "undocumented");
    assert!(info.get("description").is_none());
    assert_eq!(info["inputSchema"]["type"], "object");
    assert_eq!(info["inputSchema"]["properties"], json!({}));
}

#[tokio::test]
async fn the_fn_stays_callable_as_run() {
    assert_eq!(greet::run("Ada".into(), 2, Some(true)).await, "Hello, Ada! Hello, Ada!");
    assert_eq!(add::run(2, 3).await, 5);
}

#[tokio::test]
async fn rich_arguments_deserialise() {
    let args = json!({
        "unit": "celsius", "tags": ["a"], "weights": {"w": 1.5}, "limits": {}, "origin": {"x": 1.0, "y": 2.0},
        "type": "t"
    });
    let result = call(&kitchen_sink, args).await;
    assert!(!result.failed(), "{result:?}");
    assert_eq!(text(&result), r#"Celsius ["a"] 1 0 Point { x: 1.0, y: 2.0 } false hi Some("t")"#);
}
