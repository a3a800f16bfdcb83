use lambda_mcp_core::tool;

/// Takes self outside an impl.
#[tool]
async fn greet(&self, name: String) -> String {
    name
}

fn main() {}
