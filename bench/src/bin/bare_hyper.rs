//! `bare-hyper`: the floor. Reads each POST body and answers with the bytes
//! `mcp-http` sends for `tools/call say_hello_world`, no parsing at all.

use bytes::Bytes;
use http::{header, HeaderValue, Method, Request, Response, StatusCode};
use http_body_util::{BodyExt, Empty, Full};
use hyper::body::Incoming;
use lambda_mcp_bench::{bind_arg, serve, Body};

const REPLY: &[u8] = br#"{"jsonrpc":"2.0","id":1,"result":{"content":[{"text":"Hello MCP World!","type":"text"}]}}"#;

async fn handle(request: Request<Incoming>) -> Response<Body> {
    if request.method() != Method::POST {
        let mut response = Response::new(Empty::new().boxed());
        *response.status_mut() = StatusCode::METHOD_NOT_ALLOWED;
        return response;
    }
    // Read the body as any real server must.
    if request.into_body().collect().await.is_err() {
        let mut response = Response::new(Empty::new().boxed());
        *response.status_mut() = StatusCode::BAD_REQUEST;
        return response;
    }
    let mut response = Response::new(Full::new(Bytes::from_static(REPLY)).boxed());
    response.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
    response
}

#[tokio::main]
async fn main() -> Result<(), String> {
    let addr = bind_arg()?;
    serve(addr, handle).await
}
