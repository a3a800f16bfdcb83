//! Where Serper is and how to authenticate: read once, at startup.

use crate::SearchError;
use std::fmt;
use std::time::Duration;

/// Serper's public API.
pub const DEFAULT_BASE_URL: &str = "https://google.serper.dev";
/// How long one attempt may take, from connecting to the last body byte.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(10);
/// The environment variable holding the API key.
pub const API_KEY_VAR: &str = "SERPER_API_KEY";
/// The environment variable overriding [`DEFAULT_BASE_URL`] (tests, proxies).
pub const BASE_URL_VAR: &str = "SERPER_BASE_URL";

/// A Serper API key. Its `Debug` and `Display` never show it: the key goes
/// into the `X-API-KEY` header (marked sensitive) and nowhere else.
#[derive(Clone, PartialEq, Eq)]
pub struct ApiKey(String);

impl ApiKey {
    /// Wraps a key.
    pub fn new(key: impl Into<String>) -> Self {
        ApiKey(key.into())
    }

    pub(crate) fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ApiKey(<redacted>)")
    }
}

impl fmt::Display for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

/// How to reach Serper.
///
/// ```
/// use lambda_mcp_tool_web_search::SerperConfig;
/// let config = SerperConfig::new("secret-key").base_url("http://127.0.0.1:9999");
/// assert!(!format!("{config:?}").contains("secret-key"));
/// assert_eq!(config.endpoint(), "http://127.0.0.1:9999/search");
/// ```
#[derive(Debug, Clone)]
pub struct SerperConfig {
    pub(crate) api_key: Option<ApiKey>,
    pub(crate) base_url: String,
    pub(crate) timeout: Duration,
    pub(crate) retry_delay: Duration,
}

impl SerperConfig {
    /// Serper's public API with this key.
    pub fn new(api_key: impl Into<String>) -> Self {
        SerperConfig { api_key: Some(ApiKey::new(api_key)), ..Self::without_key() }
    }

    /// No key: every search fails with [`SearchError::MissingApiKey`].
    pub fn without_key() -> Self {
        SerperConfig {
            api_key: None,
            base_url: DEFAULT_BASE_URL.into(),
            timeout: DEFAULT_TIMEOUT,
            retry_delay: Duration::from_millis(250),
        }
    }

    /// From `SERPER_API_KEY` and `SERPER_BASE_URL` (both optional; an empty
    /// value counts as unset).
    pub fn from_env() -> Self {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// Like [`from_env`](Self::from_env), reading variables through `lookup`.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Self {
        let set = |name| lookup(name).map(|v| v.trim().to_owned()).filter(|v| !v.is_empty());
        let mut config = Self::without_key();
        config.api_key = set(API_KEY_VAR).map(ApiKey::new);
        if let Some(url) = set(BASE_URL_VAR) {
            config = config.base_url(url);
        }
        config
    }

    /// Another base URL; `/search` is appended.
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = url.into().trim_end_matches('/').to_owned();
        self
    }

    /// The time limit of one attempt (there are at most two).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// The pause before the one retry.
    pub fn retry_delay(mut self, delay: Duration) -> Self {
        self.retry_delay = delay;
        self
    }

    /// Whether a key is configured.
    pub fn has_api_key(&self) -> bool {
        self.api_key.is_some()
    }

    /// The search endpoint: the base URL and `/search`.
    pub fn endpoint(&self) -> String {
        format!("{}/search", self.base_url)
    }

    pub(crate) fn check(&self) -> Result<(), SearchError> {
        let ok = reqwest::Url::parse(&self.endpoint())
            .is_ok_and(|url| matches!(url.scheme(), "http" | "https") && url.host().is_some());
        if ok {
            Ok(())
        } else {
            Err(SearchError::InvalidBaseUrl(self.base_url.clone()))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_environment_and_hides_the_key() {
        let config = SerperConfig::from_lookup(|name| match name {
            API_KEY_VAR => Some(" k-123 ".into()),
            BASE_URL_VAR => Some("http://127.0.0.1:1/".into()),
            _ => None,
        });
        assert_eq!(config.api_key.as_ref().map(ApiKey::expose), Some("k-123"));
        assert_eq!(config.endpoint(), "http://127.0.0.1:1/search");
        let shown = format!("{config:?} {}", config.api_key.as_ref().unwrap());
        assert!(!shown.contains("k-123"), "{shown}");
    }

    #[test]
    fn empty_variables_count_as_unset() {
        let config = SerperConfig::from_lookup(|_| Some("  ".into()));
        assert!(!config.has_api_key());
        assert_eq!(config.endpoint(), "https://google.serper.dev/search");
    }

    #[test]
    fn a_bad_base_url_is_refused() {
        assert!(SerperConfig::new("k").base_url("not a url").check().is_err());
        assert!(SerperConfig::new("k").base_url("ftp://example.com").check().is_err());
        assert!(SerperConfig::new("k").check().is_ok());
    }
}
