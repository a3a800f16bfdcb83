use async_trait::async_trait;
use lambda_mcp_core::jsonrpc::{Notification, Request};
use lambda_mcp_core::{Notify, Reply};
use std::io;
use tokio::io::{AsyncWrite, AsyncWriteExt};
use tokio::sync::mpsc;

/// Hands complete lines to the writer, which owns stdout: one writer, so
/// concurrent responses never interleave within a line.
#[derive(Clone)]
pub(crate) struct LineSink {
    tx: mpsc::Sender<String>,
}

impl LineSink {
    pub(crate) fn channel() -> (LineSink, mpsc::Receiver<String>) {
        let (tx, rx) = mpsc::channel(256);
        (LineSink { tx }, rx)
    }

    pub(crate) async fn reply(&self, reply: &Reply) {
        self.line(reply.to_json()).await;
    }

    async fn line(&self, line: String) {
        // A closed channel means the writer failed; `serve` is stopping.
        let _ = self.tx.send(line).await;
    }
}

#[async_trait]
impl Notify for LineSink {
    async fn notify(&self, notification: Notification) {
        match serde_json::to_string(&notification) {
            Ok(line) => self.line(line).await,
            Err(e) => tracing::warn!(error = %e, "dropping a notification that does not serialise"),
        }
    }

    async fn request(&self, request: Request) -> bool {
        match serde_json::to_string(&request) {
            Ok(line) => self.tx.send(line).await.is_ok(),
            Err(_) => false,
        }
    }
}

/// Writes every line it receives, flushing when the queue runs dry, until
/// every sender is gone.
pub(crate) async fn write_lines<W: AsyncWrite + Unpin>(
    mut output: W,
    mut rx: mpsc::Receiver<String>,
) -> io::Result<()> {
    while let Some(line) = rx.recv().await {
        output.write_all(line.as_bytes()).await?;
        output.write_all(b"\n").await?;
        if rx.is_empty() {
            output.flush().await?;
        }
    }
    output.flush().await
}
