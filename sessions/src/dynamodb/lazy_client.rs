//! The SDK's HTTPS client, built when the first request needs it rather
//! than when a client is constructed.
//!
//! Constructing an SDK client validates its HTTP client, and the default
//! one loads the platform's root certificates right then: ~10 ms of cold
//! start on a Lambda environment's first invocation, paid even by calls that
//! never reach AWS (a stateless tool, a cached session). Behind this wrapper
//! the certificates load on the first real request instead.

use aws_sdk_dynamodb::config::{RuntimeComponents, SharedHttpClient};
use aws_smithy_http_client::tls::{self, rustls_provider::CryptoMode};
use aws_smithy_runtime_api::client::http::{HttpClient, HttpConnectorSettings, SharedHttpConnector};
use std::sync::OnceLock;

/// A lazily built rustls (aws-lc) HTTPS client; share one per process.
#[derive(Debug, Default)]
pub(crate) struct LazyHttpsClient(OnceLock<SharedHttpClient>);

impl LazyHttpsClient {
    fn client(&self) -> &SharedHttpClient {
        self.0.get_or_init(|| {
            aws_smithy_http_client::Builder::new().tls_provider(tls::Provider::Rustls(CryptoMode::AwsLc)).build_https()
        })
    }
}

impl HttpClient for LazyHttpsClient {
    fn http_connector(&self, settings: &HttpConnectorSettings, components: &RuntimeComponents) -> SharedHttpConnector {
        self.client().http_connector(settings, components)
    }
}
