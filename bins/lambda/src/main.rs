//! `mcp-lambda`: every example tool on AWS Lambda, behind API Gateway (REST
//! or HTTP API) or a Function URL, with sessions in DynamoDB.
//!
//! Configured from the environment only (the Lambda service passes no
//! arguments); `mcp-lambda --help` lists the variables. The server, the
//! session store and the AWS clients are built once per execution
//! environment, before the first event. Logs are JSON lines for CloudWatch,
//! each carrying the invocation's request id.

use clap::Parser;
use lambda_mcp_bin_common::{example_server, init_logs, session_manager, LogFormat, SessionBackend};
use lambda_mcp_core::Server;
use lambda_mcp_http::HttpConfig;
use std::time::Duration;

/// Serve Lambda MCP's example tools on the Lambda Runtime API.
#[derive(Parser, Debug)]
#[command(version, about)]
struct Args {
    /// The DynamoDB session table (unset: sessions live in this execution
    /// environment only, which loses them between environments).
    #[arg(long, env = "MCP_SESSION_TABLE")]
    session_table: Option<String>,
    /// Create the session table if it is missing (local runs only; the SAM
    /// template creates it in production).
    #[arg(long, env = "MCP_CREATE_TABLE")]
    create_table: bool,
    /// How long a session lives without activity, in seconds.
    #[arg(long, env = "MCP_SESSION_TTL_SECS", default_value_t = 3600)]
    session_ttl_secs: u64,
    /// How long a tool call may run, in seconds (API Gateway gives up at 29).
    #[arg(long, env = "MCP_CALL_TIMEOUT_SECS", default_value_t = 25)]
    call_timeout_secs: u64,
    /// The secret that signs `requestState` of input-required results; every
    /// environment of the function needs the same one (unset: a random key
    /// per environment, so a retry that lands elsewhere is refused).
    #[arg(long, env = "MCP_STATE_SECRET", hide_env_values = true)]
    state_secret: Option<String>,
    /// Require `Authorization: Bearer <token>` in the function itself (for a
    /// Function URL without an authorizer; unset: the authorizer decides).
    #[arg(long, env = "MCP_AUTH_TOKEN", hide_env_values = true)]
    auth_token: Option<String>,
    /// A browser origin allowed besides localhost (comma-separated).
    #[arg(long = "allowed-origin", env = "MCP_ALLOWED_ORIGINS", value_delimiter = ',')]
    allowed_origins: Vec<String>,
    /// The largest request body accepted, in bytes.
    #[arg(long, env = "MCP_MAX_BODY_BYTES", default_value_t = 1024 * 1024)]
    max_body_bytes: usize,
}

fn backend(args: &Args) -> SessionBackend {
    match &args.session_table {
        Some(table) => SessionBackend::Dynamodb { table: table.clone(), create_table: args.create_table },
        None => {
            tracing::warn!("MCP_SESSION_TABLE is unset: sessions live in this execution environment only");
            SessionBackend::Memory
        }
    }
}

async fn server(args: &Args) -> Result<Server, String> {
    let sessions = session_manager(&backend(args), Duration::from_secs(args.session_ttl_secs)).await?;
    let timeout = Duration::from_secs(args.call_timeout_secs);
    example_server("mcp-lambda", sessions, timeout, args.state_secret.as_deref())
}

fn http_config(args: &Args) -> HttpConfig {
    let mut config = HttpConfig::default().max_body_bytes(args.max_body_bytes);
    for origin in &args.allowed_origins {
        config = config.allow_origin(origin);
    }
    if let Some(token) = &args.auth_token {
        config = config.bearer_token(token);
    }
    config
}

#[tokio::main]
async fn main() -> Result<(), lambda_mcp_lambda::Error> {
    let args = Args::parse();
    init_logs(LogFormat::Json, "info");
    let server = server(&args).await?;
    tracing::info!(sessions = args.session_table.as_deref().unwrap_or("memory"), "mcp-lambda ready");
    lambda_mcp_lambda::run_with(server, http_config(&args)).await
}
