use crate::error::ToolError;
use crate::protocol::{CallToolResult, Content};
use schemars::JsonSchema;
use serde::Serialize;
use serde_json::{Map, Value};
use std::any::Any;
use std::fmt::Display;

/// What a tool function may return: text-like values become a text block,
/// content becomes content, `Result::Err` becomes an `isError` result.
/// Structured values go through [`Structured`].
pub trait IntoToolResult {
    /// Converts the return value into the wire result.
    fn into_tool_result(self) -> Result<CallToolResult, ToolError>;
}

macro_rules! text_result {
    ($($t:ty),*) => {$(
        impl IntoToolResult for $t {
            fn into_tool_result(self) -> Result<CallToolResult, ToolError> {
                Ok(CallToolResult::text(self.to_string()))
            }
        }
    )*};
}

text_result!(&str, bool, char, i8, i16, i32, i64, i128, isize, u8, u16, u32, u64, u128, usize, f32, f64, Value);

/// Moved into the text block, not copied.
impl IntoToolResult for String {
    fn into_tool_result(self) -> Result<CallToolResult, ToolError> {
        Ok(CallToolResult::text(self))
    }
}

impl IntoToolResult for () {
    fn into_tool_result(self) -> Result<CallToolResult, ToolError> {
        Ok(CallToolResult::success(Vec::new()))
    }
}

impl IntoToolResult for Content {
    fn into_tool_result(self) -> Result<CallToolResult, ToolError> {
        Ok(CallToolResult::success(vec![self]))
    }
}

impl IntoToolResult for Vec<Content> {
    fn into_tool_result(self) -> Result<CallToolResult, ToolError> {
        Ok(CallToolResult::success(self))
    }
}

impl IntoToolResult for CallToolResult {
    fn into_tool_result(self) -> Result<CallToolResult, ToolError> {
        Ok(self)
    }
}

impl<T: IntoToolResult, E: Display + 'static> IntoToolResult for Result<T, E> {
    fn into_tool_result(self) -> Result<CallToolResult, ToolError> {
        match self {
            Ok(value) => value.into_tool_result(),
            Err(err) => {
                // A `ToolError` goes back to the router as it is: some
                // variants (input required, missing capability) are not
                // plain failures.
                let mut slot = Some(err);
                if let Some(tool_error) = (&mut slot as &mut dyn Any).downcast_mut::<Option<ToolError>>() {
                    return Err(tool_error.take().expect("the slot is full"));
                }
                let err = slot.expect("the slot is full");
                Ok(CallToolResult::error(err.to_string()))
            }
        }
    }
}

/// The output schema of a structured return type, and whether its values
/// must be wrapped in `{"result": …}` (MCP requires an object schema, so a
/// list or a scalar is wrapped). Compute it once per tool.
#[derive(Debug, Clone, PartialEq)]
pub struct OutputShape {
    schema: Map<String, Value>,
    wrapped: bool,
}

impl OutputShape {
    /// The shape of `T`'s values.
    pub fn of<T: JsonSchema>() -> Self {
        let schema = super::schema::schema_object::<T>();
        if schema.get("type").and_then(Value::as_str) == Some("object") {
            return OutputShape { schema, wrapped: false };
        }
        let mut inner = schema;
        let defs = inner.remove("$defs");
        let dialect = inner.remove("$schema");
        let mut properties = Map::new();
        properties.insert("result".into(), Value::Object(inner));
        let mut outer = Map::new();
        if let Some(dialect) = dialect {
            outer.insert("$schema".into(), dialect);
        }
        outer.insert("type".into(), "object".into());
        outer.insert("properties".into(), Value::Object(properties));
        outer.insert("required".into(), Value::Array(vec!["result".into()]));
        if let Some(defs) = defs {
            outer.insert("$defs".into(), defs);
        }
        OutputShape { schema: outer, wrapped: true }
    }

    /// The `outputSchema` to advertise.
    pub fn schema(&self) -> &Map<String, Value> {
        &self.schema
    }
}

/// A structured return value: serialised into `structuredContent` (and, as
/// JSON text, into `content` for clients that ignore structured output).
#[derive(Debug, Clone)]
pub struct Structured<T> {
    value: T,
    wrapped: bool,
}

impl<T: Serialize> Structured<T> {
    /// A value of a type whose shape is `shape`.
    pub fn new(value: T, shape: &OutputShape) -> Self {
        Structured { value, wrapped: shape.wrapped }
    }
}

impl<T: Serialize> IntoToolResult for Structured<T> {
    fn into_tool_result(self) -> Result<CallToolResult, ToolError> {
        let value = serde_json::to_value(&self.value).map_err(ToolError::failed)?;
        let value = if self.wrapped {
            let mut map = Map::new();
            map.insert("result".into(), value);
            Value::Object(map)
        } else {
            value
        };
        Ok(CallToolResult::structured(value))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_returned_string_becomes_the_text_block_without_a_copy() {
        let text = String::from("Hello MCP World!");
        let at = text.as_ptr();
        let result = text.into_tool_result().unwrap();
        let [Content::Text { text }] = &result.content[..] else { panic!("one text block: {result:?}") };
        assert_eq!((text.as_str(), text.as_ptr()), ("Hello MCP World!", at));
        assert_eq!("ok".into_tool_result().unwrap(), CallToolResult::text("ok"));
    }
}
