//! The smallest useful tool: it says hello. A template for a tool crate,
//! which depends on `lambda-mcp-core` alone.
//!
//! ```
//! let server = lambda_mcp_core::Server::builder("demo", "1.0.0")
//!     .tool(lambda_mcp_tool_hello::say_hello_world)
//!     .build();
//! assert_eq!(server.tool_names(), ["say_hello_world"]);
//! ```

use lambda_mcp_core::tool;

/// Say hello world!
#[tool(read_only, idempotent, open_world = false)]
pub async fn say_hello_world() -> String {
    "Hello MCP World!".into()
}

#[cfg(test)]
mod tests {
    #[tokio::test]
    async fn says_hello() {
        assert_eq!(super::say_hello_world::run().await, "Hello MCP World!");
    }
}
