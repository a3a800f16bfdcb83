//! `lambda-bridge`: serves a Lambda `bootstrap` over plain HTTP through the
//! Runtime API emulator, turning each request into an API Gateway event.
//! For the conformance suite and real MCP clients against the real Lambda
//! handler.

use clap::{Parser, ValueEnum};
use lambda_mcp_test_support::lambda::{serve_bridge, Function, Shape};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

/// Serve a Lambda bootstrap over HTTP, as API Gateway would invoke it.
#[derive(Parser, Debug)]
#[command(about)]
struct Args {
    /// The function's bootstrap binary (e.g. target/debug/mcp-lambda).
    #[arg(long)]
    bootstrap: PathBuf,
    /// Where to listen (loopback only).
    #[arg(long, default_value = "127.0.0.1:0")]
    bind: SocketAddr,
    /// The event shape to send.
    #[arg(long, value_enum, default_value_t = EventShape::RestV1)]
    shape: EventShape,
    /// The principal the authorizer reports (none: no authorizer data).
    #[arg(long)]
    principal: Option<String>,
    /// An environment variable for the function, `NAME=VALUE` (repeatable).
    #[arg(long = "env", value_parser = parse_env)]
    env: Vec<(String, String)>,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
enum EventShape {
    RestV1,
    HttpV2,
    FunctionUrl,
}

fn parse_env(text: &str) -> Result<(String, String), String> {
    let (name, value) = text.split_once('=').ok_or("expected NAME=VALUE")?;
    Ok((name.to_owned(), value.to_owned()))
}

#[tokio::main]
async fn main() -> Result<(), String> {
    let args = Args::parse();
    if !args.bind.ip().is_loopback() {
        return Err("the bridge binds loopback addresses only".into());
    }
    let shape = match args.shape {
        EventShape::RestV1 => Shape::RestV1,
        EventShape::HttpV2 => Shape::HttpV2,
        EventShape::FunctionUrl => Shape::FunctionUrl,
    };
    let listener = tokio::net::TcpListener::bind(args.bind).await.map_err(|e| format!("cannot bind: {e}"))?;
    let local = listener.local_addr().map_err(|e| e.to_string())?;
    let function = Function::start(&args.bootstrap, &args.env)
        .await
        .map_err(|e| format!("cannot start {}: {e}", args.bootstrap.display()))?;
    println!("lambda-bridge listening on http://{local}/mcp");
    let shutdown = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    let mut term =
        tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()).map_err(|e| e.to_string())?;
    let stop = async move {
        tokio::select! { () = shutdown => {}, _ = term.recv() => {} }
    };
    serve_bridge(listener, Arc::new(function), shape, args.principal, stop).await;
    Ok(())
}
