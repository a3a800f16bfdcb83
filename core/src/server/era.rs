//! Which era a request belongs to, and the shape its result takes there.

use super::meta::{RequestMeta, SentVersion};
use crate::jsonrpc::{ErrorCode, ErrorObject, Params, RawJson};
use crate::protocol::discovery::meta;
use crate::protocol::{CallToolResult, Era, LoggingLevel, ProgressToken, ProtocolVersion};
use serde::Deserialize;
use serde_json::{json, Map, Value};
use std::sync::{Arc, OnceLock};

/// What the router knows about a request once its era is settled.
#[derive(Debug, Clone)]
pub(crate) struct RequestScope {
    pub(crate) version: ProtocolVersion,
    pub(crate) log_level: Option<LoggingLevel>,
    pub(crate) progress_token: Option<ProgressToken>,
    /// Stateless era: the client capabilities declared in `_meta`.
    pub(crate) capabilities: Option<Arc<Map<String, Value>>>,
}

/// The stateless-era fields of `params._meta`, if the request has them.
/// `Ok(None)`: a handshake-era request.
pub(crate) fn stateless_scope(meta: &RequestMeta) -> Result<Option<RequestScope>, ErrorObject> {
    let Some(fields) = stateless_fields(meta)? else {
        return Ok(None);
    };
    Ok(Some(RequestScope {
        version: fields.version,
        log_level: fields.log_level,
        progress_token: progress_token(meta),
        capabilities: Some(shared_capabilities(fields.capabilities)),
    }))
}

/// The declared client capabilities, shared by the request's context. Most
/// clients declare none: one empty map serves them all, with no
/// allocation per request.
fn shared_capabilities(capabilities: &Map<String, Value>) -> Arc<Map<String, Value>> {
    static NONE: OnceLock<Arc<Map<String, Value>>> = OnceLock::new();
    if capabilities.is_empty() {
        return NONE.get_or_init(Arc::default).clone();
    }
    Arc::new(capabilities.clone())
}

/// The stateless-era `_meta` fields, validated and borrowed.
struct StatelessFields<'a> {
    version: ProtocolVersion,
    capabilities: &'a Map<String, Value>,
    log_level: Option<LoggingLevel>,
}

fn stateless_fields(meta: &RequestMeta) -> Result<Option<StatelessFields<'_>>, ErrorObject> {
    let Some(requested) = &meta.protocol_version else {
        return Ok(None);
    };
    let version = match requested {
        SentVersion::Known(version) if version.era() == Era::Stateless => *version,
        other => {
            return Err(match other.as_str() {
                Some(text) => unsupported_version(text),
                None => ErrorObject::invalid_params(format!("_meta[\"{}\"] must be a string", meta::PROTOCOL_VERSION)),
            })
        }
    };
    let capabilities = match &meta.client_capabilities {
        Some(Value::Object(caps)) => caps,
        Some(_) => {
            let why = format!("_meta[\"{}\"] must be an object", meta::CLIENT_CAPABILITIES);
            return Err(ErrorObject::invalid_params(why));
        }
        None => {
            let why = format!("missing required _meta[\"{}\"]", meta::CLIENT_CAPABILITIES);
            return Err(ErrorObject::invalid_params(why));
        }
    };
    let log_level = match &meta.log_level {
        None => None,
        Some(v) => Some(LoggingLevel::deserialize(v).map_err(|_| {
            ErrorObject::invalid_params(format!("_meta[\"{}\"] is not a logging level: {v}", meta::LOG_LEVEL))
        })?),
    };
    Ok(Some(StatelessFields { version, capabilities, log_level }))
}

/// The stateless-era version a request asks for, validated as the router
/// would: `Ok(None)` for a handshake-era request, an error for missing or
/// malformed `_meta` fields (-32602) or an unsupported version (-32022).
/// Transports use it to answer with the right HTTP status before routing.
pub fn stateless_version(params: Option<&Params>) -> Result<Option<ProtocolVersion>, ErrorObject> {
    let meta = params.map(Params::meta).unwrap_or_default();
    Ok(stateless_fields(&meta)?.map(|fields| fields.version))
}

/// -32022 with the versions this server speaks, newest first.
pub fn unsupported_version(requested: &str) -> ErrorObject {
    let mut supported: Vec<&str> = ProtocolVersion::ALL.iter().map(|v| v.as_str()).collect();
    supported.reverse();
    ErrorObject::new(ErrorCode::UNSUPPORTED_PROTOCOL_VERSION, format!("Unsupported protocol version: {requested}"))
        .with_data(json!({ "supported": supported, "requested": requested }))
}

/// `params._meta.progressToken`, in either era.
pub(crate) fn progress_token(meta: &RequestMeta) -> Option<ProgressToken> {
    ProgressToken::deserialize(meta.progress_token.as_ref()?).ok()
}

/// How a result is dressed for the caller's era.
pub(crate) enum Cache {
    /// Not cacheable.
    No,
    /// A `CacheableResult`: list results and `server/discover`.
    Ttl { ttl_ms: u64 },
}

/// Adds what the stateless era requires on every result (`resultType`,
/// server info, caching fields); leaves handshake-era results alone.
pub(crate) fn dress(result: &mut Value, version: ProtocolVersion, cache: Cache, server_info: &Value) {
    if version.era() != Era::Stateless {
        return;
    }
    let Value::Object(map) = result else { return };
    let complete = map.entry("resultType").or_insert_with(|| Value::from("complete")) == "complete";
    if let (Cache::Ttl { ttl_ms }, true) = (cache, complete) {
        map.insert("ttlMs".into(), Value::from(ttl_ms));
        map.insert("cacheScope".into(), Value::from("public"));
    }
    let meta = map.entry("_meta").or_insert_with(|| Value::Object(Map::new()));
    if let Value::Object(meta) = meta {
        meta.insert(meta::SERVER_INFO.into(), server_info.clone());
    }
}

/// The `_meta` the stateless era adds to every result (the server's
/// info), as JSON text: written once per server, copied into each result.
pub(crate) fn result_meta(server_info: &Value) -> RawJson {
    RawJson::from(json!({ meta::SERVER_INFO: server_info }))
}

/// A `tools/call` result written straight to JSON text, dressed as
/// [`dress`] would dress it with [`Cache::No`]. `meta`: [`result_meta`].
pub(crate) fn dressed(result: &CallToolResult, version: ProtocolVersion, meta: &RawJson) -> RawJson {
    /// Room for a typical result, so that writing it rarely grows the buffer.
    const RESULT_CAPACITY: usize = 256;
    const RESULT_TYPE: &str = r#","resultType":"complete","_meta":"#;
    let stateless = version.era() == Era::Stateless;
    let extra = if stateless { RESULT_TYPE.len() + meta.as_bytes().len() } else { 0 };
    let mut text = Vec::with_capacity(RESULT_CAPACITY + extra);
    result.write_json(&mut text);
    if stateless {
        // A `CallToolResult` is an object that always has `content`: reopen
        // it and add the members the stateless era puts on every result.
        debug_assert!(text.starts_with(br#"{"content":"#) && text.ends_with(b"}"));
        text.pop();
        text.extend_from_slice(RESULT_TYPE.as_bytes());
        text.extend_from_slice(meta.as_bytes());
        text.push(b'}');
    }
    // serde_json and the literals above write UTF-8.
    RawJson::written(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn info() -> Value {
        json!({ "name": "srv", "title": "Server", "version": "1.2.3" })
    }

    /// The typed path writes exactly what dressing the result's `Value` gives.
    #[test]
    fn a_typed_result_is_dressed_as_its_value_would_be() {
        use crate::protocol::Content;
        let results = [
            CallToolResult::text("hello \"quoted\" ünïcode"),
            CallToolResult::error("it failed"),
            CallToolResult {
                content: vec![Content::text("7")],
                structured_content: Some(json!({ "n": 7, "nested": { "_meta": 1 } })),
                is_error: Some(false),
            },
        ];
        let meta = result_meta(&info());
        for result in &results {
            for version in ProtocolVersion::ALL {
                let mut expected = serde_json::to_value(result).unwrap();
                dress(&mut expected, version, Cache::No, &info());
                assert_eq!(dressed(result, version, &meta).to_value(), expected, "{version}");
            }
        }
    }

    /// No capabilities declared (most requests): one shared empty map, no
    /// allocation; declared ones are the request's own.
    #[test]
    fn requests_without_client_capabilities_share_one_empty_map() {
        let scope = |capabilities: Value| {
            let meta = RequestMeta {
                protocol_version: Some(SentVersion::Known(ProtocolVersion::V2026_07_28)),
                client_capabilities: Some(capabilities),
                ..RequestMeta::default()
            };
            stateless_scope(&meta).unwrap().unwrap().capabilities.unwrap()
        };
        let (a, b) = (scope(json!({})), scope(json!({})));
        assert!(a.is_empty() && Arc::ptr_eq(&a, &b));
        let (c, d) = (scope(json!({ "elicitation": {} })), scope(json!({ "elicitation": {} })));
        assert!(c.contains_key("elicitation") && !Arc::ptr_eq(&c, &d));
    }

    #[test]
    fn only_the_stateless_era_gets_result_type_and_server_info() {
        let result = CallToolResult::text("hi");
        let plain = dressed(&result, ProtocolVersion::V2025_11_25, &result_meta(&info())).to_value();
        assert_eq!(plain, json!({ "content": [{ "type": "text", "text": "hi" }] }));
        let stateless = dressed(&result, ProtocolVersion::V2026_07_28, &result_meta(&info())).to_value();
        assert_eq!(stateless["resultType"], "complete");
        assert_eq!(stateless["_meta"][meta::SERVER_INFO]["version"], "1.2.3");
    }
}
