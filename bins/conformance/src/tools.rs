//! Tools that answer on their own: content of every kind, progress, logs,
//! an error result, and a tool whose input schema is kept verbatim.

use crate::fixtures::{EMBEDDED_TEXT, EMBEDDED_URI, ERROR_TEXT, MIXED_JSON, MIXED_URI, PNG, SIMPLE_TEXT, WAV};
use lambda_mcp_core::protocol::LoggingLevel;
use lambda_mcp_core::{
    async_trait, tool, Arguments, CallToolResult, Content, ResourceContents, Tool, ToolContext, ToolError, ToolInfo,
};
use serde_json::json;
use std::time::Duration;

/// The pause between the steps of the progress and logging tools.
const STEP: Duration = Duration::from_millis(50);

/// Tests simple text content response.
#[tool(read_only)]
pub(crate) async fn test_simple_text() -> &'static str {
    SIMPLE_TEXT
}

/// Tests image content response (a 1×1 PNG).
#[tool(read_only)]
pub(crate) async fn test_image_content() -> Content {
    Content::image(PNG, "image/png")
}

/// Tests audio content response (a minimal WAV).
#[tool(read_only)]
pub(crate) async fn test_audio_content() -> Content {
    Content::audio(WAV, "audio/wav")
}

/// Tests embedded resource content response.
#[tool(read_only)]
pub(crate) async fn test_embedded_resource() -> Content {
    Content::resource(ResourceContents::text(EMBEDDED_URI, "text/plain", EMBEDDED_TEXT))
}

/// Tests response with multiple content types (text, image, resource).
#[tool(read_only)]
pub(crate) async fn test_multiple_content_types() -> Vec<Content> {
    vec![
        Content::text("Multiple content types test:"),
        Content::image(PNG, "image/png"),
        Content::resource(ResourceContents::text(MIXED_URI, "application/json", MIXED_JSON)),
    ]
}

/// Tests tool that emits log messages during execution.
#[tool(read_only)]
pub(crate) async fn test_tool_with_logging(ctx: &ToolContext) -> &'static str {
    ctx.log(LoggingLevel::Info, "Tool execution started").await;
    tokio::time::sleep(STEP).await;
    ctx.log(LoggingLevel::Info, "Tool processing data").await;
    tokio::time::sleep(STEP).await;
    ctx.log(LoggingLevel::Info, "Tool execution completed").await;
    "Tool with logging executed successfully"
}

/// Tests tool that reports progress notifications (0, 50, 100 of 100).
#[tool(read_only)]
pub(crate) async fn test_tool_with_progress(ctx: &ToolContext) -> &'static str {
    ctx.progress(0.0, Some(100.0), Some("Starting")).await;
    tokio::time::sleep(STEP).await;
    ctx.progress(50.0, Some(100.0), Some("Halfway")).await;
    tokio::time::sleep(STEP).await;
    ctx.progress(100.0, Some(100.0), Some("Done")).await;
    "Progress test completed"
}

/// Tests error response: always returns an `isError` result.
#[tool(read_only)]
pub(crate) async fn test_error_handling() -> Result<String, ToolError> {
    Err(ToolError::failed(ERROR_TEXT))
}

/// Logs at info level, but only when the client asked for log messages.
#[tool(read_only)]
pub(crate) async fn test_logging_tool(ctx: &ToolContext) -> &'static str {
    ctx.log(LoggingLevel::Info, "Logging tool called").await;
    ctx.log(LoggingLevel::Debug, "Logging tool finished").await;
    "Logging tool executed"
}

/// A tool whose input schema uses JSON Schema 2020-12 keywords (`$defs`,
/// `$anchor`, composition, conditionals), advertised exactly as written.
pub(crate) struct JsonSchema2020Tool;

#[async_trait]
impl Tool for JsonSchema2020Tool {
    fn info(&self) -> ToolInfo {
        let schema = json!({
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "type": "object",
            "$defs": {
                "address": {
                    "$anchor": "addressDef",
                    "type": "object",
                    "properties": { "street": { "type": "string" }, "city": { "type": "string" } }
                }
            },
            "properties": {
                "name": { "type": "string" },
                "address": { "$ref": "#/$defs/address" },
                "contactMethod": { "type": "string", "enum": ["phone", "email"] },
                "phone": { "type": "string" },
                "email": { "type": "string" }
            },
            "allOf": [{ "anyOf": [{ "required": ["phone"] }, { "required": ["email"] }] }],
            "if": { "properties": { "contactMethod": { "const": "phone" } }, "required": ["contactMethod"] },
            "then": { "required": ["phone"] },
            "else": { "required": ["email"] },
            "additionalProperties": false
        });
        ToolInfo::new("json_schema_2020_12_tool", schema)
            .with_description("Tests JSON Schema 2020-12 keyword preservation in inputSchema.")
    }

    async fn call(&self, _args: Arguments, _ctx: &ToolContext) -> Result<CallToolResult, ToolError> {
        Ok(CallToolResult::text("ok"))
    }
}
