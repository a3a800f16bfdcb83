//! S3 bucket tools: `count_s3_buckets` and `list_s3_buckets`. The example
//! to copy for a tool that calls AWS: one SDK client per process, built
//! from the standard configuration chain and shared by both tools, bounded
//! timeouts and retries, and SDK failures turned into `isError` results
//! that carry the AWS error code.
//!
//! ```
//! use lambda_mcp_tool_s3::S3Buckets;
//!
//! // Credentials, region and endpoint come from the standard AWS chain
//! // (AWS_REGION, AWS_PROFILE, AWS_ENDPOINT_URL_S3, an IAM role …),
//! // loaded on the first call.
//! let server = lambda_mcp_core::Server::builder("demo", "1.0.0").tool(S3Buckets::from_env()).build();
//! assert_eq!(server.tool_names(), ["count_s3_buckets", "list_s3_buckets"]);
//! ```
//!
//! Both tools are methods of one `#[tool] impl` block over `&self`, so
//! they share the value (and its client) through an `Arc` and run
//! concurrently. `ListBuckets` pages (`MaxBuckets`, `ContinuationToken`):
//! both tools follow the SDK's paginator to the last page. Regions come
//! from `BucketRegion` in the `ListBuckets` answer; no extra call is made
//! per bucket, so an endpoint that leaves it out yields `null`.

mod client;
mod error;

pub use client::{retries, timeouts, ATTEMPT_TIMEOUT, CONNECT_TIMEOUT, MAX_ATTEMPTS, OPERATION_TIMEOUT};
pub use error::S3Error;

use aws_sdk_s3::config::{Credentials, Region};
use aws_sdk_s3::primitives::DateTimeFormat;
use aws_sdk_s3::types::Bucket;
use aws_sdk_s3::Client;
use lambda_mcp_core::schemars::JsonSchema;
use lambda_mcp_core::tool;
use serde::Serialize;

/// Buckets asked for per `ListBuckets` page (S3 allows up to 10,000).
pub const DEFAULT_PAGE_SIZE: i32 = 1000;

/// The S3 tools and the client they share.
#[derive(Debug)]
pub struct S3Buckets {
    client: client::SharedClient,
    page_size: i32,
}

/// One bucket.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(crate = "lambda_mcp_core::schemars")]
pub struct BucketInfo {
    /// The bucket's name.
    pub name: String,
    /// The bucket's region, as `ListBuckets` reports it (null when the endpoint does not).
    pub region: Option<String>,
    /// When the bucket was created, RFC 3339 in UTC (null when not reported).
    pub creation_date: Option<String>,
}

/// The account's buckets (those matching the prefix, when one is given).
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
#[schemars(crate = "lambda_mcp_core::schemars")]
pub struct BucketList {
    /// How many buckets matched.
    pub count: usize,
    /// The buckets, in the order S3 lists them (by name).
    pub buckets: Vec<BucketInfo>,
}

impl From<&Bucket> for BucketInfo {
    fn from(bucket: &Bucket) -> Self {
        BucketInfo {
            name: bucket.name().unwrap_or_default().to_owned(),
            region: bucket.bucket_region().map(str::to_owned),
            creation_date: bucket.creation_date().and_then(|date| date.fmt(DateTimeFormat::DateTime).ok()),
        }
    }
}

impl S3Buckets {
    /// Tools whose client is built from the standard AWS configuration
    /// chain on first use, once per process. Never fails: missing
    /// credentials are reported by each call.
    pub fn from_env() -> Self {
        S3Buckets { client: client::SharedClient::from_env(), page_size: DEFAULT_PAGE_SIZE }
    }

    /// Tools using `client` (e.g. built from [`config_builder`](Self::config_builder)).
    pub fn new(client: Client) -> Self {
        // The SDK does not tell which endpoint a client was given.
        let endpoint = match client.config().region() {
            Some(region) => format!("the client's endpoint (region {region})"),
            None => "the client's endpoint".into(),
        };
        S3Buckets { client: client::SharedClient::given(client, endpoint), page_size: DEFAULT_PAGE_SIZE }
    }

    /// Tools talking to an S3-compatible endpoint (a local stand-in such as
    /// moto, MinIO, LocalStack) with static credentials and path-style
    /// addressing.
    ///
    /// ```
    /// use lambda_mcp_tool_s3::S3Buckets;
    /// let tools = S3Buckets::at_endpoint("http://127.0.0.1:5000", "us-east-1", "test", "test");
    /// ```
    pub fn at_endpoint(url: &str, region: &str, access_key_id: &str, secret_access_key: &str) -> Self {
        let credentials = Credentials::new(access_key_id, secret_access_key, None, None, "lambda-mcp-tool-s3");
        let config = Self::config_builder()
            .endpoint_url(url)
            .region(Region::new(region.to_owned()))
            .credentials_provider(credentials)
            .force_path_style(true)
            .build();
        let client = Client::from_conf(config);
        S3Buckets { client: client::SharedClient::given(client, url.to_owned()), page_size: DEFAULT_PAGE_SIZE }
    }

    /// An S3 client configuration with this crate's [`timeouts`] and
    /// [`retries`], to which a caller adds credentials, a region and, for a
    /// local stand-in, an endpoint.
    pub fn config_builder() -> aws_sdk_s3::config::Builder {
        aws_sdk_s3::Config::builder()
            .behavior_version(aws_config::BehaviorVersion::latest())
            .timeout_config(timeouts())
            .retry_config(retries())
    }

    /// Asks for `size` buckets per `ListBuckets` page (1 to 10,000).
    pub fn with_page_size(mut self, size: i32) -> Self {
        self.page_size = size.clamp(1, 10_000);
        self
    }

    /// Every bucket whose name starts with `prefix`, across all pages.
    pub async fn buckets(&self, prefix: Option<&str>) -> Result<Vec<BucketInfo>, S3Error> {
        let client::Connected { client, endpoint } = self.client.get().await;
        let prefix = prefix.filter(|p| !p.is_empty());
        let mut pages = client
            .list_buckets()
            .max_buckets(self.page_size)
            .set_prefix(prefix.map(str::to_owned))
            .into_paginator()
            .send();
        let mut buckets = Vec::new();
        while let Some(page) = pages.next().await {
            let page = page.map_err(|err| S3Error::from_sdk("ListBuckets", endpoint.clone(), err))?;
            buckets.extend(page.buckets().iter().map(BucketInfo::from));
        }
        // S3 filters by prefix itself; this keeps the answer right for
        // S3-compatible endpoints that ignore the parameter.
        if let Some(prefix) = prefix {
            buckets.retain(|b| b.name.starts_with(prefix));
        }
        tracing::debug!(count = buckets.len(), "listed S3 buckets");
        Ok(buckets)
    }
}

#[tool]
impl S3Buckets {
    /// Count the S3 buckets of the AWS account (all regions).
    #[tool(read_only, open_world = false)]
    pub async fn count_s3_buckets(&self) -> Result<usize, S3Error> {
        Ok(self.buckets(None).await?.len())
    }

    /// List the S3 buckets of the AWS account: name, region and creation date of each.
    #[tool(read_only, open_world = false)]
    pub async fn list_s3_buckets(
        &self,
        /// Only buckets whose name starts with this.
        prefix: Option<String>,
    ) -> Result<BucketList, S3Error> {
        let buckets = self.buckets(prefix.as_deref()).await?;
        Ok(BucketList { count: buckets.len(), buckets })
    }
}
