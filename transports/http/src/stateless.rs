//! 2026-07-28 header rules: `MCP-Protocol-Version`, `Mcp-Method` and
//! `Mcp-Name` must agree with the body (-32020 otherwise).

use base64::Engine;
use http::HeaderMap;
use lambda_mcp_core::jsonrpc::{ErrorCode, ErrorObject, Request};
use lambda_mcp_core::ProtocolVersion;
use serde_json::Value;

/// Header names of the stateless era.
pub(crate) mod names {
    pub(crate) const PROTOCOL_VERSION: &str = "mcp-protocol-version";
    pub(crate) const METHOD: &str = "mcp-method";
    pub(crate) const NAME: &str = "mcp-name";
}

/// Checks a stateless-era request's headers against its body.
pub(crate) fn check_headers(
    headers: &HeaderMap,
    request: &Request,
    version: ProtocolVersion,
) -> Result<(), ErrorObject> {
    let header = |name: &str| headers.get(name).map(|v| decode(v.as_bytes()));
    match header(names::PROTOCOL_VERSION) {
        Some(Some(v)) if v == version.as_str() => {}
        Some(Some(v)) => {
            return Err(mismatch(&format!(
                "MCP-Protocol-Version header {v:?} does not match the body's {version}"
            )))
        }
        _ => return Err(mismatch("the MCP-Protocol-Version header is required")),
    }
    match header(names::METHOD) {
        Some(Some(m)) if m == request.method => {}
        Some(Some(m)) => {
            return Err(mismatch(&format!(
                "Mcp-Method header {m:?} does not match the body's {:?}",
                request.method
            )))
        }
        _ => return Err(mismatch("the Mcp-Method header is required")),
    }
    let body_name = match request.method.as_str() {
        "tools/call" | "prompts/get" => param(request, "name"),
        "resources/read" => param(request, "uri"),
        _ => return Ok(()),
    };
    match (header(names::NAME), body_name) {
        (Some(Some(h)), Some(b)) if h == b => Ok(()),
        (Some(Some(h)), b) => Err(mismatch(&format!(
            "Mcp-Name header {h:?} does not match the body's {:?}",
            b.unwrap_or_default()
        ))),
        _ => Err(mismatch(&format!(
            "the Mcp-Name header is required for {}",
            request.method
        ))),
    }
}

fn param<'a>(request: &'a Request, key: &str) -> Option<&'a str> {
    request.params.as_ref()?.get(key).and_then(Value::as_str)
}

fn mismatch(message: &str) -> ErrorObject {
    ErrorObject::new(
        ErrorCode::HEADER_MISMATCH,
        format!("Header mismatch: {message}"),
    )
}

/// A header value as text, decoding the `=?base64?…?=` form used for values
/// that are not plain ASCII.
fn decode(raw: &[u8]) -> Option<String> {
    let text = std::str::from_utf8(raw).ok()?;
    match text
        .strip_prefix("=?base64?")
        .and_then(|t| t.strip_suffix("?="))
    {
        Some(encoded) => {
            let bytes = base64::engine::general_purpose::STANDARD
                .decode(encoded)
                .ok()?;
            String::from_utf8(bytes).ok()
        }
        None => Some(text.to_owned()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn request(method: &str, params: Value) -> Request {
        Request::new(1, method, params.as_object().cloned())
    }

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.insert(*k, v.parse().unwrap());
        }
        h
    }

    #[test]
    fn headers_must_match_the_body() {
        let v = ProtocolVersion::V2026_07_28;
        let call = request("tools/call", json!({"name": "héllo"}));
        let encoded = format!(
            "=?base64?{}?=",
            base64::engine::general_purpose::STANDARD.encode("héllo")
        );
        let good = headers(&[
            (names::PROTOCOL_VERSION, "2026-07-28"),
            (names::METHOD, "tools/call"),
            (names::NAME, &encoded),
        ]);
        assert!(check_headers(&good, &call, v).is_ok());
        for bad in [
            headers(&[(names::METHOD, "tools/call"), (names::NAME, &encoded)]),
            headers(&[
                (names::PROTOCOL_VERSION, "2025-11-25"),
                (names::METHOD, "tools/call"),
                (names::NAME, &encoded),
            ]),
            headers(&[
                (names::PROTOCOL_VERSION, "2026-07-28"),
                (names::METHOD, "tools/list"),
                (names::NAME, &encoded),
            ]),
            headers(&[
                (names::PROTOCOL_VERSION, "2026-07-28"),
                (names::METHOD, "tools/call"),
                (names::NAME, "other"),
            ]),
            headers(&[
                (names::PROTOCOL_VERSION, "2026-07-28"),
                (names::METHOD, "tools/call"),
            ]),
        ] {
            assert_eq!(
                check_headers(&bad, &call, v).unwrap_err().code,
                ErrorCode::HEADER_MISMATCH
            );
        }
        let list = request("tools/list", json!({}));
        let no_name = headers(&[
            (names::PROTOCOL_VERSION, "2026-07-28"),
            (names::METHOD, "tools/list"),
        ]);
        assert!(check_headers(&no_name, &list, v).is_ok());
    }
}
