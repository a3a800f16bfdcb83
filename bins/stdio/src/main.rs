//! `mcp-stdio`: every example tool, served over stdin/stdout with
//! in-memory session state. Point a desktop MCP client at this binary.

use clap::Parser;
use lambda_mcp_bin_common::{example_tools, init_logs, LogFormat};
use lambda_mcp_core::Server;
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

fn server(args: &Args) -> std::io::Result<Server> {
    let builder = Server::builder("mcp-stdio", env!("CARGO_PKG_VERSION"))
        .title("Lambda MCP example tools")
        .sessions(Arc::new(MemorySessions::default()))
        .call_timeout(Duration::from_secs(args.call_timeout_secs));
    Ok(example_tools(builder).map_err(std::io::Error::other)?.build())
}

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let args = Args::parse();
    init_logs(args.log_format, "warn");
    lambda_mcp_stdio::serve_stdio(server(&args)?).await
}
