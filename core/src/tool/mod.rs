//! The [`Tool`] trait: the one contract every tool fulfils.
//!
//! A tool is metadata (a [`ToolInfo`]: name, description, schemas,
//! annotations) plus one async `call`. `#[tool]` writes both from a
//! documented async fn; everything it writes can be written by hand:
//!
//! ```
//! use lambda_mcp_core::{async_trait, Arguments, CallToolResult, Tool, ToolContext, ToolError, ToolInfo};
//!
//! struct Echo;
//!
//! #[async_trait]
//! impl Tool for Echo {
//!     fn info(&self) -> ToolInfo {
//!         ToolInfo::new("echo", serde_json::json!({
//!             "type": "object",
//!             "properties": { "text": { "type": "string" } },
//!             "required": ["text"]
//!         }))
//!         .with_description("Echo the text back.")
//!     }
//!
//!     async fn call(&self, args: Arguments, _ctx: &ToolContext) -> Result<CallToolResult, ToolError> {
//!         #[derive(serde::Deserialize)]
//!         struct Args { text: String }
//!         let args: Args = args.parse("echo")?;
//!         Ok(CallToolResult::text(args.text))
//!     }
//! }
//! ```

pub(crate) mod actor;
mod arguments;
mod output;
mod registration;
mod schema;

pub use actor::StatefulTool;
pub use arguments::Arguments;
pub use output::{IntoToolResult, OutputShape, Structured};
pub use registration::{marker, IntoTools, Registered, ToolSet};
pub use schema::input_schema;

pub(crate) use actor::{ActorHost, ToolActor};
pub(crate) use registration::{Entry, Handler};

use crate::context::ToolContext;
use crate::error::ToolError;
use crate::protocol::{CallToolResult, ToolAnnotations, ToolInfo};
use async_trait::async_trait;
use serde_json::{Map, Value};

/// A tool with no mutable state: called inline, concurrently, through `&self`.
#[async_trait]
pub trait Tool: Send + Sync + 'static {
    /// Name, title, description, schemas and annotations. Read once, when
    /// the tool is registered.
    fn info(&self) -> ToolInfo;

    /// Serves one call. `&self` because one value serves every concurrent
    /// call; state that must change lives in the session or behind a
    /// [`StatefulTool`].
    async fn call(&self, args: Arguments, ctx: &ToolContext) -> Result<CallToolResult, ToolError>;
}

impl ToolInfo {
    /// A tool with a name and an input schema (must be an object schema;
    /// anything else is replaced by an empty object schema).
    pub fn new(name: impl Into<String>, input_schema: Value) -> Self {
        let input_schema = match input_schema {
            Value::Object(map) => map,
            _ => empty_object_schema(),
        };
        ToolInfo {
            name: name.into(),
            title: None,
            description: None,
            input_schema,
            output_schema: None,
            annotations: None,
        }
    }

    /// Sets the description.
    pub fn with_description(mut self, description: impl Into<String>) -> Self {
        self.description = Some(description.into());
        self
    }

    /// Sets the human-readable title.
    pub fn with_title(mut self, title: impl Into<String>) -> Self {
        self.title = Some(title.into());
        self
    }

    /// Sets the output schema (an object schema).
    pub fn with_output_schema(mut self, schema: Map<String, Value>) -> Self {
        self.output_schema = Some(schema);
        self
    }

    /// Sets the behaviour hints.
    pub fn with_annotations(mut self, annotations: ToolAnnotations) -> Self {
        self.annotations = Some(annotations);
        self
    }
}

pub(crate) fn empty_object_schema() -> Map<String, Value> {
    let mut map = Map::new();
    map.insert("type".into(), Value::from("object"));
    map.insert("properties".into(), Value::Object(Map::new()));
    map
}

/// Checks a tool name against the 2025-11-25 rules: 1–128 characters of
/// ASCII letters, digits, `_`, `-` and `.`.
pub(crate) fn validate_name(name: &str) -> Result<(), String> {
    if name.is_empty() || name.len() > 128 {
        return Err(format!("tool name {name:?} must be 1 to 128 characters long"));
    }
    match name.chars().find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'))) {
        Some(c) => Err(format!("tool name {name:?} contains {c:?}; use letters, digits, '_', '-' and '.'")),
        None => Ok(()),
    }
}
