//! `rmcp-server`: the official Rust SDK (rmcp 3.11) serving `say_hello_world`
//! over Streamable HTTP at `/mcp`, stateless (`legacy_session_mode: false`)
//! with plain JSON responses (`json_response: true`).
//!
//! rmcp's best case: the tool router is built once and shared (the
//! `#[tool_handler]` default would rebuild it on every `call_tool`), and the
//! service is driven by the same hyper accept loop as `mcp-http` rather
//! than through axum.

use http::{Request, Response, StatusCode};
use http_body_util::{BodyExt, Empty};
use hyper::body::Incoming;
use lambda_mcp_bench::{bind_arg, serve};
use rmcp::handler::server::router::tool::ToolRouter;
use rmcp::transport::streamable_http_server::session::never::NeverSessionManager;
use rmcp::transport::streamable_http_server::{StreamableHttpServerConfig, StreamableHttpService};
use rmcp::{tool, tool_handler, tool_router, ServerHandler};
use std::sync::{Arc, OnceLock};

/// The example tool set: one tool.
#[derive(Clone)]
struct Hello {
    tool_router: Arc<ToolRouter<Self>>,
}

#[tool_router]
impl Hello {
    /// Say hello world!
    #[tool(description = "Say hello world!")]
    async fn say_hello_world(&self) -> String {
        "Hello MCP World!".into()
    }
}

#[tool_handler(router = self.tool_router, name = "rmcp-server", version = "0.1.0")]
impl ServerHandler for Hello {}

fn hello() -> Hello {
    static ROUTER: OnceLock<Arc<ToolRouter<Hello>>> = OnceLock::new();
    Hello { tool_router: ROUTER.get_or_init(|| Arc::new(Hello::tool_router())).clone() }
}

#[tokio::main]
async fn main() -> Result<(), String> {
    let addr = bind_arg()?;
    let config = StreamableHttpServerConfig::default()
        .with_legacy_session_mode(false)
        .with_json_response(true)
        .with_sse_keep_alive(None);
    let mcp: StreamableHttpService<Hello, NeverSessionManager> =
        StreamableHttpService::new(|| Ok(hello()), Default::default(), config);
    let mcp = Arc::new(mcp);
    serve(addr, move |request: Request<Incoming>| {
        let mcp = mcp.clone();
        async move {
            if request.uri().path() != "/mcp" {
                let mut response = Response::new(Empty::new().boxed());
                *response.status_mut() = StatusCode::NOT_FOUND;
                return response;
            }
            mcp.handle(request).await
        }
    })
    .await
}
