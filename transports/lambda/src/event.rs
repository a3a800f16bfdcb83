//! What an API Gateway or Function URL event adds to the HTTP request:
//! the endpoint path without the stage, and the authenticated principal.

use lambda_http::aws_lambda_events::apigw::ApiGatewayRequestAuthorizer;
use lambda_http::request::RequestContext;
use lambda_http::RequestExt;
use lambda_mcp_core::Principal;

/// The path as the client addressed it inside the API: the event's raw path
/// with a leading `/{stage}` removed, so `/mcp` is the endpoint on every
/// stage whether or not `AWS_LAMBDA_HTTP_IGNORE_STAGE_IN_PATH` is set.
pub(crate) fn path(request: &lambda_http::Request) -> String {
    let raw = request.raw_http_path();
    let raw = if raw.is_empty() { request.uri().path() } else { raw };
    match stage(request) {
        Some(stage) => strip_stage(raw, stage).to_owned(),
        None => raw.to_owned(),
    }
}

fn stage(request: &lambda_http::Request) -> Option<&str> {
    let stage = match request.request_context_ref()? {
        RequestContext::ApiGatewayV1(c) => c.stage.as_deref(),
        RequestContext::ApiGatewayV2(c) => c.stage.as_deref(),
        _ => None,
    }?;
    (stage != "$default").then_some(stage)
}

fn strip_stage<'a>(path: &'a str, stage: &str) -> &'a str {
    match path.strip_prefix('/').and_then(|p| p.strip_prefix(stage)) {
        Some(rest) if rest.starts_with('/') => rest,
        _ => path,
    }
}

/// The caller as the authorizer in front of the function saw it: a Lambda
/// authorizer's `principalId` (REST APIs), or `principalId` in a Lambda
/// authorizer's context, a JWT `sub` claim or an IAM caller (HTTP APIs and
/// Function URLs). `None` when nothing authenticated the request.
pub(crate) fn principal(request: &lambda_http::Request) -> Option<Principal> {
    let id = match request.request_context_ref()? {
        RequestContext::ApiGatewayV1(c) => from_authorizer(&c.authorizer),
        RequestContext::ApiGatewayV2(c) => c.authorizer.as_ref().and_then(from_authorizer),
        _ => None,
    }?;
    Some(Principal::new(id))
}

fn from_authorizer(authorizer: &ApiGatewayRequestAuthorizer) -> Option<String> {
    let lambda = authorizer.fields.get("principalId").and_then(|v| v.as_str());
    let jwt = || authorizer.jwt.as_ref().and_then(|j| j.claims.get("sub")).map(String::as_str);
    let iam = || authorizer.iam.as_ref().and_then(|i| i.user_arn.as_deref());
    lambda.or_else(jwt).or_else(iam).filter(|id| !id.is_empty()).map(str::to_owned)
}

#[cfg(test)]
mod tests {
    use super::strip_stage;

    #[test]
    fn the_stage_prefix_goes_only_when_it_is_a_whole_segment() {
        assert_eq!(strip_stage("/prod/mcp", "prod"), "/mcp");
        assert_eq!(strip_stage("/mcp", "prod"), "/mcp");
        assert_eq!(strip_stage("/production/mcp", "prod"), "/production/mcp");
        assert_eq!(strip_stage("/prod", "prod"), "/prod");
    }
}
