use super::{StatefulTool, Tool, ToolActor};
use crate::protocol::ToolInfo;
use actix::Addr;
use std::sync::Arc;

/// How a registered tool is reached.
#[derive(Clone)]
pub(crate) enum Handler {
    /// Called directly, concurrently: no hop.
    Inline(Arc<dyn Tool>),
    /// Served by the actor that owns the state; `name` picks the method.
    Actor(Addr<ToolActor>),
}

/// Tools ready to be added to a server, produced by [`IntoTools`].
pub struct Registered {
    pub(crate) inline: Vec<Arc<dyn Tool>>,
    pub(crate) stateful: Option<Box<dyn StatefulTool>>,
}

/// Several `&self` tools sharing one value, e.g. the methods of an impl
/// block marked `#[tool]`.
pub trait ToolSet: Send + Sync + 'static {
    /// The tools, each holding what it needs of `self`.
    fn into_tool_set(self) -> Vec<Arc<dyn Tool>>;
}

/// Anything [`crate::ServerBuilder::tool`] accepts: a [`Tool`], a
/// [`ToolSet`] or a [`StatefulTool`]. `M` only tells the three apart.
pub trait IntoTools<M> {
    /// Prepares the tools for registration.
    fn into_tools(self) -> Registered;
}

/// Markers for [`IntoTools`].
pub mod marker {
    /// A single stateless [`super::Tool`].
    #[derive(Debug)]
    pub enum Inline {}
    /// A [`super::ToolSet`].
    #[derive(Debug)]
    pub enum Set {}
    /// A [`super::StatefulTool`], run as an actor.
    #[derive(Debug)]
    pub enum Actor {}
}

impl<T: Tool> IntoTools<marker::Inline> for T {
    fn into_tools(self) -> Registered {
        Registered { inline: vec![Arc::new(self)], stateful: None }
    }
}

impl<T: ToolSet> IntoTools<marker::Set> for T {
    fn into_tools(self) -> Registered {
        Registered { inline: self.into_tool_set(), stateful: None }
    }
}

impl<T: StatefulTool> IntoTools<marker::Actor> for T {
    fn into_tools(self) -> Registered {
        Registered { inline: Vec::new(), stateful: Some(Box::new(self)) }
    }
}

/// A tool's metadata and how to reach it.
#[derive(Clone)]
pub(crate) struct Entry {
    pub(crate) info: Arc<ToolInfo>,
    pub(crate) handler: Handler,
}
