use lambda_mcp_core::tool;

/// Not async.
#[tool]
fn greet(name: String) -> String {
    name
}

fn main() {}
