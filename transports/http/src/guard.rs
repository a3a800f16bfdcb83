//! The checks in front of the router: path, Origin/Host, bearer token,
//! Accept and Content-Type. Each returns the refusal to send, if any.

use crate::body::McpBody;
use crate::config::HttpConfig;
use crate::headers::{media_range, Inbound};
use crate::reply;
use http::{Response, StatusCode, Uri};

/// Checks every request, whatever its method.
pub(crate) fn admit(config: &HttpConfig, uri: &Uri, headers: &Inbound<'_>) -> Result<(), Response<McpBody>> {
    let path = uri.path();
    // Compared as given first: trimming searches both ends for '/'.
    if path != config.path && path.trim_end_matches('/') != config.path.trim_end_matches('/') {
        return Err(reply::refuse(StatusCode::NOT_FOUND, "Not Found: the MCP endpoint is elsewhere"));
    }
    if let Some(origin) = headers.origin {
        let origin = origin.to_str().unwrap_or_default().trim_end_matches('/');
        if !(origin_is_local(origin) || config.allowed_origins.iter().any(|o| o == origin)) {
            return Err(reply::refuse(StatusCode::FORBIDDEN, "Forbidden: Origin not allowed"));
        }
    }
    if let Some(hosts) = &config.allowed_hosts {
        // HTTP/2 carries the host in the URI's authority instead.
        let host = headers
            .host
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
        if !token.verify(headers.authorization.map(|h| h.as_bytes())) {
            return Err(reply::unauthorized());
        }
    }
    Ok(())
}

/// POST needs JSON in and must accept both JSON and SSE out.
pub(crate) fn post_headers(headers: &Inbound<'_>) -> Result<(), Response<McpBody>> {
    if !(headers.accepts.json && headers.accepts.sse) {
        return Err(reply::refuse(
            StatusCode::NOT_ACCEPTABLE,
            "Not Acceptable: Accept must allow both application/json and text/event-stream",
        ));
    }
    let content_type = headers.content_type.map(|v| v.as_bytes()).unwrap_or_default();
    if !media_range(content_type).eq_ignore_ascii_case(b"application/json") {
        return Err(reply::refuse(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "Unsupported Media Type: Content-Type must be application/json",
        ));
    }
    Ok(())
}

/// GET must accept SSE.
pub(crate) fn get_headers(headers: &Inbound<'_>) -> Result<(), Response<McpBody>> {
    if headers.accepts.sse {
        Ok(())
    } else {
        Err(reply::refuse(StatusCode::NOT_ACCEPTABLE, "Not Acceptable: Accept must allow text/event-stream"))
    }
}

fn origin_is_local(origin: &str) -> bool {
    let host = origin.split_once("://").map_or(origin, |(_, rest)| rest);
    host_is_local(host)
}

fn host_is_local(host: &str) -> bool {
    matches!(strip_port(host), "localhost" | "127.0.0.1" | "[::1]")
}

fn strip_port(host: &str) -> &str {
    let bytes = host.as_bytes();
    if bytes.first() == Some(&b'[') {
        return bytes.iter().position(|&b| b == b']').map_or(host, |end| &host[..=end]);
    }
    // A port is the digits after the last ':' (by bytes: this runs on every request).
    let digits = bytes.iter().rev().take_while(|b| b.is_ascii_digit()).count();
    match bytes.len().checked_sub(digits + 1) {
        Some(colon) if bytes[colon] == b':' => &host[..colon],
        _ => host,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn local_hosts_and_origins() {
        for local in ["localhost", "localhost:8080", "127.0.0.1:1", "[::1]:9"] {
            assert!(host_is_local(local), "{local}");
        }
        assert!(origin_is_local("http://localhost:3000"));
        assert!(!origin_is_local("https://evil.example"));
        assert!(!host_is_local("localhost.evil.example"));
        for (host, bare) in [
            ("example.com:443", "example.com"),
            ("example.com", "example.com"),
            ("example.com:", "example.com"),
            ("a:b1", "a:b1"),
            ("[::1]:8080", "[::1]"),
            ("[::1", "[::1"),
            ("::1", ":"),
            ("", ""),
        ] {
            assert_eq!(strip_port(host), bare, "{host}");
        }
    }
}
