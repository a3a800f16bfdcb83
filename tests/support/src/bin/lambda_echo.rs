//! `lambda-echo`: the smallest Lambda function there is (lambda_runtime
//! answering every event with a fixed API Gateway response), the floor the
//! cold-start benchmark compares `mcp-lambda` with.

use lambda_runtime::{service_fn, Error, LambdaEvent};
use serde_json::{json, Value};

#[tokio::main]
async fn main() -> Result<(), Error> {
    lambda_runtime::run(service_fn(|_: LambdaEvent<Value>| async {
        Ok::<_, Error>(json!({"statusCode": 200, "headers": {"content-type": "application/json"}, "body": "{}"}))
    }))
    .await
}
