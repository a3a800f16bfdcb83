//! [`RequestCounter`]: counts the DynamoDB requests a client sends, by
//! operation, for the cost benchmark and tests.

use aws_sdk_dynamodb::config::interceptors::BeforeTransmitInterceptorContextRef;
use aws_sdk_dynamodb::config::{ConfigBag, Intercept, RuntimeComponents};
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, PoisonError};

/// An SDK interceptor that counts every request attempt sent, by operation
/// (`GetItem`, `UpdateItem`, …). Clones share the counts.
///
/// ```
/// use lambda_mcp_sessions::RequestCounter;
///
/// let counter = RequestCounter::default();
/// let config = aws_sdk_dynamodb::Config::builder()
///     .behavior_version(aws_sdk_dynamodb::config::BehaviorVersion::latest())
///     .interceptor(counter.clone())
///     .build();
/// # let _ = config;
/// assert_eq!(counter.total(), 0);
/// ```
#[derive(Clone, Debug, Default)]
pub struct RequestCounter {
    counts: Arc<Mutex<BTreeMap<String, u64>>>,
}

impl RequestCounter {
    /// Requests sent so far, all operations together.
    pub fn total(&self) -> u64 {
        self.lock().values().sum()
    }

    /// Requests sent so far, by operation.
    pub fn by_operation(&self) -> BTreeMap<String, u64> {
        self.lock().clone()
    }

    /// Forgets the counts.
    pub fn reset(&self) {
        self.lock().clear();
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, BTreeMap<String, u64>> {
        self.counts.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl Intercept for RequestCounter {
    fn name(&self) -> &'static str {
        "RequestCounter"
    }

    fn read_before_transmit(
        &self,
        context: &BeforeTransmitInterceptorContextRef<'_>,
        _runtime_components: &RuntimeComponents,
        _cfg: &mut ConfigBag,
    ) -> Result<(), aws_sdk_dynamodb::error::BoxError> {
        // The JSON protocol names the operation in `X-Amz-Target`:
        // `DynamoDB_20120810.UpdateItem`.
        let target = context.request().headers().get("x-amz-target").unwrap_or("unknown");
        let operation = target.rsplit('.').next().unwrap_or(target).to_owned();
        *self.lock().entry(operation).or_default() += 1;
        Ok(())
    }
}
