//! JSON Schemas (draft 2020-12) from Rust types, via schemars.

use schemars::JsonSchema;
use serde_json::{Map, Value};

/// The schema of `T` as a JSON object, without the generated `title`.
pub(crate) fn schema_object<T: JsonSchema>() -> Map<String, Value> {
    let schema = schemars::generate::SchemaSettings::draft2020_12().into_generator().into_root_schema_for::<T>();
    let mut map = match schema.to_value() {
        Value::Object(map) => map,
        // `true` (any value) as an object schema.
        _ => Map::new(),
    };
    map.remove("title");
    map
}

/// The `inputSchema` of a tool whose arguments deserialise into `T`: always
/// an object schema with `properties`, as MCP requires.
///
/// ```
/// #[derive(schemars::JsonSchema)]
/// struct Args {
///     /// Who to greet.
///     name: String,
///     times: Option<u8>,
/// }
/// let schema = lambda_mcp_core::input_schema::<Args>();
/// assert_eq!(schema["type"], "object");
/// assert_eq!(schema["required"], serde_json::json!(["name"]));
/// assert_eq!(schema["properties"]["name"]["description"], "Who to greet.");
/// ```
pub fn input_schema<T: JsonSchema>() -> Map<String, Value> {
    let mut map = schema_object::<T>();
    map.insert("type".into(), "object".into());
    map.entry("properties").or_insert_with(|| Value::Object(Map::new()));
    map
}
