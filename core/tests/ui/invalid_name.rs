use lambda_mcp_core::tool;

/// A name with a space.
#[tool(name = "say hello")]
async fn greet() -> String {
    String::new()
}

fn main() {}
