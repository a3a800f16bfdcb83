//! The session tests' and the cost benchmark's view of AWS's DynamoDB Local
//! (started and stopped by `lambda-mcp-test-support`): stores on tables of
//! their own, and a read-modify-write fixture tool.

#![allow(dead_code, unreachable_pub)]

use lambda_mcp_sessions::{DynamoStore, RequestCounter};
pub use lambda_mcp_test_support::dynamodb_local::DynamoDbLocal;

/// Adds one to the session number `u` by read-modify-write: the test-only
/// use of `update`, shared by the DynamoDB tests and the cost benchmark.
#[lambda_mcp_core::tool]
pub async fn bump_by_update(ctx: &lambda_mcp_core::ToolContext) -> Result<i64, lambda_mcp_core::ToolError> {
    let n = ctx
        .session()
        .update(|state| {
            let n = state.get("u").and_then(serde_json::Value::as_i64).unwrap_or(0) + 1;
            state.insert("u".into(), serde_json::Value::from(n));
            n
        })
        .await?;
    Ok(n)
}

/// Client settings and stores on a [`DynamoDbLocal`].
#[allow(async_fn_in_trait)]
pub trait LocalStores {
    /// Client settings for it: static test credentials, us-east-1, this
    /// crate's timeouts, and `counter` counting requests.
    fn config(&self, counter: Option<&RequestCounter>) -> aws_sdk_dynamodb::Config;

    /// A store on a new table of its own.
    async fn store(&self, counter: Option<&RequestCounter>) -> DynamoStore;
}

impl LocalStores for DynamoDbLocal {
    fn config(&self, counter: Option<&RequestCounter>) -> aws_sdk_dynamodb::Config {
        let sdk = aws_config::SdkConfig::builder()
            .behavior_version(aws_config::BehaviorVersion::latest())
            .region(aws_sdk_dynamodb::config::Region::new("us-east-1"))
            .credentials_provider(aws_sdk_dynamodb::config::SharedCredentialsProvider::new(
                aws_sdk_dynamodb::config::Credentials::new("test", "test", None, None, "dynamodb-local"),
            ))
            .endpoint_url(self.endpoint())
            .build();
        let mut config = DynamoStore::config(&sdk);
        if let Some(counter) = counter {
            config = config.interceptor(counter.clone());
        }
        config.build()
    }

    async fn store(&self, counter: Option<&RequestCounter>) -> DynamoStore {
        let table = format!("sessions_{}", lambda_mcp_sessions::new_session_id());
        let store = DynamoStore::new(self.config(counter), table);
        store.create_table().await.expect("create the sessions table");
        if let Some(counter) = counter {
            counter.reset();
        }
        store
    }
}
