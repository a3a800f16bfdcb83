use lambda_mcp_core::tool;

/// Misspells a parameter option.
#[tool]
async fn greet(#[tool(defualt = 1)] times: u8) -> String {
    times.to_string()
}

fn main() {}
