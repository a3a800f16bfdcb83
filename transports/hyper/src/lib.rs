//! # lambda-mcp-hyper
//!
//! Serves a [`McpHttp`] endpoint on a TCP listener with hyper 1.x
//! (HTTP/1.1 and HTTP/2), for EC2, containers and local use.
//!
//! ```no_run
//! use lambda_mcp_core::Server;
//! use lambda_mcp_http::{HttpConfig, McpHttp};
//!
//! # async fn run() -> std::io::Result<()> {
//! let listener = tokio::net::TcpListener::bind("127.0.0.1:8080").await?;
//! let mcp = McpHttp::new(Server::builder("demo", "1.0.0").build(), HttpConfig::default());
//! lambda_mcp_hyper::serve(listener, mcp, async { let _ = tokio::signal::ctrl_c().await; }).await
//! # }
//! ```
//!
//! # Shutdown
//! When `shutdown` resolves the listener stops accepting, GET streams are
//! closed and every request in flight runs to completion (its session
//! changes flushed by the router) before `serve` returns.

use body::BodyError;
use bytes::Bytes;
use http::{Request, Response, StatusCode};
use hyper::body::Incoming;
use hyper::service::service_fn;
use hyper_util::rt::{TokioExecutor, TokioIo};
use hyper_util::server::conn::auto;
use lambda_mcp_http::{full, McpBody, McpHttp};
use std::convert::Infallible;
use std::future::Future;
use std::io;
use tokio::net::TcpListener;

mod body;
mod drain;

/// Serves `mcp` on `listener` until `shutdown` resolves, then drains.
pub async fn serve(listener: TcpListener, mcp: McpHttp, shutdown: impl Future<Output = ()>) -> io::Result<()> {
    let mut drain = drain::Drain::new();
    let builder = auto::Builder::new(TokioExecutor::new());
    tokio::pin!(shutdown);
    loop {
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(pair) => pair,
                Err(e) => {
                    // Out of file descriptors and the like: back off, keep serving.
                    tracing::warn!(error = %e, "accept failed");
                    tokio::time::sleep(std::time::Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let _ = stream.set_nodelay(true);
        let mcp = mcp.clone();
        let service = service_fn(move |request| {
            let mcp = mcp.clone();
            async move { Ok::<_, Infallible>(handle(&mcp, request).await) }
        });
        let connection = builder.serve_connection_with_upgrades(TokioIo::new(stream), service);
        let connection = drain.watch(connection.into_owned());
        tokio::spawn(async move {
            if let Err(e) = connection.await {
                tracing::debug!(%peer, error = %e, "connection ended with an error");
            }
        });
    }
    mcp.close_streams();
    drain.shutdown().await;
    Ok(())
}

/// Reads the body within the configured limit, then hands over.
async fn handle(mcp: &McpHttp, request: Request<Incoming>) -> Response<McpBody> {
    let (parts, body) = request.into_parts();
    let body = match body::read(body, mcp.config().body_limit()).await {
        Ok(body) => body,
        Err(BodyError::TooLarge) => return too_large(),
        Err(BodyError::Read(e)) => {
            tracing::debug!(error = %e, "reading the request body failed");
            return plain(StatusCode::BAD_REQUEST);
        }
    };
    mcp.handle(Request::from_parts(parts, body), None).await
}

fn too_large() -> Response<McpBody> {
    let body = r#"{"jsonrpc":"2.0","id":null,"error":{"code":-32600,"message":"Payload Too Large"}}"#;
    let mut response = Response::new(full(Bytes::from_static(body.as_bytes())));
    *response.status_mut() = StatusCode::PAYLOAD_TOO_LARGE;
    response.headers_mut().insert(http::header::CONTENT_TYPE, http::HeaderValue::from_static("application/json"));
    response
}

fn plain(status: StatusCode) -> Response<McpBody> {
    let mut response = Response::new(lambda_mcp_http::empty());
    *response.status_mut() = status;
    response
}
