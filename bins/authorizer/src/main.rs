//! `mcp-authorizer`: the API Gateway Lambda authorizer in front of
//! `mcp-lambda` (see the library's docs). Configuration: `MCP_AUTH_TOKEN`
//! (at least 16 printable ASCII characters; the process refuses to start
//! without it), `RUST_LOG` (default `info`). Logs are JSON lines carrying
//! the Lambda request id.

use lambda_mcp_bin_authorizer::{token_from, Authorizer};
use lambda_runtime::{service_fn, LambdaEvent};
use serde_json::Value;
use tracing_subscriber::EnvFilter;

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), lambda_runtime::Error> {
    // JSON lines for CloudWatch; the runtime's span adds the request id.
    // Not `lambda-mcp-bin-common`'s setup: that crate brings the example
    // tools and the AWS SDK, which an authorizer has no use for.
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    tracing_subscriber::fmt().json().with_env_filter(filter).with_writer(std::io::stderr).init();
    let token = token_from(|name| std::env::var_os(name).map(|v| v.to_string_lossy().into_owned()))
        .inspect_err(|error| tracing::error!(%error, "mcp-authorizer cannot start"))?;
    let authorizer = Authorizer::new(token);
    let authorizer = &authorizer;
    lambda_runtime::run(service_fn(|event: LambdaEvent<Value>| async move { authorizer.authorize(event.payload) }))
        .await
}
