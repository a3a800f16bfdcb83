//! Response bodies: a whole JSON document, or an SSE stream of events.

use bytes::Bytes;
use futures_util::Stream;
use http_body::Frame;
use http_body_util::{combinators::UnsyncBoxBody, BodyExt, Full, StreamBody};
use std::convert::Infallible;
use tokio::sync::mpsc;

/// The body of every response of the MCP endpoint.
pub type McpBody = UnsyncBoxBody<Bytes, Infallible>;

/// A complete body.
pub fn full(bytes: impl Into<Bytes>) -> McpBody {
    Full::new(bytes.into()).boxed_unsync()
}

/// An empty body.
pub fn empty() -> McpBody {
    full(Bytes::new())
}

/// One SSE event carrying a JSON-RPC message.
pub(crate) fn sse_event(json: &str) -> Bytes {
    Bytes::from(format!("event: message\ndata: {json}\n\n"))
}

/// A body fed by a channel of ready-made SSE chunks; it ends when every
/// sender is gone.
pub(crate) fn channel_body(rx: mpsc::Receiver<Bytes>) -> McpBody {
    StreamBody::new(frames(rx)).boxed_unsync()
}

fn frames(rx: mpsc::Receiver<Bytes>) -> impl Stream<Item = Result<Frame<Bytes>, Infallible>> + Send + 'static {
    futures_util::stream::unfold(rx, |mut rx| async move {
        let chunk = rx.recv().await?;
        Some((Ok(Frame::data(chunk)), rx))
    })
}
