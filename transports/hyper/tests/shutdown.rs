//! Graceful shutdown of `serve`: a request in flight is answered in full,
//! an idle keep-alive connection is closed, and `serve` returns only once
//! every connection has ended; the listener is closed.

use lambda_mcp_core::{tool, Server};
use lambda_mcp_http::{HttpConfig, McpHttp};
use std::net::SocketAddr;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::oneshot;
use tokio::time::timeout;

/// Sleeps for `ms` milliseconds.
#[tool]
async fn nap(ms: u64) -> String {
    tokio::time::sleep(Duration::from_millis(ms)).await;
    format!("slept {ms} ms")
}

/// A stateless-era `tools/call nap`, keep-alive.
fn call(addr: SocketAddr, ms: u64) -> Vec<u8> {
    let body = format!(
        r#"{{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{{"name":"nap","arguments":{{"ms":{ms}}},"_meta":{{"io.modelcontextprotocol/protocolVersion":"2026-07-28","io.modelcontextprotocol/clientCapabilities":{{}}}}}}}}"#
    );
    format!(
        "POST /mcp HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\n\
         Accept: application/json, text/event-stream\r\nMCP-Protocol-Version: 2026-07-28\r\n\
         Mcp-Method: tools/call\r\nMcp-Name: nap\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    )
    .into_bytes()
}

/// Reads one response (status line, headers, a `Content-Length` body) and
/// returns its status and body.
async fn response(stream: &mut TcpStream) -> (u16, String) {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    loop {
        if let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&buf[..end]).to_ascii_lowercase();
            let length: usize = head
                .lines()
                .find_map(|l| l.strip_prefix("content-length:"))
                .map(|v| v.trim().parse().unwrap())
                .expect("a Content-Length");
            if buf.len() >= end + 4 + length {
                let status = head[9..12].parse().unwrap();
                return (status, String::from_utf8_lossy(&buf[end + 4..end + 4 + length]).into_owned());
            }
        }
        let n = stream.read(&mut chunk).await.unwrap();
        assert!(n > 0, "the connection closed before a whole response: {:?}", String::from_utf8_lossy(&buf));
        buf.extend_from_slice(&chunk[..n]);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shutdown_answers_requests_in_flight_closes_idle_connections_then_returns() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let mcp = McpHttp::new(Server::builder("shutdown", "1.0.0").tool(nap).build(), HttpConfig::default());
    let (stop, stopped) = oneshot::channel::<()>();
    let serving = tokio::spawn(lambda_mcp_hyper::serve(listener, mcp, async {
        let _ = stopped.await;
    }));

    // A keep-alive connection that has been answered and now sits idle.
    let mut idle = TcpStream::connect(addr).await.unwrap();
    idle.write_all(&call(addr, 0)).await.unwrap();
    let (status, body) = response(&mut idle).await;
    assert_eq!(status, 200, "{body}");
    assert!(body.contains("slept 0 ms"), "{body}");

    // A request in flight when the shutdown starts.
    let mut busy = TcpStream::connect(addr).await.unwrap();
    busy.write_all(&call(addr, 600)).await.unwrap();
    tokio::time::sleep(Duration::from_millis(150)).await;
    stop.send(()).unwrap();

    tokio::time::sleep(Duration::from_millis(150)).await;
    assert!(!serving.is_finished(), "serve returned with a request in flight");
    let (status, body) = timeout(Duration::from_secs(5), response(&mut busy)).await.expect("the request is answered");
    assert_eq!(status, 200, "{body}");
    assert!(body.contains("slept 600 ms"), "{body}");

    // Both connections are closed by the server, and `serve` returns.
    for stream in [&mut busy, &mut idle] {
        let mut rest = Vec::new();
        let read = timeout(Duration::from_secs(5), stream.read_to_end(&mut rest)).await;
        assert!(matches!(read, Ok(Ok(0))), "expected the server to close the connection: {read:?} {rest:?}");
    }
    timeout(Duration::from_secs(5), serving).await.expect("serve returns").unwrap().unwrap();
    assert!(TcpStream::connect(addr).await.is_err(), "the listener is closed");
}
