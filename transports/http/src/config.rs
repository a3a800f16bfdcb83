use std::fmt;
use subtle::ConstantTimeEq;

/// How the Streamable HTTP endpoint behaves. Built once per process.
#[derive(Clone, Debug)]
pub struct HttpConfig {
    pub(crate) path: String,
    pub(crate) max_body_bytes: usize,
    pub(crate) allowed_origins: Vec<String>,
    pub(crate) allowed_hosts: Option<Vec<String>>,
    pub(crate) auth: Option<BearerToken>,
    pub(crate) streaming: bool,
}

impl Default for HttpConfig {
    fn default() -> Self {
        HttpConfig {
            path: "/mcp".into(),
            max_body_bytes: 1024 * 1024,
            allowed_origins: Vec::new(),
            allowed_hosts: None,
            auth: None,
            streaming: true,
        }
    }
}

impl HttpConfig {
    /// The endpoint's path (default `/mcp`).
    pub fn path(mut self, path: impl Into<String>) -> Self {
        self.path = path.into();
        self
    }

    /// The largest request body accepted; larger ones get 413 (default 1 MiB).
    pub fn max_body_bytes(mut self, bytes: usize) -> Self {
        self.max_body_bytes = bytes;
        self
    }

    /// The configured body limit.
    pub fn body_limit(&self) -> usize {
        self.max_body_bytes
    }

    /// Browser origins (e.g. `https://app.example.com`) allowed besides
    /// localhost; any other `Origin` gets 403.
    pub fn allow_origin(mut self, origin: impl Into<String>) -> Self {
        self.allowed_origins.push(origin.into().trim_end_matches('/').to_owned());
        self
    }

    /// Checks the `Host` header against localhost and `hosts` (DNS
    /// rebinding protection for a server bound to loopback). Without this
    /// call any `Host` is accepted.
    pub fn restrict_hosts<I: IntoIterator<Item = String>>(mut self, hosts: I) -> Self {
        self.allowed_hosts = Some(hosts.into_iter().collect());
        self
    }

    /// Requires `Authorization: Bearer <token>` on every request.
    pub fn bearer_token(mut self, token: impl Into<String>) -> Self {
        self.auth = Some(BearerToken::new(token));
        self
    }

    /// Whether SSE bodies are streamed as events happen (hyper) or
    /// buffered into one response (Lambda behind API Gateway). A buffered
    /// deployment also refuses the GET stream (405).
    pub fn streaming(mut self, streaming: bool) -> Self {
        self.streaming = streaming;
        self
    }
}

/// The expected bearer token, and the one check of an `Authorization`
/// header against it, shared by this crate and the Lambda authorizer
/// (`bins/authorizer`). Never printed: `Debug` shows `[redacted]`.
#[derive(Clone)]
pub struct BearerToken(String);

impl BearerToken {
    /// The token a client must present.
    pub fn new(token: impl Into<String>) -> Self {
        BearerToken(token.into())
    }

    /// Whether `header` (an `Authorization` value) is `Bearer <token>`: the
    /// scheme in any case, whitespace around the token ignored, the token
    /// compared in constant time. `None` (no header) never matches.
    pub fn verify(&self, header: Option<&[u8]>) -> bool {
        let Some(presented) = header.and_then(|h| strip_bearer(h)) else {
            return false;
        };
        let expected = self.0.as_bytes();
        presented.len() == expected.len() && bool::from(presented.ct_eq(expected))
    }
}

fn strip_bearer(header: &[u8]) -> Option<&[u8]> {
    let (scheme, rest) = header.split_at(header.iter().position(|&b| b == b' ')?);
    scheme.eq_ignore_ascii_case(b"bearer").then(|| rest.trim_ascii())
}

impl fmt::Debug for BearerToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bearer_tokens_compare_exactly_and_never_print() {
        let t = BearerToken("s3cret-token".into());
        assert!(t.verify(Some(b"Bearer s3cret-token")));
        assert!(t.verify(Some(b"bearer  s3cret-token")));
        for bad in [&b"Bearer s3cret-tokeN"[..], b"Bearer s3cret", b"Basic s3cret-token", b"s3cret-token", b""] {
            assert!(!t.verify(Some(bad)), "{}", String::from_utf8_lossy(bad));
        }
        assert!(!t.verify(None));
        assert_eq!(format!("{:?}", HttpConfig::default().bearer_token("s3cret-token")).matches("s3cret").count(), 0);
    }
}
