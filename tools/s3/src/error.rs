//! Why an S3 call failed, with the AWS error code when S3 gave one.

use aws_credential_types::provider::error::CredentialsError;
use aws_sdk_s3::config::http::HttpResponse;
use aws_sdk_s3::error::{DisplayErrorContext, ProvideErrorMetadata, SdkError};
use std::error::Error as StdError;

/// Why listing buckets failed. Every variant becomes an `isError` result.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum S3Error {
    /// No usable credentials in the chain (environment, profile, web
    /// identity, container, instance metadata), or a provider failed.
    #[error(
        "no AWS credentials found: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, choose a profile with \
         AWS_PROFILE, or run with an IAM role ({0})"
    )]
    NoCredentials(String),
    /// No region configured, so no endpoint.
    #[error("no AWS region configured: set AWS_REGION ({0})")]
    NoRegion(String),
    /// S3 answered with an error: its code, HTTP status and message.
    #[error("S3 {operation} failed with {code} (HTTP {status}): {message}{}", hint(code))]
    Service {
        /// The operation, e.g. `ListBuckets`.
        operation: &'static str,
        /// The AWS error code, e.g. `AccessDenied`.
        code: String,
        /// The HTTP status.
        status: u16,
        /// S3's message.
        message: String,
    },
    /// No connection to the endpoint, after every attempt.
    #[error("could not reach S3 at {endpoint} (after {attempts} attempts): {cause}")]
    Unreachable {
        /// The endpoint, or the region's default.
        endpoint: String,
        /// The innermost cause, e.g. "Connection refused (os error 111)".
        cause: String,
        /// How many attempts were made.
        attempts: u32,
    },
    /// An attempt or the whole operation ran out of time.
    #[error("S3 did not answer in time ({0})")]
    Timeout(String),
    /// Anything else the SDK reports (a response it could not parse, …).
    #[error("S3 {operation} failed: {message}")]
    Other {
        /// The operation.
        operation: &'static str,
        /// The SDK's full error chain.
        message: String,
    },
}

/// What to do about well-known codes.
fn hint(code: &str) -> &'static str {
    match code {
        "AccessDenied" | "AllAccessDisabled" => " (the credentials in use lack the s3:ListAllMyBuckets permission)",
        "InvalidAccessKeyId" | "SignatureDoesNotMatch" | "InvalidToken" | "ExpiredToken" | "TokenRefreshRequired" => {
            " (the AWS credentials are invalid or expired)"
        }
        _ => "",
    }
}

impl S3Error {
    /// Classifies an SDK error. `endpoint` names where the call went.
    pub(crate) fn from_sdk<E>(operation: &'static str, endpoint: String, err: SdkError<E, HttpResponse>) -> Self
    where
        E: ProvideErrorMetadata + StdError + Send + Sync + 'static,
    {
        let chain = DisplayErrorContext(&err).to_string();
        match &err {
            SdkError::ServiceError(service) => S3Error::Service {
                operation,
                code: err.code().unwrap_or("Unknown").to_owned(),
                status: service.raw().status().as_u16(),
                message: err.message().unwrap_or("no message").to_owned(),
            },
            SdkError::TimeoutError(_) => S3Error::Timeout(chain),
            SdkError::DispatchFailure(failure) if failure.is_timeout() => S3Error::Timeout(chain),
            SdkError::DispatchFailure(failure) if failure.is_io() => {
                S3Error::Unreachable { endpoint, cause: innermost(&err), attempts: crate::client::MAX_ATTEMPTS }
            }
            _ if credentials_error(&err).is_some() => {
                let cause = credentials_error(&err).map(|e| DisplayErrorContext(e).to_string()).unwrap_or_default();
                S3Error::NoCredentials(cause)
            }
            _ if chain.contains("region") && chain.contains("must be set") => S3Error::NoRegion(innermost(&err)),
            _ => S3Error::Other { operation, message: chain },
        }
    }
}

/// The credential provider's failure, if that is why the call failed.
fn credentials_error<'a>(err: &'a (dyn StdError + 'static)) -> Option<&'a CredentialsError> {
    let mut cause = Some(err);
    while let Some(current) = cause {
        if let Some(found) = current.downcast_ref::<CredentialsError>() {
            return Some(found);
        }
        cause = current.source();
    }
    None
}

/// The innermost cause, e.g. "Connection refused (os error 111)".
fn innermost(err: &(dyn StdError + 'static)) -> String {
    let mut cause = err;
    while let Some(next) = cause.source() {
        cause = next;
    }
    cause.to_string()
}
