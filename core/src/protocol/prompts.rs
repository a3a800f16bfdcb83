//! `prompts/list` and `prompts/get`.

use super::Content;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// A prompt as advertised by `prompts/list`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PromptInfo {
    /// Unique name, used by `prompts/get`.
    pub name: String,
    /// Human-readable name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// What the prompt is for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Its arguments.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub arguments: Vec<PromptArgument>,
}

/// One argument of a prompt.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PromptArgument {
    /// Its name.
    pub name: String,
    /// Human-readable name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// What it means.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Whether it must be given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub required: Option<bool>,
}

/// `prompts/list` result.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ListPromptsResult {
    /// One page of prompts.
    pub prompts: Vec<PromptInfo>,
    /// Where the next page starts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_cursor: Option<String>,
}

/// `prompts/get` parameters.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GetPromptParams {
    /// The prompt's name.
    pub name: String,
    /// Argument values (always strings).
    #[serde(default)]
    pub arguments: BTreeMap<String, String>,
    /// 2026-07-28 retry: the client's answers to the input requests.
    #[serde(default, rename = "inputResponses", skip_serializing_if = "Option::is_none")]
    pub input_responses: Option<serde_json::Map<String, serde_json::Value>>,
    /// 2026-07-28 retry: the state the input-required result carried.
    #[serde(default, rename = "requestState", skip_serializing_if = "Option::is_none")]
    pub request_state: Option<String>,
}

/// Who speaks a prompt message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// The user.
    User,
    /// The assistant.
    Assistant,
}

/// One message of a prompt.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PromptMessage {
    /// Who speaks.
    pub role: Role,
    /// What is said.
    pub content: Content,
}

/// `prompts/get` result.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GetPromptResult {
    /// A description of the filled-in prompt.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// The messages.
    pub messages: Vec<PromptMessage>,
}

impl PromptInfo {
    /// A prompt with a name and no arguments.
    pub fn new(name: impl Into<String>) -> Self {
        PromptInfo { name: name.into(), title: None, description: None, arguments: Vec::new() }
    }

    /// Sets the human-readable title.
    pub fn with_title(mut self, title: impl Into<String>) -> Self {
        self.title = Some(title.into());
        self
    }

    /// Sets the description.
    pub fn with_description(mut self, description: impl Into<String>) -> Self {
        self.description = Some(description.into());
        self
    }

    /// Adds an argument.
    pub fn with_argument(mut self, argument: PromptArgument) -> Self {
        self.arguments.push(argument);
        self
    }
}

impl PromptArgument {
    /// An argument `prompts/get` must be given.
    pub fn required(name: impl Into<String>) -> Self {
        PromptArgument { name: name.into(), title: None, description: None, required: Some(true) }
    }

    /// An argument that may be left out.
    pub fn optional(name: impl Into<String>) -> Self {
        PromptArgument { required: None, ..PromptArgument::required(name) }
    }

    /// Whether `prompts/get` must be given this argument.
    pub fn is_required(&self) -> bool {
        self.required == Some(true)
    }

    /// Sets the human-readable title.
    pub fn with_title(mut self, title: impl Into<String>) -> Self {
        self.title = Some(title.into());
        self
    }

    /// Sets the description.
    pub fn with_description(mut self, description: impl Into<String>) -> Self {
        self.description = Some(description.into());
        self
    }
}

impl PromptMessage {
    /// A message of any content.
    pub fn new(role: Role, content: Content) -> Self {
        PromptMessage { role, content }
    }

    /// A text message.
    pub fn text(role: Role, text: impl Into<String>) -> Self {
        PromptMessage::new(role, Content::text(text))
    }
}

impl GetPromptResult {
    /// A filled-in prompt.
    pub fn new(messages: Vec<PromptMessage>) -> Self {
        GetPromptResult { description: None, messages }
    }

    /// Sets the description of the filled-in prompt.
    pub fn with_description(mut self, description: impl Into<String>) -> Self {
        self.description = Some(description.into());
        self
    }
}

/// Method names of this area.
pub mod methods {
    /// Lists prompts.
    pub const LIST: &str = "prompts/list";
    /// Gets a filled-in prompt.
    pub const GET: &str = "prompts/get";
    /// Server → client: the prompt list changed.
    pub const LIST_CHANGED: &str = "notifications/prompts/list_changed";
}
