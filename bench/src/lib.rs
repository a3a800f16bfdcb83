//! Shared plumbing for the benchmark servers: `--bind` parsing and the
//! accept loop, a copy of `lambda_mcp_hyper::serve` (hyper-util `auto`
//! builder, `TCP_NODELAY`, one task per connection) minus graceful
//! shutdown, so the servers differ only in the request handler.

use bytes::Bytes;
use http::{Request, Response};
use http_body_util::combinators::BoxBody;
use hyper::body::Incoming;
use hyper::service::service_fn;
use hyper_util::rt::{TokioExecutor, TokioIo};
use hyper_util::server::conn::auto;
use std::convert::Infallible;
use std::future::Future;
use std::net::SocketAddr;
use tokio::net::TcpListener;

/// The response body type every handler returns.
pub type Body = BoxBody<Bytes, Infallible>;

/// Reads `--bind ADDR` (or `--bind=ADDR`) from the command line; loopback only.
pub fn bind_arg() -> Result<SocketAddr, String> {
    let mut args = std::env::args().skip(1);
    let mut bind = None;
    while let Some(arg) = args.next() {
        if arg == "--bind" {
            bind = args.next();
        } else if let Some(value) = arg.strip_prefix("--bind=") {
            bind = Some(value.to_owned());
        } else {
            return Err(format!("unknown argument `{arg}` (usage: --bind 127.0.0.1:PORT)"));
        }
    }
    let bind = bind.unwrap_or_else(|| "127.0.0.1:8080".into());
    let addr: SocketAddr = bind.parse().map_err(|e| format!("bad --bind `{bind}`: {e}"))?;
    if !addr.ip().is_loopback() {
        return Err(format!("--bind {addr}: benchmark servers bind loopback only"));
    }
    Ok(addr)
}

/// Accepts connections on `addr` forever, serving each with `handler`.
pub async fn serve<H, F>(addr: SocketAddr, handler: H) -> Result<(), String>
where
    H: Fn(Request<Incoming>) -> F + Clone + Send + Sync + 'static,
    F: Future<Output = Response<Body>> + Send + 'static,
{
    let listener = TcpListener::bind(addr).await.map_err(|e| format!("cannot listen on {addr}: {e}"))?;
    eprintln!("listening on http://{}/", listener.local_addr().map_err(|e| e.to_string())?);
    let builder = auto::Builder::new(TokioExecutor::new());
    loop {
        let (stream, _) = match listener.accept().await {
            Ok(pair) => pair,
            Err(e) => {
                eprintln!("accept failed: {e}");
                tokio::time::sleep(std::time::Duration::from_millis(50)).await;
                continue;
            }
        };
        let _ = stream.set_nodelay(true);
        let handler = handler.clone();
        let service = service_fn(move |request| {
            let response = handler(request);
            async move { Ok::<_, Infallible>(response.await) }
        });
        let connection = builder.serve_connection_with_upgrades(TokioIo::new(stream), service).into_owned();
        tokio::spawn(async move {
            let _ = connection.await;
        });
    }
}
