//! The S3 client: bounded timeouts and retries, built once and shared.

use aws_config::retry::RetryConfig;
use aws_config::timeout::TimeoutConfig;
use aws_config::BehaviorVersion;
use aws_sdk_s3::Client;
use std::time::Duration;
use tokio::sync::OnceCell;

/// How long connecting to S3 may take, per attempt.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(2);
/// How long one attempt may take.
pub const ATTEMPT_TIMEOUT: Duration = Duration::from_secs(10);
/// How long one operation may take, retries included: below the server's
/// default call deadline (30 s), so the tool reports S3's error itself.
pub const OPERATION_TIMEOUT: Duration = Duration::from_secs(25);
/// Attempts per operation (the first and two retries).
pub const MAX_ATTEMPTS: u32 = 3;

/// The timeouts every client of this crate uses.
pub fn timeouts() -> TimeoutConfig {
    TimeoutConfig::builder()
        .connect_timeout(CONNECT_TIMEOUT)
        .read_timeout(ATTEMPT_TIMEOUT)
        .operation_attempt_timeout(ATTEMPT_TIMEOUT)
        .operation_timeout(OPERATION_TIMEOUT)
        .build()
}

/// The retry policy every client of this crate uses: standard (throttling,
/// 5xx and I/O errors are retried), [`MAX_ATTEMPTS`] attempts, short backoff.
pub fn retries() -> RetryConfig {
    RetryConfig::standard()
        .with_max_attempts(MAX_ATTEMPTS)
        .with_initial_backoff(Duration::from_millis(100))
        .with_max_backoff(Duration::from_secs(1))
}

/// A client and, for error messages, where it sends requests.
#[derive(Debug)]
pub(crate) struct Connected {
    pub(crate) client: Client,
    pub(crate) endpoint: String,
}

/// Where the client comes from: the standard AWS chain on first use, or
/// one given by the caller.
#[derive(Debug)]
pub(crate) struct SharedClient {
    cell: OnceCell<Connected>,
}

impl SharedClient {
    /// Loaded from the environment on first use.
    pub(crate) fn from_env() -> Self {
        SharedClient { cell: OnceCell::new() }
    }

    pub(crate) fn given(client: Client, endpoint: String) -> Self {
        SharedClient { cell: OnceCell::new_with(Some(Connected { client, endpoint })) }
    }

    /// The client; the first call of a process loads the AWS configuration
    /// (environment, profile files, container or instance role; endpoint
    /// overrides such as `AWS_ENDPOINT_URL_S3`).
    pub(crate) async fn get(&self) -> &Connected {
        self.cell
            .get_or_init(|| async {
                let config = aws_config::defaults(BehaviorVersion::latest())
                    .timeout_config(timeouts())
                    .retry_config(retries())
                    .load()
                    .await;
                // The SDK does not expose the endpoint it resolved; name the
                // override it reads, or the region's default.
                let endpoint = ["AWS_ENDPOINT_URL_S3", "AWS_ENDPOINT_URL"]
                    .into_iter()
                    .find_map(|var| std::env::var(var).ok().filter(|v| !v.is_empty()))
                    .or_else(|| config.endpoint_url().map(str::to_owned))
                    .unwrap_or_else(|| default_endpoint(config.region().map(|r| r.as_ref())));
                Connected { client: Client::new(&config), endpoint }
            })
            .await
    }
}

/// S3's public endpoint for `region`.
pub(crate) fn default_endpoint(region: Option<&str>) -> String {
    match region {
        Some(region) => format!("https://s3.{region}.amazonaws.com"),
        None => "(none: no AWS region configured)".into(),
    }
}
