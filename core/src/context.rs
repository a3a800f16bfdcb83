//! [`ToolContext`]: what a tool call can see and do besides its arguments.

use crate::error::ToolError;
use crate::interaction::{Asked, Channel, InputRequest};
use crate::jsonrpc::{Notification, Request, RequestId};
use crate::principal::Principal;
use crate::protocol::{
    logging::{self, LoggingLevel, LoggingMessageParams},
    progress::{self, ProgressParams, ProgressToken},
    ProtocolVersion,
};
use crate::server::RequestCancel;
use crate::session::{SessionError, SessionHandle, SessionId, SessionManager};
use async_trait::async_trait;
use serde_json::Value;
use std::sync::{Arc, OnceLock};
use std::time::Instant;
use tokio_util::sync::CancellationToken;

/// Where a request's server → client notifications go: the stdio writer, or
/// the SSE body of an HTTP response. Implemented by transports.
#[async_trait]
pub trait Notify: Send + Sync {
    /// Sends one notification; errors (a closed stream) are the transport's
    /// to log, the tool carries on.
    async fn notify(&self, notification: Notification);

    /// Sends a server → client request (sampling, elicitation, roots) on
    /// the same stream; `false` when this stream cannot carry one (the
    /// default, e.g. a buffered Lambda response).
    async fn request(&self, request: Request) -> bool {
        let _ = request;
        false
    }
}

/// A sink that drops everything, for calls nobody listens to.
#[derive(Debug, Default, Clone, Copy)]
pub struct Discard;

#[async_trait]
impl Notify for Discard {
    async fn notify(&self, _notification: Notification) {}
}

/// The context of one tool call. Cheap to clone.
#[derive(Clone)]
pub struct ToolContext {
    inner: Arc<Inner>,
}

/// Everything a context holds. The router fills it in one go
/// ([`ToolContext::from_parts`]); the builder starts from defaults.
pub(crate) struct Inner {
    pub(crate) request_id: RequestId,
    pub(crate) version: ProtocolVersion,
    pub(crate) session: SessionHandle,
    pub(crate) principal: Option<Principal>,
    pub(crate) progress_token: Option<ProgressToken>,
    pub(crate) log_level: Option<LoggingLevel>,
    pub(crate) notify: Arc<dyn Notify>,
    pub(crate) cancellation: Cancellation,
    pub(crate) deadline: Instant,
    pub(crate) channel: Channel,
    pub(crate) sessions: Option<Arc<dyn SessionManager>>,
}

/// A call's cancellation token, made on first use (most calls never ask
/// for it): shared with the router's [`RequestCancel`] when the request can
/// be cancelled by id.
#[derive(Default)]
pub(crate) struct Cancellation {
    by_id: Option<Arc<RequestCancel>>,
    token: OnceLock<CancellationToken>,
}

impl Cancellation {
    pub(crate) fn by_id(by_id: Option<Arc<RequestCancel>>) -> Self {
        Cancellation { by_id, token: OnceLock::new() }
    }

    fn given(token: CancellationToken) -> Self {
        Cancellation { by_id: None, token: OnceLock::from(token) }
    }

    fn token(&self) -> &CancellationToken {
        self.token.get_or_init(|| self.by_id.as_ref().map_or_else(CancellationToken::new, |c| c.token()))
    }

    pub(crate) fn is_cancelled(&self) -> bool {
        match self.token.get() {
            Some(token) => token.is_cancelled(),
            None => self.by_id.as_ref().is_some_and(|c| c.is_cancelled()),
        }
    }
}

/// Builds a [`ToolContext`]; the router does this for every call, tests and
/// hand-written hosts may too.
pub struct ToolContextBuilder {
    inner: Inner,
}

impl ToolContext {
    /// A context from all its parts, without building defaults to replace.
    pub(crate) fn from_parts(parts: Inner) -> ToolContext {
        ToolContext { inner: Arc::new(parts) }
    }

    /// The client's answers a stateless-era call was given (`None` in the
    /// handshake era, where the client is asked over the connection).
    pub(crate) fn answers(&self) -> Option<&serde_json::Map<String, Value>> {
        self.inner.channel.answers()
    }

    /// Starts a context for request `request_id` with the given deadline.
    pub fn builder(request_id: RequestId, version: ProtocolVersion, deadline: Instant) -> ToolContextBuilder {
        ToolContextBuilder {
            inner: Inner {
                request_id,
                version,
                session: SessionHandle::none("this server has no session store configured"),
                principal: None,
                progress_token: None,
                log_level: None,
                notify: Arc::new(Discard),
                cancellation: Cancellation::default(),
                deadline,
                channel: Channel::None,
                sessions: None,
            },
        }
    }

    /// The session of this call (see [`SessionHandle`]).
    pub fn session(&self) -> &SessionHandle {
        &self.inner.session
    }

    /// Starts a new session owned by the caller and returns its id: the
    /// state handle a stateless-era client passes back as the
    /// `state_handle` argument ([`crate::session::STATE_HANDLE_ARG`]) so
    /// that later calls share state.
    pub async fn create_state_handle(&self) -> Result<SessionId, ToolError> {
        let Some(sessions) = &self.inner.sessions else {
            return Err(ToolError::Session(SessionError::NoSession { hint: "this server keeps no sessions".into() }));
        };
        let session = sessions.create(self.inner.principal.as_ref()).await?;
        Ok(session.id().clone())
    }

    /// The authenticated caller, when the transport knows one.
    pub fn principal(&self) -> Option<&Principal> {
        self.inner.principal.as_ref()
    }

    /// The JSON-RPC id of the `tools/call` request.
    pub fn request_id(&self) -> &RequestId {
        &self.inner.request_id
    }

    /// The protocol version the caller speaks.
    pub fn protocol_version(&self) -> ProtocolVersion {
        self.inner.version
    }

    /// When the router will give up on this call.
    pub fn deadline(&self) -> Instant {
        self.inner.deadline
    }

    /// Fires when the client cancels the call or its deadline passes; a
    /// long-running tool can `select!` on `cancelled()` to stop early.
    pub fn cancellation(&self) -> &CancellationToken {
        self.inner.cancellation.token()
    }

    /// Whether the call has been cancelled.
    pub fn is_cancelled(&self) -> bool {
        self.inner.cancellation.is_cancelled()
    }

    /// Reports progress, if the client asked for it (a `progressToken`);
    /// otherwise does nothing. `progress` must increase from call to call.
    pub async fn progress(&self, progress: f64, total: Option<f64>, message: Option<&str>) {
        let Some(token) = &self.inner.progress_token else {
            return;
        };
        let params =
            ProgressParams { progress_token: token.clone(), progress, total, message: message.map(str::to_owned) };
        self.send(progress::methods::PROGRESS, &params).await;
    }

    /// Sends a log message to the client, if it asked for this level.
    pub async fn log(&self, level: LoggingLevel, data: impl Into<Value>) {
        match self.inner.log_level {
            Some(min) if level >= min => {}
            _ => return,
        }
        let params = LoggingMessageParams { level, logger: None, data: data.into() };
        self.send(logging::methods::MESSAGE, &params).await;
    }

    /// Asks the client for input (see [`InputRequest`]) and returns its
    /// answer: an `ElicitResult`, a `CreateMessageResult` or a
    /// `ListRootsResult`, as JSON.
    ///
    /// In the stateless era the first run of the call ends here with an
    /// input-required result; propagate the error with `?` and the call
    /// runs again once the client has answered. Do nothing irreversible
    /// before the last input.
    pub async fn request_input(&self, request: InputRequest) -> Result<Value, ToolError> {
        let mut answers = self.request_inputs(vec![request]).await?;
        Ok(answers.pop().unwrap_or(Value::Null))
    }

    /// Asks several things at once (one round trip in the stateless era).
    pub async fn request_inputs(&self, requests: Vec<InputRequest>) -> Result<Vec<Value>, ToolError> {
        match self.inner.channel.ask(requests, self.inner.notify.as_ref()).await {
            Ok(answers) => Ok(answers),
            Err(Asked::Missing(capability)) => Err(ToolError::MissingCapability { capability: capability.to_owned() }),
            Err(Asked::Required(requests)) => Err(ToolError::InputRequired(requests)),
            Err(Asked::Failed(message)) => Err(ToolError::failed(message)),
        }
    }

    async fn send(&self, method: &str, params: &impl serde::Serialize) {
        let Ok(Value::Object(params)) = serde_json::to_value(params) else {
            return;
        };
        self.inner.notify.notify(Notification::new(method, Some(params))).await;
    }
}

impl ToolContextBuilder {
    /// The call's session.
    pub fn session(mut self, session: SessionHandle) -> Self {
        self.inner.session = session;
        self
    }

    /// The authenticated caller.
    pub fn principal(mut self, principal: Option<Principal>) -> Self {
        self.inner.principal = principal;
        self
    }

    /// The request's `_meta.progressToken`.
    pub fn progress_token(mut self, token: Option<ProgressToken>) -> Self {
        self.inner.progress_token = token;
        self
    }

    /// The least severe level the client wants log messages for (`None`: no logs).
    pub fn log_level(mut self, level: Option<LoggingLevel>) -> Self {
        self.inner.log_level = level;
        self
    }

    /// Where notifications go.
    pub fn notify(mut self, notify: Arc<dyn Notify>) -> Self {
        self.inner.notify = notify;
        self
    }

    /// The token that cancels the call.
    pub fn cancellation(mut self, token: CancellationToken) -> Self {
        self.inner.cancellation = Cancellation::given(token);
        self
    }

    /// The session manager, for [`ToolContext::create_state_handle`].
    pub fn sessions(mut self, sessions: Option<Arc<dyn SessionManager>>) -> Self {
        self.inner.sessions = sessions;
        self
    }

    /// The finished context.
    pub fn build(self) -> ToolContext {
        ToolContext::from_parts(self.inner)
    }
}

impl std::fmt::Debug for ToolContext {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ToolContext")
            .field("request_id", &self.inner.request_id)
            .field("version", &self.inner.version)
            .field("session", &self.inner.session)
            .field("principal", &self.inner.principal)
            .finish_non_exhaustive()
    }
}
