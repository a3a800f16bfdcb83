//! `prompts/get`. Listing lives with the catalog.

use super::invoke::{missing_capability, Call};
use super::request_state::Binding;
use super::Server;
use crate::jsonrpc::ErrorObject;
use crate::principal::Principal;
use crate::prompt::PromptError;
use crate::protocol::{Era, GetPromptParams};
use crate::ToolError;
use serde_json::Value;

impl Server {
    /// Fills a prompt in once its required arguments are checked.
    /// `Ok(None)`: the client cancelled the request.
    pub(super) async fn get_prompt(
        &self,
        params: GetPromptParams,
        call: Call<'_>,
    ) -> Result<Option<Value>, ErrorObject> {
        let GetPromptParams { name, arguments, input_responses, request_state } = params;
        let Some(entry) = self.inner.catalog.prompt(&name) else {
            return Err(PromptError::NotFound { name }.into());
        };
        let info = &entry.info;
        let missing = info.arguments.iter().find(|a| a.is_required() && !arguments.contains_key(&a.name));
        if let Some(missing) = missing {
            return Err(PromptError::MissingArgument { prompt: name, argument: missing.name.clone() }.into());
        }
        let bound_arguments = serde_json::to_value(&arguments).expect("string maps serialise");
        let principal = call.conn.principal().map(Principal::as_str);
        let binding = Binding { method: "prompts/get", name: &name, arguments: &bound_arguments, principal };
        let answers = self.answers(&binding, request_state.as_deref(), input_responses)?;
        let ctx = call.context(self.inner.call_timeout, answers);
        let get = entry.prompt.get(arguments, &ctx);
        let Some(outcome) = self.bounded("prompt", &name, &call.in_flight, get).await? else {
            return Ok(None);
        };
        let stateless = call.scope.version.era() == Era::Stateless;
        let result = match outcome {
            Err(PromptError::Context(ToolError::InputRequired(requests))) if stateless => {
                return Ok(Some(self.input_required(&binding, &ctx, requests)));
            }
            Err(PromptError::Context(ToolError::MissingCapability { capability })) if stateless => {
                return Err(missing_capability(&capability));
            }
            other => other?,
        };
        Ok(Some(serde_json::to_value(result).expect("GetPromptResult serialises")))
    }
}
