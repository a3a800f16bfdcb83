//! Why a search failed, worded for the model that reads the `isError` result.

use std::time::Duration;

/// Why a search failed. Messages never contain the API key.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SearchError {
    /// No key configured.
    #[error("web search is not configured: set the SERPER_API_KEY environment variable (a serper.dev API key)")]
    MissingApiKey,
    /// The key cannot be sent in an HTTP header (control characters).
    #[error("SERPER_API_KEY contains characters an HTTP header cannot carry")]
    InvalidApiKey,
    /// `SERPER_BASE_URL` is not an http(s) URL.
    #[error("SERPER_BASE_URL {0:?} is not an http(s) URL")]
    InvalidBaseUrl(String),
    /// The HTTP client could not be built.
    #[error("cannot create the HTTP client: {0}")]
    Client(#[source] reqwest::Error),
    /// The arguments make no sense (empty query, `num_results` out of range).
    #[error("{0}")]
    InvalidArgument(&'static str),
    /// 401 or 403: the key is wrong, revoked or out of credit.
    #[error("Serper rejected the API key (HTTP {status}{detail}); check SERPER_API_KEY")]
    Unauthorized {
        /// 401 or 403.
        status: u16,
        /// `: ` and Serper's message, if it gave one.
        detail: String,
    },
    /// 429.
    #[error("Serper's rate limit was reached (HTTP 429); {}", retry_hint(.retry_after.as_deref()))]
    RateLimited {
        /// The `Retry-After` header, if any (seconds or an HTTP date).
        retry_after: Option<String>,
    },
    /// Another 4xx: the request itself was refused.
    #[error("Serper refused the search (HTTP {status}{detail})")]
    Rejected {
        /// The status code.
        status: u16,
        /// `: ` and Serper's message, if it gave one.
        detail: String,
    },
    /// A 5xx, on every attempt.
    #[error("Serper failed (HTTP {status}{detail}) on {attempts} attempt(s); try again later")]
    Upstream {
        /// The last status code.
        status: u16,
        /// `: ` and Serper's message, if it gave one.
        detail: String,
        /// How many attempts were made.
        attempts: u8,
    },
    /// No complete answer within the timeout, on every attempt.
    #[error("Serper did not answer within {} on {attempts} attempt(s)", millis(*.after))]
    Timeout {
        /// The per-attempt limit.
        after: Duration,
        /// How many attempts were made.
        attempts: u8,
    },
    /// Connecting or sending failed, on every attempt.
    #[error("could not reach Serper at {endpoint} on {attempts} attempt(s): {cause}")]
    Unreachable {
        /// The URL called.
        endpoint: String,
        /// The innermost cause (e.g. "Connection refused").
        cause: String,
        /// How many attempts were made.
        attempts: u8,
    },
    /// A 2xx whose body is not the JSON Serper documents.
    #[error("Serper sent a malformed response ({0}); try again later")]
    Malformed(String),
}

impl SearchError {
    /// Whether one more attempt may help: 5xx, timeouts, connection failures.
    pub(crate) fn is_retryable(&self) -> bool {
        matches!(self, SearchError::Upstream { .. } | SearchError::Timeout { .. } | SearchError::Unreachable { .. })
    }

    /// Records how many attempts were made, for the retryable variants.
    pub(crate) fn after_attempts(mut self, n: u8) -> Self {
        if let SearchError::Upstream { attempts, .. }
        | SearchError::Timeout { attempts, .. }
        | SearchError::Unreachable { attempts, .. } = &mut self
        {
            *attempts = n;
        }
        self
    }
}

fn retry_hint(retry_after: Option<&str>) -> String {
    match retry_after {
        Some(secs) if secs.chars().all(|c| c.is_ascii_digit()) => format!("retry after {secs} seconds"),
        Some(date) => format!("retry after {date}"),
        None => "wait before retrying".into(),
    }
}

fn millis(d: Duration) -> String {
    if d.subsec_millis() == 0 {
        format!("{}s", d.as_secs())
    } else {
        format!("{}ms", d.as_millis())
    }
}
