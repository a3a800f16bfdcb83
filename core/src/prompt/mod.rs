//! Prompts: message templates a client fills in with string arguments. Like
//! [`crate::Tool`], a [`Prompt`] is metadata ([`PromptInfo`]) plus one async
//! `get`; [`FnPrompt`] makes one from a closure.
//!
//! ```
//! use lambda_mcp_core::{
//!     async_trait, Completion, GetPromptResult, Prompt, PromptArgument, PromptError,
//!     PromptInfo, PromptMessage, Role, Server, ToolContext,
//! };
//! use std::collections::BTreeMap;
//!
//! struct Review;
//!
//! #[async_trait]
//! impl Prompt for Review {
//!     fn info(&self) -> PromptInfo {
//!         PromptInfo::new("code_review")
//!             .with_description("Review a piece of code.")
//!             .with_argument(PromptArgument::required("language"))
//!     }
//!
//!     async fn get(
//!         &self,
//!         args: BTreeMap<String, String>,
//!         _ctx: &ToolContext,
//!     ) -> Result<GetPromptResult, PromptError> {
//!         let text = format!("Review this {} code.", args["language"]);
//!         Ok(GetPromptResult::new(vec![PromptMessage::text(Role::User, text)]))
//!     }
//!
//!     async fn complete(&self, _argument: &str, value: &str, _context: &BTreeMap<String, String>) -> Completion {
//!         Completion::matching(["python", "rust", "typescript"], value)
//!     }
//! }
//!
//! let server = Server::builder("demo", "1.0.0").prompt(Review).build();
//! assert_eq!(server.prompt_names(), ["code_review"]);
//! ```

use crate::context::ToolContext;
use crate::jsonrpc::{ErrorCode, ErrorObject};
use crate::protocol::{Completion, GetPromptResult, PromptInfo};
use crate::resource::CompleteFn;
use async_trait::async_trait;
use serde_json::json;
use std::collections::BTreeMap;
use std::future::Future;

/// A prompt, listed by `prompts/list` and filled in by `prompts/get`.
#[async_trait]
pub trait Prompt: Send + Sync + 'static {
    /// Name, title, description and arguments. Read once, when the prompt
    /// is registered.
    fn info(&self) -> PromptInfo;

    /// Fills the prompt in. Every required argument is in `args` (the
    /// router checks); `&self` because one value serves concurrent gets.
    async fn get(&self, args: BTreeMap<String, String>, ctx: &ToolContext) -> Result<GetPromptResult, PromptError>;

    /// Suggests values for `argument` given what has been typed (`value`)
    /// and the other arguments already chosen (`context`). None by default.
    async fn complete(&self, argument: &str, value: &str, context: &BTreeMap<String, String>) -> Completion {
        let _ = (argument, value, context);
        Completion::default()
    }
}

/// Why a prompt could not be filled in. Each variant becomes a JSON-RPC
/// error through `From`.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PromptError {
    /// No prompt has this name: -32602.
    #[error("Unknown prompt: {name}")]
    NotFound {
        /// The name asked for.
        name: String,
    },
    /// A required argument was not given: -32602.
    #[error("Missing required argument `{argument}` for prompt `{prompt}`")]
    MissingArgument {
        /// The prompt's name.
        prompt: String,
        /// The missing argument.
        argument: String,
    },
    /// An argument's value is not acceptable: -32602.
    #[error("Invalid argument `{argument}`: {message}")]
    InvalidArgument {
        /// The argument.
        argument: String,
        /// What is wrong with it.
        message: String,
    },
    /// The prompt itself failed: -32603.
    #[error("{0}")]
    Failed(#[source] Box<dyn std::error::Error + Send + Sync>),
    /// Something the prompt asked of its context failed or needs the
    /// client's input (`?` on [`crate::ToolContext::request_input`]).
    #[error(transparent)]
    Context(#[from] crate::ToolError),
}

impl PromptError {
    /// A prompt failure from any error or message.
    ///
    /// ```
    /// use lambda_mcp_core::PromptError;
    /// assert_eq!(PromptError::failed("template store down").to_string(), "template store down");
    /// ```
    pub fn failed(err: impl Into<Box<dyn std::error::Error + Send + Sync>>) -> Self {
        PromptError::Failed(err.into())
    }
}

impl From<PromptError> for ErrorObject {
    fn from(err: PromptError) -> Self {
        let message = err.to_string();
        match err {
            PromptError::NotFound { name } => {
                ErrorObject::new(ErrorCode::INVALID_PARAMS, message).with_data(json!({ "name": name }))
            }
            PromptError::MissingArgument { prompt, argument } => ErrorObject::new(ErrorCode::INVALID_PARAMS, message)
                .with_data(json!({ "name": prompt, "argument": argument })),
            PromptError::InvalidArgument { argument, .. } => {
                ErrorObject::new(ErrorCode::INVALID_PARAMS, message).with_data(json!({ "argument": argument }))
            }
            PromptError::Failed(_) | PromptError::Context(_) => ErrorObject::internal(message),
        }
    }
}

/// A prompt filled in by an async closure of its arguments, with optional
/// completion of the arguments.
///
/// ```
/// use lambda_mcp_core::{FnPrompt, GetPromptResult, PromptArgument, PromptInfo, PromptMessage, Role, Server};
///
/// let info = PromptInfo::new("test_prompt_with_arguments")
///     .with_argument(PromptArgument::required("arg1"))
///     .with_argument(PromptArgument::required("arg2"));
/// let prompt = FnPrompt::new(info, |args| async move {
///     let text = format!("Prompt with arguments: arg1='{}', arg2='{}'", args["arg1"], args["arg2"]);
///     Ok(GetPromptResult::new(vec![PromptMessage::text(Role::User, text)]))
/// });
/// let server = Server::builder("demo", "1.0.0").prompt(prompt).build();
/// assert_eq!(server.prompt_names(), ["test_prompt_with_arguments"]);
/// ```
pub struct FnPrompt<F> {
    info: PromptInfo,
    get: F,
    complete: Option<Box<CompleteFn>>,
}

impl<F, Fut> FnPrompt<F>
where
    F: Fn(BTreeMap<String, String>) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Result<GetPromptResult, PromptError>> + Send + 'static,
{
    /// A prompt described by `info` and filled in by `get(arguments)`.
    pub fn new(info: PromptInfo, get: F) -> Self {
        FnPrompt { info, get, complete: None }
    }

    /// Completes arguments with `complete(argument, value, other_arguments)`.
    pub fn with_completion<C>(mut self, complete: C) -> Self
    where
        C: Fn(&str, &str, &BTreeMap<String, String>) -> Completion + Send + Sync + 'static,
    {
        self.complete = Some(Box::new(complete));
        self
    }
}

#[async_trait]
impl<F, Fut> Prompt for FnPrompt<F>
where
    F: Fn(BTreeMap<String, String>) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Result<GetPromptResult, PromptError>> + Send + 'static,
{
    fn info(&self) -> PromptInfo {
        self.info.clone()
    }

    async fn get(&self, args: BTreeMap<String, String>, _ctx: &ToolContext) -> Result<GetPromptResult, PromptError> {
        (self.get)(args).await
    }

    async fn complete(&self, argument: &str, value: &str, context: &BTreeMap<String, String>) -> Completion {
        match &self.complete {
            Some(complete) => complete(argument, value, context),
            None => Completion::default(),
        }
    }
}
