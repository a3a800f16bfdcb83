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
//! - [`damage`]: damaged copies of a message, for the parsers' robustness
//!   tests.

pub mod damage;
pub mod dynamodb_local;
pub mod lambda;

use std::path::PathBuf;

/// The workspace's root directory, found at run time.
///
/// Not `env!("CARGO_MANIFEST_DIR")`: that path is compiled in, and cargo
/// reuses this crate's build for another checkout of the same sources that
/// shares the target directory (CI's clones), where it names a directory
/// that may be gone. Cargo sets `CARGO_MANIFEST_DIR` for every test and
/// bench it runs; the root is the nearest ancestor holding `scripts/test.sh`.
pub fn workspace_root() -> PathBuf {
    let start = std::env::var_os("CARGO_MANIFEST_DIR")
        .map(PathBuf::from)
        .or_else(|| std::env::current_dir().ok())
        .expect("CARGO_MANIFEST_DIR or a current directory");
    start
        .ancestors()
        .find(|dir| dir.join("scripts/test.sh").is_file())
        .unwrap_or_else(|| panic!("no workspace root (scripts/test.sh) above {}", start.display()))
        .to_path_buf()
}
