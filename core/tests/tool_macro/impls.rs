//! `#[tool]` on impl blocks: a `ToolSet` when every tool method takes
//! `&self`, a `StatefulTool` when one takes `&mut self`.

use super::{call, ctx, info_json, text};
use lambda_mcp_core::{tool, Arguments, Server, StatefulTool, Tool, ToolError, ToolSet};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::json;

/// Arithmetic tools.
#[derive(Default)]
struct Calculator {
    offset: i64,
}

#[tool]
impl Calculator {
    /// Add two integers.
    #[tool(read_only)]
    async fn add(&self, a: i64, b: i64) -> i64 {
        a + b + self.offset
    }

    /// Multiply two integers.
    ///
    /// # Arguments
    /// * `a` - The multiplicand.
    #[tool(name = "times")]
    pub(crate) async fn mul(
        &self,
        a: i64,
        /** The multiplier. */
        b: i64,
    ) -> i64 {
        a * b
    }

    /// A helper: not a tool (not async).
    fn helper(&self) -> i64 {
        self.offset
    }

    /// A constructor: not a tool (no receiver).
    fn with_offset(offset: i64) -> Self {
        Calculator { offset }
    }

    /// Async, but opted out.
    #[tool(skip)]
    async fn internal(&self) -> i64 {
        self.helper()
    }
}

/// A snapshot of a counter.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema, PartialEq)]
struct Snapshot {
    count: i64,
}

/// A counter with state.
#[derive(Default)]
struct Counter {
    count: i64,
}

#[tool]
impl Counter {
    /// Add to the counter.
    async fn increment(&mut self, #[tool(default = 1)] by: i64) -> i64 {
        self.count += by;
        self.count
    }

    /// The counter, structured.
    #[tool(read_only)]
    async fn snapshot(&self) -> Snapshot {
        Snapshot { count: self.count }
    }

    /// Sets the counter from a snapshot; fails on negative counts.
    async fn restore(&mut self, snapshot: Snapshot) -> Result<Snapshot, String> {
        if snapshot.count < 0 {
            return Err(format!("negative count {}", snapshot.count));
        }
        Ok(std::mem::replace(&mut self.count, snapshot.count)).map(|count| Snapshot { count })
    }
}

fn args(value: serde_json::Value) -> Arguments {
    Arguments::new(value.as_object().expect("an object").clone())
}

#[test]
fn tool_set_registers_every_method() {
    let server = Server::builder("t", "1").tool(Calculator::default()).build();
    assert_eq!(server.tool_names(), ["add", "times"]);
    assert_eq!(Calculator::with_offset(1).helper(), 1);
}

#[tokio::test]
async fn tool_set_tools_share_the_value() {
    let tools = Calculator::with_offset(10).into_tool_set();
    let infos: Vec<_> = tools.iter().map(|t| serde_json::to_value(t.info()).unwrap()).collect();
    assert_eq!(infos[0]["description"], "Add two integers.");
    assert_eq!(infos[0]["annotations"], json!({"readOnlyHint": true}));
    assert_eq!(infos[1]["description"], "Multiply two integers.");
    assert_eq!(infos[1]["inputSchema"]["properties"]["a"]["description"], "The multiplicand.");
    assert_eq!(infos[1]["inputSchema"]["properties"]["b"]["description"], "The multiplier.");
    let result = tools[0].call(args(json!({"a": 1, "b": 2})), &ctx()).await.unwrap();
    assert_eq!(text(&result), "13");
    let result = tools[1].call(args(json!({"a": 3, "b": 4})), &ctx()).await.unwrap();
    assert_eq!(text(&result), "12");
    let err = tools[1].call(args(json!({"a": 3})), &ctx()).await.unwrap_err();
    assert!(err.to_string().contains("`b`") && err.to_string().contains("times"), "{err}");
    assert_eq!(Calculator::default().internal().await, 0);
}

#[test]
fn stateful_tool_registers_every_method() {
    let server = Server::builder("t", "1").tool(Counter::default()).build();
    assert_eq!(server.tool_names(), ["increment", "snapshot", "restore"]);
    let infos = Counter::default().tools();
    assert_eq!(infos[0].input_schema["properties"]["by"]["default"], 1);
    assert_eq!(infos[1].output_schema.as_ref().unwrap()["type"], "object");
    assert_eq!(infos[2].input_schema["required"], json!(["snapshot"]));
}

#[tokio::test]
async fn stateful_calls_change_the_state() {
    let mut counter = Counter::default();
    let first = counter.call("increment", args(json!({})), &ctx()).await.unwrap();
    assert_eq!(text(&first), "1");
    let second = counter.call("increment", args(json!({"by": 5})), &ctx()).await.unwrap();
    assert_eq!(text(&second), "6");
    let snapshot = counter.call("snapshot", args(json!({})), &ctx()).await.unwrap();
    assert_eq!(snapshot.structured_content, Some(json!({"count": 6})));
    let restored = counter.call("restore", args(json!({"snapshot": {"count": 2}})), &ctx()).await.unwrap();
    assert_eq!(restored.structured_content, Some(json!({"count": 6})));
    assert_eq!(counter.count, 2);
    let refused = counter.call("restore", args(json!({"snapshot": {"count": -1}})), &ctx()).await.unwrap();
    assert!(refused.failed() && text(&refused) == "negative count -1");
    let bad = counter.call("increment", args(json!({"by": "x"})), &ctx()).await.unwrap_err();
    assert!(matches!(bad, ToolError::InvalidArguments { .. }) && bad.to_string().contains("`by`"), "{bad}");
    let unknown = counter.call("nope", args(json!({})), &ctx()).await.unwrap_err();
    assert!(unknown.to_string().contains("nope"), "{unknown}");
}

/// A free tool next to the impl blocks, to check the helpers compose.
#[tool]
async fn ping() -> &'static str {
    "pong"
}

#[tokio::test]
async fn free_tools_still_work_here() {
    assert_eq!(text(&call(&ping, json!({})).await), "pong");
    assert_eq!(info_json(&ping)["description"], "A free tool next to the impl blocks, to check the helpers compose.");
    let _: &dyn Tool = &ping;
}

/// Settings, returned as themselves.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
struct Settings {
    level: u8,
}

#[tool]
impl Settings {
    /// The settings.
    #[tool]
    async fn settings(&self) -> Self {
        self.clone()
    }

    /// Whether other settings are the same.
    async fn same_as(&self, other: Self, #[tool(default = Self::default())] fallback: Self) -> bool {
        self.level == other.level || self.level == fallback.level
    }
}

#[tokio::test]
async fn self_in_signatures() {
    let tools = Settings { level: 3 }.into_tool_set();
    let info = serde_json::to_value(tools[0].info()).unwrap();
    assert_eq!(info["outputSchema"]["properties"]["level"]["type"], "integer");
    let result = tools[0].call(args(json!({})), &ctx()).await.unwrap();
    assert_eq!(result.structured_content, Some(json!({"level": 3})));
    let same = tools[1].call(args(json!({"other": {"level": 3}})), &ctx()).await.unwrap();
    assert_eq!(text(&same), "true");
    let info = serde_json::to_value(tools[1].info()).unwrap();
    assert_eq!(info["inputSchema"]["properties"]["fallback"]["default"], json!({"level": 0}));
}
