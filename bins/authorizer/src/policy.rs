//! The Allow policy: every method of the MCP resource, on the stage that was
//! called.

use aws_lambda_events::apigw::{ApiGatewayCustomAuthorizerPolicy, ApiGatewayCustomAuthorizerResponse};
use aws_lambda_events::iam::{IamPolicyEffect, IamPolicyStatement};
use serde::{Deserialize, Serialize};

/// The API's resource path for the MCP endpoint (`/mcp` in `template.yaml`),
/// as it appears in an execute-api ARN (no leading slash).
pub const MCP_RESOURCE: &str = "mcp";

/// The response API Gateway expects from a Lambda authorizer.
pub type AuthorizerResponse = ApiGatewayCustomAuthorizerResponse<AuthContext>;

/// The `context` of an Allow response. API Gateway passes it to the MCP
/// function as `requestContext.authorizer`, beside the response's
/// `principalId` (which `mcp-lambda` reads).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuthContext {
    /// The authenticated principal: a fixed, non-secret name.
    pub principal: String,
}

/// Why a `methodArn` could not be turned into the MCP resource's ARN.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[non_exhaustive]
pub enum ArnError {
    /// The event had no `methodArn`.
    #[error("the event has no methodArn")]
    Missing,
    /// Not `arn:<partition>:execute-api:<region>:<account>:<api>/<stage>/<method>/<path>`.
    #[error("methodArn {0:?} is not an execute-api method ARN")]
    Malformed(String),
}

/// The ARN of every method of the MCP resource on the API and stage that
/// `method_arn` names:
/// `arn:aws:execute-api:eu-west-1:123456789012:abc123/Prod/POST/mcp` →
/// `arn:aws:execute-api:eu-west-1:123456789012:abc123/Prod/*/mcp`. API
/// Gateway caches the policy for the token; a policy for the called method
/// only would deny the same client's next GET or DELETE from the cache.
pub fn mcp_resource_arn(method_arn: &str) -> Result<String, ArnError> {
    let malformed = || ArnError::Malformed(method_arn.to_owned());
    let fields: Vec<&str> = method_arn.splitn(6, ':').collect();
    let [arn, partition, service, region, account, resource] = fields[..] else {
        return Err(malformed());
    };
    let mut segments = resource.split('/');
    let (Some(api), Some(stage), Some(method)) = (segments.next(), segments.next(), segments.next()) else {
        return Err(malformed());
    };
    let names = [partition, region, account, api, stage, method];
    if arn != "arn" || service != "execute-api" || names.iter().any(|n| n.is_empty() || n.contains('/')) {
        return Err(malformed());
    }
    Ok(format!("arn:{partition}:execute-api:{region}:{account}:{api}/{stage}/*/{MCP_RESOURCE}"))
}

/// An Allow response for `principal` on every method of the MCP resource
/// of the API and stage that `method_arn` names.
pub fn allow(principal: &str, method_arn: &str) -> Result<AuthorizerResponse, ArnError> {
    let mut statement = IamPolicyStatement::default();
    statement.action = vec!["execute-api:Invoke".to_owned()];
    statement.effect = IamPolicyEffect::Allow;
    statement.resource = vec![mcp_resource_arn(method_arn)?];
    let mut policy = ApiGatewayCustomAuthorizerPolicy::default();
    policy.version = Some("2012-10-17".to_owned());
    policy.statement = vec![statement];
    let mut response = AuthorizerResponse::default();
    response.principal_id = Some(principal.to_owned());
    response.policy_document = policy;
    response.context = AuthContext { principal: principal.to_owned() };
    Ok(response)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_method_and_path_become_every_method_of_the_mcp_resource() {
        let cases = [
            // The MCP endpoint itself, each method.
            ("arn:aws:execute-api:us-east-1:123456789012:abc123/Prod/POST/mcp", "abc123/Prod/*/mcp"),
            ("arn:aws:execute-api:us-east-1:123456789012:abc123/Prod/DELETE/mcp", "abc123/Prod/*/mcp"),
            ("arn:aws:execute-api:us-east-1:123456789012:abc123/Prod/GET/mcp", "abc123/Prod/*/mcp"),
            // Another stage, a deeper path, the root resource.
            ("arn:aws:execute-api:us-east-1:123456789012:abc123/v2-beta/POST/mcp/extra/path", "abc123/v2-beta/*/mcp"),
            ("arn:aws:execute-api:us-east-1:123456789012:abc123/dev/GET/", "abc123/dev/*/mcp"),
            ("arn:aws:execute-api:us-east-1:123456789012:abc123/dev/GET", "abc123/dev/*/mcp"),
            // The console's test invocation uses a wildcard stage.
            ("arn:aws:execute-api:us-west-2:123456789012:ymy8tbxw7b/*/GET/", "ymy8tbxw7b/*/*/mcp"),
        ];
        for (method_arn, resource) in cases {
            let want = format!("{}:{resource}", method_arn.rsplit_once(':').unwrap().0);
            assert_eq!(mcp_resource_arn(method_arn).unwrap(), want, "{method_arn}");
        }
    }

    #[test]
    fn the_partition_region_and_account_are_kept() {
        assert_eq!(
            mcp_resource_arn("arn:aws-cn:execute-api:cn-north-1:210987654321:q1w2e3/prod/PUT/mcp").unwrap(),
            "arn:aws-cn:execute-api:cn-north-1:210987654321:q1w2e3/prod/*/mcp"
        );
        assert_eq!(
            mcp_resource_arn("arn:aws-us-gov:execute-api:us-gov-west-1:1:api/s/POST/mcp").unwrap(),
            "arn:aws-us-gov:execute-api:us-gov-west-1:1:api/s/*/mcp"
        );
    }

    #[test]
    fn anything_but_an_execute_api_method_arn_is_refused() {
        for bad in [
            "",
            "arn:aws:execute-api:us-east-1:123456789012",
            "arn:aws:execute-api:us-east-1:123456789012:abc123",
            "arn:aws:execute-api:us-east-1:123456789012:abc123/Prod",
            "arn:aws:lambda:us-east-1:123456789012:abc123/Prod/POST/mcp",
            "urn:aws:execute-api:us-east-1:123456789012:abc123/Prod/POST/mcp",
            "arn:aws:execute-api::123456789012:abc123/Prod/POST/mcp",
            "arn:aws:execute-api:us-east-1::abc123/Prod/POST/mcp",
            "arn:aws:execute-api:us-east-1:123456789012:/Prod/POST/mcp",
            "arn:aws:execute-api:us-east-1:123456789012:abc123//POST/mcp",
            "arn:aws:execute-api:us-east-1:123456789012:abc123/Prod//mcp",
            "arn::execute-api:us-east-1:123456789012:abc123/Prod/POST/mcp",
        ] {
            assert_eq!(mcp_resource_arn(bad), Err(ArnError::Malformed(bad.to_owned())), "{bad}");
        }
    }

    #[test]
    fn an_allow_response_has_the_shape_api_gateway_reads() {
        let response = allow("mcp-client", "arn:aws:execute-api:eu-west-1:123456789012:abc123/Prod/POST/mcp").unwrap();
        let value = serde_json::to_value(&response).unwrap();
        assert_eq!(value["principalId"], "mcp-client");
        assert_eq!(
            value["policyDocument"],
            json!({
                "Version": "2012-10-17",
                "Statement": [{
                    "Action": ["execute-api:Invoke"],
                    "Effect": "Allow",
                    "Resource": ["arn:aws:execute-api:eu-west-1:123456789012:abc123/Prod/*/mcp"],
                }],
            })
        );
        assert_eq!(value["context"], json!({"principal": "mcp-client"}));
    }
}
