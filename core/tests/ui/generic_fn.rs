use lambda_mcp_core::tool;

/// Generic.
#[tool]
async fn echo<T: ToString>(value: T) -> String {
    value.to_string()
}

fn main() {}
