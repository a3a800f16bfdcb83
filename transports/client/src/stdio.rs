//! stdio: spawn the server command and exchange newline-delimited JSON-RPC
//! over its stdin and stdout; its stderr is free-form logging.

use crate::transport::{answer, tap, Direction, Tap};
use crate::ClientError;
use lambda_mcp_core::jsonrpc::{self, Incoming, Message, Notification, Request, RequestId};
use serde_json::json;
use std::collections::{HashMap, VecDeque};
use std::process::Stdio;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::process::{Child, ChildStdin, Command};
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

/// Lines of the server's stderr kept for the error when it exits.
const STDERR_TAIL: usize = 20;
/// How long the server gets to exit after its stdin closes.
const EXIT_GRACE: Duration = Duration::from_secs(2);

type Stdin = Arc<tokio::sync::Mutex<Option<ChildStdin>>>;

#[derive(Default)]
struct Pending {
    waiting: HashMap<RequestId, oneshot::Sender<Message>>,
    closed: bool,
}

pub(crate) struct StdioTransport {
    stdin: Stdin,
    pending: Arc<Mutex<Pending>>,
    child: tokio::sync::Mutex<Child>,
    stderr: Arc<Mutex<VecDeque<String>>>,
    stderr_closed: Arc<AtomicBool>,
    tasks: Vec<JoinHandle<()>>,
    tap: Option<Tap>,
}

impl StdioTransport {
    /// Starts `command` (program and arguments).
    pub(crate) fn spawn(command: &[String], tap: Option<Tap>) -> Result<Self, ClientError> {
        let (program, args) = command.split_first().ok_or_else(|| ClientError::Spawn {
            command: String::new(),
            source: std::io::Error::new(std::io::ErrorKind::InvalidInput, "empty command"),
        })?;
        let mut child = Command::new(program)
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .map_err(|source| ClientError::Spawn { command: program.clone(), source })?;
        let stdin: Stdin = Arc::new(tokio::sync::Mutex::new(child.stdin.take()));
        let pending = Arc::new(Mutex::new(Pending::default()));
        let stderr = Arc::new(Mutex::new(VecDeque::new()));
        let stderr_closed = Arc::new(AtomicBool::new(false));
        let stdout = child.stdout.take().expect("stdout is piped");
        let errors = child.stderr.take().expect("stderr is piped");
        let tasks = vec![
            tokio::spawn(read_stdout(stdout, stdin.clone(), pending.clone(), tap.clone())),
            tokio::spawn(read_stderr(errors, stderr.clone(), stderr_closed.clone(), tap.clone())),
        ];
        let child = tokio::sync::Mutex::new(child);
        Ok(StdioTransport { stdin, pending, child, stderr, stderr_closed, tasks, tap })
    }

    pub(crate) async fn request(&self, request: &Request, timeout: Duration) -> Result<Message, ClientError> {
        let (tx, rx) = oneshot::channel();
        let closed = {
            let mut pending = self.pending.lock().expect("pending lock");
            if !pending.closed {
                pending.waiting.insert(request.id.clone(), tx);
            }
            pending.closed
        };
        if closed {
            return Err(self.exited().await);
        }
        let line = serde_json::to_string(request).expect("requests serialise");
        if let Err(e) = self.write(&line).await {
            self.pending.lock().expect("pending lock").waiting.remove(&request.id);
            return Err(e);
        }
        match tokio::time::timeout(timeout, rx).await {
            Ok(Ok(message)) => Ok(message),
            Ok(Err(_)) => Err(self.exited().await),
            Err(_) => {
                self.pending.lock().expect("pending lock").waiting.remove(&request.id);
                let reason = format!("timed out after {:.1} s", timeout.as_secs_f64());
                let params = json!({"requestId": request.id, "reason": reason});
                let cancel = Notification::new("notifications/cancelled", params.as_object().cloned());
                let _ = self.notify(&cancel).await;
                Err(ClientError::Timeout { method: request.method.clone(), after: timeout })
            }
        }
    }

    pub(crate) async fn notify(&self, notification: &Notification) -> Result<(), ClientError> {
        self.write(&serde_json::to_string(notification).expect("notifications serialise")).await
    }

    async fn write(&self, line: &str) -> Result<(), ClientError> {
        tap(&self.tap, Direction::Sent, line);
        let written = match self.stdin.lock().await.as_mut() {
            Some(stdin) => write_line(stdin, line).await,
            None => Err(std::io::ErrorKind::BrokenPipe.into()),
        };
        match written {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Err(self.exited().await),
            Err(e) => Err(ClientError::Io(e)),
        }
    }

    /// The error for a server that is gone, with how it exited.
    async fn exited(&self) -> ClientError {
        // stdout closes a moment before the exit status is known and the
        // last stderr lines are read.
        let mut status = None;
        for _ in 0..40 {
            if status.is_none() {
                status = self.child.lock().await.try_wait().ok().flatten();
            }
            if status.is_some() && self.stderr_closed.load(Ordering::Acquire) {
                break;
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
        let status = status.map_or_else(|| "it closed its stdout".to_owned(), |s| s.to_string());
        let stderr = self.stderr.lock().expect("stderr lock").iter().cloned().collect::<Vec<_>>().join("\n");
        ClientError::ServerExited { status, stderr }
    }

    /// Closes stdin, gives the server [`EXIT_GRACE`] to exit, then kills it.
    pub(crate) async fn close(&self) {
        self.stdin.lock().await.take();
        let mut child = self.child.lock().await;
        match tokio::time::timeout(EXIT_GRACE, child.wait()).await {
            Ok(Ok(status)) => tap(&self.tap, Direction::Info, &format!("server exited: {status}")),
            _ => {
                let _ = child.start_kill();
                let _ = child.wait().await;
                tap(&self.tap, Direction::Info, "server killed: it did not exit after stdin closed");
            }
        }
        for task in &self.tasks {
            task.abort();
        }
    }
}

async fn write_line(stdin: &mut ChildStdin, line: &str) -> std::io::Result<()> {
    stdin.write_all(line.as_bytes()).await?;
    stdin.write_all(b"\n").await?;
    stdin.flush().await
}

/// Routes the server's messages: answers to their waiting requests, `ping`
/// and other server → client requests answered at once.
async fn read_stdout(
    stdout: tokio::process::ChildStdout,
    stdin: Stdin,
    pending: Arc<Mutex<Pending>>,
    tap_: Option<Tap>,
) {
    let mut lines = BufReader::new(stdout).lines();
    while let Ok(Some(line)) = lines.next_line().await {
        if line.trim().is_empty() {
            continue;
        }
        tap(&tap_, Direction::Received, &line);
        let message = match jsonrpc::parse(line.as_bytes()) {
            Ok(Incoming::Single(message)) => message,
            _ => continue,
        };
        let id = match &message {
            Message::Response(r) => Some(r.id.clone()),
            Message::Error(e) => e.id.clone(),
            Message::Request(request) => {
                let reply = serde_json::to_string(&answer(request)).expect("answers serialise");
                tap(&tap_, Direction::Sent, &reply);
                if let Some(stdin) = stdin.lock().await.as_mut() {
                    let _ = write_line(stdin, &reply).await;
                }
                continue;
            }
            Message::Notification(_) => continue,
        };
        let waiter = id.and_then(|id| pending.lock().expect("pending lock").waiting.remove(&id));
        if let Some(waiter) = waiter {
            let _ = waiter.send(message);
        }
    }
    let mut pending = pending.lock().expect("pending lock");
    pending.closed = true;
    pending.waiting.clear();
}

async fn read_stderr(
    stderr: tokio::process::ChildStderr,
    tail: Arc<Mutex<VecDeque<String>>>,
    closed: Arc<AtomicBool>,
    tap_: Option<Tap>,
) {
    let mut lines = BufReader::new(stderr).lines();
    while let Ok(Some(line)) = lines.next_line().await {
        tap(&tap_, Direction::Info, &format!("[server stderr] {line}"));
        let mut tail = tail.lock().expect("stderr lock");
        if tail.len() == STDERR_TAIL {
            tail.pop_front();
        }
        tail.push_back(line);
    }
    closed.store(true, Ordering::Release);
}
