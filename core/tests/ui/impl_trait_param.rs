use lambda_mcp_core::tool;

/// Takes an `impl Trait`.
#[tool]
async fn greet(name: impl Into<String>) -> String {
    name.into()
}

fn main() {}
