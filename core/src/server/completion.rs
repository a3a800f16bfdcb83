//! `completion/complete`: prompt arguments and resource-template variables.

use super::connection::InFlight;
use super::Server;
use crate::jsonrpc::{ErrorCode, ErrorObject};
use crate::prompt::PromptError;
use crate::protocol::completion::CompletionArgument;
use crate::protocol::{CompleteParams, CompleteResult, Completion, CompletionReference};
use futures_util::future::BoxFuture;
use serde_json::{json, Value};
use std::collections::BTreeMap;

/// A completer found: what it is, its name, and its running future.
type Completer<'a> = (&'static str, &'a str, BoxFuture<'a, Completion>);

impl Server {
    /// Asks the referenced prompt or template for suggestions, capped at
    /// 100. `Ok(None)`: the client cancelled the request.
    pub(super) async fn complete(
        &self,
        params: CompleteParams,
        in_flight: &InFlight,
    ) -> Result<Option<Value>, ErrorObject> {
        let context = params.context.unwrap_or_default().arguments;
        let (kind, name, work) = self.completer(&params.reference, &params.argument, &context)?;
        let Some(completion) = self.bounded(kind, name, in_flight, work).await? else {
            return Ok(None);
        };
        let result = CompleteResult { completion: completion.capped() };
        Ok(Some(serde_json::to_value(result).expect("CompleteResult serialises")))
    }

    /// The referenced prompt's or template's `complete`, once the argument
    /// is known to be one of its arguments or variables.
    fn completer<'a>(
        &'a self,
        reference: &'a CompletionReference,
        argument: &'a CompletionArgument,
        context: &'a BTreeMap<String, String>,
    ) -> Result<Completer<'a>, ErrorObject> {
        let catalog = &self.inner.catalog;
        let (arg, value) = (argument.name.as_str(), argument.value.as_str());
        match reference {
            CompletionReference::Prompt { name } => {
                let Some(entry) = catalog.prompt(name) else {
                    return Err(PromptError::NotFound { name: name.clone() }.into());
                };
                if !entry.info.arguments.iter().any(|a| a.name == arg) {
                    return Err(no_such_argument("prompt", name, arg));
                }
                Ok(("prompt", name, entry.prompt.complete(arg, value, context)))
            }
            CompletionReference::Resource { uri } => {
                let Some(entry) = catalog.template(uri) else {
                    return Err(ErrorObject::new(
                        ErrorCode::INVALID_PARAMS,
                        format!("Unknown resource template: {uri}"),
                    )
                    .with_data(json!({ "uri": uri })));
                };
                if !entry.template.variables().any(|v| v == arg) {
                    return Err(no_such_argument("resource template", uri, arg));
                }
                let work = entry.handler.complete(arg, value, context);
                Ok(("resource template", uri, work))
            }
        }
    }
}

fn no_such_argument(kind: &str, name: &str, argument: &str) -> ErrorObject {
    ErrorObject::new(ErrorCode::INVALID_PARAMS, format!("The {kind} `{name}` has no argument `{argument}`"))
        .with_data(json!({ "argument": argument }))
}
