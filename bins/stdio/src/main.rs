//! `mcp-stdio`: every example tool, served over stdin/stdout with
//! in-memory session state. Point a desktop MCP client at this binary.

use clap::Parser;
use lambda_mcp_bin_common::{example_server, init_logs, LogFormat};
use lambda_mcp_sessions::MemorySessions;
use std::sync::Arc;
use std::time::Duration;

/// Serve Lambda MCP's example tools over stdio.
#[derive(Parser, Debug)]
#[command(version, about)]
struct Args {
    /// How long a tool call may run, in seconds.
    #[arg(long, env = "MCP_CALL_TIMEOUT_SECS", default_value_t = 30)]
    call_timeout_secs: u64,
    /// Log format on stderr (filter with RUST_LOG, default `warn`).
    #[arg(long, env = "MCP_LOG_FORMAT", value_enum, default_value_t = LogFormat::Pretty)]
    log_format: LogFormat,
}

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let args = Args::parse();
    init_logs(args.log_format, "warn");
    let sessions = Arc::new(MemorySessions::default());
    let timeout = Duration::from_secs(args.call_timeout_secs);
    let server = example_server("mcp-stdio", sessions, timeout, None).map_err(std::io::Error::other)?;
    lambda_mcp_stdio::serve_stdio(server).await
}
