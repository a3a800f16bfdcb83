//! The configured token, read once at start.

use lambda_mcp_http::BearerToken;

/// The variable that holds the token clients must present.
pub const TOKEN_VAR: &str = "MCP_AUTH_TOKEN";

/// The shortest token accepted (the template's `McpAuthToken` has the same
/// `MinLength`).
pub const MIN_TOKEN_LEN: usize = 16;

/// Why the authorizer refuses to start. A misconfigured authorizer stops at
/// init: API Gateway then answers 500 to every request, which points at the
/// deployment, where denying everything (401) would blame the client's token.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[non_exhaustive]
pub enum ConfigError {
    /// `MCP_AUTH_TOKEN` is unset or empty.
    #[error("{TOKEN_VAR} is not set: refusing to start, every request would be denied")]
    Missing,
    /// `MCP_AUTH_TOKEN` is shorter than [`MIN_TOKEN_LEN`].
    #[error("{TOKEN_VAR} is shorter than {MIN_TOKEN_LEN} characters: refusing to start")]
    TooShort,
    /// `MCP_AUTH_TOKEN` has a character a client could not send as a bearer
    /// token in an HTTP header (a space, a control or a non-ASCII character).
    #[error("{TOKEN_VAR} must be printable ASCII without spaces (it travels in an HTTP header): refusing to start")]
    NotPrintable,
}

/// The token from `lookup(MCP_AUTH_TOKEN)` (`std::env::var` in the binary),
/// checked: set, at least [`MIN_TOKEN_LEN`] characters, printable ASCII
/// without spaces. The error never contains the token.
pub fn token_from(lookup: impl Fn(&str) -> Option<String>) -> Result<BearerToken, ConfigError> {
    let token = lookup(TOKEN_VAR).filter(|t| !t.is_empty()).ok_or(ConfigError::Missing)?;
    if !token.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(ConfigError::NotPrintable);
    }
    if token.len() < MIN_TOKEN_LEN {
        return Err(ConfigError::TooShort);
    }
    Ok(BearerToken::new(token))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn token(value: Option<&str>) -> Result<BearerToken, ConfigError> {
        token_from(|name| {
            assert_eq!(name, TOKEN_VAR);
            value.map(str::to_owned)
        })
    }

    #[test]
    fn a_long_printable_token_is_accepted() {
        let t = token(Some("0123456789abcdef")).unwrap();
        assert!(t.verify(Some(b"Bearer 0123456789abcdef")));
    }

    #[test]
    fn unset_empty_short_or_unprintable_tokens_refuse_to_start() {
        assert_eq!(token(None).err(), Some(ConfigError::Missing));
        assert_eq!(token(Some("")).err(), Some(ConfigError::Missing));
        assert_eq!(token(Some("0123456789abcde")).err(), Some(ConfigError::TooShort));
        for bad in ["0123456789abcdef ", " 0123456789abcdef", "0123456789\tabcdef", "0123456789abcdéf"] {
            assert_eq!(token(Some(bad)).err(), Some(ConfigError::NotPrintable), "{bad:?}");
        }
    }

    #[test]
    fn errors_never_carry_the_token() {
        let secret = "s3cr3t";
        for value in [secret.to_owned(), format!("{secret} {secret}{secret}")] {
            let message = token(Some(&value)).err().unwrap().to_string();
            assert!(!message.contains(secret), "{message}");
        }
    }
}
