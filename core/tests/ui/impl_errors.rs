use lambda_mcp_core::tool;

struct Calculator;

#[tool]
impl Calculator {
    /// Marked, but not async.
    #[tool(read_only)]
    fn add(&self, a: i64, b: i64) -> i64 {
        a + b
    }

    /// Same name twice.
    #[tool(name = "sub")]
    async fn minus(&self, a: i64, b: i64) -> i64 {
        a - b
    }

    /// Same name twice.
    async fn sub(&self, a: i64, b: i64) -> i64 {
        a - b
    }
}

struct Empty;

#[tool]
impl Empty {
    fn helper(&self) {}
}

struct Generic<T>(T);

#[tool]
impl<T: Send + Sync + 'static> Generic<T> {
    async fn get(&self) -> String {
        String::new()
    }
}

fn main() {}
