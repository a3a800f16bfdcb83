//! Which protocol era to speak, and the rules of the dual-era probe
//! (specification 2026-07-28, "basic/versioning").

use crate::ClientError;
use base64::Engine;
use lambda_mcp_core::jsonrpc::ErrorCode;
use lambda_mcp_core::protocol::discovery::meta;
use lambda_mcp_core::protocol::{DiscoverResult, Era, Implementation, ProtocolVersion};
use serde_json::{json, Map, Value};
use std::str::FromStr;

/// How the client picks the protocol era.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum EraMode {
    /// `server/discover` first (2026-07-28); the `initialize` handshake when
    /// the server does not speak it.
    #[default]
    Auto,
    /// Only the `initialize` handshake (2025-11-25 and older).
    Handshake,
    /// Only the stateless revision (2026-07-28); no fallback.
    Stateless,
}

impl FromStr for EraMode {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "auto" => Ok(EraMode::Auto),
            "handshake" | "legacy" => Ok(EraMode::Handshake),
            "stateless" | "modern" | "2026-07-28" => Ok(EraMode::Stateless),
            other => Err(format!("unknown era {other:?}: expected auto, handshake or stateless")),
        }
    }
}

/// What the `server/discover` probe says about the server.
#[derive(Debug)]
pub(crate) enum Probe {
    /// It speaks 2026-07-28; who it is comes from the result's `_meta`.
    Stateless(DiscoverResult, Option<Implementation>),
    /// It does not: use the `initialize` handshake. The string says why.
    Fallback(String),
    /// Neither era can work (or the failure is not about the era at all:
    /// no connection, 401).
    Fail(ClientError),
}

/// Judges the answer to the probe. The fallback never hinges on one error
/// code: any JSON-RPC error that is not a recognised 2026 error, a status
/// without a JSON-RPC body, silence (a timeout) or an unreadable result
/// selects the handshake.
pub(crate) fn judge(answer: Result<Value, ClientError>) -> Probe {
    let stateless = ProtocolVersion::LATEST_STATELESS.as_str();
    let error = match answer {
        Ok(value) => {
            let info = value.get("_meta").and_then(|m| m.get(meta::SERVER_INFO)).cloned();
            let info = info.and_then(|i| serde_json::from_value(i).ok());
            return match serde_json::from_value::<DiscoverResult>(value) {
                Ok(found) if found.supported_versions.iter().any(|v| v == stateless) => Probe::Stateless(found, info),
                Ok(found) => Probe::Fallback(format!("server/discover lists only {:?}", found.supported_versions)),
                Err(e) => Probe::Fallback(format!("unreadable server/discover result: {e}")),
            };
        }
        Err(error) => error,
    };
    match &error {
        ClientError::Rpc { error: e, .. } if e.code == ErrorCode::UNSUPPORTED_PROTOCOL_VERSION => {
            let supported = supported_list(e.data.as_ref());
            let handshake =
                supported.iter().any(|v| ProtocolVersion::parse(v).is_some_and(|v| v.era() == Era::Handshake));
            if handshake {
                Probe::Fallback(format!("the server supports {supported:?}"))
            } else {
                Probe::Fail(ClientError::NoCommonVersion { supported })
            }
        }
        ClientError::Rpc { error: e, .. }
            if e.code == ErrorCode::HEADER_MISMATCH || e.code == ErrorCode::MISSING_REQUIRED_CLIENT_CAPABILITY =>
        {
            Probe::Fail(error)
        }
        ClientError::Rpc { error: e, .. } => Probe::Fallback(format!("server/discover failed: {e}")),
        ClientError::HttpStatus { status, .. } => Probe::Fallback(format!("server/discover got HTTP {status}")),
        ClientError::Timeout { .. } => Probe::Fallback("server/discover got no answer".into()),
        ClientError::InvalidResponse { reason, .. } => Probe::Fallback(reason.clone()),
        _ => Probe::Fail(error),
    }
}

fn supported_list(data: Option<&Value>) -> Vec<String> {
    let list = data.and_then(|d| d.get("supported")).and_then(Value::as_array);
    list.map(|l| l.iter().filter_map(Value::as_str).map(str::to_owned).collect()).unwrap_or_default()
}

/// Adds the stateless era's required `_meta` keys to a request's params.
pub(crate) fn stamp(params: &mut Map<String, Value>, client: &Implementation) {
    let entry = params.entry("_meta").or_insert_with(|| Value::Object(Map::new()));
    if !entry.is_object() {
        *entry = Value::Object(Map::new());
    }
    let meta_map = entry.as_object_mut().expect("made an object above");
    meta_map.insert(meta::PROTOCOL_VERSION.into(), json!(ProtocolVersion::LATEST_STATELESS.as_str()));
    meta_map.insert(meta::CLIENT_INFO.into(), json!(client));
    meta_map.entry(meta::CLIENT_CAPABILITIES).or_insert_with(|| json!({}));
}

/// The `Mcp-Name` of a stateless-era request: `params.name` or `params.uri`
/// for the three methods that address one thing.
pub(crate) fn name_header(method: &str, params: &Map<String, Value>) -> Option<String> {
    let key = match method {
        "tools/call" | "prompts/get" => "name",
        "resources/read" => "uri",
        _ => return None,
    };
    params.get(key).and_then(Value::as_str).map(encode_header)
}

/// Header values that are not plain, safe ASCII travel as
/// `=?base64?<base64 of the UTF-8>?=`.
pub(crate) fn encode_header(value: &str) -> String {
    let plain = !value.is_empty()
        && value.bytes().all(|b| (0x20..0x7f).contains(&b))
        && value.trim() == value
        && !(value.starts_with("=?base64?") && value.ends_with("?="));
    if plain {
        value.to_owned()
    } else {
        format!("=?base64?{}?=", base64::engine::general_purpose::STANDARD.encode(value))
    }
}

/// `Mcp-Param-<Name>` headers for the properties of a tool's input schema
/// marked with `x-mcp-header`, from the call's arguments.
pub(crate) fn param_headers(schema: &Map<String, Value>, arguments: &Map<String, Value>) -> Vec<(String, String)> {
    let Some(properties) = schema.get("properties").and_then(Value::as_object) else {
        return Vec::new();
    };
    let mut headers = Vec::new();
    for (property, spec) in properties {
        let Some(header) = spec.get("x-mcp-header").and_then(Value::as_str) else { continue };
        let value = match arguments.get(property) {
            Some(Value::String(s)) => encode_header(s),
            Some(Value::Bool(b)) => b.to_string(),
            Some(Value::Number(n)) if n.is_i64() || n.is_u64() => n.to_string(),
            _ => continue,
        };
        headers.push((format!("mcp-param-{}", header.to_ascii_lowercase()), value));
    }
    headers
}

#[cfg(test)]
mod tests {
    use super::*;
    use lambda_mcp_core::jsonrpc::ErrorObject;

    fn rpc(code: i32, data: Value) -> Result<Value, ClientError> {
        let error = ErrorObject::new(ErrorCode(code), "no").with_data(data);
        Err(ClientError::Rpc { method: "server/discover".into(), error })
    }

    #[test]
    fn the_probe_falls_back_on_any_legacy_answer_and_stays_on_modern_errors() {
        let ok = json!({"supportedVersions": ["2026-07-28"], "capabilities": {}});
        assert!(matches!(judge(Ok(ok)), Probe::Stateless(_, None)));
        let old = json!({"supportedVersions": ["2099-01-01"], "capabilities": {}});
        assert!(matches!(judge(Ok(old)), Probe::Fallback(_)));
        assert!(matches!(judge(Ok(json!("junk"))), Probe::Fallback(_)));
        assert!(matches!(judge(rpc(-32601, json!(null))), Probe::Fallback(_)));
        assert!(matches!(judge(rpc(-32000, json!(null))), Probe::Fallback(_)));
        assert!(matches!(judge(rpc(-32022, json!({"supported": ["2025-06-18"]}))), Probe::Fallback(_)));
        assert!(matches!(judge(rpc(-32022, json!({"supported": ["2099-01-01"]}))), Probe::Fail(_)));
        assert!(matches!(judge(rpc(-32020, json!(null))), Probe::Fail(_)));
        let status = ClientError::HttpStatus { url: "u".into(), status: 405, body: String::new() };
        assert!(matches!(judge(Err(status)), Probe::Fallback(_)));
        let denied = ClientError::Unauthorized { url: "u".into(), token_sent: false };
        assert!(matches!(judge(Err(denied)), Probe::Fail(ClientError::Unauthorized { .. })));
    }

    #[test]
    fn header_values_that_are_not_plain_ascii_are_base64_encoded() {
        assert_eq!(encode_header("get_weather"), "get_weather");
        assert_eq!(encode_header("héllo"), "=?base64?aMOpbGxv?=");
        assert_eq!(encode_header(" padded"), "=?base64?IHBhZGRlZA==?=");
        let params = json!({"name": "say_hello"}).as_object().cloned().unwrap();
        assert_eq!(name_header("tools/call", &params).as_deref(), Some("say_hello"));
        assert_eq!(name_header("tools/list", &params), None);
    }

    #[test]
    fn x_mcp_header_properties_become_param_headers() {
        let schema = json!({"type": "object", "properties": {
            "region": {"type": "string", "x-mcp-header": "Region"},
            "n": {"type": "integer", "x-mcp-header": "Count"}, "q": {"type": "string"}}});
        let args = json!({"region": "eu-west-1", "n": 3, "q": "x"});
        let mut headers = param_headers(schema.as_object().unwrap(), args.as_object().unwrap());
        headers.sort();
        assert_eq!(headers, [("mcp-param-count".into(), "3".into()), ("mcp-param-region".into(), "eu-west-1".into())]);
    }
}
