//! Client requests, typed once from method name and params.

use crate::jsonrpc::ErrorObject;
use crate::protocol::{
    completion, discovery, lifecycle,
    logging::{self, SetLevelParams},
    prompts,
    resources::{self, ResourceUriParams},
    tools, CallToolParams, CompleteParams, Era, GetPromptParams, InitializeParams, PaginatedParams,
};
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

/// A request the router serves.
#[derive(Debug)]
pub(crate) enum ClientRequest {
    /// `initialize` (handshake era).
    Initialize(InitializeParams),
    /// `ping` (handshake era).
    Ping,
    /// `server/discover` (stateless era).
    Discover,
    /// `logging/setLevel` (handshake era).
    SetLevel(SetLevelParams),
    /// `tools/list`.
    ListTools(PaginatedParams),
    /// `tools/call`.
    CallTool(CallToolParams),
    /// Resources, prompts and completion.
    Catalog(CatalogRequest),
}

/// A request about resources, prompts or completion: served by the
/// catalog, behind the capability it needs.
#[derive(Debug)]
pub(crate) enum CatalogRequest {
    /// `resources/list`.
    ListResources(PaginatedParams),
    /// `resources/templates/list`.
    ListResourceTemplates(PaginatedParams),
    /// `resources/read`.
    ReadResource(ResourceUriParams),
    /// `prompts/list`.
    ListPrompts(PaginatedParams),
    /// `prompts/get`.
    GetPrompt(GetPromptParams),
    /// `completion/complete`.
    Complete(CompleteParams),
    /// `resources/subscribe` (handshake era).
    Subscribe(ResourceUriParams),
    /// `resources/unsubscribe` (handshake era).
    Unsubscribe(ResourceUriParams),
}

impl ClientRequest {
    /// Types a request of the given era; unknown (or, in this era, removed)
    /// methods are -32601, params that do not fit are -32602.
    pub(crate) fn parse(method: &str, params: Option<Map<String, Value>>, era: Era) -> Result<Self, ErrorObject> {
        use CatalogRequest as C;
        use ClientRequest as R;
        let handshake = era == Era::Handshake;
        Ok(match method {
            lifecycle::methods::INITIALIZE if handshake => R::Initialize(typed(params)?),
            lifecycle::methods::PING if handshake => R::Ping,
            discovery::methods::DISCOVER if !handshake => R::Discover,
            logging::methods::SET_LEVEL if handshake => R::SetLevel(typed(params)?),
            tools::methods::LIST => R::ListTools(typed_or_default(params)?),
            tools::methods::CALL => R::CallTool(typed(params)?),
            resources::methods::LIST => R::Catalog(C::ListResources(typed_or_default(params)?)),
            resources::methods::TEMPLATES_LIST => R::Catalog(C::ListResourceTemplates(typed_or_default(params)?)),
            resources::methods::READ => R::Catalog(C::ReadResource(typed(params)?)),
            prompts::methods::LIST => R::Catalog(C::ListPrompts(typed_or_default(params)?)),
            prompts::methods::GET => R::Catalog(C::GetPrompt(typed(params)?)),
            completion::methods::COMPLETE => R::Catalog(C::Complete(typed(params)?)),
            resources::methods::SUBSCRIBE if handshake => R::Catalog(C::Subscribe(typed(params)?)),
            resources::methods::UNSUBSCRIBE if handshake => R::Catalog(C::Unsubscribe(typed(params)?)),
            other => return Err(ErrorObject::method_not_found(other)),
        })
    }
}

fn typed<T: DeserializeOwned>(params: Option<Map<String, Value>>) -> Result<T, ErrorObject> {
    let value = Value::Object(params.unwrap_or_default());
    // The fast path; only a failure pays for locating the offending field.
    if let Ok(typed) = T::deserialize(&value) {
        return Ok(typed);
    }
    serde_path_to_error::deserialize(&value).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        if path == "." {
            ErrorObject::invalid_params(inner.to_string())
        } else {
            ErrorObject::invalid_params(format!("`{path}`: {inner}"))
        }
    })
}

fn typed_or_default<T: DeserializeOwned + Default>(params: Option<Map<String, Value>>) -> Result<T, ErrorObject> {
    match params {
        None => Ok(T::default()),
        some => typed(some),
    }
}
