//! # lambda-mcp-test-support
//!
//! The real stand-ins the project's tests and benchmarks run against, started
//! on loopback ports and stopped by PID:
//!
//! - [`lambda`]: a Lambda Runtime API emulator that runs a real `bootstrap`
//!   binary ([`lambda::Function`]), API Gateway REST (v1), HTTP API (v2) and
//!   Function URL events built from recorded ones ([`lambda::HttpEvent`]),
//!   and the bridge behind the `lambda-bridge` binary, which serves a
//!   bootstrap over plain HTTP (for the conformance suite and real clients).
//! - [`dynamodb_local`]: AWS's DynamoDB Local (installed by
//!   `scripts/dynamodb-local.sh`).

pub mod dynamodb_local;
pub mod lambda;
