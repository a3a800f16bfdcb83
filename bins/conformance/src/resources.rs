//! The fixture resources and the resource template.

use crate::fixtures::{PNG, STATIC_TEXT, WATCHED_TEXT};
use lambda_mcp_core::{
    BlobResource, FnTemplate, ResourceContents, ResourceTemplate, ResourceTemplateInfo, ServerBuilder, TextResource,
};
use serde_json::Value;

/// Registers every fixture resource; `test://static-text` first, because
/// the caching scenario reads the first one listed.
pub(crate) fn register(builder: ServerBuilder) -> ServerBuilder {
    builder
        .resource(
            TextResource::new("test://static-text", "static-text", "text/plain", STATIC_TEXT)
                .with_description("A static text resource for testing"),
        )
        .resource(
            BlobResource::new("test://static-binary", "static-binary", "image/png", PNG)
                .with_description("A static binary resource (a 1×1 PNG) for testing"),
        )
        .resource(
            TextResource::new("test://watched-resource", "watched-resource", "text/plain", WATCHED_TEXT)
                .with_description("A resource clients may subscribe to"),
        )
        .resource_template(template())
}

/// `test://template/{id}/data`: a JSON document per id.
fn template() -> impl ResourceTemplate {
    let info = ResourceTemplateInfo::new("test://template/{id}/data", "template-data")
        .with_description("A JSON document for any id")
        .with_mime_type("application/json");
    FnTemplate::new(info, |uri, vars| async move {
        // Written out to keep the reference fixture's key order.
        let id = &vars["id"];
        let data = Value::from(format!("Data for ID: {id}"));
        let body = format!(r#"{{"id":{},"templateTest":true,"data":{data}}}"#, Value::from(id.as_str()));
        Ok(vec![ResourceContents::text(uri, "application/json", body)])
    })
}
