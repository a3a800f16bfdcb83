//! Resources in one line: fixed text, a fixed blob, or a closure.

use super::{Resource, ResourceError, ResourceTemplate};
use crate::context::ToolContext;
use crate::protocol::resources::ResourceTemplateInfo;
use crate::protocol::{Completion, ResourceContents, ResourceInfo};
use async_trait::async_trait;
use std::collections::BTreeMap;
use std::future::Future;

/// A completion callback: variable or argument name, typed value, the
/// other values already chosen.
pub(crate) type CompleteFn = dyn Fn(&str, &str, &BTreeMap<String, String>) -> Completion + Send + Sync;

/// A resource whose contents are fixed text.
///
/// ```
/// use lambda_mcp_core::{Server, TextResource};
///
/// let server = Server::builder("demo", "1.0.0")
///     .resource(TextResource::new(
///         "test://static-text",
///         "static-text",
///         "text/plain",
///         "This is the content of the static text resource.",
///     ))
///     .build();
/// assert_eq!(server.resource_uris(), ["test://static-text"]);
/// ```
#[derive(Debug, Clone)]
pub struct TextResource {
    info: ResourceInfo,
    text: String,
}

impl TextResource {
    /// `text` at `uri`; its size is advertised.
    pub fn new(
        uri: impl Into<String>,
        name: impl Into<String>,
        mime_type: impl Into<String>,
        text: impl Into<String>,
    ) -> Self {
        let text = text.into();
        let info = ResourceInfo::new(uri, name).with_mime_type(mime_type).with_size(text.len() as u64);
        TextResource { info, text }
    }

    /// Sets the human-readable title.
    pub fn with_title(mut self, title: impl Into<String>) -> Self {
        self.info = self.info.with_title(title);
        self
    }

    /// Sets the description.
    pub fn with_description(mut self, description: impl Into<String>) -> Self {
        self.info = self.info.with_description(description);
        self
    }
}

#[async_trait]
impl Resource for TextResource {
    fn info(&self) -> ResourceInfo {
        self.info.clone()
    }

    async fn read(&self, _ctx: &ToolContext) -> Result<Vec<ResourceContents>, ResourceError> {
        let mime = self.info.mime_type.clone().unwrap_or_default();
        Ok(vec![ResourceContents::text(&self.info.uri, mime, &self.text)])
    }
}

/// A resource whose contents are fixed binary data, given base64-encoded.
///
/// ```
/// use lambda_mcp_core::{BlobResource, Resource};
///
/// let png = BlobResource::new("test://static-binary", "static-binary", "image/png", "iVBORw0KGgo=");
/// assert_eq!(png.info().size, Some(8));
/// ```
#[derive(Debug, Clone)]
pub struct BlobResource {
    info: ResourceInfo,
    blob: String,
}

impl BlobResource {
    /// `base64` (standard alphabet) at `uri`; the decoded size is advertised.
    pub fn new(
        uri: impl Into<String>,
        name: impl Into<String>,
        mime_type: impl Into<String>,
        base64: impl Into<String>,
    ) -> Self {
        let blob = base64.into();
        let size = blob.trim_end_matches('=').len() * 3 / 4;
        let info = ResourceInfo::new(uri, name).with_mime_type(mime_type).with_size(size as u64);
        BlobResource { info, blob }
    }

    /// Sets the human-readable title.
    pub fn with_title(mut self, title: impl Into<String>) -> Self {
        self.info = self.info.with_title(title);
        self
    }

    /// Sets the description.
    pub fn with_description(mut self, description: impl Into<String>) -> Self {
        self.info = self.info.with_description(description);
        self
    }
}

#[async_trait]
impl Resource for BlobResource {
    fn info(&self) -> ResourceInfo {
        self.info.clone()
    }

    async fn read(&self, _ctx: &ToolContext) -> Result<Vec<ResourceContents>, ResourceError> {
        let mime = self.info.mime_type.clone().unwrap_or_default();
        Ok(vec![ResourceContents::blob(&self.info.uri, mime, &self.blob)])
    }
}

/// A resource read by an async closure, e.g. one whose contents change.
///
/// ```
/// use lambda_mcp_core::{FnResource, ResourceContents, ResourceInfo, Server};
///
/// let clock = FnResource::new(ResourceInfo::new("time://now", "now"), || async {
///     let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap();
///     Ok(vec![ResourceContents::text("time://now", "text/plain", now.as_secs().to_string())])
/// });
/// let server = Server::builder("demo", "1.0.0").resource(clock).build();
/// assert_eq!(server.resource_uris(), ["time://now"]);
/// ```
pub struct FnResource<F> {
    info: ResourceInfo,
    read: F,
}

impl<F, Fut> FnResource<F>
where
    F: Fn() -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Result<Vec<ResourceContents>, ResourceError>> + Send + 'static,
{
    /// A resource described by `info` and read by `read`.
    pub fn new(info: ResourceInfo, read: F) -> Self {
        FnResource { info, read }
    }
}

#[async_trait]
impl<F, Fut> Resource for FnResource<F>
where
    F: Fn() -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Result<Vec<ResourceContents>, ResourceError>> + Send + 'static,
{
    fn info(&self) -> ResourceInfo {
        self.info.clone()
    }

    async fn read(&self, _ctx: &ToolContext) -> Result<Vec<ResourceContents>, ResourceError> {
        (self.read)().await
    }
}

/// A resource template read by an async closure of the URI and the
/// template's variables, with optional completion of the variables.
///
/// ```
/// use lambda_mcp_core::{Completion, FnTemplate, ResourceContents, ResourceTemplateInfo, Server};
///
/// let info = ResourceTemplateInfo::new("test://template/{id}/data", "template-data")
///     .with_mime_type("application/json");
/// let template = FnTemplate::new(info, |uri, vars| async move {
///     let body = serde_json::json!({ "id": vars["id"], "data": format!("Data for ID: {}", vars["id"]) });
///     Ok(vec![ResourceContents::text(uri, "application/json", body.to_string())])
/// })
/// .with_completion(|_variable, value, _context| Completion::matching(["1", "2", "123"], value));
/// let server = Server::builder("demo", "1.0.0").resource_template(template).build();
/// assert_eq!(server.resource_templates(), ["test://template/{id}/data"]);
/// ```
pub struct FnTemplate<F> {
    info: ResourceTemplateInfo,
    read: F,
    complete: Option<Box<CompleteFn>>,
}

impl<F, Fut> FnTemplate<F>
where
    F: Fn(String, BTreeMap<String, String>) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Result<Vec<ResourceContents>, ResourceError>> + Send + 'static,
{
    /// A template described by `info` and read by `read(uri, variables)`.
    pub fn new(info: ResourceTemplateInfo, read: F) -> Self {
        FnTemplate { info, read, complete: None }
    }

    /// Completes variables with `complete(variable, value, other_variables)`.
    pub fn with_completion<C>(mut self, complete: C) -> Self
    where
        C: Fn(&str, &str, &BTreeMap<String, String>) -> Completion + Send + Sync + 'static,
    {
        self.complete = Some(Box::new(complete));
        self
    }
}

#[async_trait]
impl<F, Fut> ResourceTemplate for FnTemplate<F>
where
    F: Fn(String, BTreeMap<String, String>) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Result<Vec<ResourceContents>, ResourceError>> + Send + 'static,
{
    fn info(&self) -> ResourceTemplateInfo {
        self.info.clone()
    }

    async fn read(
        &self,
        uri: &str,
        vars: &BTreeMap<String, String>,
        _ctx: &ToolContext,
    ) -> Result<Vec<ResourceContents>, ResourceError> {
        (self.read)(uri.to_owned(), vars.clone()).await
    }

    async fn complete(&self, variable: &str, value: &str, context: &BTreeMap<String, String>) -> Completion {
        match &self.complete {
            Some(complete) => complete(variable, value, context),
            None => Completion::default(),
        }
    }
}
