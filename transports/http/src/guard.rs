//! The checks in front of the router: path, Origin/Host, bearer token,
//! Accept and Content-Type. Each returns the refusal to send, if any.

use crate::body::McpBody;
use crate::config::HttpConfig;
use crate::reply;
use http::{header, HeaderMap, Response, StatusCode, Uri};

/// Checks every request, whatever its method.
pub(crate) fn admit(config: &HttpConfig, uri: &Uri, headers: &HeaderMap) -> Result<(), Response<McpBody>> {
    if uri.path().trim_end_matches('/') != config.path.trim_end_matches('/') {
        return Err(reply::refuse(StatusCode::NOT_FOUND, "Not Found: the MCP endpoint is elsewhere"));
    }
    if let Some(origin) = headers.get(header::ORIGIN) {
        let origin = origin.to_str().unwrap_or_default().trim_end_matches('/');
        if !(origin_is_local(origin) || config.allowed_origins.iter().any(|o| o == origin)) {
            return Err(reply::refuse(StatusCode::FORBIDDEN, "Forbidden: Origin not allowed"));
        }
    }
    if let Some(hosts) = &config.allowed_hosts {
        // HTTP/2 carries the host in the URI's authority instead.
        let host = headers
            .get(header::HOST)
            .and_then(|h| h.to_str().ok())
            .or_else(|| uri.authority().map(|a| a.as_str()))
            .unwrap_or_default();
        if !(host_is_local(host)
            || hosts.iter().any(|h| h.eq_ignore_ascii_case(host) || h.eq_ignore_ascii_case(strip_port(host))))
        {
            return Err(reply::refuse(StatusCode::FORBIDDEN, "Forbidden: Host not allowed"));
        }
    }
    if let Some(token) = &config.auth {
        if !token.verify(headers.get(header::AUTHORIZATION).map(|h| h.as_bytes())) {
            return Err(reply::unauthorized());
        }
    }
    Ok(())
}

/// POST needs JSON in and must accept both JSON and SSE out.
pub(crate) fn post_headers(headers: &HeaderMap) -> Result<(), Response<McpBody>> {
    if accepted(headers) != (Accepts { json: true, sse: true }) {
        return Err(reply::refuse(
            StatusCode::NOT_ACCEPTABLE,
            "Not Acceptable: Accept must allow both application/json and text/event-stream",
        ));
    }
    let content_type = headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or_default();
    if !media_type(content_type).eq_ignore_ascii_case("application/json") {
        return Err(reply::refuse(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "Unsupported Media Type: Content-Type must be application/json",
        ));
    }
    Ok(())
}

/// GET must accept SSE.
pub(crate) fn get_headers(headers: &HeaderMap) -> Result<(), Response<McpBody>> {
    if accepted(headers).sse {
        Ok(())
    } else {
        Err(reply::refuse(StatusCode::NOT_ACCEPTABLE, "Not Acceptable: Accept must allow text/event-stream"))
    }
}

/// What the `Accept` headers allow of the two types this endpoint answers with.
#[derive(Debug, Default, PartialEq, Eq)]
struct Accepts {
    json: bool,
    sse: bool,
}

/// Reads every `Accept` header (each a comma-separated list of media
/// ranges) in one pass, by bytes: it runs on every POST.
fn accepted(headers: &HeaderMap) -> Accepts {
    /// What the official SDKs send: compared whole before anything is split.
    const BOTH: &[u8] = b"application/json, text/event-stream";
    let mut accepts = Accepts::default();
    for accept in headers.get_all(header::ACCEPT).iter() {
        if accept.as_bytes() == BOTH {
            return Accepts { json: true, sse: true };
        }
        let Ok(accept) = accept.to_str() else { continue };
        for range in accept.as_bytes().split(|&b| b == b',').map(media_range) {
            if range == b"*/*" {
                return Accepts { json: true, sse: true };
            }
            accepts.json |=
                range.eq_ignore_ascii_case(b"application/json") || range.eq_ignore_ascii_case(b"application/*");
            accepts.sse |= range.eq_ignore_ascii_case(b"text/event-stream") || range.eq_ignore_ascii_case(b"text/*");
        }
    }
    accepts
}

/// A media type without its parameters.
fn media_range(value: &[u8]) -> &[u8] {
    let end = value.iter().position(|&b| b == b';').unwrap_or(value.len());
    value[..end].trim_ascii()
}

fn media_type(value: &str) -> &str {
    let end = value.as_bytes().iter().position(|&b| b == b';').unwrap_or(value.len());
    value[..end].trim_ascii()
}

fn origin_is_local(origin: &str) -> bool {
    let host = origin.split_once("://").map_or(origin, |(_, rest)| rest);
    host_is_local(host)
}

fn host_is_local(host: &str) -> bool {
    matches!(strip_port(host), "localhost" | "127.0.0.1" | "[::1]")
}

fn strip_port(host: &str) -> &str {
    if host.starts_with('[') {
        return host.split_inclusive(']').next().unwrap_or(host);
    }
    host.rsplit_once(':').filter(|(_, port)| port.bytes().all(|b| b.is_ascii_digit())).map_or(host, |(h, _)| h)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accept_ranges() {
        let accepts = |values: &[&str]| {
            let mut headers = HeaderMap::new();
            for v in values {
                headers.append(header::ACCEPT, v.parse().unwrap());
            }
            let Accepts { json, sse } = accepted(&headers);
            (json, sse)
        };
        assert_eq!(accepts(&["application/json, text/event-stream"]), (true, true));
        assert_eq!(accepts(&["application/json", "text/event-stream;q=0.5"]), (true, true));
        assert_eq!(accepts(&["*/*"]), (true, true));
        assert_eq!(accepts(&["application/*;q=0.9, TEXT/*"]), (true, true));
        assert_eq!(accepts(&["application/json"]), (true, false));
        assert_eq!(accepts(&["text/event-stream"]), (false, true));
        assert_eq!(accepts(&[""]), (false, false));
        assert_eq!(accepts(&[]), (false, false));
    }

    #[test]
    fn local_hosts_and_origins() {
        for local in ["localhost", "localhost:8080", "127.0.0.1:1", "[::1]:9"] {
            assert!(host_is_local(local), "{local}");
        }
        assert!(origin_is_local("http://localhost:3000"));
        assert!(!origin_is_local("https://evil.example"));
        assert!(!host_is_local("localhost.evil.example"));
        assert_eq!(strip_port("example.com:443"), "example.com");
    }
}
