//! The Bedrock side: configuration from the AWS chain, one `Converse` call
//! with backoff on throttling, and errors that say what to do.

use aws_config::BehaviorVersion;
use aws_sdk_bedrockruntime::config::timeout::TimeoutConfig;
use aws_sdk_bedrockruntime::config::{ProvideCredentials, Region};
use aws_sdk_bedrockruntime::error::{ProvideErrorMetadata, SdkError};
use aws_sdk_bedrockruntime::operation::converse::{ConverseError, ConverseOutput};
use aws_sdk_bedrockruntime::types::{InferenceConfiguration, Message, SystemContentBlock, ToolConfiguration};
use std::time::Duration;

/// Attempts of one Converse call when Bedrock throttles or is busy.
const ATTEMPTS: u32 = 5;
/// The first backoff; it doubles on each retry.
const FIRST_BACKOFF: Duration = Duration::from_secs(1);
/// How long connecting to Bedrock may take.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// How long one Converse call may take.
const ATTEMPT_TIMEOUT: Duration = Duration::from_secs(300);

/// A Bedrock failure, phrased for the person at the terminal.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub(crate) enum BedrockError {
    /// No model was named.
    #[error("no Bedrock model: pass --model or set BEDROCK_MODEL_ID (a model or inference profile id your account can use, e.g. us.anthropic.claude-3-5-haiku-20241022-v1:0)")]
    NoModel,
    /// No region in the AWS configuration chain.
    #[error("no AWS region: set AWS_REGION (or a region in your AWS profile), or pass --region")]
    NoRegion,
    /// No credentials in the AWS configuration chain.
    #[error("no AWS credentials found: set AWS_PROFILE (after `aws configure` or `aws sso login`) or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY ({0})")]
    NoCredentials(String),
    /// The caller may not use the model.
    #[error("Bedrock denied access to model {model} in {region}: {message}. Enable the model under \"Model access\" in the Bedrock console for that region, and check that your IAM identity may call bedrock:InvokeModel")]
    AccessDenied {
        /// The model.
        model: String,
        /// The region.
        region: String,
        /// Bedrock's message.
        message: String,
    },
    /// Still throttled after every retry.
    #[error("Bedrock is throttling requests ({message}); gave up after {attempts} attempts with backoff. Wait a minute or ask for a higher quota")]
    Throttled {
        /// Bedrock's message.
        message: String,
        /// How many attempts were made.
        attempts: u32,
    },
    /// Any other refusal by the service.
    #[error("Bedrock refused the request ({code}): {message}")]
    Service {
        /// The error code (`ValidationException`, …).
        code: String,
        /// Bedrock's message.
        message: String,
    },
    /// The request never got an answer.
    #[error("cannot reach Bedrock: {0}")]
    Unreachable(String),
}

/// A Converse client for one model.
pub(crate) struct Bedrock {
    client: aws_sdk_bedrockruntime::Client,
    model: String,
    region: String,
    max_tokens: Option<i32>,
    system: Option<String>,
}

/// What the agent needs to reach Bedrock.
pub(crate) struct BedrockOptions {
    pub(crate) model: Option<String>,
    pub(crate) region: Option<String>,
    pub(crate) max_tokens: Option<i32>,
    pub(crate) system: Option<String>,
}

impl Bedrock {
    /// Loads the AWS configuration (region, credentials, and endpoint
    /// overrides such as `AWS_ENDPOINT_URL_BEDROCK_RUNTIME`) and checks that
    /// credentials can be found before the first call.
    pub(crate) async fn connect(options: BedrockOptions) -> Result<Bedrock, BedrockError> {
        let model = options.model.filter(|m| !m.trim().is_empty()).ok_or(BedrockError::NoModel)?;
        let mut loader = aws_config::defaults(BehaviorVersion::latest());
        if let Some(region) = options.region {
            loader = loader.region(Region::new(region));
        }
        let config = loader.load().await;
        let region = config.region().ok_or(BedrockError::NoRegion)?.to_string();
        let credentials = config.credentials_provider().ok_or_else(|| BedrockError::NoCredentials("none".into()))?;
        credentials.provide_credentials().await.map_err(|e| BedrockError::NoCredentials(error_chain(&e)))?;
        // Retries are ours, so throttling is reported as it happens; one
        // attempt may take long (a model writing a long answer), not forever.
        let timeouts =
            TimeoutConfig::builder().connect_timeout(CONNECT_TIMEOUT).operation_attempt_timeout(ATTEMPT_TIMEOUT);
        let conf = aws_sdk_bedrockruntime::config::Builder::from(&config)
            .retry_config(aws_sdk_bedrockruntime::config::retry::RetryConfig::disabled())
            .timeout_config(timeouts.build())
            .build();
        Ok(Bedrock {
            client: aws_sdk_bedrockruntime::Client::from_conf(conf),
            model,
            region,
            max_tokens: options.max_tokens,
            system: options.system,
        })
    }

    /// The model id.
    pub(crate) fn model(&self) -> &str {
        &self.model
    }

    /// One Converse call; throttling and a busy service are retried with
    /// exponential backoff.
    pub(crate) async fn converse(
        &self,
        messages: &[Message],
        tools: Option<ToolConfiguration>,
    ) -> Result<ConverseOutput, BedrockError> {
        let mut backoff = FIRST_BACKOFF;
        for attempt in 1..=ATTEMPTS {
            let mut call = self
                .client
                .converse()
                .model_id(&self.model)
                .set_messages(Some(messages.to_vec()))
                .set_tool_config(tools.clone());
            if let Some(max_tokens) = self.max_tokens {
                call = call.inference_config(InferenceConfiguration::builder().max_tokens(max_tokens).build());
            }
            if let Some(system) = &self.system {
                call = call.system(SystemContentBlock::Text(system.clone()));
            }
            let error = match call.send().await {
                Ok(output) => return Ok(output),
                Err(error) => self.classify(error),
            };
            match error {
                Failure::Retry(message) if attempt < ATTEMPTS => {
                    eprintln!(
                        "bedrock: {message}; retrying in {:.0} s (attempt {}/{ATTEMPTS})",
                        backoff.as_secs_f64(),
                        attempt + 1
                    );
                    tokio::time::sleep(backoff).await;
                    backoff *= 2;
                }
                Failure::Retry(message) => return Err(BedrockError::Throttled { message, attempts: ATTEMPTS }),
                Failure::Final(error) => return Err(error),
            }
        }
        unreachable!("the last attempt returns")
    }

    fn classify(&self, error: SdkError<ConverseError>) -> Failure {
        let SdkError::ServiceError(service) = &error else {
            return Failure::Final(BedrockError::Unreachable(error_chain(&error)));
        };
        let err = service.err();
        let code = err.code().unwrap_or("Unknown").to_owned();
        let message = err.message().unwrap_or("no message").to_owned();
        let status = service.raw().status().as_u16();
        match code.as_str() {
            "AccessDeniedException" => Failure::Final(BedrockError::AccessDenied {
                model: self.model.clone(),
                region: self.region.clone(),
                message,
            }),
            "ThrottlingException" | "ServiceUnavailableException" | "ModelNotReadyException" => {
                Failure::Retry(format!("{code}: {message}"))
            }
            _ if status == 429 || status == 503 => Failure::Retry(format!("HTTP {status}: {message}")),
            _ => Failure::Final(BedrockError::Service { code, message }),
        }
    }
}

enum Failure {
    Retry(String),
    Final(BedrockError),
}

/// An error and its sources on one line (the SDK's top-level messages are
/// terse, e.g. "dispatch failure").
fn error_chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}
