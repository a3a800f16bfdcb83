//! 2026-07-28 header rules: `MCP-Protocol-Version`, `Mcp-Method` and
//! `Mcp-Name` must agree with the body (-32020 otherwise).

use crate::headers::Inbound;
use crate::version::VersionHeader;
use base64::Engine;
use http::HeaderValue;
use lambda_mcp_core::jsonrpc::{ErrorCode, ErrorObject, Message, Params, Request, RequestId};
use lambda_mcp_core::protocol::discovery::meta;
use lambda_mcp_core::{stateless_version, ProtocolVersion};
use std::borrow::Cow;

/// Header names of the stateless era.
pub(crate) mod names {
    pub(crate) const PROTOCOL_VERSION: &str = "mcp-protocol-version";
    pub(crate) const METHOD: &str = "mcp-method";
    pub(crate) const NAME: &str = "mcp-name";
}

/// Decides whether a POSTed message belongs to the stateless era: its body
/// carries `_meta["io.modelcontextprotocol/protocolVersion"]`, or its
/// `MCP-Protocol-Version` header names a stateless-era version. For such a
/// message, checks the header against the body (-32020) and the `_meta`
/// fields (-32602, -32022), in that order; errors carry the request's id.
pub(crate) fn era_of(
    header: VersionHeader<'_>,
    message: &Message,
) -> Result<Option<ProtocolVersion>, (Option<RequestId>, ErrorObject)> {
    let params = match message {
        Message::Request(r) => r.params.as_ref(),
        Message::Notification(n) => n.params.as_ref(),
        _ => return Ok(None),
    };
    let body_version = params.and_then(Params::requested_version);
    if body_version.is_none() && !header.is_stateless() {
        return Ok(None);
    }
    let fail = |e| Err((message_id(message), e));
    let Some(body_version) = body_version else {
        return fail(ErrorObject::invalid_params(format!("missing required _meta[\"{}\"]", meta::PROTOCOL_VERSION)));
    };
    match header.text {
        Some(h) if h == body_version => {}
        Some(h) => {
            return fail(mismatch(&format!(
                "MCP-Protocol-Version header {h:?} does not match the body's {body_version:?}"
            )))
        }
        None => return fail(mismatch("the MCP-Protocol-Version header is required")),
    }
    match stateless_version(params) {
        Ok(Some(version)) => Ok(Some(version)),
        Ok(None) => fail(ErrorObject::invalid_params("missing _meta")),
        Err(e) => fail(e),
    }
}

fn message_id(message: &Message) -> Option<RequestId> {
    match message {
        Message::Request(r) => Some(r.id.clone()),
        _ => None,
    }
}

/// Checks a stateless-era request's `Mcp-Method` and `Mcp-Name` headers
/// against its body.
pub(crate) fn check_headers(headers: &Inbound<'_>, request: &Request) -> Result<(), ErrorObject> {
    let method = headers.method;
    if !method.is_some_and(|v| agrees(v, Some(&request.method))) {
        return Err(match method.and_then(|v| decode(v.as_bytes())) {
            Some(m) => mismatch(&format!("Mcp-Method header {m:?} does not match the body's {:?}", request.method)),
            None => mismatch("the Mcp-Method header is required"),
        });
    }
    let body_name = match request.method.as_str() {
        "tools/call" | "prompts/get" => param(request, "name"),
        "resources/read" => param(request, "uri"),
        _ => return Ok(()),
    };
    let name = headers.name;
    if name.is_some_and(|v| agrees(v, body_name)) {
        return Ok(());
    }
    Err(match name.and_then(|v| decode(v.as_bytes())) {
        Some(h) => {
            mismatch(&format!("Mcp-Name header {h:?} does not match the body's {:?}", body_name.unwrap_or_default()))
        }
        None => mismatch(&format!("the Mcp-Name header is required for {}", request.method)),
    })
}

/// Whether a header says `body` (as [`decode`] reads it), compared by bytes:
/// a plain value is neither checked for UTF-8 nor copied.
fn agrees(header: &HeaderValue, body: Option<&str>) -> bool {
    let Some(body) = body else { return false };
    let raw = header.as_bytes();
    if is_encoded(raw) {
        decode(raw).is_some_and(|h| h == body)
    } else {
        raw == body.as_bytes()
    }
}

fn param<'a>(request: &'a Request, key: &str) -> Option<&'a str> {
    request.params.as_ref()?.str_member(key)
}

fn mismatch(message: &str) -> ErrorObject {
    ErrorObject::new(ErrorCode::HEADER_MISMATCH, format!("Header mismatch: {message}"))
}

/// A header value as text, decoding the `=?base64?…?=` form used for values
/// that are not plain ASCII (plain values are borrowed, not copied).
fn decode(raw: &[u8]) -> Option<Cow<'_, str>> {
    let text = std::str::from_utf8(raw).ok()?;
    if !is_encoded(raw) {
        return Some(Cow::Borrowed(text));
    }
    let encoded = &text[ENCODED_PREFIX.len()..text.len() - ENCODED_SUFFIX.len()];
    let bytes = base64::engine::general_purpose::STANDARD.decode(encoded).ok()?;
    String::from_utf8(bytes).ok().map(Cow::Owned)
}

const ENCODED_PREFIX: &str = "=?base64?";
const ENCODED_SUFFIX: &str = "?=";

fn is_encoded(raw: &[u8]) -> bool {
    raw.len() >= ENCODED_PREFIX.len() + ENCODED_SUFFIX.len()
        && raw.starts_with(ENCODED_PREFIX.as_bytes())
        && raw.ends_with(ENCODED_SUFFIX.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;
    use http::HeaderMap;
    use serde_json::{json, Value};

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
        let call = request("tools/call", json!({"name": "héllo"}));
        let encoded = format!("=?base64?{}?=", base64::engine::general_purpose::STANDARD.encode("héllo"));
        let good =
            headers(&[(names::PROTOCOL_VERSION, "2026-07-28"), (names::METHOD, "tools/call"), (names::NAME, &encoded)]);
        let check = |headers: &HeaderMap, request: &Request| check_headers(&Inbound::read(headers), request);
        assert!(check(&good, &call).is_ok());
        let plain = request("tools/call", json!({"name": "hello"}));
        let good_plain = headers(&[(names::METHOD, "tools/call"), (names::NAME, "hello")]);
        assert!(check(&good_plain, &plain).is_ok());
        let hello_encoded = format!("=?base64?{}?=", base64::engine::general_purpose::STANDARD.encode("hello"));
        assert!(check(&headers(&[(names::METHOD, "tools/call"), (names::NAME, &hello_encoded)]), &plain).is_ok());
        let hello = "the body's \"héllo\"";
        for (bad, says) in [
            (
                headers(&[(names::METHOD, "tools/list"), (names::NAME, &encoded)]),
                "Mcp-Method header \"tools/list\" does not match the body's \"tools/call\"".to_owned(),
            ),
            (
                headers(&[(names::METHOD, "tools/call"), (names::NAME, "other")]),
                format!("Mcp-Name header \"other\" does not match {hello}"),
            ),
            (
                headers(&[(names::METHOD, "tools/call"), (names::NAME, "=?base64?b3RoZXI=?=")]),
                format!("Mcp-Name header \"other\" does not match {hello}"),
            ),
            (headers(&[(names::METHOD, "tools/call")]), "the Mcp-Name header is required for tools/call".to_owned()),
            (
                headers(&[(names::METHOD, "tools/call"), (names::NAME, "=?base64?not base64?=")]),
                "the Mcp-Name header is required for tools/call".to_owned(),
            ),
            (headers(&[(names::NAME, &encoded)]), "the Mcp-Method header is required".to_owned()),
        ] {
            let e = check(&bad, &call).unwrap_err();
            assert_eq!((e.code, e.message), (ErrorCode::HEADER_MISMATCH, format!("Header mismatch: {says}")));
        }
        let list = request("tools/list", json!({}));
        let no_name = headers(&[(names::PROTOCOL_VERSION, "2026-07-28"), (names::METHOD, "tools/list")]);
        assert!(check(&no_name, &list).is_ok());
    }
}

#[cfg(test)]
mod era_tests {
    use super::*;
    use http::HeaderMap;
    use serde_json::json;

    fn message(params: serde_json::Value) -> Message {
        Message::Request(Request::new(7, "server/discover", params.as_object().cloned()))
    }

    fn era(
        headers: &HeaderMap,
        message: &Message,
    ) -> Result<Option<ProtocolVersion>, (Option<RequestId>, ErrorObject)> {
        era_of(VersionHeader::read(&Inbound::read(headers)), message)
    }

    fn header(v: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(names::PROTOCOL_VERSION, v.parse().unwrap());
        h
    }

    #[test]
    fn the_header_or_the_body_selects_the_stateless_era() {
        let caps = json!({"_meta": {"io.modelcontextprotocol/protocolVersion": "2026-07-28", "io.modelcontextprotocol/clientCapabilities": {}}});
        assert_eq!(era(&header("2026-07-28"), &message(caps.clone())).unwrap(), Some(ProtocolVersion::V2026_07_28));
        assert_eq!(era(&HeaderMap::new(), &message(json!({}))).unwrap(), None);
        assert_eq!(era(&header("2025-11-25"), &message(json!({}))).unwrap(), None);
        let (id, e) = era(&header("2026-07-28"), &message(json!({}))).unwrap_err();
        assert_eq!((id, e.code), (Some(RequestId::Number(7)), ErrorCode::INVALID_PARAMS));
        let (_, e) = era(&HeaderMap::new(), &message(caps)).unwrap_err();
        assert_eq!(e.code, ErrorCode::HEADER_MISMATCH);
        let future = json!({"_meta": {"io.modelcontextprotocol/protocolVersion": "2031-01-01", "io.modelcontextprotocol/clientCapabilities": {}}});
        assert_eq!(
            era(&header("2026-07-28"), &message(future.clone())).unwrap_err().1.code,
            ErrorCode::HEADER_MISMATCH
        );
        assert_eq!(
            era(&header("2031-01-01"), &message(future)).unwrap_err().1.code,
            ErrorCode::UNSUPPORTED_PROTOCOL_VERSION
        );
    }
}
