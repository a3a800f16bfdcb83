//! The GET stream: server → client messages outside any request. This
//! server sends none yet beyond keep-alive comments, but clients may hold
//! the stream open; it ends when the client goes or the server closes.

use crate::body::{channel_body, sse_event, McpBody};
use bytes::Bytes;
use lambda_mcp_core::jsonrpc::Notification;
use std::time::Duration;
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

/// How often an idle stream carries a comment, so proxies keep it open.
const KEEP_ALIVE: Duration = Duration::from_secs(15);

/// Ends every GET stream at shutdown.
#[derive(Default)]
pub(crate) struct Closing(CancellationToken);

impl Closing {
    pub(crate) fn close(&self) {
        self.0.cancel();
    }

    /// An SSE body carrying `pushed` notifications, with keep-alive
    /// comments while idle.
    pub(crate) fn stream(&self, mut pushed: mpsc::Receiver<Notification>) -> McpBody {
        let (tx, rx) = mpsc::channel::<Bytes>(8);
        let closing = self.0.clone();
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(KEEP_ALIVE);
            loop {
                let chunk = tokio::select! {
                    _ = closing.cancelled() => return,
                    Some(n) = pushed.recv() => sse_event(&serde_json::to_string(&n).expect("notifications serialise")),
                    _ = tick.tick() => Bytes::from_static(b": keep-alive\n\n"),
                };
                if tx.send(chunk).await.is_err() {
                    return;
                }
            }
        });
        channel_body(rx)
    }
}
