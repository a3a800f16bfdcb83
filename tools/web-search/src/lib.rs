//! `search_website`: web search through the [Serper](https://serper.dev)
//! API. The example to copy for a tool that calls an HTTP API: the key
//! comes from the environment and never shows in logs or errors, every
//! attempt has a timeout, a 5xx or a timeout is retried once, and every
//! failure is an `isError` result that says what to do.
//!
//! ```
//! use lambda_mcp_tool_web_search::{SerperConfig, WebSearch};
//!
//! // In a bin: `WebSearch::from_env()?` (SERPER_API_KEY, SERPER_BASE_URL).
//! let search = WebSearch::new(SerperConfig::new("my-key"))?;
//! let server = lambda_mcp_core::Server::builder("demo", "1.0.0").tool(search).build();
//! assert_eq!(server.tool_names(), ["search_website"]);
//! # Ok::<(), lambda_mcp_tool_web_search::SearchError>(())
//! ```
//!
//! # Why a hand-written `Tool`
//!
//! `#[tool]` would give this tool its input and output schemas, but its
//! `content` would be the JSON of the results. Search results are read by a
//! model (and by people in a client's UI), so `content` carries a numbered
//! text rendering ([`SearchResults::to_text`]) while `structuredContent`
//! carries the same results as data, matching the advertised
//! `outputSchema`. Implementing [`Tool`] by hand costs about thirty lines
//! and shows what the macro writes: `input_schema` and [`OutputShape`] from
//! the same schemars types, [`Arguments::parse`] for errors that name the
//! bad field.

mod config;
mod error;
mod results;
mod serper;

pub use config::{ApiKey, SerperConfig, API_KEY_VAR, BASE_URL_VAR, DEFAULT_BASE_URL, DEFAULT_TIMEOUT};
pub use error::SearchError;
pub use results::{AnswerBox, KnowledgeGraph, OrganicResult, SearchResults};

use lambda_mcp_core::schemars::JsonSchema;
use lambda_mcp_core::{async_trait, input_schema, Arguments, OutputShape, Tool, ToolAnnotations, ToolInfo};
use lambda_mcp_core::{CallToolResult, Content, ToolContext, ToolError};
use serde::Deserialize;

/// The tool's name.
pub const TOOL_NAME: &str = "search_website";
/// Results returned when `num_results` is not given.
pub const DEFAULT_NUM_RESULTS: u8 = 10;
/// The most results one search may ask for.
pub const MAX_NUM_RESULTS: u8 = 100;

/// The `search_website` tool: a Serper client, built once and shared by
/// every call (one connection pool).
#[derive(Debug, Clone)]
pub struct WebSearch {
    serper: serper::Serper,
}

// The tool's arguments; the fields' doc comments are the schema's descriptions
// (a doc comment here would become the schema's own description).
#[derive(Deserialize, JsonSchema)]
#[schemars(crate = "lambda_mcp_core::schemars")]
struct SearchArgs {
    /// What to search for, as you would type it into a search engine.
    query: String,
    /// How many results to return: 1 to 100 (default 10).
    #[schemars(range(min = 1, max = 100))]
    num_results: Option<u8>,
}

impl WebSearch {
    /// A client for `config`. Fails only on a base URL that is not http(s)
    /// or a key that cannot be sent; a missing key fails each call instead,
    /// so a server without one still starts and says why searches fail.
    pub fn new(config: SerperConfig) -> Result<Self, SearchError> {
        Ok(WebSearch { serper: serper::Serper::new(config)? })
    }

    /// [`new`](Self::new) with [`SerperConfig::from_env`].
    pub fn from_env() -> Result<Self, SearchError> {
        Self::new(SerperConfig::from_env())
    }

    /// The configuration in use (its `Debug` hides the key).
    pub fn config(&self) -> &SerperConfig {
        self.serper.config()
    }

    /// Searches the web: at most `num_results` (default 10) organic results.
    pub async fn search(&self, query: &str, num_results: Option<u8>) -> Result<SearchResults, SearchError> {
        let num = num_results.unwrap_or(DEFAULT_NUM_RESULTS);
        if !(1..=MAX_NUM_RESULTS).contains(&num) {
            return Err(SearchError::InvalidArgument("num_results must be between 1 and 100"));
        }
        let query = query.trim();
        if query.is_empty() {
            return Err(SearchError::InvalidArgument("query must not be empty"));
        }
        self.serper.search(query, num).await
    }
}

#[async_trait]
impl Tool for WebSearch {
    fn info(&self) -> ToolInfo {
        let annotations =
            ToolAnnotations { read_only_hint: Some(true), open_world_hint: Some(true), ..ToolAnnotations::default() };
        ToolInfo::new(TOOL_NAME, serde_json::Value::Object(input_schema::<SearchArgs>()))
            .with_title("Web search")
            .with_description(
                "Search the web (Google, through the Serper API) and return the top results: title, link, \
                 snippet and position of each, plus a direct answer or a knowledge panel when there is one.",
            )
            .with_output_schema(OutputShape::of::<SearchResults>().schema().clone())
            .with_annotations(annotations)
    }

    async fn call(&self, args: Arguments, _ctx: &ToolContext) -> Result<CallToolResult, ToolError> {
        let args: SearchArgs = args.parse(TOOL_NAME)?;
        let results = self.search(&args.query, args.num_results).await.map_err(|err| match err {
            SearchError::InvalidArgument(message) => {
                ToolError::InvalidArguments { tool: TOOL_NAME.into(), message: message.into() }
            }
            err => ToolError::failed(err),
        })?;
        let structured = serde_json::to_value(&results).map_err(ToolError::failed)?;
        Ok(CallToolResult {
            content: vec![Content::text(results.to_text())],
            structured_content: Some(structured),
            is_error: None,
        })
    }
}
