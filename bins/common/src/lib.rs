//! What every binary of the project shares, so each `main.rs` stays a
//! wiring of config → server → transport: log setup, the shutdown signal,
//! and the example tools with their session manager.

mod examples;

pub use examples::{example_server, session_manager, SessionBackend};

use clap::ValueEnum;

/// How logs are written (always to stderr: stdout may carry MCP messages).
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    /// Human-readable lines.
    Pretty,
    /// One JSON object per line, for log shippers (CloudWatch, Loki …).
    Json,
}

/// Installs the global subscriber: `RUST_LOG` filters, `default` applies
/// when it is unset.
pub fn init_logs(format: LogFormat, default: &str) {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| default.into());
    let logs = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr);
    match format {
        LogFormat::Pretty => logs.init(),
        LogFormat::Json => logs.json().init(),
    }
}

/// Resolves on Ctrl-C or (Unix) SIGTERM: when to start a graceful shutdown.
pub async fn shutdown_signal() {
    let ctrl_c = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        let Ok(mut term) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) else {
            let _ = ctrl_c.await;
            return;
        };
        tokio::select! {
            _ = ctrl_c => {}
            _ = term.recv() => {}
        }
    }
    #[cfg(not(unix))]
    let _ = ctrl_c.await;
}
