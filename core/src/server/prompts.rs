//! `prompts/get`. Listing lives with the catalog.

use super::invoke::{flush, Call};
use super::Server;
use crate::jsonrpc::ErrorObject;
use crate::prompt::PromptError;
use crate::protocol::GetPromptParams;
use serde_json::Value;

impl Server {
    /// Fills a prompt in once its required arguments are checked.
    /// `Ok(None)`: the client cancelled the request.
    pub(super) async fn get_prompt(
        &self,
        params: GetPromptParams,
        call: Call<'_>,
    ) -> Result<Option<Value>, ErrorObject> {
        let GetPromptParams { name, arguments } = params;
        let Some(entry) = self.inner.catalog.prompt(&name) else {
            return Err(PromptError::NotFound { name }.into());
        };
        let info = &entry.info;
        let missing = info.arguments.iter().find(|a| a.is_required() && !arguments.contains_key(&a.name));
        if let Some(missing) = missing {
            return Err(PromptError::MissingArgument { prompt: name, argument: missing.name.clone() }.into());
        }
        let ctx = call.context(self.inner.call_timeout, serde_json::Map::new());
        let get = entry.prompt.get(arguments, &ctx);
        let Some(outcome) = self.bounded("prompt", &name, &call.in_flight, get).await? else {
            return Ok(None);
        };
        let result = outcome?;
        flush(&ctx).await?;
        Ok(Some(serde_json::to_value(result).expect("GetPromptResult serialises")))
    }
}
