//! Error and success responses, with the status each case calls for.

use crate::body::{empty, full, McpBody};
use bytes::Bytes;
use http::{header, HeaderMap, HeaderValue, Response, StatusCode};
use lambda_mcp_core::jsonrpc::{ErrorCode, ErrorObject, ErrorResponse, Message, RequestId};

/// A JSON-RPC error in an HTTP response with the given status.
pub(crate) fn error(status: StatusCode, id: Option<RequestId>, error: ErrorObject) -> Response<McpBody> {
    let body = serde_json::to_string(&Message::Error(ErrorResponse::new(id, error))).expect("errors serialise");
    json(status, body)
}

/// A transport-level refusal (-32600 with the reason) for requests that
/// never reached the router.
pub(crate) fn refuse(status: StatusCode, reason: &str) -> Response<McpBody> {
    error(status, None, ErrorObject::new(ErrorCode::INVALID_REQUEST, reason))
}

/// The session store failed: 503, and -32603 (an internal error: the
/// request was fine). `what`: what did not happen.
pub(crate) fn store_unavailable(id: Option<RequestId>, what: &str) -> Response<McpBody> {
    let message = format!("Service Unavailable: the session store failed; {what}");
    error(StatusCode::SERVICE_UNAVAILABLE, id, ErrorObject::new(ErrorCode::INTERNAL_ERROR, message))
}

pub(crate) fn json(status: StatusCode, body: impl Into<Bytes>) -> Response<McpBody> {
    let mut response = Response::new(full(body));
    *response.status_mut() = status;
    *response.headers_mut() = headers_with(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
    response
}

/// Room in a response's header map for the headers of a request: once the
/// response is sent, hyper parses the connection's next request into the
/// same map, which would otherwise be grown (two allocations and a rehash)
/// for every request; MCP clients send 7 to 12 headers.
const HEADER_ROOM: usize = 12;

/// A response's header map holding `name: value`, with [`HEADER_ROOM`].
pub(crate) fn headers_with(name: header::HeaderName, value: HeaderValue) -> HeaderMap {
    let mut headers = HeaderMap::with_capacity(HEADER_ROOM);
    headers.insert(name, value);
    headers
}

pub(crate) fn accepted() -> Response<McpBody> {
    status(StatusCode::ACCEPTED)
}

pub(crate) fn status(status: StatusCode) -> Response<McpBody> {
    let mut response = Response::new(empty());
    *response.status_mut() = status;
    response
}

pub(crate) fn method_not_allowed(allow: &'static str) -> Response<McpBody> {
    let mut response = refuse(StatusCode::METHOD_NOT_ALLOWED, "Method Not Allowed");
    response.headers_mut().insert(header::ALLOW, HeaderValue::from_static(allow));
    response
}

pub(crate) fn unauthorized() -> Response<McpBody> {
    let mut response = refuse(StatusCode::UNAUTHORIZED, "Unauthorized: a valid bearer token is required");
    response.headers_mut().insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
    response
}
