//! Plain HTTP in front of a Lambda function: each request becomes one API
//! Gateway (or Function URL) event, as the real front door would send it,
//! and the function's answer becomes the HTTP response. One execution
//! environment, so requests are answered one at a time, in order.

use super::events::{HttpEvent, HttpReply, Shape};
use super::function::Function;
use bytes::Bytes;
use http::{Request, Response, StatusCode};
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper_util::rt::TokioIo;
use std::sync::Arc;
use std::time::Duration;

/// How long one request may take end to end (API Gateway's limit is 29 s).
const INVOKE_TIMEOUT: Duration = Duration::from_secs(29);

/// Serves `function` on `listener` until `shutdown` resolves.
pub async fn serve_bridge(
    listener: tokio::net::TcpListener,
    function: Arc<Function>,
    shape: Shape,
    principal: Option<String>,
    shutdown: impl std::future::Future<Output = ()>,
) {
    let principal: Arc<Option<String>> = Arc::new(principal);
    tokio::pin!(shutdown);
    loop {
        let stream = tokio::select! {
            accepted = listener.accept() => match accepted { Ok((stream, _)) => stream, Err(_) => continue },
            () = &mut shutdown => return,
        };
        let (function, principal) = (function.clone(), principal.clone());
        tokio::spawn(async move {
            let service = hyper::service::service_fn(move |request| {
                let (function, principal) = (function.clone(), principal.clone());
                async move { Ok::<_, std::convert::Infallible>(forward(&function, shape, &principal, request).await) }
            });
            let _ = hyper::server::conn::http1::Builder::new().serve_connection(TokioIo::new(stream), service).await;
        });
    }
}

async fn forward(
    function: &Function,
    shape: Shape,
    principal: &Option<String>,
    request: Request<Incoming>,
) -> Response<Full<Bytes>> {
    let (parts, body) = request.into_parts();
    let Ok(body) = body.collect().await.map(|b| b.to_bytes()) else {
        return plain(StatusCode::BAD_REQUEST, "unreadable request body");
    };
    let mut event = HttpEvent::new(shape, parts.method.as_str(), parts.uri.path());
    for (name, value) in &parts.headers {
        if let Ok(value) = value.to_str() {
            event = event.header(name.as_str(), value);
        }
    }
    let event = event.body(&body).principal(principal.as_deref());
    let answer = match function.invoke(&event.to_bytes(), INVOKE_TIMEOUT).await {
        Ok(answer) => answer,
        Err(e) => return plain(StatusCode::BAD_GATEWAY, &e.to_string()),
    };
    let reply = serde_json::from_slice(&answer).map_err(|e| e.to_string()).and_then(|v| HttpReply::from_json(&v));
    match reply {
        Ok(reply) => {
            let mut response = Response::builder().status(reply.status);
            for (name, value) in &reply.headers {
                response = response.header(name, value);
            }
            response
                .body(Full::new(Bytes::from(reply.body)))
                .unwrap_or_else(|e| plain(StatusCode::BAD_GATEWAY, &e.to_string()))
        }
        Err(e) => plain(StatusCode::BAD_GATEWAY, &format!("malformed function response: {e}")),
    }
}

fn plain(status: StatusCode, message: &str) -> Response<Full<Bytes>> {
    let mut response = Response::new(Full::new(Bytes::from(message.to_owned())));
    *response.status_mut() = status;
    response
}
