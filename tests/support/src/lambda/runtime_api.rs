//! The Lambda Runtime API (2018-06-01) as the Lambda service serves it to
//! a runtime: `GET …/invocation/next` long-polls for the next event,
//! `POST …/invocation/{id}/response|error` answers it, `POST
//! …/init/error` reports a failed start.

use bytes::Bytes;
use http::{Method, Request, Response, StatusCode};
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper_util::rt::TokioIo;
use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, SystemTime, UNIX_EPOCH};
use tokio::sync::{mpsc, oneshot, watch};

const PREFIX: &str = "/2018-06-01/runtime";

/// Why an invocation produced no response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InvokeError {
    /// The function reported an error (`…/error`): its JSON body.
    Function(String),
    /// The runtime failed to start (`…/init/error`): its JSON body.
    Init(String),
    /// No answer within the time given.
    Timeout,
    /// The process exited (its exit status), as a runtime does that fails
    /// before it reaches the Runtime API.
    Exited(String),
    /// The emulator stopped.
    Stopped,
}

impl std::fmt::Display for InvokeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            InvokeError::Function(body) => write!(f, "the function failed: {body}"),
            InvokeError::Init(body) => write!(f, "the runtime failed to start: {body}"),
            InvokeError::Timeout => f.write_str("no response in time"),
            InvokeError::Exited(status) => write!(f, "the runtime exited: {status}"),
            InvokeError::Stopped => f.write_str("the Runtime API emulator stopped"),
        }
    }
}

impl std::error::Error for InvokeError {}

struct Invocation {
    id: String,
    event: Bytes,
    deadline: Duration,
    reply: oneshot::Sender<Result<Bytes, InvokeError>>,
}

struct Shared {
    queue: tokio::sync::Mutex<mpsc::UnboundedReceiver<Invocation>>,
    in_flight: Mutex<HashMap<String, oneshot::Sender<Result<Bytes, InvokeError>>>>,
    init_error: watch::Sender<Option<String>>,
}

/// A Runtime API server on a loopback port; stops when dropped.
pub struct RuntimeApi {
    addr: SocketAddr,
    submit: mpsc::UnboundedSender<Invocation>,
    init_error: watch::Receiver<Option<String>>,
    ids: AtomicU64,
    server: tokio::task::JoinHandle<()>,
}

impl RuntimeApi {
    /// Starts the server on `127.0.0.1` and a free port.
    pub async fn start() -> std::io::Result<Self> {
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", 0)).await?;
        let addr = listener.local_addr()?;
        let (submit, queue) = mpsc::unbounded_channel();
        let (init_tx, init_error) = watch::channel(None);
        let shared = Arc::new(Shared {
            queue: tokio::sync::Mutex::new(queue),
            in_flight: Mutex::new(HashMap::new()),
            init_error: init_tx,
        });
        let server = tokio::spawn(accept(listener, shared));
        Ok(RuntimeApi { addr, submit, init_error, ids: AtomicU64::new(1), server })
    }

    /// `host:port`, the value of `AWS_LAMBDA_RUNTIME_API`.
    pub fn address(&self) -> String {
        self.addr.to_string()
    }

    /// Hands `event` to the runtime and waits up to `timeout` for its answer.
    pub async fn invoke(&self, event: &[u8], timeout: Duration) -> Result<Bytes, InvokeError> {
        let (reply, answer) = oneshot::channel();
        let id = format!("{:08x}-emul-4000-8000-{:012x}", std::process::id(), self.ids.fetch_add(1, Ordering::Relaxed));
        let invocation = Invocation { id, event: Bytes::copy_from_slice(event), deadline: timeout, reply };
        self.submit.send(invocation).map_err(|_| InvokeError::Stopped)?;
        let mut init_error = self.init_error.clone();
        let init_failed = async move { init_error.wait_for(Option::is_some).await.ok().and_then(|body| body.clone()) };
        tokio::select! {
            answer = answer => answer.unwrap_or(Err(InvokeError::Stopped)),
            Some(body) = init_failed => Err(InvokeError::Init(body)),
            () = tokio::time::sleep(timeout) => Err(InvokeError::Timeout),
        }
    }
}

impl Drop for RuntimeApi {
    fn drop(&mut self) {
        self.server.abort();
    }
}

async fn accept(listener: tokio::net::TcpListener, shared: Arc<Shared>) {
    loop {
        let Ok((stream, _)) = listener.accept().await else { continue };
        let shared = shared.clone();
        tokio::spawn(async move {
            let service = hyper::service::service_fn(move |request| {
                let shared = shared.clone();
                async move { Ok::<_, std::convert::Infallible>(route(&shared, request).await) }
            });
            let _ = hyper::server::conn::http1::Builder::new().serve_connection(TokioIo::new(stream), service).await;
        });
    }
}

async fn route(shared: &Shared, request: Request<Incoming>) -> Response<Full<Bytes>> {
    let path = request.uri().path().strip_prefix(PREFIX).unwrap_or_default().to_owned();
    let method = request.method().clone();
    let body = match request.into_body().collect().await {
        Ok(body) => body.to_bytes(),
        Err(_) => return status(StatusCode::BAD_REQUEST),
    };
    let parts: Vec<&str> = path.trim_start_matches('/').split('/').collect();
    match (method, parts.as_slice()) {
        (Method::GET, ["invocation", "next"]) => next(shared).await,
        (Method::POST, ["invocation", id, "response"]) => answer(shared, id, Ok(body)),
        (Method::POST, ["invocation", id, "error"]) => {
            answer(shared, id, Err(InvokeError::Function(String::from_utf8_lossy(&body).into_owned())))
        }
        (Method::POST, ["init", "error"]) => {
            shared.init_error.send_replace(Some(String::from_utf8_lossy(&body).into_owned()));
            status(StatusCode::ACCEPTED)
        }
        _ => status(StatusCode::NOT_FOUND),
    }
}

/// Long-polls for the next event, as the service does.
async fn next(shared: &Shared) -> Response<Full<Bytes>> {
    let Some(invocation) = shared.queue.lock().await.recv().await else {
        return status(StatusCode::GONE);
    };
    let deadline = SystemTime::now().duration_since(UNIX_EPOCH).unwrap_or_default() + invocation.deadline;
    let id = invocation.id.clone();
    shared.in_flight.lock().unwrap_or_else(PoisonError::into_inner).insert(id.clone(), invocation.reply);
    Response::builder()
        .header("content-type", "application/json")
        .header("lambda-runtime-aws-request-id", &id)
        .header("lambda-runtime-deadline-ms", deadline.as_millis().to_string())
        .header("lambda-runtime-invoked-function-arn", "arn:aws:lambda:us-east-1:123456789012:function:local")
        .header("lambda-runtime-trace-id", format!("Root=1-00000000-{id};Sampled=0"))
        .body(Full::new(invocation.event))
        .unwrap_or_else(|_| status(StatusCode::INTERNAL_SERVER_ERROR))
}

fn answer(shared: &Shared, id: &str, outcome: Result<Bytes, InvokeError>) -> Response<Full<Bytes>> {
    let waiter = shared.in_flight.lock().unwrap_or_else(PoisonError::into_inner).remove(id);
    match waiter {
        Some(waiter) => {
            let _ = waiter.send(outcome);
            status(StatusCode::ACCEPTED)
        }
        None => status(StatusCode::BAD_REQUEST),
    }
}

fn status(code: StatusCode) -> Response<Full<Bytes>> {
    let mut response = Response::new(Full::new(Bytes::new()));
    *response.status_mut() = code;
    response
}
