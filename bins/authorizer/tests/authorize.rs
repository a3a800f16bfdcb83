//! The authorizer on recorded-shape TOKEN and REQUEST events: the response
//! API Gateway reads and the error it turns into 401 (the log lines are in
//! `logs.rs`).

use lambda_mcp_bin_authorizer::{token_from, ArnError, AuthError, Authorizer, DenyReason, PRINCIPAL};
use lambda_runtime::Diagnostic;
use serde_json::{json, Value};

mod common;
use common::TOKEN;

fn authorizer() -> Authorizer {
    Authorizer::new(token_from(|_| Some(TOKEN.to_owned())).unwrap())
}

/// The TOKEN event with `authorizationToken` replaced (`None`: removed).
fn token_event(header: Option<&str>) -> Value {
    let mut event = common::token_event();
    match header {
        Some(h) => event["authorizationToken"] = json!(h),
        None => drop(event.as_object_mut().unwrap().remove("authorizationToken")),
    }
    event
}

/// The REQUEST event with its `Authorization` header replaced (`None`: removed).
fn request_event(header: Option<&str>) -> Value {
    let mut event = common::request_event();
    common::set_authorization_header(&mut event, header);
    event
}

#[test]
fn the_token_allows_every_method_of_the_mcp_resource_on_the_stage_called() {
    for event in [common::token_event(), common::request_event()] {
        let response = authorizer().authorize(event).unwrap();
        let response = serde_json::to_value(response).unwrap();
        assert_eq!(response["principalId"], PRINCIPAL);
        assert_eq!(response["context"], json!({"principal": PRINCIPAL}));
        assert_eq!(
            response["policyDocument"],
            json!({
                "Version": "2012-10-17",
                "Statement": [{
                    "Action": ["execute-api:Invoke"],
                    "Effect": "Allow",
                    "Resource": ["arn:aws:execute-api:eu-west-1:123456789012:a1b2c3d4e5/Prod/*/mcp"],
                }],
            })
        );
    }
}

#[test]
fn bad_credentials_are_unauthorized_in_both_event_kinds() {
    let cases = [
        (None, DenyReason::MissingHeader),
        (Some(""), DenyReason::MissingHeader),
        (Some(TOKEN), DenyReason::NotBearer),
        (Some("Basic N2YzYzlhMWU1YjJkODA0NmMxZTlmN2EzYjVkMjA0ODY="), DenyReason::NotBearer),
        (Some("Bearer"), DenyReason::NotBearer),
        (Some("Bearer 7f3c9a1e5b2d8046c1e9f7a3b5d20487"), DenyReason::WrongToken),
        (Some("Bearer 7f3c9a1e5b2d8046"), DenyReason::WrongToken),
        (Some("Bearer 7F3C9A1E5B2D8046C1E9F7A3B5D20486"), DenyReason::WrongToken),
    ];
    for (header, reason) in cases {
        for event in [token_event(header), request_event(header)] {
            let kind = event["type"].clone();
            assert_eq!(authorizer().authorize(event), Err(AuthError::Unauthorized(reason)), "{kind} {header:?}");
        }
    }
}

#[test]
fn the_scheme_is_case_insensitive_in_both_event_kinds() {
    let header = format!("bearer  {TOKEN} ");
    assert!(authorizer().authorize(token_event(Some(&header))).is_ok());
    assert!(authorizer().authorize(request_event(Some(&header))).is_ok());
}

#[test]
fn events_that_are_not_authorizer_events_are_unauthorized() {
    let malformed = Err(AuthError::Unauthorized(DenyReason::MalformedEvent));
    for event in [
        json!({}),
        json!("Bearer 7f3c9a1e5b2d8046c1e9f7a3b5d20486"),
        json!({"authorizationToken": format!("Bearer {TOKEN}"), "methodArn": "arn:aws:execute-api:r:1:a/s/GET/mcp"}),
        json!({"type": "JWT", "authorizationToken": format!("Bearer {TOKEN}")}),
        json!({"type": "TOKEN", "authorizationToken": 42}),
        json!({"type": "REQUEST", "headers": {"Authorization": format!("Bearer {TOKEN}")}}),
    ] {
        assert_eq!(authorizer().authorize(event.clone()), malformed, "{event}");
    }
}

#[test]
fn a_good_token_with_an_unusable_method_arn_is_a_deployment_fault() {
    let mut event = token_event(Some(&format!("Bearer {TOKEN}")));
    event.as_object_mut().unwrap().remove("methodArn");
    assert_eq!(authorizer().authorize(event.clone()), Err(AuthError::MethodArn(ArnError::Missing)));
    event["methodArn"] = json!("arn:aws:lambda:eu-west-1:123456789012:function:mcp");
    let error = authorizer().authorize(event).unwrap_err();
    assert_eq!(Diagnostic::from(error).error_type, "InvalidMethodArn");
}

#[test]
fn a_denial_reaches_lambda_as_the_error_api_gateway_turns_into_401() {
    let error = authorizer().authorize(token_event(Some("Bearer nope"))).unwrap_err();
    let diagnostic = serde_json::to_value(Diagnostic::from(error)).unwrap();
    assert_eq!(diagnostic, json!({"errorType": "Unauthorized", "errorMessage": "Unauthorized"}));
}
