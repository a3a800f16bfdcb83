//! Tools that own mutable state run as actix actors: one actor serialises
//! every call to its tool, so `&mut self` is safe without locks.
//!
//! # Cancel safety
//! A call's future inside the actor races the call's cancellation token and
//! deadline; when either fires, the tool's future is dropped at its current
//! `.await` and the actor moves on to the next message. A tool whose state
//! must never be left half-updated should make its changes after its last
//! `.await`.

use crate::context::ToolContext;
use crate::error::ToolError;
use crate::protocol::{CallToolResult, ToolInfo};
use crate::tool::Arguments;
use actix::prelude::*;
use async_trait::async_trait;
use futures_util::FutureExt;
use std::panic::AssertUnwindSafe;

/// One or more tools sharing mutable state (`&mut self`). Registered like
/// any tool; served by an actor, one call at a time.
///
/// ```
/// use lambda_mcp_core::{async_trait, Arguments, CallToolResult, Server, StatefulTool, ToolContext, ToolError, ToolInfo};
///
/// /// Numbers the calls it serves.
/// #[derive(Default)]
/// struct Ticket { next: u64 }
///
/// #[async_trait]
/// impl StatefulTool for Ticket {
///     fn tools(&self) -> Vec<ToolInfo> {
///         vec![ToolInfo::new("take_ticket", serde_json::json!({"type": "object"}))]
///     }
///     async fn call(&mut self, _name: &str, _args: Arguments, _ctx: &ToolContext) -> Result<CallToolResult, ToolError> {
///         self.next += 1;
///         Ok(CallToolResult::text(self.next.to_string()))
///     }
/// }
///
/// let server = Server::builder("demo", "1.0.0").tool(Ticket::default()).build();
/// assert_eq!(server.tool_names(), ["take_ticket"]);
/// ```
#[async_trait]
pub trait StatefulTool: Send + 'static {
    /// The tools this value serves (one per name).
    fn tools(&self) -> Vec<ToolInfo>;

    /// Serves one call of the tool `name`; calls never overlap.
    async fn call(&mut self, name: &str, args: Arguments, ctx: &ToolContext) -> Result<CallToolResult, ToolError>;
}

/// The actor that owns a [`StatefulTool`].
pub(crate) struct ToolActor {
    tool: Option<Box<dyn StatefulTool>>,
}

impl Actor for ToolActor {
    type Context = Context<Self>;
}

/// One call, sent to a [`ToolActor`].
pub(crate) struct Call {
    pub(crate) name: String,
    pub(crate) args: Arguments,
    pub(crate) ctx: ToolContext,
}

impl Message for Call {
    type Result = Result<CallToolResult, ToolError>;
}

impl Handler<Call> for ToolActor {
    type Result = AtomicResponse<Self, Result<CallToolResult, ToolError>>;

    fn handle(&mut self, call: Call, _ctx: &mut Context<Self>) -> Self::Result {
        // AtomicResponse keeps the mailbox closed until the call ends: that
        // is the serialisation a `&mut self` tool asks for.
        let Some(mut tool) = self.tool.take() else {
            return AtomicResponse::new(Box::pin(fut::ready(Err(ToolError::failed(
                "the tool's state was lost by an earlier panic",
            )))));
        };
        let work = async move {
            let token = call.ctx.cancellation().clone();
            let result = {
                let run = AssertUnwindSafe(tool.call(&call.name, call.args, &call.ctx)).catch_unwind();
                tokio::select! {
                    r = run => r.unwrap_or_else(|panic| Err(ToolError::Panicked {
                        tool: call.name.clone(),
                        message: panic_message(&panic),
                    })),
                    _ = token.cancelled() => Err(ToolError::Cancelled),
                }
            };
            (tool, result)
        };
        AtomicResponse::new(Box::pin(work.into_actor(self).map(|(tool, result), act, _| {
            act.tool = Some(tool);
            result
        })))
    }
}

pub(crate) fn panic_message(panic: &Box<dyn std::any::Any + Send>) -> String {
    panic
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "panic".to_owned())
}

/// The thread on which tool actors live: an actix `System` of its own, so
/// the server works from any Tokio runtime (actix needs a `LocalSet`).
pub(crate) struct ActorHost {
    arbiter: ArbiterHandle,
    system: System,
}

impl ActorHost {
    pub(crate) fn start() -> std::io::Result<Self> {
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::Builder::new().name("lambda-mcp-actors".into()).spawn(move || {
            let system = System::new();
            system.block_on(async {
                let _ = tx.send((Arbiter::current(), System::current()));
            });
            let _ = system.run();
        })?;
        let (arbiter, system) = rx.recv().map_err(|_| std::io::Error::other("the actor thread died while starting"))?;
        Ok(ActorHost { arbiter, system })
    }

    pub(crate) fn spawn(&self, tool: Box<dyn StatefulTool>) -> Addr<ToolActor> {
        ToolActor::start_in_arbiter(&self.arbiter, move |_| ToolActor { tool: Some(tool) })
    }
}

impl Drop for ActorHost {
    fn drop(&mut self) {
        self.system.stop();
    }
}
