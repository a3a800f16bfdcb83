//! `mcp-http`: every example tool over Streamable HTTP at `/mcp`.

use clap::{Parser, ValueEnum};
use lambda_mcp_bin_common::{example_server, init_logs, session_manager, LogFormat, SessionBackend};
use lambda_mcp_http::{HttpConfig, McpHttp};
use std::net::SocketAddr;
use std::time::Duration;

/// Serve Lambda MCP's example tools over Streamable HTTP.
#[derive(Parser, Debug)]
#[command(version, about)]
struct Args {
    /// Address to listen on. Loopback by default; anything else exposes the server.
    #[arg(long, env = "MCP_BIND", default_value = "127.0.0.1:8080")]
    bind: SocketAddr,
    /// Where session state lives.
    #[arg(long, env = "MCP_SESSION_STORE", value_enum, default_value_t = SessionStore::Memory)]
    session_store: SessionStore,
    /// The DynamoDB table of `--session-store dynamodb` (AWS settings from the
    /// standard chain; `AWS_ENDPOINT_URL_DYNAMODB` reaches a local server).
    #[arg(long, env = "MCP_SESSION_TABLE", default_value = lambda_mcp_sessions::dynamodb::DEFAULT_TABLE)]
    session_table: String,
    /// Create the session table if it is missing (for local runs; in
    /// production the deployment template creates it).
    #[arg(long)]
    create_table: bool,
    /// How long a session lives without activity, in seconds.
    #[arg(long, env = "MCP_SESSION_TTL_SECS", default_value_t = 3600)]
    session_ttl_secs: u64,
    /// Require `Authorization: Bearer <token>` (unset: no authentication).
    #[arg(long, env = "MCP_AUTH_TOKEN", hide_env_values = true)]
    auth_token: Option<String>,
    /// A browser origin allowed besides localhost (repeatable).
    #[arg(long = "allowed-origin", env = "MCP_ALLOWED_ORIGINS", value_delimiter = ',')]
    allowed_origins: Vec<String>,
    /// A Host name allowed besides localhost when bound to loopback, or the
    /// only ones allowed otherwise (repeatable; none: any Host off loopback).
    #[arg(long = "allowed-host", env = "MCP_ALLOWED_HOSTS", value_delimiter = ',')]
    allowed_hosts: Vec<String>,
    /// The secret that signs `requestState` of input-required results; give
    /// every instance of a deployment the same one (unset: a random key per
    /// process).
    #[arg(long, env = "MCP_STATE_SECRET", hide_env_values = true)]
    state_secret: Option<String>,
    /// The largest request body accepted, in bytes.
    #[arg(long, env = "MCP_MAX_BODY_BYTES", default_value_t = 1024 * 1024)]
    max_body_bytes: usize,
    /// How long a tool call may run, in seconds.
    #[arg(long, env = "MCP_CALL_TIMEOUT_SECS", default_value_t = 30)]
    call_timeout_secs: u64,
    /// Log format (filter with RUST_LOG, default `info`).
    #[arg(long, env = "MCP_LOG_FORMAT", value_enum, default_value_t = LogFormat::Pretty)]
    log_format: LogFormat,
}

/// The allocator: a request allocates a few dozen small blocks, which
/// jemalloc's thread cache serves in ~25 instructions each (~50 for
/// mimalloc, whose Rust binding always takes its aligned path; more for
/// glibc's malloc).
#[cfg(feature = "jemalloc")]
#[global_allocator]
static GLOBAL: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

#[derive(Clone, Copy, Debug, ValueEnum)]
enum SessionStore {
    Memory,
    Dynamodb,
}

fn backend(args: &Args) -> SessionBackend {
    match args.session_store {
        SessionStore::Memory => SessionBackend::Memory,
        SessionStore::Dynamodb => {
            SessionBackend::Dynamodb { table: args.session_table.clone(), create_table: args.create_table }
        }
    }
}

fn http_config(args: &Args) -> HttpConfig {
    let mut config = HttpConfig::default().max_body_bytes(args.max_body_bytes);
    for origin in &args.allowed_origins {
        config = config.allow_origin(origin);
    }
    if args.bind.ip().is_loopback() || !args.allowed_hosts.is_empty() {
        config = config.restrict_hosts(args.allowed_hosts.clone());
    }
    if let Some(token) = &args.auth_token {
        config = config.bearer_token(token);
    }
    config
}

#[tokio::main]
async fn main() -> Result<(), String> {
    let args = Args::parse();
    init_logs(args.log_format, "info");
    let sessions = session_manager(&backend(&args), Duration::from_secs(args.session_ttl_secs)).await?;
    let timeout = Duration::from_secs(args.call_timeout_secs);
    let server = example_server("mcp-http", sessions, timeout, args.state_secret.as_deref())?;
    let listener =
        tokio::net::TcpListener::bind(args.bind).await.map_err(|e| format!("cannot listen on {}: {e}", args.bind))?;
    let local = listener.local_addr().map_err(|e| e.to_string())?;
    tracing::info!(address = %local, auth = args.auth_token.is_some(), "serving MCP at http://{local}/mcp");
    let mcp = McpHttp::new(server, http_config(&args));
    lambda_mcp_hyper::serve(listener, mcp, lambda_mcp_bin_common::shutdown_signal())
        .await
        .map_err(|e| e.to_string())?;
    tracing::info!("stopped");
    Ok(())
}
