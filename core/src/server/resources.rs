//! `resources/read`. Listing lives with the catalog.

use super::catalog::Target;
use super::invoke::Call;
use super::Server;
use crate::jsonrpc::ErrorObject;
use crate::protocol::ReadResourceResult;
use crate::resource::ResourceError;
use serde_json::Value;

impl Server {
    /// Reads the resource with exactly this URI, else the first template
    /// that matches it. `Ok(None)`: the client cancelled the read.
    pub(super) async fn read_resource(&self, uri: String, call: Call<'_>) -> Result<Option<Value>, ErrorObject> {
        let era = call.scope.version.era();
        let Some(target) = self.inner.catalog.find(&uri) else {
            return Err(ResourceError::not_found(&uri).into_error_object(&uri, era));
        };
        let ctx = call.context(self.inner.call_timeout, serde_json::Map::new());
        let read = match &target {
            Target::Fixed(entry) => entry.resource.read(&ctx),
            Target::Template(entry, vars) => entry.handler.read(&uri, vars, &ctx),
        };
        let Some(outcome) = self.bounded("resource", &uri, &call.in_flight, read).await? else {
            return Ok(None);
        };
        let contents = outcome.map_err(|e| e.into_error_object(&uri, era))?;
        let result = ReadResourceResult { contents };
        Ok(Some(serde_json::to_value(result).expect("ReadResourceResult serialises")))
    }
}
