//! Turns the router's future into a response: JSON when the request
//! produced nothing but its result, SSE when notifications came first.

use crate::body::{channel_body, full, sse_event, McpBody};
use crate::outbox::Outbox;
use crate::reply;
use async_trait::async_trait;
use bytes::Bytes;
use futures_util::future::BoxFuture;
use http::{header, HeaderValue, Response, StatusCode};
use lambda_mcp_core::jsonrpc::{Message, Notification, Request};
use lambda_mcp_core::{Notify, Reply};
use std::sync::Arc;
use tokio::sync::mpsc;

/// Collects what a request sends the client before its result:
/// notifications, and (streaming deployments) server → client requests.
/// [`respond`] reads them from its outbox.
pub(crate) struct Sink {
    outbox: Outbox,
    requests: bool,
}

#[async_trait]
impl Notify for Sink {
    async fn notify(&self, notification: Notification) {
        self.outbox.push(Message::Notification(notification)).await;
    }

    async fn request(&self, request: Request) -> bool {
        if self.requests {
            self.outbox.push(Message::Request(request)).await;
        }
        self.requests
    }
}

/// A sink, as the router's [`Notify`] and as what [`respond`] reads: one
/// allocation for both. `requests`: whether server → client requests can
/// travel (only on a streamed response whose answer can come back to this
/// process).
pub(crate) fn sink(requests: bool) -> (Arc<dyn Notify>, Arc<Sink>) {
    let sink = Arc::new(Sink { outbox: Outbox::default(), requests });
    (sink.clone(), sink)
}

/// How to answer one POST.
#[derive(Clone, Copy)]
pub(crate) struct Mode {
    /// Stream SSE events as they happen (else buffer them).
    pub(crate) streaming: bool,
    /// Abandon the request when the client goes away (stateless era).
    pub(crate) cancel_on_disconnect: bool,
}

/// Answers with `reply` (boxed by the caller: it may move to a task that
/// streams the answer).
pub(crate) async fn respond(
    mut reply: BoxFuture<'static, Option<Reply>>,
    sink: Arc<Sink>,
    mode: Mode,
) -> Response<McpBody> {
    let notes = &sink.outbox;
    let mut early = Vec::new();
    let first = loop {
        tokio::select! {
            biased;
            done = &mut reply => {
                while let Some(n) = notes.try_pop() {
                    early.push(n);
                }
                return buffered(early, done);
            }
            n = notes.pop() => {
                if mode.streaming {
                    break n;
                }
                early.push(n);
            }
        }
    };
    stream(first, reply, sink, mode)
}

/// The rest of a streamed answer, from its first event: in a task of its
/// own, so the response can go out now. Kept out of [`respond`] (never
/// inlined): the task's future is built on the stack before it is moved
/// to the heap, and that room would otherwise be in every JSON answer's
/// stack frame too.
#[inline(never)]
fn stream(
    first: Message,
    mut reply: BoxFuture<'static, Option<Reply>>,
    sink: Arc<Sink>,
    mode: Mode,
) -> Response<McpBody> {
    let (tx, rx) = mpsc::channel::<Bytes>(32);
    tokio::spawn(async move {
        let notes = &sink.outbox;
        let mut open = tx.send(event_of(&first)).await.is_ok();
        loop {
            tokio::select! {
                biased;
                done = &mut reply => {
                    while let Some(n) = notes.try_pop() {
                        let _ = tx.send(event_of(&n)).await;
                    }
                    if let Some(done) = done {
                        let _ = tx.send(sse_event(&done.to_json())).await;
                    }
                    return;
                }
                n = notes.pop() => {
                    open = open && tx.send(event_of(&n)).await.is_ok();
                    if !open && mode.cancel_on_disconnect {
                        return;
                    }
                }
            }
        }
    });
    sse(channel_body(rx))
}

fn event_of(m: &Message) -> Bytes {
    sse_event(&serde_json::to_string(m).expect("messages serialise"))
}

/// The whole answer at once: JSON, or SSE if notifications preceded it.
fn buffered(notes: Vec<Message>, done: Option<Reply>) -> Response<McpBody> {
    if notes.is_empty() {
        return match done {
            Some(done) => {
                let mut response = reply::json(StatusCode::OK, done.to_json_vec());
                if let Reply::Single(Message::Error(e)) = &done {
                    // Lets the transport pick a status for this error.
                    response.extensions_mut().insert(e.error.code);
                }
                response
            }
            None => reply::accepted(),
        };
    }
    let mut body = Vec::new();
    for n in &notes {
        body.extend_from_slice(&event_of(n));
    }
    if let Some(done) = done {
        body.extend_from_slice(&sse_event(&done.to_json()));
    }
    sse(full(body))
}

pub(crate) fn sse(body: McpBody) -> Response<McpBody> {
    let mut response = Response::new(body);
    let headers = response.headers_mut();
    *headers = reply::headers_with(header::CONTENT_TYPE, HeaderValue::from_static("text/event-stream"));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    headers.insert("x-accel-buffering", HeaderValue::from_static("no"));
    response
}
