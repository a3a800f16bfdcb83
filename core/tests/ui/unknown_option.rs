use lambda_mcp_core::tool;

/// Misspells an option.
#[tool(read_onyl)]
async fn greet(name: String) -> String {
    name
}

fn main() {}
