//! The client: picks the era, stamps every request as its era requires,
//! and offers typed `tools/list` and `tools/call`.

use crate::era::{self, EraMode, Probe};
use crate::http::{HttpOptions, HttpTransport};
use crate::stdio::StdioTransport;
use crate::transport::{tap, Direction, Headers, Tap, Transport};
use crate::ClientError;
use lambda_mcp_core::jsonrpc::{ErrorCode, Notification, Request};
use lambda_mcp_core::protocol::{
    CallToolResult, DiscoverResult, Era, Implementation, InitializeResult, ListToolsResult, ProtocolVersion, ToolInfo,
};
use serde::de::DeserializeOwned;
use serde_json::{json, Map, Value};
use std::collections::HashMap;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Mutex;
use std::time::Duration;

/// At most this many pages of `tools/list` are read.
const MAX_PAGES: usize = 100;
/// At most this many immediate retries of an input-required result that
/// carries only `requestState` (load shedding).
const MAX_STATE_RETRIES: usize = 3;

/// How the client connects.
#[derive(Clone)]
pub struct ConnectOptions {
    /// Which era to speak.
    pub era: EraMode,
    /// Who this client is (`clientInfo`).
    pub client_info: Implementation,
    /// How long any one request may take.
    pub timeout: Duration,
    /// How long the `server/discover` probe may take before the client
    /// falls back to the handshake.
    pub probe_timeout: Duration,
    /// Sees every raw message (e.g. for `--verbose`).
    pub tap: Option<Tap>,
}

impl Default for ConnectOptions {
    fn default() -> Self {
        ConnectOptions {
            era: EraMode::Auto,
            client_info: Implementation {
                name: "lambda-mcp-client".into(),
                title: None,
                version: env!("CARGO_PKG_VERSION").into(),
                description: None,
                website_url: None,
            },
            timeout: Duration::from_secs(60),
            probe_timeout: Duration::from_secs(10),
            tap: None,
        }
    }
}

/// What the start of the conversation established.
#[derive(Debug, Clone)]
pub enum Negotiated {
    /// The `initialize` handshake, with its result.
    Handshake(InitializeResult),
    /// The stateless era, with the `server/discover` result and the
    /// server's identity from its `_meta`.
    Stateless(DiscoverResult, Option<Implementation>),
}

/// An MCP client over Streamable HTTP or stdio. Its methods take `&self`,
/// so one client serves concurrent calls.
pub struct Client {
    transport: Transport,
    options: ConnectOptions,
    negotiated: Mutex<Option<Negotiated>>,
    next_id: AtomicI64,
    schemas: Mutex<HashMap<String, Map<String, Value>>>,
}

impl Client {
    /// Connects to a Streamable HTTP endpoint and opens the conversation.
    pub async fn connect_http(url: &str, http: HttpOptions, options: ConnectOptions) -> Result<Client, ClientError> {
        let transport = Transport::Http(HttpTransport::new(url, &http, options.tap.clone())?);
        Client::open(transport, options).await
    }

    /// Starts a stdio server (`command[0]` with the rest as arguments) and
    /// opens the conversation.
    pub async fn connect_stdio(command: &[String], options: ConnectOptions) -> Result<Client, ClientError> {
        let transport = Transport::Stdio(StdioTransport::spawn(command, options.tap.clone())?);
        Client::open(transport, options).await
    }

    async fn open(transport: Transport, options: ConnectOptions) -> Result<Client, ClientError> {
        let client = Client {
            transport,
            options,
            negotiated: Mutex::new(None),
            next_id: AtomicI64::new(1),
            schemas: Mutex::new(HashMap::new()),
        };
        if let Err(e) = client.establish().await {
            client.transport.close().await;
            return Err(e);
        }
        Ok(client)
    }

    async fn establish(&self) -> Result<(), ClientError> {
        let probe = match self.options.era {
            EraMode::Handshake => return self.initialize().await,
            EraMode::Stateless => era::judge(self.discover(self.options.timeout).await),
            EraMode::Auto => era::judge(self.discover(self.options.probe_timeout).await),
        };
        match (probe, self.options.era) {
            (Probe::Stateless(found, info), _) => {
                *self.negotiated.lock().expect("negotiated lock") = Some(Negotiated::Stateless(found, info));
                Ok(())
            }
            (Probe::Fallback(why), EraMode::Auto) => {
                tap(&self.options.tap, Direction::Info, &format!("falling back to initialize: {why}"));
                self.initialize().await
            }
            (Probe::Fallback(why), _) => Err(ClientError::InvalidResponse {
                method: "server/discover".into(),
                reason: format!("the server does not speak 2026-07-28 ({why}); try --era auto"),
            }),
            (Probe::Fail(e), _) => Err(e),
        }
    }

    async fn discover(&self, timeout: Duration) -> Result<Value, ClientError> {
        let mut params = Map::new();
        era::stamp(&mut params, &self.options.client_info);
        self.send(Era::Stateless, "server/discover", params, Vec::new(), timeout).await
    }

    async fn initialize(&self) -> Result<(), ClientError> {
        self.transport.reset_session();
        let params = json!({
            "protocolVersion": ProtocolVersion::LATEST_HANDSHAKE.as_str(),
            "capabilities": {},
            "clientInfo": self.options.client_info,
        });
        let params = params.as_object().cloned().expect("an object");
        let value = self.send(Era::Handshake, "initialize", params, Vec::new(), self.options.timeout).await?;
        let result: InitializeResult = typed("initialize", value)?;
        if result.protocol_version.era() != Era::Handshake {
            return Err(ClientError::NoCommonVersion { supported: vec![result.protocol_version.to_string()] });
        }
        self.transport.set_handshake_version(result.protocol_version.as_str());
        *self.negotiated.lock().expect("negotiated lock") = Some(Negotiated::Handshake(result));
        self.transport.notify(&Notification::new("notifications/initialized", None), Vec::new()).await
    }

    /// What the start of the conversation established.
    pub fn negotiated(&self) -> Negotiated {
        self.negotiated.lock().expect("negotiated lock").clone().expect("set when the client was built")
    }

    /// The era in use.
    pub fn era(&self) -> Era {
        match self.negotiated() {
            Negotiated::Handshake(_) => Era::Handshake,
            Negotiated::Stateless(..) => Era::Stateless,
        }
    }

    /// The protocol version in use.
    pub fn protocol_version(&self) -> ProtocolVersion {
        match self.negotiated() {
            Negotiated::Handshake(result) => result.protocol_version,
            Negotiated::Stateless(..) => ProtocolVersion::LATEST_STATELESS,
        }
    }

    /// Who the server says it is.
    pub fn server_info(&self) -> Option<Implementation> {
        match self.negotiated() {
            Negotiated::Handshake(result) => Some(result.server_info),
            Negotiated::Stateless(_, info) => info,
        }
    }

    /// Every tool the server offers (all pages).
    pub async fn list_tools(&self) -> Result<Vec<ToolInfo>, ClientError> {
        let mut tools = Vec::new();
        let mut cursor: Option<String> = None;
        for _ in 0..MAX_PAGES {
            let mut params = Map::new();
            if let Some(cursor) = cursor.take() {
                params.insert("cursor".into(), Value::String(cursor));
            }
            let page: ListToolsResult = typed("tools/list", self.request("tools/list", params).await?)?;
            tools.extend(page.tools);
            match page.next_cursor {
                Some(next) => cursor = Some(next),
                None => break,
            }
        }
        let mut schemas = self.schemas.lock().expect("schemas lock");
        for tool in &tools {
            schemas.insert(tool.name.clone(), tool.input_schema.clone());
        }
        Ok(tools)
    }

    /// Calls a tool. A tool failure is a result with `isError`; an unknown
    /// tool or a malformed call is a [`ClientError::Rpc`].
    pub async fn call_tool(&self, name: &str, arguments: Map<String, Value>) -> Result<CallToolResult, ClientError> {
        let params = json!({"name": name, "arguments": arguments});
        typed("tools/call", self.request("tools/call", params.as_object().cloned().expect("an object")).await?)
    }

    /// Sends any request in the era in use and returns its result, after the
    /// era's checks (`resultType`; a re-initialised session on HTTP 404).
    pub async fn request(&self, method: &str, params: Map<String, Value>) -> Result<Value, ClientError> {
        let era = self.era();
        let mut params = params;
        for _ in 0..=MAX_STATE_RETRIES {
            let headers = self.param_headers(method, &params);
            let value = match self.send(era, method, params.clone(), headers.clone(), self.options.timeout).await {
                Err(e) if e.is_code(ErrorCode::HEADER_MISMATCH) && method == "tools/call" && era == Era::Stateless => {
                    // A tool's `x-mcp-header` parameters need its schema: fetch it, retry once.
                    tap(&self.options.tap, Direction::Info, "header mismatch: re-reading tools/list and retrying");
                    Box::pin(self.list_tools()).await?;
                    let headers = self.param_headers(method, &params);
                    self.send(era, method, params.clone(), headers, self.options.timeout).await?
                }
                Err(ClientError::SessionExpired) if era == Era::Handshake => {
                    tap(&self.options.tap, Direction::Info, "session ended by the server: initializing again");
                    self.initialize().await.map_err(|_| ClientError::SessionExpired)?;
                    self.send(era, method, params.clone(), headers, self.options.timeout).await?
                }
                other => other?,
            };
            match value.get("resultType").and_then(Value::as_str) {
                None | Some("complete") => return Ok(value),
                Some("input_required") => {
                    let keys: Vec<String> = value
                        .get("inputRequests")
                        .and_then(Value::as_object)
                        .map(|m| m.keys().cloned().collect())
                        .unwrap_or_default();
                    let state = value.get("requestState").and_then(Value::as_str);
                    match (keys.is_empty(), state) {
                        (true, Some(state)) => params.insert("requestState".into(), json!(state)),
                        _ => return Err(ClientError::InputRequired { method: method.into(), keys }),
                    };
                }
                Some(other) => {
                    return Err(ClientError::InvalidResponse {
                        method: method.into(),
                        reason: format!("unknown resultType {other:?}"),
                    })
                }
            }
        }
        Err(ClientError::InvalidResponse { method: method.into(), reason: "the server kept asking to retry".into() })
    }

    fn param_headers(&self, method: &str, params: &Map<String, Value>) -> Headers {
        let (Some(name), Some(arguments)) =
            (params.get("name").and_then(Value::as_str), params.get("arguments").and_then(Value::as_object))
        else {
            return Vec::new();
        };
        if method != "tools/call" {
            return Vec::new();
        }
        let schemas = self.schemas.lock().expect("schemas lock");
        schemas.get(name).map(|schema| era::param_headers(schema, arguments)).unwrap_or_default()
    }

    /// One request on the wire, stamped for `era`.
    async fn send(
        &self,
        era: Era,
        method: &str,
        mut params: Map<String, Value>,
        mut headers: Headers,
        timeout: Duration,
    ) -> Result<Value, ClientError> {
        if era == Era::Stateless {
            era::stamp(&mut params, &self.options.client_info);
            headers.push(("mcp-protocol-version".into(), ProtocolVersion::LATEST_STATELESS.as_str().into()));
            headers.push(("mcp-method".into(), method.into()));
            if let Some(name) = era::name_header(method, &params) {
                headers.push(("mcp-name".into(), name));
            }
        }
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        let params = (era == Era::Stateless || !params.is_empty()).then_some(params);
        let request = Request::new(id, method, params);
        self.transport.request(&request, headers, timeout).await
    }

    /// Ends the conversation: `DELETE` of the HTTP session, or closing the
    /// stdio server's stdin (then SIGKILL if it lingers).
    pub async fn close(self) {
        self.transport.close().await;
    }
}

fn typed<T: DeserializeOwned>(method: &str, value: Value) -> Result<T, ClientError> {
    serde_json::from_value(value)
        .map_err(|e| ClientError::InvalidResponse { method: method.into(), reason: e.to_string() })
}
