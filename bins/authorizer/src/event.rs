//! The two kinds of event a REST API sends a Lambda authorizer.

use aws_lambda_events::apigw::{ApiGatewayCustomAuthorizerRequest, ApiGatewayCustomAuthorizerRequestTypeRequest};
use serde::Deserialize;

/// A TOKEN event (the `Authorization` header as `authorizationToken`) or a
/// REQUEST event (all headers); both carry the `methodArn` called.
#[derive(Debug, Deserialize)]
#[serde(tag = "type")]
pub(crate) enum AuthorizerEvent {
    /// `"type": "TOKEN"` (the one `template.yaml` configures).
    #[serde(rename = "TOKEN")]
    Token(ApiGatewayCustomAuthorizerRequest),
    /// `"type": "REQUEST"`.
    #[serde(rename = "REQUEST")]
    Request(Box<ApiGatewayCustomAuthorizerRequestTypeRequest>),
}

impl AuthorizerEvent {
    /// The raw `Authorization` value, if any.
    pub(crate) fn authorization(&self) -> Option<&[u8]> {
        match self {
            AuthorizerEvent::Token(event) => event.authorization_token.as_deref().map(str::as_bytes),
            AuthorizerEvent::Request(event) => event.headers.get("authorization").map(|v| v.as_bytes()),
        }
    }

    /// The method ARN of the request being authorized.
    pub(crate) fn method_arn(&self) -> Option<&str> {
        match self {
            AuthorizerEvent::Token(event) => event.method_arn.as_deref(),
            AuthorizerEvent::Request(event) => event.method_arn.as_deref(),
        }
    }
}
