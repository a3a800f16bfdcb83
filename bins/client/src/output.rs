//! How `tools` and `call` print: a table of tools, a tool result as text
//! with structured content pretty-printed.

use lambda_mcp_core::protocol::{CallToolResult, Content, ToolInfo};
use serde_json::{Map, Value};

/// The widest a description gets in the table.
const DESCRIPTION_WIDTH: usize = 60;

/// The tools as a table: name, description (first line), parameters
/// (`name: type`, `?` when optional).
pub(crate) fn tools_table(tools: &[ToolInfo]) -> String {
    let rows: Vec<[String; 3]> = tools
        .iter()
        .map(|t| [t.name.clone(), short(t.description.as_deref().or(t.title.as_deref())), parameters(&t.input_schema)])
        .collect();
    let header = ["NAME".to_owned(), "DESCRIPTION".to_owned(), "PARAMETERS".to_owned()];
    let widths: Vec<usize> =
        (0..2).map(|i| rows.iter().chain([&header]).map(|r| r[i].chars().count()).max().unwrap_or(0)).collect();
    let mut out = String::new();
    for row in [&header].into_iter().chain(&rows) {
        let line = format!("{:w0$}  {:w1$}  {}", row[0], row[1], row[2], w0 = widths[0], w1 = widths[1]);
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out.push_str(&format!("{} tools\n", tools.len()));
    out
}

fn short(description: Option<&str>) -> String {
    let line = description.and_then(|d| d.lines().map(str::trim).find(|l| !l.is_empty())).unwrap_or("-");
    if line.chars().count() > DESCRIPTION_WIDTH {
        let cut: String = line.chars().take(DESCRIPTION_WIDTH - 1).collect();
        format!("{cut}…")
    } else {
        line.to_owned()
    }
}

/// `a: number, b?: string` from an object schema.
pub(crate) fn parameters(schema: &Map<String, Value>) -> String {
    let Some(properties) = schema.get("properties").and_then(Value::as_object) else {
        return "-".into();
    };
    if properties.is_empty() {
        return "-".into();
    }
    let required: Vec<&str> = schema
        .get("required")
        .and_then(Value::as_array)
        .map(|r| r.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    properties
        .iter()
        .map(|(name, spec)| {
            let optional = if required.contains(&name.as_str()) { "" } else { "?" };
            format!("{name}{optional}: {}", type_of(spec))
        })
        .collect::<Vec<_>>()
        .join(", ")
}

fn type_of(spec: &Value) -> String {
    match spec.get("type") {
        Some(Value::String(t)) => t.clone(),
        Some(Value::Array(types)) => types.iter().filter_map(Value::as_str).collect::<Vec<_>>().join("|"),
        _ if spec.get("enum").is_some() => "enum".into(),
        _ if spec.get("anyOf").is_some() || spec.get("oneOf").is_some() => "union".into(),
        _ => "any".into(),
    }
}

/// A tool result for people: each content block, then the structured
/// content pretty-printed (a text block that only repeats it is skipped).
pub(crate) fn call_result(result: &CallToolResult) -> String {
    let repeated = result.structured_content.as_ref().map(Value::to_string);
    let mut parts: Vec<String> = Vec::new();
    for content in &result.content {
        match content {
            Content::Text { text } if repeated.as_deref() == Some(text.as_str()) => {}
            Content::Text { text } if is_same_json(text, result.structured_content.as_ref()) => {}
            Content::Text { text } => parts.push(text.clone()),
            Content::Image { mime_type, data } => {
                parts.push(format!("[image {mime_type}, {} bytes]", data.len() / 4 * 3))
            }
            Content::Audio { mime_type, data } => {
                parts.push(format!("[audio {mime_type}, {} bytes]", data.len() / 4 * 3))
            }
            Content::ResourceLink(link) => parts.push(format!("[resource link] {} ({})", link.uri, link.name)),
            Content::Resource { resource } => parts.push(match &resource.text {
                Some(text) => format!("[resource {}]\n{text}", resource.uri),
                None => {
                    format!("[resource {}: binary, {}]", resource.uri, resource.mime_type.as_deref().unwrap_or("?"))
                }
            }),
        }
    }
    if let Some(structured) = &result.structured_content {
        let pretty = serde_json::to_string_pretty(structured).unwrap_or_default();
        parts.push(if parts.is_empty() { pretty } else { format!("structured content:\n{pretty}") });
    }
    let mut out = parts.join("\n");
    out.push('\n');
    out
}

fn is_same_json(text: &str, structured: Option<&Value>) -> bool {
    structured.is_some_and(|s| serde_json::from_str::<Value>(text).is_ok_and(|parsed| &parsed == s))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn parameters_show_types_and_optionality() {
        let schema = json!({"type": "object", "properties": {"a": {"type": "number"}, "b": {"type": ["string", "null"]}},
            "required": ["a"]});
        assert_eq!(parameters(schema.as_object().unwrap()), "a: number, b?: string|null");
        assert_eq!(parameters(json!({"type": "object"}).as_object().unwrap()), "-");
    }

    #[test]
    fn structured_content_is_pretty_printed_once() {
        let result = CallToolResult::structured(json!({"value": 3}));
        assert_eq!(call_result(&result), "{\n  \"value\": 3\n}\n");
        assert_eq!(call_result(&CallToolResult::text("hi")), "hi\n");
    }
}
