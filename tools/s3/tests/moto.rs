//! The S3 tools against moto's S3 server (`moto_server`, from the PyPI
//! package `moto[s3]` that scripts/setup-python.sh installs into .venv; set
//! `MOTO_SERVER` to use another). Each test starts its own server on a free
//! loopback port and kills it by PID when done.

// aws-config's names for aws-runtime's `EnvConfigFiles`, kept to avoid a dependency on aws-runtime.
#[allow(deprecated)]
use aws_config::profile::profile_file::{ProfileFileKind, ProfileFiles};
use aws_config::profile::ProfileFileCredentialsProvider;
use aws_sdk_s3::config::{Credentials, Region};
use aws_sdk_s3::types::{BucketLocationConstraint, CreateBucketConfiguration};
use lambda_mcp_core::jsonrpc::RequestId;
use lambda_mcp_core::{Arguments, CallToolResult, ProtocolVersion, Tool, ToolContext, ToolSet};
use lambda_mcp_tool_s3::{BucketInfo, S3Buckets};
use serde_json::{json, Value};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

const REGION: &str = "us-east-1";

/// This package's directory, from cargo at run time (a compiled-in path would
/// name whichever checkout first built this test).
fn manifest_dir() -> PathBuf {
    PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").expect("run by cargo"))
}

/// `moto_server`: `$MOTO_SERVER`, else the workspace's `.venv`.
fn moto_server() -> PathBuf {
    let path = std::env::var_os("MOTO_SERVER")
        .map(PathBuf::from)
        .unwrap_or_else(|| manifest_dir().join("../../.venv/bin/moto_server"));
    assert!(path.is_file(), "{} is missing: run scripts/setup-python.sh (or set MOTO_SERVER)", path.display());
    path
}

/// The Python that runs `moto_server` (its `#!` line).
fn moto_python() -> PathBuf {
    let script = std::fs::read_to_string(moto_server()).expect("moto_server is readable");
    let shebang = script.lines().next().and_then(|l| l.strip_prefix("#!")).expect("moto_server starts with #!");
    PathBuf::from(shebang.trim())
}

/// Which server to run.
enum Flavour {
    /// `moto_server` as installed.
    Plain,
    /// moto with ListBuckets paging as S3 does (tests/moto_paging.py).
    Paging,
}

/// A running moto server; killed by PID when dropped.
struct Moto {
    child: Child,
    url: String,
    log: PathBuf,
}

impl Moto {
    async fn start(flavour: Flavour, env: &[(&str, &str)]) -> Moto {
        for _ in 0..3 {
            let port = free_port();
            let log = std::env::temp_dir().join(format!("moto-{}-{port}.log", std::process::id()));
            let mut command = match flavour {
                Flavour::Plain => Command::new(moto_server()),
                Flavour::Paging => {
                    let mut c = Command::new(moto_python());
                    c.arg(manifest_dir().join("tests/moto_paging.py"));
                    c
                }
            };
            let child = command
                .args(["-H", "127.0.0.1", "-p", &port.to_string()])
                .envs(env.iter().copied())
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(std::fs::File::create(&log).unwrap())
                .spawn()
                .expect("moto_server starts");
            let mut moto = Moto { child, url: format!("http://127.0.0.1:{port}"), log };
            if moto.wait_ready(port).await {
                return moto;
            }
        }
        panic!("moto_server did not start on three ports in a row");
    }

    /// Waits (at most 30 s) until the port accepts connections; false if
    /// the process exited first (the port was taken).
    async fn wait_ready(&mut self, port: u16) -> bool {
        let deadline = Instant::now() + Duration::from_secs(30);
        while Instant::now() < deadline {
            if self.child.try_wait().unwrap().is_some() {
                return false;
            }
            if tokio::net::TcpStream::connect(("127.0.0.1", port)).await.is_ok() {
                return true;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("moto_server did not listen within 30 s: {}", std::fs::read_to_string(&self.log).unwrap_or_default());
    }

    /// The ListBuckets requests moto logged (`GET /?…`).
    fn list_requests(&self) -> Vec<String> {
        let log = std::fs::read_to_string(&self.log).unwrap();
        log.lines().filter(|l| l.contains("\"GET /?") || l.contains("\"GET / ")).map(str::to_owned).collect()
    }

    /// The tools, as a bin would build them for this endpoint.
    fn tools(&self) -> S3Buckets {
        S3Buckets::at_endpoint(&self.url, REGION, "test", "test")
    }

    /// A client for setting up buckets.
    fn admin(&self) -> aws_sdk_s3::Client {
        let config = S3Buckets::config_builder()
            .endpoint_url(&self.url)
            .region(Region::new(REGION))
            .credentials_provider(Credentials::new("test", "test", None, None, "test"))
            .force_path_style(true)
            .build();
        aws_sdk_s3::Client::from_conf(config)
    }

    async fn create_buckets(&self, names: &[&str]) {
        let admin = self.admin();
        for name in names {
            let mut request = admin.create_bucket().bucket(*name);
            if name.starts_with("eu-") {
                let location =
                    CreateBucketConfiguration::builder().location_constraint(BucketLocationConstraint::EuWest1).build();
                request = request.create_bucket_configuration(location);
            }
            request.send().await.unwrap_or_else(|e| panic!("create {name}: {e:?}"));
        }
    }
}

impl Drop for Moto {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_file(&self.log);
    }
}

/// A port nothing listens on (the OS picked it; it is closed again).
fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// Calls the tool `name` of `tools` as the router would.
async fn call(tools: S3Buckets, name: &str, args: Value) -> (CallToolResult, Arc<dyn Tool>) {
    let tool = tools.into_tool_set().into_iter().find(|t| t.info().name == name).expect("the tool exists");
    let ctx = ToolContext::builder(RequestId::Number(1), ProtocolVersion::V2025_11_25, Instant::now()).build();
    let result = match tool.call(Arguments::new(args.as_object().unwrap().clone()), &ctx).await {
        Ok(result) => result,
        Err(err) => err.into_result(),
    };
    (result, tool)
}

fn text(result: &CallToolResult) -> String {
    serde_json::to_value(&result.content[0]).unwrap()["text"].as_str().unwrap().to_owned()
}

fn names(buckets: &[BucketInfo]) -> Vec<&str> {
    buckets.iter().map(|b| b.name.as_str()).collect()
}

fn assert_rfc3339_utc(date: &Option<String>) {
    let date = date.as_deref().expect("a creation date");
    assert!(date.ends_with('Z') && date.as_bytes()[10] == b'T', "{date}");
}

#[tokio::test]
async fn an_account_without_buckets() {
    let moto = Moto::start(Flavour::Plain, &[]).await;
    let (count, _) = call(moto.tools(), "count_s3_buckets", json!({})).await;
    assert!(!count.failed(), "{count:?}");
    assert_eq!(text(&count), "0");
    let (list, tool) = call(moto.tools(), "list_s3_buckets", json!({})).await;
    assert_eq!(list.structured_content, Some(json!({"count": 0, "buckets": []})));
    assert_matches_output_schema(&*tool, list.structured_content.as_ref().unwrap());
}

#[tokio::test]
async fn three_buckets_with_names_dates_and_a_prefix() {
    let moto = Moto::start(Flavour::Plain, &[]).await;
    moto.create_buckets(&["alpha-logs", "beta-data", "eu-archive"]).await;

    let (count, tool) = call(moto.tools(), "count_s3_buckets", json!({})).await;
    assert_eq!(text(&count), "3", "{count:?}");
    let annotations = tool.info().annotations.unwrap();
    assert_eq!((annotations.read_only_hint, annotations.open_world_hint), (Some(true), Some(false)));

    let buckets = moto.tools().buckets(None).await.unwrap();
    assert_eq!(names(&buckets), ["alpha-logs", "beta-data", "eu-archive"]);
    buckets.iter().for_each(|b| assert_rfc3339_utc(&b.creation_date));
    // moto's ListBuckets leaves BucketRegion out: no guess, no extra call.
    assert!(buckets.iter().all(|b| b.region.is_none()));

    let (list, tool) = call(moto.tools(), "list_s3_buckets", json!({"prefix": "beta"})).await;
    let structured = list.structured_content.clone().unwrap();
    assert_matches_output_schema(&*tool, &structured);
    assert_eq!(structured["count"], 1);
    assert_eq!(structured["buckets"][0]["name"], "beta-data");
    assert_eq!(structured["buckets"][0]["region"], Value::Null);
    assert!(text(&list).contains("\"beta-data\""), "{}", text(&list));
    assert!(moto.list_requests().iter().any(|l| l.contains("prefix=beta")), "the prefix is sent to S3");
}

#[tokio::test]
async fn more_buckets_than_one_page_are_all_counted() {
    let moto = Moto::start(Flavour::Paging, &[]).await;
    moto.create_buckets(&["bucket-0", "bucket-1", "bucket-2", "bucket-3", "eu-bucket"]).await;

    let (count, _) = call(moto.tools().with_page_size(2), "count_s3_buckets", json!({})).await;
    assert_eq!(text(&count), "5", "{count:?}");
    let requests = moto.list_requests();
    assert_eq!(requests.len(), 3, "three pages of two: {requests:#?}");
    assert_eq!(requests.iter().filter(|l| l.contains("continuation-token=")).count(), 2, "{requests:#?}");

    let buckets = moto.tools().with_page_size(2).buckets(Some("bucket-")).await.unwrap();
    assert_eq!(names(&buckets), ["bucket-0", "bucket-1", "bucket-2", "bucket-3"]);
    assert!(buckets.iter().all(|b| b.region.as_deref() == Some("us-east-1")));

    let (list, _) = call(moto.tools().with_page_size(2), "list_s3_buckets", json!({"prefix": "eu-"})).await;
    let structured = list.structured_content.unwrap();
    assert_eq!(structured["buckets"][0]["region"], "eu-west-1", "BucketRegion is reported when S3 sends it");
}

#[tokio::test]
async fn a_closed_port_fails_fast_with_a_clear_error() {
    let url = format!("http://127.0.0.1:{}", free_port());
    let started = Instant::now();
    let (result, _) = call(S3Buckets::at_endpoint(&url, REGION, "test", "test"), "count_s3_buckets", json!({})).await;
    let elapsed = started.elapsed();
    assert!(result.failed());
    let message = text(&result);
    assert!(message.starts_with(&format!("could not reach S3 at {url} (after 3 attempts): ")), "{message}");
    assert!(message.contains("Connection refused"), "{message}");
    assert!(elapsed < Duration::from_secs(5), "took {elapsed:?}");
}

#[tokio::test]
async fn rejected_credentials_carry_the_aws_error_code() {
    // With moto's authentication on, unknown keys are refused; the first two
    // requests (creating a user without permissions) pass unauthenticated.
    let moto = Moto::start(Flavour::Plain, &[("INITIAL_NO_AUTH_ACTION_COUNT", "2")]).await;
    let (key_id, secret) = create_user_without_permissions(&moto.url);

    let (result, _) = call(moto.tools(), "count_s3_buckets", json!({})).await;
    assert_eq!(
        text(&result),
        "S3 ListBuckets failed with InvalidAccessKeyId (HTTP 403): The AWS Access Key Id you provided does not \
         exist in our records. (the AWS credentials are invalid or expired)"
    );

    let tools = S3Buckets::at_endpoint(&moto.url, REGION, &key_id, &secret);
    let (result, _) = call(tools, "list_s3_buckets", json!({})).await;
    assert!(result.failed());
    assert_eq!(
        text(&result),
        "S3 ListBuckets failed with AccessDenied (HTTP 403): Access Denied (the credentials in use lack the \
         s3:ListAllMyBuckets permission)"
    );
}

#[tokio::test]
#[allow(deprecated)]
async fn missing_credentials_are_named() {
    // The profile provider of the standard chain, with nothing to find.
    let empty = std::env::temp_dir().join(format!("empty-aws-profile-{}", std::process::id()));
    std::fs::write(&empty, "").unwrap();
    let files = ProfileFiles::builder()
        .with_file(ProfileFileKind::Config, &empty)
        .with_file(ProfileFileKind::Credentials, &empty)
        .build();
    let provider = ProfileFileCredentialsProvider::builder().profile_files(files).profile_name("nobody").build();
    let url = format!("http://127.0.0.1:{}", free_port());
    let config = S3Buckets::config_builder()
        .endpoint_url(&url)
        .region(Region::new(REGION))
        .credentials_provider(provider)
        .build();
    let tools = S3Buckets::new(aws_sdk_s3::Client::from_conf(config));
    let (result, _) = call(tools, "count_s3_buckets", json!({})).await;
    std::fs::remove_file(&empty).unwrap();
    let message = text(&result);
    assert!(message.starts_with("no AWS credentials found: set AWS_ACCESS_KEY_ID"), "{message}");
    assert!(message.contains("the credential provider was not enabled"), "{message}");

    // The same client, unreachable: the message names what it can.
    let tools = S3Buckets::new(aws_sdk_s3::Client::from_conf(
        S3Buckets::config_builder()
            .endpoint_url(&url)
            .region(Region::new(REGION))
            .credentials_provider(Credentials::new("test", "test", None, None, "test"))
            .build(),
    ));
    let (result, _) = call(tools, "count_s3_buckets", json!({})).await;
    assert!(text(&result).starts_with("could not reach S3 at the client's endpoint (region us-east-1)"));
}

/// Creates an IAM user with an access key and no policy through moto's IAM
/// API, with boto3 from moto's own environment.
fn create_user_without_permissions(url: &str) -> (String, String) {
    let script = format!(
        "import boto3\n\
         iam = boto3.client('iam', endpoint_url='{url}', region_name='{REGION}', \
         aws_access_key_id='test', aws_secret_access_key='test')\n\
         iam.create_user(UserName='no-permissions')\n\
         key = iam.create_access_key(UserName='no-permissions')['AccessKey']\n\
         print(key['AccessKeyId'], key['SecretAccessKey'])\n"
    );
    let output = Command::new(moto_python()).args(["-c", &script]).output().expect("python runs");
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let stdout = String::from_utf8(output.stdout).unwrap();
    let (id, secret) = stdout.trim().split_once(' ').expect("an access key id and a secret");
    (id.to_owned(), secret.to_owned())
}

fn assert_matches_output_schema(tool: &dyn Tool, value: &Value) {
    let schema = Value::Object(tool.info().output_schema.expect("an outputSchema"));
    let validator = jsonschema::validator_for(&schema).expect("a valid schema");
    let errors: Vec<String> = validator.iter_errors(value).map(|e| e.to_string()).collect();
    assert!(errors.is_empty(), "structuredContent does not match the outputSchema: {errors:?}\n{value:#}");
}
