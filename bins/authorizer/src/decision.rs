//! The decision about one `Authorization` header: a pure function.

use lambda_mcp_http::BearerToken;
use std::fmt;

/// What the authorizer decided about a request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Decision {
    /// `Authorization: Bearer <the configured token>`.
    Allow,
    /// Anything else.
    Deny(DenyReason),
}

/// Why a request was denied. Logged; never carries the presented token.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum DenyReason {
    /// No `Authorization` header, or an empty one.
    MissingHeader,
    /// A header that is not `Bearer <token>`: another scheme, or no token.
    NotBearer,
    /// A bearer token other than the configured one.
    WrongToken,
    /// The event is neither a TOKEN nor a REQUEST authorizer event.
    MalformedEvent,
}

impl DenyReason {
    /// A short, stable label for logs and metrics.
    pub fn as_str(self) -> &'static str {
        match self {
            DenyReason::MissingHeader => "missing Authorization header",
            DenyReason::NotBearer => "not a Bearer credential",
            DenyReason::WrongToken => "wrong token",
            DenyReason::MalformedEvent => "not a TOKEN or REQUEST authorizer event",
        }
    }
}

impl fmt::Display for DenyReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Decides on `header`, the raw `Authorization` value (`None` when absent).
/// The token check is [`BearerToken::verify`], the one `mcp-http` uses
/// (scheme in any case, whitespace around the token ignored, constant-time
/// comparison); the rest only names the reason of a denial.
pub fn decide(token: &BearerToken, header: Option<&[u8]>) -> Decision {
    if token.verify(header) {
        return Decision::Allow;
    }
    Decision::Deny(match header {
        None | Some([]) => DenyReason::MissingHeader,
        Some(value) if !has_bearer_token(value) => DenyReason::NotBearer,
        Some(_) => DenyReason::WrongToken,
    })
}

/// `Bearer` (any case), a space, then something other than whitespace.
fn has_bearer_token(value: &[u8]) -> bool {
    const SCHEME: &[u8] = b"bearer ";
    value.len() > SCHEME.len()
        && value[..SCHEME.len()].eq_ignore_ascii_case(SCHEME)
        && !value[SCHEME.len()..].trim_ascii().is_empty()
}

#[cfg(test)]
mod tests {
    use super::*;

    const TOKEN: &str = "0123456789abcdef-GOOD";

    fn decide_on(header: Option<&[u8]>) -> Decision {
        decide(&BearerToken::new(TOKEN), header)
    }

    #[test]
    fn the_configured_token_is_allowed() {
        assert_eq!(decide_on(Some(b"Bearer 0123456789abcdef-GOOD")), Decision::Allow);
    }

    #[test]
    fn the_scheme_is_case_insensitive_and_spaces_around_the_token_are_ignored() {
        for header in [
            &b"bearer 0123456789abcdef-GOOD"[..],
            b"BEARER 0123456789abcdef-GOOD",
            b"Bearer    0123456789abcdef-GOOD",
            b"Bearer 0123456789abcdef-GOOD  ",
            b"Bearer \t0123456789abcdef-GOOD\t",
        ] {
            assert_eq!(decide_on(Some(header)), Decision::Allow, "{}", String::from_utf8_lossy(header));
        }
    }

    #[test]
    fn a_missing_or_empty_header_is_denied() {
        assert_eq!(decide_on(None), Decision::Deny(DenyReason::MissingHeader));
        assert_eq!(decide_on(Some(b"")), Decision::Deny(DenyReason::MissingHeader));
    }

    #[test]
    fn another_scheme_or_no_token_is_denied() {
        for header in [
            &b"0123456789abcdef-GOOD"[..],
            b"Basic 0123456789abcdef-GOOD",
            b"Token 0123456789abcdef-GOOD",
            b"Bearer0123456789abcdef-GOOD",
            b"Bearer",
            b"Bearer ",
            b"Bearer    ",
            b" Bearer 0123456789abcdef-GOOD",
            b"   ",
        ] {
            assert_eq!(decide_on(Some(header)), Decision::Deny(DenyReason::NotBearer), "{header:?}");
        }
    }

    #[test]
    fn any_other_token_is_denied() {
        for header in [
            // One character changed, in case, shorter, longer, a prefix of the token.
            &b"Bearer 0123456789abcdef-GOOE"[..],
            b"Bearer 0123456789abcdef-good",
            b"Bearer 0123456789abcdef-GOO",
            b"Bearer 0123456789abcdef-GOODX",
            b"Bearer 0123456789abcdef-GOOD 0123456789abcdef-GOOD",
            b"Bearer 0",
            // Not UTF-8.
            b"Bearer 0123456789abcdef-GOO\xff",
            b"Bearer \xc3\x28\xa0\xa1",
        ] {
            assert_eq!(decide_on(Some(header)), Decision::Deny(DenyReason::WrongToken), "{header:?}");
        }
    }

    #[test]
    fn reasons_never_carry_the_presented_token() {
        let header = b"Bearer my-presented-secret";
        let Decision::Deny(reason) = decide_on(Some(header)) else { panic!("allowed") };
        assert!(!format!("{reason} {reason:?}").contains("my-presented-secret"));
    }
}
