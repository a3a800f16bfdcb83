//! What the example binaries serve: every example tool, and the session
//! manager chosen by their configuration.

use lambda_mcp_core::{Server, ServerBuilder, SessionManager};
use lambda_mcp_sessions::{DynamoStore, MemorySessions, SessionConfig, StoreSessions};
use std::sync::Arc;
use std::time::Duration;

/// What every example binary serves, named `name`: every example tool on
/// `sessions`, calls bounded by `call_timeout`, `requestState` signed with
/// `state_secret` (else a random key per process).
pub fn example_server(
    name: &str,
    sessions: Arc<dyn SessionManager>,
    call_timeout: Duration,
    state_secret: Option<&str>,
) -> Result<Server, String> {
    let builder = Server::builder(name, env!("CARGO_PKG_VERSION"))
        .title("Lambda MCP example tools")
        .sessions(sessions)
        .call_timeout(call_timeout);
    let mut builder = example_tools(builder)?;
    if let Some(secret) = state_secret {
        builder = builder.state_secret(secret);
    }
    Ok(builder.build())
}

/// Registers every example tool: hello world, the session counter, web
/// search (Serper, `SERPER_API_KEY`) and the S3 bucket tools (the standard
/// AWS configuration chain). Fails only on an unusable `SERPER_BASE_URL`.
fn example_tools(builder: ServerBuilder) -> Result<ServerBuilder, String> {
    let web_search = lambda_mcp_tool_web_search::WebSearch::from_env().map_err(|e| e.to_string())?;
    Ok(builder
        .tool(lambda_mcp_tool_hello::say_hello_world)
        .tool(lambda_mcp_tool_counter::increment_counter)
        .tool(lambda_mcp_tool_counter::get_counter)
        .tool(lambda_mcp_tool_counter::start_session)
        .tool(web_search)
        .tool(lambda_mcp_tool_s3::S3Buckets::from_env()))
}

/// Where session state lives.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SessionBackend {
    /// In this process only (lost on restart; one process per conversation).
    Memory,
    /// A DynamoDB table, through the write-back session actors.
    Dynamodb {
        /// The table.
        table: String,
        /// Create it when missing (local runs; in production the template does).
        create_table: bool,
    },
}

/// The session manager for `backend`, sessions living `ttl` without activity.
/// AWS settings come from the standard chain (`AWS_ENDPOINT_URL_DYNAMODB`
/// reaches a local server).
pub async fn session_manager(backend: &SessionBackend, ttl: Duration) -> Result<Arc<dyn SessionManager>, String> {
    Ok(match backend {
        SessionBackend::Memory => Arc::new(MemorySessions::with_idle_ttl(ttl)),
        SessionBackend::Dynamodb { table, create_table } => {
            let store = DynamoStore::from_env(table).await;
            if *create_table {
                let created =
                    store.create_table().await.map_err(|e| format!("cannot create {}: {e}", store.table()))?;
                tracing::info!(table = store.table(), created, "session table ready");
            }
            let sessions = StoreSessions::new(store, SessionConfig::default().ttl(ttl))
                .map_err(|e| format!("cannot start the session actors: {e}"))?;
            Arc::new(sessions)
        }
    })
}
