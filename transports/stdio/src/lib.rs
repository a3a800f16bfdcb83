//! # lambda-mcp-stdio
//!
//! Serves a [`Server`] over stdio, as desktop MCP clients (Claude Desktop,
//! MCP Inspector) launch it: one JSON-RPC message per line on stdin, one per
//! line on stdout, nothing else on stdout (logs belong on stderr).
//!
//! Requests run concurrently; `initialize` and notifications are handled in
//! arrival order. On end of input the server finishes the requests in
//! flight, writes their responses and returns.
//!
//! ```
//! use lambda_mcp_core::Server;
//!
//! # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
//! let server = Server::builder("demo", "1.0.0").build();
//! let input: &[u8] = br#"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"doc","version":"1"}}}
//! {"jsonrpc":"2.0","id":2,"method":"ping"}
//! "#;
//! let mut output = Vec::new();
//! lambda_mcp_stdio::serve(input, &mut output, server).await.unwrap();
//! let lines: Vec<&str> = std::str::from_utf8(&output).unwrap().lines().collect();
//! assert_eq!(lines.len(), 2);
//! assert!(lines[1].contains(r#""id":2"#));
//! # });
//! ```
//!
//! # Cancel safety
//! Dropping the future of [`serve`] drops the reader and the writer; tool
//! calls already spawned run to completion but their responses are lost.

mod reader;
mod writer;

use lambda_mcp_core::jsonrpc::{self, ErrorObject, ErrorResponse, Incoming, Message};
use lambda_mcp_core::{Connection, Notify, Reply, Server};
use reader::{Frame, LineReader};
use std::io;
use std::sync::Arc;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::task::JoinSet;
use writer::{write_lines, LineSink};

/// The longest line accepted (4 MiB); longer ones get a parse error and are skipped.
pub const MAX_LINE_BYTES: usize = 4 * 1024 * 1024;

/// Serves `server` on the process's stdin and stdout until stdin closes.
pub async fn serve_stdio(server: Server) -> io::Result<()> {
    serve(tokio::io::stdin(), tokio::io::stdout(), server).await
}

/// Serves `server` on any reader and writer until the reader ends.
pub async fn serve<R, W>(input: R, output: W, server: Server) -> io::Result<()>
where
    R: AsyncRead + Unpin,
    W: AsyncWrite + Unpin,
{
    let conn = server.connect(None).await.map_err(io::Error::other)?;
    let (sink, lines) = LineSink::channel();
    let read = read_loop(input, &server, &conn, sink);
    let write = write_lines(output, lines);
    tokio::pin!(read, write);
    tokio::select! {
        read = &mut read => {
            let written = write.await;
            read.and(written)
        }
        written = &mut write => {
            // The writer only ends early when stdout failed: nobody can
            // hear the answers any more.
            conn.cancel_all();
            written.and(Err(io::Error::new(io::ErrorKind::BrokenPipe, "stdout closed")))
        }
    }
}

async fn read_loop<R: AsyncRead + Unpin>(
    input: R,
    server: &Server,
    conn: &Connection,
    sink: LineSink,
) -> io::Result<()> {
    let sink = Arc::new(sink);
    // Notifications about no request (resource updates) go out as they come.
    let mut pushed = conn.attach_stream();
    let forwarder = {
        let sink = sink.clone();
        tokio::spawn(async move {
            while let Some(notification) = pushed.recv().await {
                sink.notify(notification).await;
            }
        })
    };
    let mut reader = LineReader::new(input, MAX_LINE_BYTES);
    let mut calls = JoinSet::new();
    let result = loop {
        let frame = match reader.next().await {
            Ok(Some(frame)) => frame,
            Ok(None) => break Ok(()),
            Err(e) => break Err(e),
        };
        let incoming = match frame {
            Frame::Line(line) => jsonrpc::parse_inbound(&line),
            Frame::TooLong => Err(ErrorResponse::new(
                None,
                ErrorObject::parse_error(format!("line longer than {MAX_LINE_BYTES} bytes")),
            )),
        };
        let incoming = match incoming {
            Ok(incoming) => incoming,
            Err(error) => {
                sink.reply(&Reply::Single(Message::Error(error))).await;
                continue;
            }
        };
        if must_run_in_order(&incoming) {
            if let Some(reply) = server.handle_incoming(conn, incoming, sink.clone()).await {
                sink.reply(&reply).await;
            }
            continue;
        }
        let call = server.handle_incoming(conn, incoming, sink.clone());
        let sink = sink.clone();
        calls.spawn(async move {
            if let Some(reply) = call.await {
                sink.reply(&reply).await;
            }
        });
        while calls.try_join_next().is_some() {}
    };
    // End of input: finish what is in flight so its answers get out.
    while calls.join_next().await.is_some() {}
    forwarder.abort();
    let _ = forwarder.await;
    result
}

/// `initialize` and notifications change connection state that later
/// messages depend on, so they are handled before the next line is read.
fn must_run_in_order(incoming: &Incoming) -> bool {
    match incoming {
        Incoming::Single(Message::Request(r)) => r.method == "initialize",
        Incoming::Single(_) => true,
        Incoming::Batch(_) => false,
    }
}

#[cfg(test)]
mod tests;
