//! Client requests, typed once from method name and params.

use super::meta::{with_meta, NoParams, RequestMeta};
use crate::jsonrpc::params::{Params, Repr};
use crate::jsonrpc::ErrorObject;
use crate::protocol::{
    completion, discovery, lifecycle,
    logging::{self, SetLevelParams},
    prompts,
    resources::{self, ResourceUriParams},
    tools, CallToolParams, CompleteParams, Era, GetPromptParams, InitializeParams, PaginatedParams,
};
use serde::{Deserialize, Deserializer};
use serde_json::{Map, Value};

/// A request the router serves.
#[derive(Debug, Clone)]
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
#[derive(Debug, Clone)]
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
    pub(crate) fn parse(method: &str, params: Option<Params>, era: Era) -> Result<Typed, ErrorObject> {
        let Some(kind) = Method::of(method).filter(|m| m.served_in(era)) else {
            return Err(ErrorObject::method_not_found(method));
        };
        let map = match params.map(Params::into_repr) {
            // Typed while the body was parsed (`jsonrpc::parse_inbound`).
            Some(Repr::Typed(typed)) => return Ok(*typed),
            Some(Repr::Object(map)) => map,
            None => Map::new(),
        };
        let value = Value::Object(map);
        // The fast path; only a failure pays for locating the offending field.
        if let Ok(typed) = Typed::read(kind, &value) {
            return Ok(typed);
        }
        let mut track = serde_path_to_error::Track::new();
        let error = match Typed::read(kind, serde_path_to_error::Deserializer::new(&value, &mut track)) {
            Ok(typed) => return Ok(typed),
            Err(e) => e,
        };
        let path = track.path().to_string();
        Err(if path == "." {
            ErrorObject::invalid_params(error.to_string())
        } else {
            ErrorObject::invalid_params(format!("`{path}`: {error}"))
        })
    }
}

/// The methods the server serves, by name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Method {
    Initialize,
    Ping,
    Discover,
    SetLevel,
    ListTools,
    CallTool,
    ListResources,
    ListResourceTemplates,
    ReadResource,
    ListPrompts,
    GetPrompt,
    Complete,
    Subscribe,
    Unsubscribe,
}

impl Method {
    /// The method named `name`, if the server serves it in any era.
    pub(crate) fn of(name: &str) -> Option<Method> {
        // Compared in this order: the request an exchange is mostly made of first.
        Some(match name {
            tools::methods::CALL => Method::CallTool,
            lifecycle::methods::INITIALIZE => Method::Initialize,
            lifecycle::methods::PING => Method::Ping,
            discovery::methods::DISCOVER => Method::Discover,
            logging::methods::SET_LEVEL => Method::SetLevel,
            tools::methods::LIST => Method::ListTools,
            resources::methods::LIST => Method::ListResources,
            resources::methods::TEMPLATES_LIST => Method::ListResourceTemplates,
            resources::methods::READ => Method::ReadResource,
            prompts::methods::LIST => Method::ListPrompts,
            prompts::methods::GET => Method::GetPrompt,
            completion::methods::COMPLETE => Method::Complete,
            resources::methods::SUBSCRIBE => Method::Subscribe,
            resources::methods::UNSUBSCRIBE => Method::Unsubscribe,
            _ => return None,
        })
    }

    /// Whether the method exists in `era`: some belong to one era only.
    fn served_in(self, era: Era) -> bool {
        let handshake = era == Era::Handshake;
        match self {
            Method::Initialize | Method::Ping | Method::SetLevel | Method::Subscribe | Method::Unsubscribe => handshake,
            Method::Discover => !handshake,
            _ => true,
        }
    }
}

/// A request typed from its method and params, with the `_meta` members
/// the server reads.
#[derive(Debug, Clone)]
pub(crate) struct Typed {
    pub(crate) request: ClientRequest,
    pub(crate) meta: RequestMeta,
}

impl Typed {
    /// Reads the params of `method` from `d` in one pass, `_meta` included.
    pub(crate) fn read<'de, D: Deserializer<'de>>(method: Method, d: D) -> Result<Typed, D::Error> {
        use CatalogRequest as C;
        use ClientRequest as R;
        fn as_<'de, T: Deserialize<'de>, D: Deserializer<'de>>(
            d: D,
            request: impl FnOnce(T) -> ClientRequest,
        ) -> Result<Typed, D::Error> {
            with_meta(d).map(|(params, meta)| Typed { request: request(params), meta })
        }
        match method {
            Method::Initialize => as_(d, R::Initialize),
            Method::Ping => as_(d, |NoParams {}| R::Ping),
            Method::Discover => as_(d, |NoParams {}| R::Discover),
            Method::SetLevel => as_(d, R::SetLevel),
            Method::ListTools => as_(d, R::ListTools),
            Method::CallTool => as_(d, R::CallTool),
            Method::ListResources => as_(d, |p| R::Catalog(C::ListResources(p))),
            Method::ListResourceTemplates => as_(d, |p| R::Catalog(C::ListResourceTemplates(p))),
            Method::ReadResource => as_(d, |p| R::Catalog(C::ReadResource(p))),
            Method::ListPrompts => as_(d, |p| R::Catalog(C::ListPrompts(p))),
            Method::GetPrompt => as_(d, |p| R::Catalog(C::GetPrompt(p))),
            Method::Complete => as_(d, |p| R::Catalog(C::Complete(p))),
            Method::Subscribe => as_(d, |p| R::Catalog(C::Subscribe(p))),
            Method::Unsubscribe => as_(d, |p| R::Catalog(C::Unsubscribe(p))),
        }
    }

    /// The params object this was read from, less the members it does not
    /// keep.
    pub(crate) fn to_object(&self) -> Map<String, Value> {
        use CatalogRequest as C;
        use ClientRequest as R;
        let params = match &self.request {
            R::Initialize(p) => serde_json::to_value(p),
            R::Ping | R::Discover => Ok(Value::Object(Map::new())),
            R::SetLevel(p) => serde_json::to_value(p),
            R::ListTools(p) => serde_json::to_value(p),
            R::CallTool(p) => serde_json::to_value(p),
            R::Catalog(C::ListResources(p) | C::ListResourceTemplates(p) | C::ListPrompts(p)) => {
                serde_json::to_value(p)
            }
            R::Catalog(C::ReadResource(p) | C::Subscribe(p) | C::Unsubscribe(p)) => serde_json::to_value(p),
            R::Catalog(C::GetPrompt(p)) => serde_json::to_value(p),
            R::Catalog(C::Complete(p)) => serde_json::to_value(p),
        };
        let Ok(Value::Object(mut map)) = params else { unreachable!("MCP params serialise to objects") };
        if self.meta != RequestMeta::default() {
            map.insert("_meta".into(), serde_json::to_value(&self.meta).expect("_meta serialises"));
        }
        map
    }

    /// A string member MCP defines for this request's params (`name`,
    /// `uri`).
    pub(crate) fn str_member(&self, key: &str) -> Option<&str> {
        use CatalogRequest as C;
        use ClientRequest as R;
        match (&self.request, key) {
            (R::CallTool(p), "name") => Some(&p.name),
            (R::Catalog(C::GetPrompt(p)), "name") => Some(&p.name),
            (R::Catalog(C::ReadResource(p) | C::Subscribe(p) | C::Unsubscribe(p)), "uri") => Some(&p.uri),
            _ => None,
        }
    }
}
