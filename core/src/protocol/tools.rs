//! `tools/list` and `tools/call`.

use super::Content;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// A tool as advertised by `tools/list`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ToolInfo {
    /// Unique name, used by `tools/call`.
    pub name: String,
    /// Human-readable name (2025-06-18 and later).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// What the tool does, for the model.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// JSON Schema of the arguments (an object schema).
    pub input_schema: Map<String, Value>,
    /// JSON Schema of `structuredContent` (2025-06-18 and later).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub output_schema: Option<Map<String, Value>>,
    /// Behaviour hints.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub annotations: Option<ToolAnnotations>,
}

/// Hints about a tool's behaviour; never a security boundary.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ToolAnnotations {
    /// Human-readable name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// The tool does not modify its environment.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub read_only_hint: Option<bool>,
    /// The tool may destroy data (meaningful when not read-only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub destructive_hint: Option<bool>,
    /// Calling twice with the same arguments has no extra effect.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub idempotent_hint: Option<bool>,
    /// The tool talks to an open world (e.g. the web).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub open_world_hint: Option<bool>,
}

/// `tools/list` result.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ListToolsResult {
    /// One page of tools.
    pub tools: Vec<ToolInfo>,
    /// Where the next page starts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_cursor: Option<String>,
}

/// `tools/call` parameters.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CallToolParams {
    /// The tool to call.
    pub name: String,
    /// Its arguments.
    #[serde(default)]
    pub arguments: Option<Map<String, Value>>,
    /// 2026-07-28 retry: the client's answers to the input requests.
    #[serde(default, rename = "inputResponses", skip_serializing_if = "Option::is_none")]
    pub input_responses: Option<Map<String, Value>>,
    /// 2026-07-28 retry: the state the input-required result carried.
    #[serde(default, rename = "requestState", skip_serializing_if = "Option::is_none")]
    pub request_state: Option<String>,
}

/// `tools/call` result. Tool failures are results with `isError`, not
/// JSON-RPC errors, so the model can see them.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CallToolResult {
    /// Unstructured content.
    pub content: Vec<Content>,
    /// Structured content matching the tool's `outputSchema`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub structured_content: Option<Value>,
    /// Whether the call failed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_error: Option<bool>,
}

impl CallToolResult {
    /// A successful result with the given content.
    pub fn success(content: Vec<Content>) -> Self {
        CallToolResult { content, structured_content: None, is_error: None }
    }

    /// A successful result with one text block.
    pub fn text(text: impl Into<String>) -> Self {
        Self::success(vec![Content::text(text)])
    }

    /// A failed call, explained to the model in one text block.
    pub fn error(message: impl Into<String>) -> Self {
        CallToolResult { content: vec![Content::text(message)], structured_content: None, is_error: Some(true) }
    }

    /// A successful structured result: the JSON text in `content` (for
    /// clients that ignore `structuredContent`) and the value itself.
    pub fn structured(value: Value) -> Self {
        CallToolResult {
            content: vec![Content::text(value.to_string())],
            structured_content: Some(value),
            is_error: None,
        }
    }

    /// Whether this result reports a failure.
    pub fn failed(&self) -> bool {
        self.is_error == Some(true)
    }

    /// Appends the result to `out` as its `Serialize` writes it: the
    /// `tools/call` hot path, with the member names written as they are
    /// rather than escaped one by one. Text blocks (nearly every block) are
    /// written the same way; other blocks go through serde.
    pub(crate) fn write_json(&self, out: &mut Vec<u8>) {
        // Destructured: a new member must be written here too.
        let CallToolResult { content, structured_content, is_error } = self;
        out.extend_from_slice(br#"{"content":["#);
        for (i, block) in content.iter().enumerate() {
            if i > 0 {
                out.push(b',');
            }
            match block {
                Content::Text { text } => {
                    out.extend_from_slice(br#"{"type":"text","text":"#);
                    serde_json::to_writer(&mut *out, text).expect("strings serialise");
                    out.push(b'}');
                }
                other => serde_json::to_writer(&mut *out, other).expect("content blocks serialise"),
            }
        }
        out.push(b']');
        if let Some(structured) = structured_content {
            out.extend_from_slice(br#","structuredContent":"#);
            serde_json::to_writer(&mut *out, structured).expect("JSON values serialise");
        }
        if let Some(is_error) = is_error {
            out.extend_from_slice(if *is_error { br#","isError":true"# } else { br#","isError":false"# });
        }
        out.push(b'}');
    }
}

/// Method names of this area.
pub mod methods {
    /// Lists tools.
    pub const LIST: &str = "tools/list";
    /// Calls a tool.
    pub const CALL: &str = "tools/call";
    /// Server → client: the tool list changed.
    pub const LIST_CHANGED: &str = "notifications/tools/list_changed";
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::{ResourceContents, ResourceLink};
    use serde_json::json;

    /// The hot-path writer writes exactly what serde writes.
    #[test]
    fn a_result_is_written_as_serde_writes_it() {
        let link: ResourceLink = serde_json::from_value(json!({ "uri": "file:///a", "name": "a" })).unwrap();
        let contents: ResourceContents = serde_json::from_value(json!({ "uri": "file:///b", "text": "b" })).unwrap();
        let results = [
            CallToolResult::default(),
            CallToolResult::text("hello \"quoted\" ünïcode \u{1}\n"),
            CallToolResult::error("it failed"),
            CallToolResult { is_error: Some(false), ..CallToolResult::text("fine") },
            CallToolResult::structured(json!({ "n": 7, "nested": { "_meta": [1, "x"] } })),
            CallToolResult::success(vec![
                Content::text("one"),
                Content::image("aW1n", "image/png"),
                Content::ResourceLink(link),
                Content::resource(contents),
                Content::text(""),
            ]),
        ];
        for result in &results {
            let mut written = Vec::new();
            result.write_json(&mut written);
            assert_eq!(String::from_utf8(written).unwrap(), serde_json::to_string(result).unwrap());
        }
    }
}
