//! MCP ↔ Bedrock Converse: tool names Bedrock accepts (and the way back),
//! JSON ↔ `Document`, tool results as `toolResult` blocks, and a JSON view of
//! Converse messages for `--verbose`.

use aws_sdk_bedrockruntime::types::{
    ContentBlock, Message, Tool, ToolConfiguration, ToolInputSchema, ToolResultBlock, ToolResultContentBlock,
    ToolResultStatus, ToolSpecification,
};
use aws_smithy_types::{Document, Number};
use lambda_mcp_core::protocol::{CallToolResult, Content, ToolInfo};
use serde_json::{json, Map, Value};
use std::collections::HashMap;

/// Bedrock's limit on a tool name's length.
const MAX_NAME: usize = 64;

/// The MCP tools as Bedrock sees them, and the way back to MCP names.
#[derive(Debug, Default)]
pub(crate) struct ToolMap {
    to_mcp: HashMap<String, String>,
    specs: Vec<Tool>,
}

impl ToolMap {
    /// Maps every tool; names are made to fit `[a-zA-Z0-9_-]{1,64}` and kept
    /// unique.
    pub(crate) fn new(tools: &[ToolInfo]) -> Result<ToolMap, String> {
        let mut map = ToolMap::default();
        for tool in tools {
            let name = unique(&sanitise(&tool.name), &map.to_mcp);
            let description = tool
                .description
                .clone()
                .or_else(|| tool.title.clone())
                .filter(|d| !d.trim().is_empty())
                .unwrap_or_else(|| tool.name.clone());
            let mut schema = tool.input_schema.clone();
            schema.entry("type").or_insert_with(|| json!("object"));
            let spec = ToolSpecification::builder()
                .name(&name)
                .description(description)
                .input_schema(ToolInputSchema::Json(to_document(&Value::Object(schema))))
                .build()
                .map_err(|e| format!("tool {}: {e}", tool.name))?;
            map.specs.push(Tool::ToolSpec(spec));
            map.to_mcp.insert(name, tool.name.clone());
        }
        Ok(map)
    }

    /// The MCP name behind a Bedrock tool name.
    pub(crate) fn mcp_name(&self, bedrock_name: &str) -> Option<&str> {
        self.to_mcp.get(bedrock_name).map(String::as_str)
    }

    /// The `toolConfig` of every Converse call (none without tools: Bedrock
    /// refuses an empty list).
    pub(crate) fn config(&self) -> Option<ToolConfiguration> {
        if self.specs.is_empty() {
            return None;
        }
        ToolConfiguration::builder().set_tools(Some(self.specs.clone())).build().ok()
    }
}

/// Replaces every character Bedrock refuses with `_` and cuts to 64.
pub(crate) fn sanitise(name: &str) -> String {
    let clean: String =
        name.chars().map(|c| if c.is_ascii_alphanumeric() || c == '_' || c == '-' { c } else { '_' }).collect();
    let clean = if clean.is_empty() { "tool".to_owned() } else { clean };
    clean.chars().take(MAX_NAME).collect()
}

fn unique(name: &str, taken: &HashMap<String, String>) -> String {
    if !taken.contains_key(name) {
        return name.to_owned();
    }
    (2..).map(|n| suffixed(name, n)).find(|candidate| !taken.contains_key(candidate)).expect("some suffix is free")
}

fn suffixed(name: &str, n: usize) -> String {
    let suffix = format!("_{n}");
    let keep = MAX_NAME.saturating_sub(suffix.len());
    format!("{}{suffix}", &name[..name.len().min(keep)])
}

/// JSON → Smithy `Document`.
pub(crate) fn to_document(value: &Value) -> Document {
    match value {
        Value::Null => Document::Null,
        Value::Bool(b) => Document::Bool(*b),
        Value::Number(n) => Document::Number(match (n.as_u64(), n.as_i64()) {
            (Some(u), _) => Number::PosInt(u),
            (None, Some(i)) => Number::NegInt(i),
            _ => Number::Float(n.as_f64().unwrap_or_default()),
        }),
        Value::String(s) => Document::String(s.clone()),
        Value::Array(items) => Document::Array(items.iter().map(to_document).collect()),
        Value::Object(map) => Document::Object(map.iter().map(|(k, v)| (k.clone(), to_document(v))).collect()),
    }
}

/// Smithy `Document` → JSON.
pub(crate) fn to_json(document: &Document) -> Value {
    match document {
        Document::Null => Value::Null,
        Document::Bool(b) => Value::Bool(*b),
        Document::Number(Number::PosInt(u)) => json!(u),
        Document::Number(Number::NegInt(i)) => json!(i),
        Document::Number(Number::Float(f)) => json!(f),
        Document::String(s) => Value::String(s.clone()),
        Document::Array(items) => Value::Array(items.iter().map(to_json).collect()),
        Document::Object(map) => {
            let mut sorted: Vec<_> = map.iter().collect();
            sorted.sort_by(|a, b| a.0.cmp(b.0));
            Value::Object(sorted.into_iter().map(|(k, v)| (k.clone(), to_json(v))).collect::<Map<_, _>>())
        }
    }
}

/// An MCP tool result as a `toolResult` block: the text of every content
/// block, the structured content as JSON, status `error` on `isError`.
pub(crate) fn tool_result(tool_use_id: &str, result: &CallToolResult) -> ToolResultBlock {
    let mut blocks: Vec<ToolResultContentBlock> = result.content.iter().map(content_text).collect();
    if let Some(structured) = &result.structured_content {
        if structured.is_object() {
            blocks.push(ToolResultContentBlock::Json(to_document(structured)));
        }
    }
    let status = if result.failed() { ToolResultStatus::Error } else { ToolResultStatus::Success };
    result_block(tool_use_id, blocks, status)
}

/// A failure that never reached the tool (unknown tool, JSON-RPC error,
/// transport failure), told to the model as an error result.
pub(crate) fn tool_failure(tool_use_id: &str, message: &str) -> ToolResultBlock {
    result_block(tool_use_id, vec![ToolResultContentBlock::Text(message.to_owned())], ToolResultStatus::Error)
}

fn result_block(id: &str, mut blocks: Vec<ToolResultContentBlock>, status: ToolResultStatus) -> ToolResultBlock {
    if blocks.is_empty() {
        blocks.push(ToolResultContentBlock::Text("(no content)".into()));
    }
    ToolResultBlock::builder()
        .tool_use_id(id)
        .set_content(Some(blocks))
        .status(status)
        .build()
        .expect("tool_use_id and content are set")
}

fn content_text(content: &Content) -> ToolResultContentBlock {
    ToolResultContentBlock::Text(match content {
        Content::Text { text } => text.clone(),
        Content::Image { mime_type, data } => format!("[image {mime_type}, {} base64 characters]", data.len()),
        Content::Audio { mime_type, data } => format!("[audio {mime_type}, {} base64 characters]", data.len()),
        Content::ResourceLink(link) => format!("[resource link {} ({})]", link.uri, link.name),
        Content::Resource { resource } => match &resource.text {
            Some(text) => format!("[resource {}]\n{text}", resource.uri),
            None => format!("[resource {}: binary]", resource.uri),
        },
    })
}

/// A Converse message as JSON, for `--verbose`.
pub(crate) fn message_json(message: &Message) -> Value {
    let content: Vec<Value> = message.content().iter().map(block_json).collect();
    json!({"role": message.role().as_str(), "content": content})
}

fn block_json(block: &ContentBlock) -> Value {
    match block {
        ContentBlock::Text(text) => json!({"text": text}),
        ContentBlock::ToolUse(tool_use) => json!({"toolUse": {
            "toolUseId": tool_use.tool_use_id(), "name": tool_use.name(), "input": to_json(tool_use.input())}}),
        ContentBlock::ToolResult(result) => {
            let content: Vec<Value> = result
                .content()
                .iter()
                .map(|c| match c {
                    ToolResultContentBlock::Text(t) => json!({"text": t}),
                    ToolResultContentBlock::Json(d) => json!({"json": to_json(d)}),
                    other => json!({"other": format!("{other:?}")}),
                })
                .collect();
            let status = result.status().map(|s| s.as_str().to_owned());
            json!({"toolResult": {"toolUseId": result.tool_use_id(), "status": status, "content": content}})
        }
        other => json!({"other": format!("{other:?}")}),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_fit_bedrock_and_map_back() {
        assert_eq!(sanitise("get-sum"), "get-sum");
        assert_eq!(sanitise("files.read/v2"), "files_read_v2");
        assert_eq!(sanitise(""), "tool");
        assert_eq!(sanitise(&"x".repeat(100)).len(), 64);
        let tool = |name: &str| ToolInfo {
            name: name.into(),
            title: None,
            description: None,
            input_schema: Map::new(),
            output_schema: None,
            annotations: None,
        };
        let map = ToolMap::new(&[tool("a.b"), tool("a_b"), tool("a/b")]).unwrap();
        assert_eq!(map.mcp_name("a_b"), Some("a.b"));
        assert_eq!(map.mcp_name("a_b_2"), Some("a_b"));
        assert_eq!(map.mcp_name("a_b_3"), Some("a/b"));
        assert!(map.config().is_some());
        assert!(ToolMap::new(&[]).unwrap().config().is_none());
    }

    #[test]
    fn json_survives_the_trip_through_document() {
        let value = json!({"a": [1, -2, 2.5, "s", true, null], "b": {"c": {}}});
        assert_eq!(to_json(&to_document(&value)), value);
    }
}
