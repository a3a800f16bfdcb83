use super::catalog::Catalog;
use super::request_state::StateKey;
use super::{Inner, Server};
use crate::prompt::Prompt;
use crate::protocol::{Implementation, ListChanged, ServerCapabilities};
use crate::resource::{Resource, ResourceTemplate};
use crate::session::SessionManager;
use crate::tool::{validate_name, ActorHost, Entry, Handler, IntoTools};
use serde_json::Map;
use std::sync::Arc;
use std::time::Duration;

/// Builds a [`Server`].
///
/// ```
/// use lambda_mcp_core::{tool, Server};
///
/// /// Say hello world!
/// #[tool]
/// async fn say_hello_world() -> String {
///     "Hello MCP World!".into()
/// }
///
/// let server = Server::builder("mcp-lambda-server", "1.0.0").tool(say_hello_world).build();
/// assert_eq!(server.tool_names(), ["say_hello_world"]);
/// ```
pub struct ServerBuilder {
    info: Implementation,
    instructions: Option<String>,
    tools: Vec<Entry>,
    tool_index: super::ToolIndex,
    sessions: Option<Arc<dyn SessionManager>>,
    call_timeout: Duration,
    page_size: usize,
    list_ttl: Duration,
    state_key: Option<StateKey>,
    actors: Option<ActorHost>,
    catalog: Catalog,
}

impl ServerBuilder {
    pub(super) fn new(name: impl Into<String>, version: impl Into<String>) -> Self {
        ServerBuilder {
            info: Implementation {
                name: name.into(),
                title: None,
                version: version.into(),
                description: None,
                website_url: None,
            },
            instructions: None,
            tools: Vec::new(),
            tool_index: super::ToolIndex::default(),
            sessions: None,
            call_timeout: Duration::from_secs(30),
            page_size: 100,
            list_ttl: Duration::from_secs(300),
            state_key: None,
            actors: None,
            catalog: Catalog::default(),
        }
    }

    /// Registers a tool: a `#[tool]` fn, a [`crate::Tool`], a
    /// [`crate::ToolSet`] or a [`crate::StatefulTool`].
    ///
    /// # Panics
    /// When a tool name is invalid or already registered: both are
    /// programming errors, found by the first run.
    pub fn tool<M, T: IntoTools<M>>(mut self, tool: T) -> Self {
        let registered = tool.into_tools();
        for tool in registered.inline {
            let info = tool.info();
            self.push(Entry { info: Arc::new(info), handler: Handler::Inline(tool) });
        }
        if let Some(stateful) = registered.stateful {
            let infos = stateful.tools();
            let host =
                self.actors.get_or_insert_with(|| ActorHost::start().expect("cannot start the tool actor thread"));
            let addr = host.spawn(stateful);
            for info in infos {
                self.push(Entry { info: Arc::new(info), handler: Handler::Actor(addr.clone()) });
            }
        }
        self
    }

    fn push(&mut self, entry: Entry) {
        let name = entry.info.name.clone();
        if let Err(why) = validate_name(&name) {
            panic!("{why}");
        }
        assert!(!self.tool_index.contains_key(&name), "a tool named {name:?} is already registered");
        self.tool_index.insert(name, self.tools.len());
        self.tools.push(entry);
    }

    /// Registers a resource with a fixed URI, e.g. a [`crate::TextResource`]
    /// or a [`crate::FnResource`]. `resources/list` shows resources in
    /// registration order.
    ///
    /// ```
    /// use lambda_mcp_core::{BlobResource, Server, TextResource};
    ///
    /// let server = Server::builder("demo", "1.0.0")
    ///     .resource(TextResource::new("test://static-text", "static-text", "text/plain", "Hello."))
    ///     .resource(BlobResource::new("test://static-binary", "static-binary", "image/png", "iVBORw0KGgo="))
    ///     .build();
    /// assert_eq!(server.resource_uris(), ["test://static-text", "test://static-binary"]);
    /// ```
    ///
    /// # Panics
    /// When a resource with the same URI is already registered.
    pub fn resource(mut self, resource: impl Resource) -> Self {
        self.catalog.add_resource(resource);
        self
    }

    /// Registers a resource template, e.g. a [`crate::FnTemplate`]. A read
    /// whose URI no resource has exactly goes to the first template, in
    /// registration order, that matches it.
    ///
    /// # Panics
    /// When the URI template is not a level-1 template (see
    /// [`crate::UriTemplate`]) or is already registered.
    pub fn resource_template(mut self, template: impl ResourceTemplate) -> Self {
        self.catalog.add_template(template);
        self
    }

    /// Registers a prompt, e.g. a [`crate::FnPrompt`].
    ///
    /// # Panics
    /// When a prompt with the same name is already registered.
    pub fn prompt(mut self, prompt: impl Prompt) -> Self {
        self.catalog.add_prompt(prompt);
        self
    }

    /// A human-readable name for the server.
    pub fn title(mut self, title: impl Into<String>) -> Self {
        self.info.title = Some(title.into());
        self
    }

    /// Tells the model how to use this server.
    pub fn instructions(mut self, instructions: impl Into<String>) -> Self {
        self.instructions = Some(instructions.into());
        self
    }

    /// Where session state lives; without one, tools that use the session
    /// get a clear error.
    pub fn sessions(mut self, sessions: Arc<dyn SessionManager>) -> Self {
        self.sessions = Some(sessions);
        self
    }

    /// How long a tool call may run before it is abandoned (default 30 s).
    pub fn call_timeout(mut self, timeout: Duration) -> Self {
        self.call_timeout = timeout;
        self
    }

    /// How many items a list page holds (default 100).
    pub fn page_size(mut self, size: usize) -> Self {
        self.page_size = size.max(1);
        self
    }

    /// How long clients may cache list results (2026-07-28 `ttlMs`, default 5 min).
    pub fn list_ttl(mut self, ttl: Duration) -> Self {
        self.list_ttl = ttl;
        self
    }

    /// The secret that signs `requestState` for input-required rounds
    /// (2026-07-28). Give every process of a deployment the same secret so
    /// any of them can resume a call; without one, a random key per process
    /// is used and a retry must reach the same process.
    pub fn state_secret(mut self, secret: impl AsRef<[u8]>) -> Self {
        self.state_key = Some(StateKey::from_secret(secret.as_ref()));
        self
    }

    /// The finished server.
    pub fn build(self) -> Server {
        let mut capabilities = ServerCapabilities {
            tools: (!self.tools.is_empty()).then(ListChanged::default),
            logging: Some(Map::new()),
            ..ServerCapabilities::default()
        };
        self.catalog.advertise(&mut capabilities);
        let info_json = serde_json::to_value(&self.info).expect("Implementation serialises");
        Server {
            inner: Arc::new(Inner {
                result_meta: super::era::result_meta(&info_json),
                info_json,
                info: self.info,
                instructions: self.instructions,
                tools: self.tools,
                tool_index: self.tool_index,
                sessions: self.sessions,
                call_timeout: self.call_timeout,
                page_size: self.page_size,
                list_ttl: self.list_ttl,
                state_key: self.state_key.unwrap_or_else(StateKey::random),
                live: Default::default(),
                capabilities,
                catalog: self.catalog,
                _actors: self.actors,
            }),
        }
    }
}
