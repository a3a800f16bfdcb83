//! `completion/complete`: suggestions for prompt and resource-template arguments.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// What is being completed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type")]
pub enum CompletionReference {
    /// An argument of a prompt.
    #[serde(rename = "ref/prompt")]
    Prompt {
        /// The prompt's name.
        name: String,
    },
    /// A variable of a resource template.
    #[serde(rename = "ref/resource")]
    Resource {
        /// The template's URI template.
        uri: String,
    },
}

/// The argument being typed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CompletionArgument {
    /// Its name.
    pub name: String,
    /// What has been typed so far.
    pub value: String,
}

/// Values of arguments already filled in (2025-06-18 and later).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct CompletionContext {
    /// Argument name → value.
    #[serde(default)]
    pub arguments: BTreeMap<String, String>,
}

/// `completion/complete` parameters.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CompleteParams {
    /// What is being completed.
    #[serde(rename = "ref")]
    pub reference: CompletionReference,
    /// The argument being typed.
    pub argument: CompletionArgument,
    /// Other arguments.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub context: Option<CompletionContext>,
}

/// The suggestions.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Completion {
    /// At most 100 suggestions.
    pub values: Vec<String>,
    /// How many matches exist in all.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub total: Option<u64>,
    /// Whether more exist than were returned.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub has_more: Option<bool>,
}

impl Completion {
    /// The most values one result may carry.
    pub const MAX_VALUES: usize = 100;

    /// Suggestions, best first. More than [`Completion::MAX_VALUES`] are
    /// fine: the server sends the first hundred, with `total` and `hasMore`.
    pub fn new<S: Into<String>>(values: impl IntoIterator<Item = S>) -> Self {
        Completion { values: values.into_iter().map(Into::into).collect(), total: None, has_more: None }
    }

    /// The candidates that start with `prefix`, ignoring case, in their order.
    ///
    /// ```
    /// use lambda_mcp_core::Completion;
    /// let c = Completion::matching(["paris", "Park", "rome"], "pa");
    /// assert_eq!(c.values, ["paris", "Park"]);
    /// ```
    pub fn matching<S: AsRef<str>>(candidates: impl IntoIterator<Item = S>, prefix: &str) -> Self {
        let prefix = prefix.to_lowercase();
        Completion::new(
            candidates
                .into_iter()
                .filter(|c| c.as_ref().to_lowercase().starts_with(&prefix))
                .map(|c| c.as_ref().to_owned()),
        )
    }

    /// At most [`Completion::MAX_VALUES`] values; when some are cut,
    /// `total` counts them all and `hasMore` is set.
    ///
    /// ```
    /// use lambda_mcp_core::Completion;
    /// let c = Completion::new((0..250).map(|i| i.to_string())).capped();
    /// assert_eq!((c.values.len(), c.total, c.has_more), (100, Some(250), Some(true)));
    /// ```
    pub fn capped(mut self) -> Self {
        let len = self.values.len();
        if len > Self::MAX_VALUES {
            self.values.truncate(Self::MAX_VALUES);
            self.total = Some(self.total.unwrap_or(0).max(len as u64));
            self.has_more = Some(true);
        }
        self
    }
}

/// `completion/complete` result.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct CompleteResult {
    /// The suggestions.
    pub completion: Completion,
}

/// Method names of this area.
pub mod methods {
    /// Completes an argument.
    pub const COMPLETE: &str = "completion/complete";
}
