use crate::error::ToolError;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

/// The arguments of one call, as the client sent them.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Arguments(Map<String, Value>);

impl Arguments {
    /// Wraps the `arguments` object of a `tools/call`.
    pub fn new(map: Map<String, Value>) -> Self {
        Arguments(map)
    }

    /// The raw object.
    pub fn as_map(&self) -> &Map<String, Value> {
        &self.0
    }

    /// The raw object, owned.
    pub fn into_map(self) -> Map<String, Value> {
        self.0
    }

    /// Deserialises into `T`; the error names the offending field, so the
    /// model can correct itself.
    ///
    /// ```
    /// use lambda_mcp_core::Arguments;
    /// #[derive(serde::Deserialize, Debug)]
    /// struct Args { count: u8 }
    /// let args = Arguments::new(serde_json::json!({"count": 300}).as_object().unwrap().clone());
    /// let err = args.parse::<Args>("demo").unwrap_err().to_string();
    /// assert!(err.contains("`count`"), "{err}");
    /// ```
    pub fn parse<T: DeserializeOwned>(self, tool: &str) -> Result<T, ToolError> {
        let value = Value::Object(self.0);
        // The fast path; only a failure pays for locating the offending field.
        if let Ok(parsed) = T::deserialize(&value) {
            return Ok(parsed);
        }
        serde_path_to_error::deserialize(&value).map_err(|err| {
            let path = err.path().to_string();
            let inner = err.into_inner().to_string();
            let message = if path == "." || inner.contains('`') && inner.starts_with("missing field") {
                inner
            } else {
                format!("argument `{path}`: {inner}")
            };
            ToolError::InvalidArguments { tool: tool.to_owned(), message }
        })
    }
}

impl From<Map<String, Value>> for Arguments {
    fn from(map: Map<String, Value>) -> Self {
        Arguments(map)
    }
}
