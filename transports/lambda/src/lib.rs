//! # lambda-mcp-lambda
//!
//! Lambda MCP on AWS Lambda. [`run`] serves a [`Server`] behind API Gateway
//! REST APIs (v1 events), HTTP APIs (v2) and Function URLs, with every rule
//! of Streamable HTTP taken from the shared `lambda-mcp-http` crate, so the
//! function answers exactly as `mcp-http` does, except that:
//!
//! - an SSE body (a request that emits logging or progress before its
//!   result) is buffered into one response, since API Gateway cannot stream;
//! - `GET /mcp` is 405: an invocation cannot hold a server → client stream;
//! - `/mcp` is the endpoint on every stage (a leading `/{stage}` is removed);
//! - the principal of the authorizer in front of the function (a REST API
//!   Lambda authorizer's `principalId`, an HTTP API's JWT `sub` …) reaches
//!   the tools as `ToolContext::principal` and owns the sessions it starts.
//!
//! Build the server, its session store and its AWS clients once, before
//! `run`: they then serve every invocation of the execution environment.
//! Session changes are flushed before each response is returned (the
//! environment may freeze right after).
//!
//! ```no_run
//! use lambda_mcp_core::{tool, Server};
//!
//! /// Say hello world!
//! #[tool]
//! async fn say_hello_world() -> String {
//!     "Hello MCP World!".into()
//! }
//!
//! #[tokio::main]
//! async fn main() -> Result<(), lambda_mcp_lambda::Error> {
//!     let server = Server::builder("hello-lambda", "1.0.0").tool(say_hello_world).build();
//!     lambda_mcp_lambda::run(server).await
//! }
//! ```

mod event;

pub use lambda_http::Error;

use bytes::Bytes;
use http_body_util::BodyExt;
use lambda_http::{service_fn, Body};
use lambda_mcp_core::Server;
use lambda_mcp_http::{HttpConfig, McpBody, McpHttp};
use std::convert::Infallible;

/// Serves `server` on the Lambda Runtime API until the environment shuts
/// down, with the default endpoint settings (`/mcp`, a 1 MiB body limit).
pub async fn run(server: Server) -> Result<(), Error> {
    run_with(server, HttpConfig::default()).await
}

/// [`run`] with endpoint settings (body limit, allowed origins, a bearer
/// token checked in the function itself …). Responses are always buffered.
pub async fn run_with(server: Server, config: HttpConfig) -> Result<(), Error> {
    let mcp = endpoint(server, config);
    lambda_http::run(service_fn(move |request| {
        let mcp = mcp.clone();
        async move { Ok::<_, Infallible>(handle(&mcp, request).await) }
    }))
    .await
}

/// The endpoint [`run`] serves: `config` with buffered responses.
pub fn endpoint(server: Server, config: HttpConfig) -> McpHttp {
    McpHttp::new(server, config.streaming(false))
}

/// Answers one API Gateway / Function URL request (already decoded by
/// `lambda_http`, base64 bodies included). The seam for tests: feed it
/// recorded events through `lambda_http::request::from_str`.
pub async fn handle(mcp: &McpHttp, request: lambda_http::Request) -> http::Response<Body> {
    let started = std::time::Instant::now();
    let principal = event::principal(&request);
    let path = event::path(&request);
    let method = request.method().clone();
    let (mut parts, body) = request.into_parts();
    parts.uri = with_path(&parts.uri, &path);
    let body = match body {
        Body::Empty => Bytes::new(),
        Body::Text(text) => Bytes::from(text),
        Body::Binary(bytes) => Bytes::from(bytes),
        _ => Bytes::new(),
    };
    let response = mcp.handle(http::Request::from_parts(parts, body), principal).await;
    let (parts, body) = response.into_parts();
    let body = into_lambda_body(body).await;
    // Inside the runtime's invocation span: the line carries the request id.
    let elapsed_us = started.elapsed().as_micros() as u64;
    tracing::info!(%method, path, status = parts.status.as_u16(), elapsed_us, "mcp request");
    http::Response::from_parts(parts, body)
}

fn with_path(uri: &http::Uri, path: &str) -> http::Uri {
    let path_and_query = match uri.query() {
        Some(query) => format!("{path}?{query}"),
        None => path.to_owned(),
    };
    path_and_query.parse().unwrap_or_else(|_| uri.clone())
}

/// The whole body (buffered responses end when the request is answered).
async fn into_lambda_body(body: McpBody) -> Body {
    let bytes = match body.collect().await {
        Ok(collected) => collected.to_bytes(),
        Err(never) => match never {},
    };
    if bytes.is_empty() {
        return Body::Empty;
    }
    match String::from_utf8(Vec::from(bytes)) {
        Ok(text) => Body::Text(text),
        Err(e) => Body::Binary(e.into_bytes()),
    }
}

#[cfg(test)]
mod tests;
