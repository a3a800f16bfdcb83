//! # lambda-mcp-bin-authorizer
//!
//! `mcp-authorizer`: the Lambda authorizer in front of `mcp-lambda` on the
//! API Gateway REST API of `template.yaml`. It accepts exactly
//! `Authorization: Bearer <MCP_AUTH_TOKEN>` (the check `mcp-http` makes,
//! [`BearerToken::verify`]: constant-time, scheme in any case) in a TOKEN
//! event (the template's: cached per `Authorization` value) or a REQUEST
//! event.
//!
//! | the request | the authorizer returns | the client gets |
//! |---|---|---|
//! | `Authorization: Bearer <MCP_AUTH_TOKEN>` | an Allow policy on every method of `/mcp` of the stage called, principal [`PRINCIPAL`] | the MCP function's answer |
//! | no header, another scheme, another token | the error `Unauthorized` | 401 |
//! | an event that is neither TOKEN nor REQUEST | the error `Unauthorized` | 401 |
//! | the right token, a `methodArn` that is not an execute-api ARN | an error naming the ARN | 500 |
//!
//! A bad token gets 401, not an explicit Deny policy (403): MCP clients
//! (and `mcp-client`, and `mcp-http` itself) treat 401 as "authenticate",
//! 403 as "authenticated but not allowed", and API Gateway only answers
//! 401 for an authorizer that fails with the message `Unauthorized`.
//!
//! The policy covers every method (`…/<stage>/*/mcp`) because API Gateway
//! caches it per token for the authorizer's TTL: a policy for the called
//! method only would deny the same client's later GET or DELETE from the
//! cache. Logs carry the decision and its reason, never a token.
//!
//! ```
//! use lambda_mcp_bin_authorizer::{token_from, AuthError, Authorizer, DenyReason, PRINCIPAL};
//! use serde_json::json;
//!
//! let authorizer = Authorizer::new(token_from(|_| Some("0123456789abcdef".into())).unwrap());
//! let arn = "arn:aws:execute-api:us-east-1:123456789012:abc123/Prod/POST/mcp";
//!
//! let good = json!({"type": "TOKEN", "authorizationToken": "Bearer 0123456789abcdef", "methodArn": arn});
//! let response = authorizer.authorize(good).unwrap();
//! assert_eq!(response.principal_id.as_deref(), Some(PRINCIPAL));
//! assert_eq!(response.policy_document.statement[0].resource,
//!            ["arn:aws:execute-api:us-east-1:123456789012:abc123/Prod/*/mcp"]);
//!
//! let bad = json!({"type": "TOKEN", "authorizationToken": "Bearer guess", "methodArn": arn});
//! assert_eq!(authorizer.authorize(bad).unwrap_err(), AuthError::Unauthorized(DenyReason::WrongToken));
//! ```

mod config;
mod decision;
mod event;
mod policy;

pub use config::{token_from, ConfigError, MIN_TOKEN_LEN, TOKEN_VAR};
pub use decision::{decide, Decision, DenyReason};
pub use lambda_mcp_http::BearerToken;
pub use policy::{allow, mcp_resource_arn, ArnError, AuthContext, AuthorizerResponse, MCP_RESOURCE};

use event::AuthorizerEvent;
use lambda_runtime::Diagnostic;

/// The principal id of a client that presented the token: one shared token
/// is one principal. A fixed name, so nothing about the token leaves the
/// authorizer; `mcp-lambda` makes it the owner of the sessions it opens.
pub const PRINCIPAL: &str = "mcp-client";

/// Why a request was not allowed.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[non_exhaustive]
pub enum AuthError {
    /// Not authenticated. Reported to Lambda as `Unauthorized`, which API
    /// Gateway turns into 401.
    #[error("Unauthorized")]
    Unauthorized(DenyReason),
    /// Authenticated, but no policy can be built from the event's
    /// `methodArn`: a deployment fault, which API Gateway turns into 500.
    #[error(transparent)]
    MethodArn(#[from] ArnError),
}

impl From<AuthError> for Diagnostic {
    fn from(error: AuthError) -> Diagnostic {
        let error_type = match error {
            AuthError::Unauthorized(_) => "Unauthorized",
            AuthError::MethodArn(_) => "InvalidMethodArn",
        };
        Diagnostic { error_type: error_type.to_owned(), error_message: error.to_string() }
    }
}

/// The authorizer: the configured token, built once per Lambda environment.
#[derive(Clone, Debug)]
pub struct Authorizer {
    token: BearerToken,
}

impl Authorizer {
    /// An authorizer that accepts `token`.
    pub fn new(token: BearerToken) -> Self {
        Authorizer { token }
    }

    /// Answers one authorizer event (the Lambda payload), and logs the
    /// decision with its reason.
    pub fn authorize(&self, event: serde_json::Value) -> Result<AuthorizerResponse, AuthError> {
        let outcome = self.evaluate(event);
        match &outcome {
            Ok(response) => {
                let resource = &response.policy_document.statement[0].resource[0];
                tracing::info!(decision = "allow", principal = PRINCIPAL, resource = %resource, "authorized");
            }
            Err(AuthError::Unauthorized(reason)) => tracing::info!(decision = "deny", %reason, "unauthorized"),
            Err(AuthError::MethodArn(error)) => {
                tracing::error!(decision = "error", %error, "no policy for the request")
            }
        }
        outcome
    }

    fn evaluate(&self, event: serde_json::Value) -> Result<AuthorizerResponse, AuthError> {
        // The parse error is dropped: its text could quote a token.
        let event: AuthorizerEvent =
            serde_json::from_value(event).map_err(|_| AuthError::Unauthorized(DenyReason::MalformedEvent))?;
        match decide(&self.token, event.authorization()) {
            Decision::Deny(reason) => Err(AuthError::Unauthorized(reason)),
            Decision::Allow => Ok(allow(PRINCIPAL, event.method_arn().ok_or(ArnError::Missing)?)?),
        }
    }
}
