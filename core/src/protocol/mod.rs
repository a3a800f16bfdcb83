//! MCP types, one module per area, for both protocol eras. Field names and
//! optionality follow `schema/<version>/schema.ts`; where versions differ
//! the router adapts the result to the caller's version.

pub mod cancellation;
pub mod completion;
pub mod content;
pub mod discovery;
pub mod lifecycle;
pub mod logging;
pub mod progress;
pub mod prompts;
pub mod resources;
pub mod tools;
mod version;

pub use cancellation::CancelledParams;
pub use completion::{CompleteParams, CompleteResult, Completion, CompletionReference};
pub use content::{Content, ResourceContents, ResourceLink};
pub use discovery::{CacheScope, DiscoverResult, ResultType};
pub use lifecycle::{Implementation, InitializeParams, InitializeResult, ListChanged, ServerCapabilities};
pub use logging::LoggingLevel;
pub use progress::ProgressToken;
pub use prompts::{GetPromptParams, GetPromptResult, PromptArgument, PromptInfo, PromptMessage, Role};
pub use resources::{ReadResourceResult, ResourceInfo, ResourceTemplate};
pub use tools::{CallToolParams, CallToolResult, ListToolsResult, ToolAnnotations, ToolInfo};
pub use version::{Era, ProtocolVersion};

use serde::{Deserialize, Serialize};

/// Parameters of the paginated list methods.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct PaginatedParams {
    /// Where to continue, from a previous `nextCursor`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cursor: Option<String>,
}
