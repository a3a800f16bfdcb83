//! Running a user's resource, prompt or completion handler: its context,
//! its deadline, its cancellation, and what a panic turns into.

use super::connection::{Connection, InFlight};
use super::era::RequestScope;
use super::request_state::Binding;
use super::Server;
use crate::context::{self, Notify, ToolContext};
use crate::interaction::{Channel, Rounds};
use crate::jsonrpc::{ErrorObject, RequestId};
use crate::session::{SessionHandle, SessionManager};
use crate::tool::actor::panic_message;
use futures_util::FutureExt;
use serde_json::{json, Map, Value};
use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// What a request brings besides its params.
pub(super) struct Call<'a> {
    pub(super) conn: &'a Connection,
    pub(super) id: RequestId,
    pub(super) scope: RequestScope,
    pub(super) in_flight: InFlight,
    pub(super) notify: Arc<dyn Notify>,
}

impl Call<'_> {
    /// The context a handler sees. `answers`: the client's answers to
    /// earlier input requests (stateless era).
    /// The context is also attached to the request's [`InFlight`], so that
    /// [`Server::bounded`] saves its session changes on every path.
    pub(super) fn context(&self, timeout: Duration, answers: Map<String, Value>) -> ToolContext {
        let ctx = self.context_with(timeout, answers, self.conn.session_handle(self.scope.version.era()), None);
        self.in_flight.attach(ctx.clone());
        ctx
    }

    /// [`Call::context`] with the session chosen by the caller (a state
    /// handle) and the manager that mints handles.
    pub(super) fn context_with(
        &self,
        timeout: Duration,
        answers: Map<String, Value>,
        session: SessionHandle,
        sessions: Option<Arc<dyn SessionManager>>,
    ) -> ToolContext {
        ToolContext::from_parts(context::Inner {
            request_id: self.id.clone(),
            version: self.scope.version,
            session,
            principal: self.conn.principal().cloned(),
            progress_token: self.scope.progress_token.clone(),
            log_level: self.scope.log_level,
            notify: self.notify.clone(),
            cancellation: context::Cancellation::by_id(self.in_flight.cancel.clone()),
            deadline: Instant::now() + timeout,
            channel: self.channel(answers),
            sessions,
        })
    }

    fn channel(&self, answers: Map<String, Value>) -> Channel {
        match &self.scope.capabilities {
            Some(capabilities) => Channel::Rounds(Rounds::new(capabilities.clone(), answers)),
            None => Channel::Live { conn: self.conn.clone() },
        }
    }
}

impl Server {
    /// Runs a handler of the `kind` named `name` within the call timeout.
    /// `Ok(None)`: the client cancelled it. A panic or a timeout is -32603.
    /// When the request has a context ([`Call::context`]), its session
    /// changes are saved before this returns, whatever the outcome (see
    /// [`settle`]).
    pub(super) async fn bounded<T>(
        &self,
        kind: &str,
        name: &str,
        in_flight: &InFlight,
        work: impl Future<Output = T>,
    ) -> Result<Option<T>, ErrorObject> {
        let outcome = self.run_bounded(kind, name, in_flight, work).await;
        match in_flight.context() {
            Some(ctx) => settle(ctx, outcome).await,
            None => outcome,
        }
    }

    async fn run_bounded<T>(
        &self,
        kind: &str,
        name: &str,
        in_flight: &InFlight,
        work: impl Future<Output = T>,
    ) -> Result<Option<T>, ErrorObject> {
        let timeout = self.inner.call_timeout;
        let run = AssertUnwindSafe(work).catch_unwind();
        tokio::select! {
            biased;
            _ = in_flight.cancelled() => Ok(None),
            outcome = crate::timer::timeout(timeout, run) => match outcome {
                Ok(Ok(value)) => Ok(Some(value)),
                Ok(Err(panic)) => Err(ErrorObject::internal(format!(
                    "{kind} `{name}` failed unexpectedly: {}",
                    panic_message(&panic)
                ))),
                Err(_) => {
                    in_flight.cancel();
                    Err(ErrorObject::internal(format!(
                        "{kind} `{name}` did not finish within {}ms",
                        timeout.as_millis()
                    )))
                }
            },
        }
    }
}

impl Server {
    /// The answers a retried request carries: its `requestState`, verified
    /// against `binding`, plus its `inputResponses`. A forged, altered,
    /// expired or foreign state is -32602.
    pub(super) fn answers(
        &self,
        binding: &Binding<'_>,
        state: Option<&str>,
        responses: Option<Map<String, Value>>,
    ) -> Result<Map<String, Value>, ErrorObject> {
        let Some(state) = state else {
            // A first attempt (no state): the answers are what it sent, if anything.
            return Ok(responses.unwrap_or_default());
        };
        let mut answers = self.inner.state_key.open(state, binding).map_err(|why| {
            ErrorObject::invalid_params(format!("invalid requestState: {why}"))
                .with_data(json!({ "requestState": why }))
        })?;
        answers.extend(responses.unwrap_or_default());
        Ok(answers)
    }

    /// The stateless-era answer to a handler that needs `requests` from
    /// the client: an input-required result carrying the answers so far
    /// (those its context was given).
    pub(super) fn input_required(
        &self,
        binding: &Binding<'_>,
        ctx: &ToolContext,
        requests: Map<String, Value>,
    ) -> Value {
        let none = Map::new();
        let state = self.inner.state_key.seal(binding, ctx.answers().unwrap_or(&none));
        json!({ "resultType": "input_required", "inputRequests": requests, "requestState": state })
    }
}

/// -32021: the request needs a capability the client did not declare.
pub(super) fn missing_capability(capability: &str) -> ErrorObject {
    ErrorObject::new(
        crate::jsonrpc::ErrorCode::MISSING_REQUIRED_CLIENT_CAPABILITY,
        format!("Missing required client capability: {capability}"),
    )
    .with_data(json!({ "requiredCapabilities": { capability: {} } }))
}

/// How long a flush may take past the call's deadline, so that a call that
/// used its whole deadline can still save what it changed.
pub(super) const FLUSH_GRACE: Duration = Duration::from_secs(2);

/// Flushes the call's session within its deadline (or a short grace after
/// it): a slow or throttled store cannot hold the response forever.
pub(super) async fn bounded_flush(ctx: &ToolContext) -> Result<(), crate::SessionError> {
    if !ctx.session().needs_flush() {
        // No session, or one with nothing ever left to save (and no clock to read).
        return Ok(());
    }
    let limit = std::cmp::max(ctx.deadline(), Instant::now() + FLUSH_GRACE);
    match crate::timer::timeout_at(limit, ctx.session().flush()).await {
        Ok(flushed) => flushed,
        Err(_) => Err(crate::SessionError::Timeout),
    }
}

/// Ends a handler's request: saves what it changed in the session on every
/// path (a result, an error, a panic, a timeout, a cancellation), before
/// the request's future resolves — on Lambda the environment may freeze as
/// soon as it does. A failed save turns a result or an error into -32603;
/// for a cancelled request (`Ok(None)`: nothing is sent) it is logged.
pub(super) async fn settle<T>(
    ctx: &ToolContext,
    outcome: Result<Option<T>, ErrorObject>,
) -> Result<Option<T>, ErrorObject> {
    match (outcome, bounded_flush(ctx).await) {
        (outcome, Ok(())) => outcome,
        (Ok(None), Err(e)) => {
            tracing::warn!(request = %ctx.request_id(), error = %e, "a cancelled request's session changes were not saved");
            Ok(None)
        }
        (_, Err(e)) => Err(ErrorObject::internal(e.to_string())),
    }
}
