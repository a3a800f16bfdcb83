//! A real `bootstrap` process served by its own [`RuntimeApi`], with the
//! environment the Lambda service gives a `provided.al2023` function.

use super::runtime_api::{InvokeError, RuntimeApi};
use bytes::Bytes;
use std::path::Path;
use std::process::Stdio;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};
use tokio::sync::{oneshot, watch};

/// One execution environment: the process and its Runtime API. The process
/// is killed (by PID) when this is dropped.
pub struct Function {
    api: RuntimeApi,
    pid: Option<u32>,
    /// Dropping it kills the process.
    _kill: oneshot::Sender<()>,
    exited: watch::Receiver<Option<String>>,
    started: Instant,
    logs: Arc<Mutex<Vec<String>>>,
}

impl Function {
    /// Starts `bootstrap` with the Lambda variables plus `env` (which wins),
    /// and nothing of this process's environment but `RUST_LOG` and
    /// `RUST_BACKTRACE`: a function sees only what Lambda and its
    /// configuration give it (no `HOME`, no `SSL_CERT_FILE`, no stray `AWS_*`).
    /// The process's stdout and stderr are kept as [`Function::logs`].
    pub async fn start(bootstrap: &Path, env: &[(String, String)]) -> std::io::Result<Self> {
        let api = RuntimeApi::start().await?;
        let started = Instant::now();
        let mut command = Command::new(bootstrap);
        command.env_clear();
        for name in ["RUST_LOG", "RUST_BACKTRACE"] {
            if let Some(value) = std::env::var_os(name) {
                command.env(name, value);
            }
        }
        command
            .env("PATH", "/usr/local/bin:/usr/bin/:/bin:/opt/bin")
            .env("LANG", "en_US.UTF-8")
            .env("TZ", ":UTC")
            .env("AWS_LAMBDA_RUNTIME_API", api.address())
            .env("AWS_LAMBDA_FUNCTION_NAME", "local")
            .env("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST")
            .env("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "256")
            .env("AWS_LAMBDA_LOG_GROUP_NAME", "/aws/lambda/local")
            .env("AWS_LAMBDA_LOG_STREAM_NAME", "2026/11/24/[$LATEST]emulator")
            .env("AWS_REGION", "us-east-1")
            .env("AWS_DEFAULT_REGION", "us-east-1")
            .env("_HANDLER", "bootstrap")
            .env("LAMBDA_TASK_ROOT", bootstrap.parent().unwrap_or(Path::new(".")))
            .envs(env.iter().map(|(k, v)| (k, v)))
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .kill_on_drop(true);
        let mut child = command.spawn()?;
        let logs = Arc::new(Mutex::new(Vec::new()));
        if let Some(out) = child.stdout.take() {
            tokio::spawn(collect(BufReader::new(out), logs.clone()));
        }
        if let Some(err) = child.stderr.take() {
            tokio::spawn(collect(BufReader::new(err), logs.clone()));
        }
        let pid = child.id();
        let (kill, killed) = oneshot::channel();
        let (exit_tx, exited) = watch::channel(None);
        tokio::spawn(supervise(child, killed, exit_tx));
        Ok(Function { api, pid, _kill: kill, exited, started, logs })
    }

    /// Sends one event and waits for the function's answer (or its exit).
    pub async fn invoke(&self, event: &[u8], timeout: Duration) -> Result<Bytes, InvokeError> {
        let mut exited = self.exited.clone();
        let exit = async move { exited.wait_for(Option::is_some).await.ok().and_then(|status| status.clone()) };
        tokio::select! {
            answer = self.api.invoke(event, timeout) => answer,
            Some(status) = exit => Err(InvokeError::Exited(status)),
        }
    }

    /// [`Function::invoke`] with a JSON event and a JSON answer.
    pub async fn invoke_json(&self, event: &serde_json::Value) -> Result<serde_json::Value, InvokeError> {
        let answer = self.invoke(event.to_string().as_bytes(), Duration::from_secs(30)).await?;
        serde_json::from_slice(&answer).map_err(|e| InvokeError::Function(format!("not JSON ({e})")))
    }

    /// When the process was started.
    pub fn started(&self) -> Instant {
        self.started
    }

    /// The process id.
    pub fn pid(&self) -> Option<u32> {
        self.pid
    }

    /// The peak resident set size so far, in KiB (Linux `VmHWM`).
    pub fn peak_rss_kib(&self) -> Option<u64> {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.pid()?)).ok()?;
        let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
        line.split_whitespace().nth(1)?.parse().ok()
    }

    /// Every line the process wrote so far (stdout and stderr).
    pub fn logs(&self) -> Vec<String> {
        self.logs.lock().unwrap_or_else(PoisonError::into_inner).clone()
    }

    /// Stops the process (SIGKILL to its PID) and waits for it.
    pub async fn stop(self) {
        let mut exited = self.exited.clone();
        drop(self);
        let _ = exited.wait_for(Option::is_some).await;
    }
}

/// Owns the process: reports its exit, kills it when the [`Function`] goes.
async fn supervise(mut child: Child, killed: oneshot::Receiver<()>, exited: watch::Sender<Option<String>>) {
    let status = tokio::select! {
        status = child.wait() => status,
        _ = killed => {
            let _ = child.start_kill();
            child.wait().await
        }
    };
    let status = status.map(|s| s.to_string()).unwrap_or_else(|e| e.to_string());
    exited.send_replace(Some(status));
}

async fn collect<R: tokio::io::AsyncRead + Unpin>(reader: BufReader<R>, logs: Arc<Mutex<Vec<String>>>) {
    let mut lines = reader.lines();
    while let Ok(Some(line)) = lines.next_line().await {
        logs.lock().unwrap_or_else(PoisonError::into_inner).push(line);
    }
}
