//! What a server offers besides tools: resources, resource templates and
//! prompts, kept in registration order, and the requests that use them.

use super::era::Cache;
use super::invoke::Call;
use super::pagination;
use super::request::CatalogRequest;
use super::Server;
use crate::jsonrpc::ErrorObject;
use crate::prompt::Prompt;
use crate::protocol::lifecycle::ResourcesCapability;
use crate::protocol::resources::ResourceTemplateInfo;
use crate::protocol::{ListChanged, PaginatedParams, PromptInfo, ProtocolVersion, ResourceInfo, ServerCapabilities};
use crate::resource::{Resource, ResourceTemplate, UriTemplate};
use futures_util::future::BoxFuture;
use serde::Serialize;
use serde_json::{json, Map, Value};
use std::collections::{BTreeMap, HashMap};

pub(super) struct ResourceEntry {
    pub(super) info: ResourceInfo,
    pub(super) resource: Box<dyn Resource>,
}

pub(super) struct TemplateEntry {
    pub(super) info: ResourceTemplateInfo,
    pub(super) template: UriTemplate,
    pub(super) handler: Box<dyn ResourceTemplate>,
}

pub(super) struct PromptEntry {
    pub(super) info: PromptInfo,
    pub(super) prompt: Box<dyn Prompt>,
}

/// What a `resources/read` URI names.
pub(super) enum Target<'a> {
    /// A resource with exactly this URI.
    Fixed(&'a ResourceEntry),
    /// The first template that matches, with the variables' values.
    Template(&'a TemplateEntry, BTreeMap<String, String>),
}

/// The registered resources, templates and prompts.
#[derive(Default)]
pub(super) struct Catalog {
    resources: Vec<ResourceEntry>,
    resource_index: HashMap<String, usize>,
    templates: Vec<TemplateEntry>,
    prompts: Vec<PromptEntry>,
    prompt_index: HashMap<String, usize>,
}

impl Catalog {
    pub(super) fn add_resource(&mut self, resource: impl Resource) {
        let info = resource.info();
        assert!(
            !self.resource_index.contains_key(&info.uri),
            "a resource with URI {:?} is already registered",
            info.uri
        );
        self.resource_index.insert(info.uri.clone(), self.resources.len());
        let resource = Box::new(resource);
        self.resources.push(ResourceEntry { info, resource });
    }

    pub(super) fn add_template(&mut self, handler: impl ResourceTemplate) {
        let info = handler.info();
        let template = UriTemplate::parse(&info.uri_template).unwrap_or_else(|e| panic!("{e}"));
        assert!(
            self.template(&info.uri_template).is_none(),
            "a resource template {:?} is already registered",
            info.uri_template
        );
        let handler = Box::new(handler);
        self.templates.push(TemplateEntry { info, template, handler });
    }

    pub(super) fn add_prompt(&mut self, prompt: impl Prompt) {
        let info = prompt.info();
        assert!(!info.name.is_empty(), "a prompt needs a name");
        assert!(!self.prompt_index.contains_key(&info.name), "a prompt named {:?} is already registered", info.name);
        self.prompt_index.insert(info.name.clone(), self.prompts.len());
        let prompt = Box::new(prompt);
        self.prompts.push(PromptEntry { info, prompt });
    }

    /// The resource with exactly this URI, else the first matching template.
    pub(super) fn find(&self, uri: &str) -> Option<Target<'_>> {
        if let Some(&i) = self.resource_index.get(uri) {
            return Some(Target::Fixed(&self.resources[i]));
        }
        self.templates.iter().find_map(|t| Some(Target::Template(t, t.template.matches(uri)?)))
    }

    /// The template written exactly `uri_template`.
    pub(super) fn template(&self, uri_template: &str) -> Option<&TemplateEntry> {
        self.templates.iter().find(|t| t.info.uri_template == uri_template)
    }

    pub(super) fn prompt(&self, name: &str) -> Option<&PromptEntry> {
        self.prompt_index.get(name).map(|&i| &self.prompts[i])
    }

    /// Sets the capabilities that what is registered calls for.
    pub(super) fn advertise(&self, caps: &mut ServerCapabilities) {
        let resources = !self.resources.is_empty() || !self.templates.is_empty();
        let prompts = !self.prompts.is_empty();
        // Subscriptions exist in the handshake era; `server/discover` drops
        // the flag (the stateless era subscribes through subscriptions/listen).
        caps.resources = resources.then_some(ResourcesCapability { subscribe: Some(true), list_changed: None });
        caps.prompts = prompts.then(ListChanged::default);
        caps.completions = (prompts || !self.templates.is_empty()).then(Map::new);
    }
}

impl Server {
    /// The registered resources' URIs, in `resources/list` order.
    pub fn resource_uris(&self) -> Vec<&str> {
        let resources = &self.inner.catalog.resources;
        resources.iter().map(|r| r.info.uri.as_str()).collect()
    }

    /// The registered resource templates, in `resources/templates/list` order.
    pub fn resource_templates(&self) -> Vec<&str> {
        let templates = &self.inner.catalog.templates;
        templates.iter().map(|t| t.template.as_str()).collect()
    }

    /// The registered prompts' names, in `prompts/list` order.
    pub fn prompt_names(&self) -> Vec<&str> {
        let prompts = &self.inner.catalog.prompts;
        prompts.iter().map(|p| p.info.name.as_str()).collect()
    }

    /// [`Server::serve_catalog`], boxed, to keep it out of every
    /// `tools/call` future; never inlined, so that the room the future
    /// takes on the stack before it is boxed is not in the router's frame
    /// for every request either.
    #[inline(never)]
    pub(super) fn boxed_catalog<'a>(
        &'a self,
        method: &'a str,
        request: CatalogRequest,
        call: Call<'a>,
    ) -> BoxFuture<'a, Result<Option<(Value, Cache)>, ErrorObject>> {
        Box::pin(self.serve_catalog(method, request, call))
    }

    /// Serves a resources, prompts or completion request; methods of a
    /// capability this server does not advertise are -32601.
    /// `Ok(None)`: the client cancelled it.
    async fn serve_catalog(
        &self,
        method: &str,
        request: CatalogRequest,
        call: Call<'_>,
    ) -> Result<Option<(Value, Cache)>, ErrorObject> {
        use CatalogRequest as C;
        let caps = &self.inner.capabilities;
        let offered = match &request {
            C::ListResources(_) | C::ListResourceTemplates(_) | C::ReadResource(_) => caps.resources.is_some(),
            C::Subscribe(_) | C::Unsubscribe(_) => caps.resources.as_ref().is_some_and(|r| r.subscribe == Some(true)),
            C::ListPrompts(_) | C::GetPrompt(_) => caps.prompts.is_some(),
            C::Complete(_) => caps.completions.is_some(),
        };
        if !offered {
            return Err(ErrorObject::method_not_found(method));
        }
        let catalog = &self.inner.catalog;
        let version = call.scope.version;
        let listed = match request {
            C::ListResources(p) => self.page("resources", &catalog.resources, p, version)?,
            C::ListResourceTemplates(p) => self.page("resourceTemplates", &catalog.templates, p, version)?,
            C::ListPrompts(p) => self.page("prompts", &catalog.prompts, p, version)?,
            C::ReadResource(p) => {
                let read = self.read_resource(p.uri, call).await?;
                return Ok(read.map(|r| (r, self.cacheable())));
            }
            C::GetPrompt(p) => return Ok(self.get_prompt(p, call).await?.map(|r| (r, Cache::No))),
            C::Subscribe(p) => {
                if catalog.find(&p.uri).is_none() {
                    return Err(crate::ResourceError::not_found(&p.uri).into_error_object(&p.uri, version.era()));
                }
                call.conn.subscribe(p.uri);
                return Ok(Some((json!({}), Cache::No)));
            }
            C::Unsubscribe(p) => {
                call.conn.unsubscribe(&p.uri);
                return Ok(Some((json!({}), Cache::No)));
            }
            C::Complete(p) => {
                let completed = self.complete(p, &call.in_flight).await?;
                return Ok(completed.map(|r| (r, Cache::No)));
            }
        };
        Ok(Some((listed, self.cacheable())))
    }

    /// One page of a list, each item as the caller's version knows it.
    fn page<T: Listed>(
        &self,
        key: &str,
        items: &[T],
        params: PaginatedParams,
        version: ProtocolVersion,
    ) -> Result<Value, ErrorObject> {
        let cursor = params.cursor.as_deref();
        let (start, end, next) = pagination::page(cursor, items.len(), self.inner.page_size)?;
        let page: Vec<Value> = items[start..end].iter().map(|item| item.to_json(version)).collect();
        let mut result = json!({ key: page });
        if let Some(next) = next {
            result["nextCursor"] = Value::from(next);
        }
        Ok(result)
    }
}

/// An entry as a list shows it.
trait Listed {
    fn to_json(&self, version: ProtocolVersion) -> Value;
}

impl Listed for ResourceEntry {
    fn to_json(&self, version: ProtocolVersion) -> Value {
        info_json(&self.info, version)
    }
}

impl Listed for TemplateEntry {
    fn to_json(&self, version: ProtocolVersion) -> Value {
        info_json(&self.info, version)
    }
}

impl Listed for PromptEntry {
    fn to_json(&self, version: ProtocolVersion) -> Value {
        info_json(&self.info, version)
    }
}

/// Metadata without the `title`s that versions before 2025-06-18 lack.
fn info_json(info: &impl Serialize, version: ProtocolVersion) -> Value {
    let mut value = serde_json::to_value(info).expect("metadata serialises");
    if !version.has_structured_output() {
        if let Value::Object(map) = &mut value {
            map.remove("title");
            if let Some(Value::Array(arguments)) = map.get_mut("arguments") {
                for argument in arguments.iter_mut().filter_map(Value::as_object_mut) {
                    argument.remove("title");
                }
            }
        }
    }
    value
}
