//! One search against Serper: a POST with a timeout, and one retry on a
//! 5xx, a timeout or a connection failure.

use crate::config::SerperConfig;
use crate::results::{SearchResults, SerperResponse};
use crate::SearchError;
use reqwest::header::{HeaderValue, CONTENT_TYPE, RETRY_AFTER};
use reqwest::StatusCode;
use std::sync::{Arc, OnceLock};
use std::time::Instant;

/// A Serper client: the configuration and a pooled HTTP client, built on
/// the first search (building it loads the platform's root certificates:
/// milliseconds of a Lambda cold start that other tools should not pay).
#[derive(Debug, Clone)]
pub(crate) struct Serper {
    config: SerperConfig,
    endpoint: String,
    /// The `X-API-KEY` value, marked sensitive (never logged by the HTTP stack).
    key: Option<HeaderValue>,
    http: Arc<OnceLock<reqwest::Client>>,
}

#[derive(serde::Serialize)]
struct SearchRequest<'a> {
    q: &'a str,
    num: u8,
}

impl Serper {
    pub(crate) fn new(config: SerperConfig) -> Result<Self, SearchError> {
        config.check()?;
        let key = match &config.api_key {
            Some(key) => {
                let mut value = HeaderValue::from_str(key.expose()).map_err(|_| SearchError::InvalidApiKey)?;
                value.set_sensitive(true);
                Some(value)
            }
            None => None,
        };
        Ok(Serper { endpoint: config.endpoint(), config, key, http: Arc::default() })
    }

    fn http(&self) -> Result<&reqwest::Client, SearchError> {
        if let Some(client) = self.http.get() {
            return Ok(client);
        }
        let client = reqwest::Client::builder()
            .connect_timeout(self.config.timeout)
            .user_agent(concat!("lambda-mcp-web-search/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(SearchError::Client)?;
        Ok(self.http.get_or_init(|| client))
    }

    pub(crate) fn config(&self) -> &SerperConfig {
        &self.config
    }

    /// Searches, retrying once when that may help.
    pub(crate) async fn search(&self, query: &str, num: u8) -> Result<SearchResults, SearchError> {
        let key = self.key.as_ref().ok_or(SearchError::MissingApiKey)?;
        let body = serde_json::to_vec(&SearchRequest { q: query, num }).expect("a string and a number serialise");
        let first = self.attempt(key, &body).await;
        let response = match first {
            Err(err) if err.is_retryable() => {
                tracing::info!(error = %err, "Serper search failed; retrying once");
                tokio::time::sleep(self.config.retry_delay).await;
                self.attempt(key, &body).await.map_err(|err| err.after_attempts(2))?
            }
            other => other?,
        };
        Ok(response.into_results(query, num.into()))
    }

    async fn attempt(&self, key: &HeaderValue, body: &[u8]) -> Result<SerperResponse, SearchError> {
        let started = Instant::now();
        let sent = self
            .http()?
            .post(&self.endpoint)
            .header("X-API-KEY", key.clone())
            .header(CONTENT_TYPE, "application/json")
            .body(body.to_vec())
            .timeout(self.config.timeout)
            .send()
            .await;
        let response = sent.map_err(|e| self.transport_error(e))?;
        let status = response.status();
        let retry_after = response.headers().get(RETRY_AFTER).and_then(|v| v.to_str().ok()).map(str::to_owned);
        let bytes = response.bytes().await.map_err(|e| self.transport_error(e))?;
        tracing::debug!(status = status.as_u16(), elapsed_ms = started.elapsed().as_millis() as u64, "Serper answered");
        if status.is_success() {
            return serde_json::from_slice(&bytes).map_err(|e| SearchError::Malformed(e.to_string()));
        }
        Err(status_error(status, retry_after, &bytes))
    }

    fn transport_error(&self, err: reqwest::Error) -> SearchError {
        if err.is_timeout() {
            return SearchError::Timeout { after: self.config.timeout, attempts: 1 };
        }
        if err.is_decode() {
            return SearchError::Malformed(innermost(&err));
        }
        SearchError::Unreachable { endpoint: self.endpoint.clone(), cause: innermost(&err), attempts: 1 }
    }
}

/// The error for a non-2xx status.
fn status_error(status: StatusCode, retry_after: Option<String>, body: &[u8]) -> SearchError {
    let detail = upstream_message(body).map(|m| format!(": {m}")).unwrap_or_default();
    let code = status.as_u16();
    match status {
        StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN => SearchError::Unauthorized { status: code, detail },
        StatusCode::TOO_MANY_REQUESTS => SearchError::RateLimited { retry_after },
        s if s.is_server_error() => SearchError::Upstream { status: code, detail, attempts: 1 },
        _ => SearchError::Rejected { status: code, detail },
    }
}

/// Serper's `{"message": …}`, else the start of a short text body.
fn upstream_message(body: &[u8]) -> Option<String> {
    #[derive(serde::Deserialize)]
    struct Message {
        message: String,
    }
    if let Ok(m) = serde_json::from_slice::<Message>(body) {
        return Some(m.message);
    }
    let text = String::from_utf8_lossy(body);
    let text = text.trim();
    (!text.is_empty() && !text.starts_with('<')).then(|| text.chars().take(200).collect())
}

/// The innermost cause of `err` ("Connection refused", …), which reqwest's
/// own message ("error sending request") hides.
fn innermost(err: &reqwest::Error) -> String {
    let mut cause: &dyn std::error::Error = err;
    while let Some(next) = cause.source() {
        cause = next;
    }
    cause.to_string()
}
