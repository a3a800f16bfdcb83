//! `mcp-conformance-server`: the fixture tools, resources and prompts the
//! official MCP conformance suite calls by name, over Streamable HTTP at
//! `/mcp` (default), over stdio (`--stdio`), or as a Lambda function
//! (`--lambda`, or whenever `AWS_LAMBDA_RUNTIME_API` is set: run it as a
//! `bootstrap` under a Runtime API). Written against the public API only, as
//! any Lambda MCP user would.

mod fixtures;
mod interactive;
mod prompts;
mod resources;
mod tools;

use clap::Parser;
use lambda_mcp_bin_common::{init_logs, LogFormat};
use lambda_mcp_core::Server;
use lambda_mcp_http::{HttpConfig, McpHttp};
use lambda_mcp_sessions::MemorySessions;
use std::net::SocketAddr;
use std::sync::Arc;

/// Serve the MCP conformance fixture over Streamable HTTP or stdio.
#[derive(Parser, Debug)]
#[command(version, about)]
struct Args {
    /// Address to listen on (port 0: any free port; the bound address is logged).
    #[arg(long, env = "MCP_BIND", default_value = "127.0.0.1:3001")]
    bind: SocketAddr,
    /// Serve over stdin/stdout instead of HTTP.
    #[arg(long)]
    stdio: bool,
    /// Serve events of the Lambda Runtime API instead of HTTP (the default
    /// when `AWS_LAMBDA_RUNTIME_API` is set).
    #[arg(long, conflicts_with = "stdio")]
    lambda: bool,
    /// Log format on stderr (filter with RUST_LOG, default `info`).
    #[arg(long, env = "MCP_LOG_FORMAT", value_enum, default_value_t = LogFormat::Pretty)]
    log_format: LogFormat,
}

fn server() -> Server {
    let builder = Server::builder("mcp-conformance-server", env!("CARGO_PKG_VERSION"))
        .title("Lambda MCP conformance fixture")
        .sessions(Arc::new(MemorySessions::default()))
        .tool(tools::test_simple_text)
        .tool(tools::test_image_content)
        .tool(tools::test_audio_content)
        .tool(tools::test_embedded_resource)
        .tool(tools::test_multiple_content_types)
        .tool(tools::test_tool_with_logging)
        .tool(tools::test_tool_with_progress)
        .tool(tools::test_error_handling)
        .tool(tools::test_logging_tool)
        .tool(tools::JsonSchema2020Tool)
        .tool(interactive::test_sampling)
        .tool(interactive::test_elicitation)
        .tool(interactive::test_elicitation_sep1034_defaults)
        .tool(interactive::test_elicitation_sep1330_enums)
        .tool(interactive::test_missing_capability)
        .tool(interactive::test_streaming_elicitation)
        .tool(interactive::test_input_required_result_elicitation)
        .tool(interactive::test_input_required_result_sampling)
        .tool(interactive::test_input_required_result_list_roots)
        .tool(interactive::test_input_required_result_request_state)
        .tool(interactive::test_input_required_result_multiple_inputs)
        .tool(interactive::test_input_required_result_multi_round)
        .tool(interactive::test_input_required_result_tampered_state)
        .tool(interactive::test_input_required_result_capabilities);
    prompts::register(resources::register(builder)).build()
}

async fn serve_http(bind: SocketAddr) -> Result<(), String> {
    let listener = tokio::net::TcpListener::bind(bind).await.map_err(|e| format!("cannot listen on {bind}: {e}"))?;
    let local = listener.local_addr().map_err(|e| e.to_string())?;
    let mut config = HttpConfig::default().streaming(true);
    if bind.ip().is_loopback() {
        config = config.restrict_hosts(Vec::new());
    }
    tracing::info!(address = %local, "serving MCP at http://{local}/mcp");
    let mcp = McpHttp::new(server(), config);
    lambda_mcp_hyper::serve(listener, mcp, lambda_mcp_bin_common::shutdown_signal())
        .await
        .map_err(|e| e.to_string())?;
    tracing::info!("stopped");
    Ok(())
}

#[tokio::main]
async fn main() -> Result<(), String> {
    let args = Args::parse();
    init_logs(args.log_format, "info");
    if args.stdio {
        return lambda_mcp_stdio::serve_stdio(server()).await.map_err(|e| e.to_string());
    }
    if args.lambda || std::env::var_os("AWS_LAMBDA_RUNTIME_API").is_some() {
        return lambda_mcp_lambda::run(server()).await.map_err(|e| e.to_string());
    }
    serve_http(args.bind).await
}
