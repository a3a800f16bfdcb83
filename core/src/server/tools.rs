//! `tools/list` and `tools/call`.

use super::era::{self, Cache};
use super::invoke::{bounded_flush, missing_capability, Call, FLUSH_GRACE};
use super::pagination;
use super::request_state::Binding;
use super::Server;
use crate::context::ToolContext;
use crate::error::ToolError;
use crate::jsonrpc::{ErrorCode, ErrorObject, RawJson};
use crate::principal::Principal;
use crate::protocol::{CallToolParams, CallToolResult, Era, ProtocolVersion, ToolInfo};
use crate::session::{SessionError, SessionHandle, SessionId, STATE_HANDLE_ARG};
use crate::timer::poll_once;
use crate::tool::{actor::panic_message, Arguments, Entry, Handler};
use futures_util::FutureExt;
use serde_json::{json, Map, Value};
use std::panic::AssertUnwindSafe;
use std::task::Poll;

impl Server {
    pub(super) fn list_tools(&self, cursor: Option<&str>, version: ProtocolVersion) -> Result<Value, ErrorObject> {
        let tools = &self.inner.tools;
        let (start, end, next) = pagination::page(cursor, tools.len(), self.inner.page_size)?;
        let page: Vec<Value> = tools[start..end].iter().map(|t| tool_json(&t.info, version)).collect();
        let mut result = json!({ "tools": page });
        if let Some(next) = next {
            result["nextCursor"] = Value::from(next);
        }
        Ok(result)
    }

    /// Runs one call; `Ok(None)` when the client cancelled it (no response
    /// is sent). An unknown tool, a forged `requestState` and (stateless era)
    /// a missing client capability are protocol errors; everything else the
    /// tool does ends in a result.
    ///
    /// Whatever way the call ends (a result, an error, its deadline, a
    /// cancellation), what it changed in the session is flushed before this
    /// returns: on Lambda the environment may freeze as soon as it does. A
    /// failed flush turns the result into an `isError` result; for a
    /// cancelled call, which gets no response, it is logged.
    ///
    /// The result comes back as JSON text, dressed for the caller's era.
    pub(super) async fn call_tool(
        &self,
        params: CallToolParams,
        call: Call<'_>,
    ) -> Result<Option<RawJson>, ErrorObject> {
        let version = call.scope.version;
        let Some(entry) = self.inner.tool_index.get(&params.name).map(|&i| &self.inner.tools[i]) else {
            return Err(ErrorObject::new(ErrorCode::INVALID_PARAMS, format!("Unknown tool: {}", params.name))
                .with_data(json!({ "name": params.name })));
        };
        let stateless = version.era() == Era::Stateless;
        let mut arguments = Value::Object(params.arguments.unwrap_or_default());
        let principal = call.conn.principal().map(Principal::as_str);
        let binding = Binding::tool_call(&params.name, &arguments, principal);
        let answers = self.answers(&binding, params.request_state.as_deref(), params.input_responses)?;
        let session = match self.state_handle_session(&call, &arguments).await {
            Ok(session) => session,
            Err(refused) => return Ok(Some(era::dressed(&refused.into_result(), version, &self.inner.result_meta))),
        };
        let ctx = call.context_with(self.inner.call_timeout, answers, session, self.inner.sessions.clone());
        // The tool takes the arguments; only the stateless era keeps a copy,
        // to bind an input-required result to them. No arguments (most
        // calls) need no copy: they are made again if that result comes.
        let kept = match &arguments {
            Value::Object(args) if stateless && !args.is_empty() => arguments.clone(),
            _ => Value::Null,
        };
        let Value::Object(args) = std::mem::replace(&mut arguments, kept) else {
            unreachable!("built as an object above")
        };
        // Boxed: its timers and `select!` would otherwise widen every
        // request's future, which is copied whole each time it moves.
        let ran = Box::pin(self.run_tool(entry, Arguments::new(args), &ctx)).await;
        let done = match (ran, bounded_flush(&ctx).await) {
            (None, saved) => {
                if let Err(e) = saved {
                    tracing::warn!(tool = %params.name, error = %e, "a cancelled call's session changes were not saved");
                }
                return Ok(None);
            }
            // The store failure wins: the client must learn that state was not saved.
            (Some(_), Err(e)) => Err(ToolError::from(e)),
            (Some(done), Ok(())) => done,
        };
        let mut result = match done {
            Ok(result) => result,
            Err(ToolError::InputRequired(requests)) if stateless => {
                if arguments.is_null() {
                    arguments = Value::Object(Map::new());
                }
                let binding = Binding::tool_call(&params.name, &arguments, principal);
                let mut result = self.input_required(&binding, &ctx, requests);
                era::dress(&mut result, version, Cache::No, &self.inner.info_json);
                return Ok(Some(RawJson::from(result)));
            }
            Err(ToolError::MissingCapability { capability }) if stateless => {
                return Err(missing_capability(&capability));
            }
            Err(err) => err.into_result(),
        };
        if !version.has_structured_output() {
            result.structured_content = None;
        }
        Ok(Some(era::dressed(&result, version, &self.inner.result_meta)))
    }

    /// Runs the tool within the call timeout; `None` when the call was
    /// cancelled (by the client, or by the tool returning `Cancelled`).
    async fn run_tool(
        &self,
        entry: &Entry,
        args: Arguments,
        ctx: &ToolContext,
    ) -> Option<Result<CallToolResult, ToolError>> {
        let timeout = self.inner.call_timeout;
        let run = crate::timer::timeout_at(ctx.deadline(), invoke(entry, args, ctx));
        tokio::pin!(run);
        // A call that finishes on its first poll (most do) needs no
        // cancellation watch (nor, on a single-request connection, a token):
        // a cancellation is only seen between polls.
        let first = if ctx.is_cancelled() { Poll::Pending } else { poll_once(run.as_mut()).await };
        let finished = match first {
            Poll::Ready(outcome) => Some(outcome),
            Poll::Pending => tokio::select! {
                biased;
                _ = ctx.cancellation().cancelled() => None,
                outcome = &mut run => Some(outcome),
            },
        };
        match finished {
            None => {
                if let Handler::Actor(_) = entry.handler {
                    // The tool's actor stops at the cancellation; wait for it, so
                    // that nothing it changes comes after the flush.
                    let _ = tokio::time::timeout(FLUSH_GRACE, &mut run).await;
                }
                None
            }
            Some(Ok(Err(ToolError::Cancelled))) => None,
            Some(Ok(done)) => Some(done),
            Some(Err(_)) => {
                // Tell an actor tool to stop, too.
                ctx.cancellation().cancel();
                Some(Err(ToolError::DeadlineExceeded { tool: entry.info.name.clone(), after: timeout }))
            }
        }
    }
}

async fn invoke(entry: &Entry, args: Arguments, ctx: &ToolContext) -> Result<CallToolResult, ToolError> {
    match &entry.handler {
        Handler::Inline(tool) => AssertUnwindSafe(tool.call(args, ctx)).catch_unwind().await.unwrap_or_else(|panic| {
            Err(ToolError::Panicked { tool: entry.info.name.clone(), message: panic_message(&panic) })
        }),
        Handler::Actor(addr) => {
            let call = crate::tool::actor::Call { name: entry.info.name.clone(), args, ctx: ctx.clone() };
            // Boxed: an actor call's state is large and the inline path
            // should not carry it.
            Box::pin(addr.send(call))
                .await
                .unwrap_or_else(|e| Err(ToolError::failed(format!("tool `{}` is unavailable: {e}", entry.info.name))))
        }
    }
}

impl Server {
    /// The session of a call: in the stateless era, the one its
    /// `state_handle` argument names (opened for the caller only); else the
    /// connection's.
    async fn state_handle_session(&self, call: &Call<'_>, arguments: &Value) -> Result<SessionHandle, ToolError> {
        let era = call.scope.version.era();
        let handle = arguments.get(STATE_HANDLE_ARG).and_then(Value::as_str);
        let (Era::Stateless, Some(handle), Some(sessions)) = (era, handle, &self.inner.sessions) else {
            return Ok(call.conn.session_handle(era));
        };
        let id = SessionId::new(handle);
        match sessions.open(&id, call.conn.principal()).await {
            Ok(session) => Ok(SessionHandle::for_request(&session)),
            Err(SessionError::NotFound(_)) => Err(ToolError::Session(SessionError::NoSession {
                hint: format!("the state handle {handle:?} is unknown or has expired; create a new one"),
            })),
            Err(e) => Err(ToolError::Session(e)),
        }
    }
}

/// A tool's `tools/list` entry, without the fields the caller's version
/// does not know.
fn tool_json(info: &ToolInfo, version: ProtocolVersion) -> Value {
    let mut value = serde_json::to_value(info).expect("ToolInfo serialises");
    if !version.has_structured_output() {
        if let Value::Object(map) = &mut value {
            map.remove("outputSchema");
            map.remove("title");
        }
    }
    value
}
