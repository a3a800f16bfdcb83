use lambda_mcp_core::tool;

/// Borrows its argument.
#[tool]
async fn greet(name: &str) -> String {
    name.to_owned()
}

fn main() {}
