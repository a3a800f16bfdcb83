//! [`DynamoStore`]: sessions in a DynamoDB table.
//!
//! One item per session: `session_id` (S, the partition key), `state` (M,
//! the tool-visible keys), `version` (N), `owner` (S, optional),
//! `created_at` and `expires_at` (N, epoch seconds; `expires_at` is the
//! table's TTL attribute), and, only after a session was contended,
//! `yield_to`/`yield_until_ms` (a fairness hint, see [`crate::actor`]).
//! An item whose `expires_at` has passed is treated as absent: DynamoDB
//! deletes expired items late (within days).
//!
//! Every method is one request: `GetItem` (strongly consistent),
//! `PutItem`, `UpdateItem` or `DeleteItem`. A write is one conditional
//! `UpdateItem` returning `ALL_NEW`, and `ALL_OLD` when its condition
//! fails, so a conflict costs no extra read. Writes are not retried by the
//! SDK (an atomic add sent twice would count twice); only throttling,
//! which guarantees nothing was applied, is retried here.

mod count;
mod item;
mod lazy_client;
mod table;

pub use count::RequestCounter;

use crate::store::{BoxError, SessionStore, StoreError, StoredSession, Write};
use async_trait::async_trait;
use aws_sdk_dynamodb::config::retry::RetryConfig;
use aws_sdk_dynamodb::config::timeout::TimeoutConfig;
use aws_sdk_dynamodb::error::{ProvideErrorMetadata, SdkError};
use aws_sdk_dynamodb::operation::update_item::UpdateItemError;
use aws_sdk_dynamodb::types::{AttributeValue, ReturnValue, ReturnValuesOnConditionCheckFailure};
use aws_sdk_dynamodb::Client;
use lambda_mcp_core::SessionId;
use std::time::Duration;

/// The default table name (`MCP_SESSION_TABLE` overrides it in the bins).
pub const DEFAULT_TABLE: &str = "mcp_sessions";

/// Sessions in a DynamoDB table. Cheap to clone.
#[derive(Clone, Debug)]
pub struct DynamoStore {
    /// Reads, puts and deletes: the SDK's standard retries.
    client: Client,
    /// Writes: no SDK retries (see the module docs).
    writer: Client,
    table: String,
}

impl DynamoStore {
    /// A store on `table`, with a client built from `config` (see
    /// [`DynamoStore::config`] for the defaults this crate applies).
    pub fn new(config: aws_sdk_dynamodb::Config, table: impl Into<String>) -> Self {
        let writer = config.to_builder().retry_config(RetryConfig::standard().with_max_attempts(1)).build();
        DynamoStore { client: Client::from_conf(config), writer: Client::from_conf(writer), table: table.into() }
    }

    /// A store on `table` configured from the standard AWS chain
    /// (environment, profile, container or instance credentials; region;
    /// `AWS_ENDPOINT_URL_DYNAMODB` for a local server).
    pub async fn from_env(table: impl Into<String>) -> Self {
        let http = aws_sdk_dynamodb::config::SharedHttpClient::new(lazy_client::LazyHttpsClient::default());
        let sdk = aws_config::defaults(aws_config::BehaviorVersion::latest()).http_client(http).load().await;
        DynamoStore::new(DynamoStore::config(&sdk).build(), table)
    }

    /// The client configuration this crate uses: `sdk` plus timeouts that
    /// keep a stuck store from holding a call for long (2 s to connect,
    /// 3 s per attempt, 8 s per operation). Add an interceptor (e.g.
    /// [`RequestCounter`]) before building.
    pub fn config(sdk: &aws_config::SdkConfig) -> aws_sdk_dynamodb::config::Builder {
        aws_sdk_dynamodb::config::Builder::from(sdk).timeout_config(
            TimeoutConfig::builder()
                .connect_timeout(Duration::from_secs(2))
                .operation_attempt_timeout(Duration::from_secs(3))
                .operation_timeout(Duration::from_secs(8))
                .build(),
        )
    }

    /// The table's name.
    pub fn table(&self) -> &str {
        &self.table
    }

    /// The client (for tools and tests that look at the table directly).
    pub fn client(&self) -> &Client {
        &self.client
    }

    fn key(&self, id: &SessionId) -> (String, AttributeValue) {
        (item::KEY.to_owned(), AttributeValue::S(id.as_str().to_owned()))
    }

    async fn update_once(&self, id: &SessionId, write: &Write, now: u64) -> Result<StoredSession, StoreError> {
        let e = item::expression(write, now);
        let (k, v) = self.key(id);
        let mut request = self
            .writer
            .update_item()
            .table_name(&self.table)
            .key(k, v)
            .update_expression(e.update)
            .condition_expression(e.condition)
            .set_expression_attribute_values(Some(e.values))
            .return_values(ReturnValue::AllNew)
            .return_values_on_condition_check_failure(ReturnValuesOnConditionCheckFailure::AllOld);
        if !e.names.is_empty() {
            request = request.set_expression_attribute_names(Some(e.names));
        }
        match request.send().await {
            Ok(out) => parse(id, out.attributes()),
            Err(SdkError::ServiceError(err))
                if matches!(err.err(), UpdateItemError::ConditionalCheckFailedException(_)) =>
            {
                let UpdateItemError::ConditionalCheckFailedException(failed) = err.into_err() else { unreachable!() };
                let current = match failed.item() {
                    None => return Err(StoreError::NotFound),
                    Some(old) => item::from_item(old).map_err(|what| StoreError::Malformed { id: id.clone(), what })?,
                };
                if current.expired(now) {
                    return Err(StoreError::NotFound);
                }
                Err(StoreError::Conflict { current: Box::new(current) })
            }
            // "An operand in the update expression has an incorrect data type"
            Err(err)
                if err.code() == Some("ValidationException")
                    && err.message().is_some_and(|m| m.contains("incorrect data type"))
                    && write_has_adds(write) =>
            {
                Err(StoreError::NotANumber(err.into()))
            }
            Err(err) => Err(classify(err)),
        }
    }
}

fn write_has_adds(write: &Write) -> bool {
    write.changes.iter().any(|(_, c)| matches!(c, crate::store::Change::Add(_)))
}

fn parse(
    id: &SessionId,
    attributes: Option<&std::collections::HashMap<String, AttributeValue>>,
) -> Result<StoredSession, StoreError> {
    let attrs = attributes.ok_or(StoreError::Malformed { id: id.clone(), what: "the write returned no attributes" })?;
    item::from_item(attrs).map_err(|what| StoreError::Malformed { id: id.clone(), what })
}

/// Throttling: the request was refused before anything was applied.
fn throttled(err: &StoreError) -> bool {
    let StoreError::Rejected(source) = err else { return false };
    let text = source.to_string();
    ["ProvisionedThroughputExceeded", "ThrottlingException", "RequestLimitExceeded", "throttl"]
        .iter()
        .any(|code| text.contains(code))
}

/// Sorts an SDK error: the store was unreachable (or answered 5xx), or it
/// refused the request.
fn classify<E, R>(err: SdkError<E, R>) -> StoreError
where
    E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
    R: std::fmt::Debug + Send + Sync + 'static,
{
    let unavailable = match &err {
        SdkError::TimeoutError(_) | SdkError::DispatchFailure(_) | SdkError::ResponseError(_) => true,
        SdkError::ServiceError(e) => matches!(e.err().code(), Some("InternalServerError" | "ServiceUnavailable")),
        _ => false,
    };
    let code = err.code().map(str::to_owned);
    let message = err.message().map(str::to_owned);
    let boxed: BoxError = match (code, message) {
        (Some(code), Some(message)) => format!("{code}: {message}").into(),
        (Some(code), None) => code.into(),
        _ => Box::new(err),
    };
    if unavailable {
        StoreError::Unavailable(boxed)
    } else {
        StoreError::Rejected(boxed)
    }
}

#[async_trait]
impl SessionStore for DynamoStore {
    async fn create(&self, id: &SessionId, session: &StoredSession) -> Result<(), StoreError> {
        let result = self
            .client
            .put_item()
            .table_name(&self.table)
            .set_item(Some(item::to_item(id, session)))
            .condition_expression(format!("attribute_not_exists({})", item::KEY))
            .send()
            .await;
        match result {
            Ok(_) => Ok(()),
            Err(err) if err.code() == Some("ConditionalCheckFailedException") => {
                Err(StoreError::AlreadyExists(id.clone()))
            }
            Err(err) => Err(classify(err)),
        }
    }

    async fn load(&self, id: &SessionId, now: u64) -> Result<Option<StoredSession>, StoreError> {
        let (k, v) = self.key(id);
        let out = self
            .client
            .get_item()
            .table_name(&self.table)
            .key(k, v)
            .consistent_read(true)
            .send()
            .await
            .map_err(classify)?;
        match out.item() {
            None => Ok(None),
            Some(found) => {
                let session = item::from_item(found).map_err(|what| StoreError::Malformed { id: id.clone(), what })?;
                Ok((!session.expired(now)).then_some(session))
            }
        }
    }

    async fn write(&self, id: &SessionId, write: &Write, now: u64) -> Result<StoredSession, StoreError> {
        let mut backoff = Duration::from_millis(25);
        for _ in 0..3 {
            match self.update_once(id, write, now).await {
                Err(err) if throttled(&err) => {
                    tokio::time::sleep(backoff).await;
                    backoff *= 2;
                }
                other => return other,
            }
        }
        self.update_once(id, write, now).await
    }

    async fn delete(&self, id: &SessionId, now: u64) -> Result<bool, StoreError> {
        let (k, v) = self.key(id);
        let out = self
            .client
            .delete_item()
            .table_name(&self.table)
            .key(k, v)
            .return_values(ReturnValue::AllOld)
            .send()
            .await
            .map_err(classify)?;
        Ok(out.attributes().and_then(|old| item::from_item(old).ok()).is_some_and(|old| !old.expired(now)))
    }
}
